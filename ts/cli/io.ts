/**
 * The streams a command writes to (injectable, so commands can run in-process
 * in tests) and the package version.
 */
import { readFileSync } from 'node:fs';
import type { BarStream } from './progress.js';

/** Output streams of a command: stdout for results, stderr for progress, warnings and errors. */
export interface Io {
  stdout: { write(s: string): unknown };
  stderr: BarStream;
}

let version: string | undefined;

/** The "version" of the package.json two levels above this file (dist/cli/ or ts/cli/). */
export function packageVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
      version = pkg.version ?? 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
