#!/usr/bin/env node
/**
 * The `attention-dynamics` command (package.json "bin"). All logic is in
 * ./app.ts so it can also run in-process.
 */
import { main } from './app.js';

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
// No top-level await (none anywhere in dist/, issue 10); a rejection still ends the process with code 1.
void main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
});
