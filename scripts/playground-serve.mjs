/**
 * Build playground/ with Vite and serve playground/dist on 127.0.0.1 (an
 * ephemeral port): the shared first step of the playground benchmark
 * (bench/playground.bench.mjs) and the README picture
 * (scripts/playground-screenshot.mjs). Local tooling only; the browser tests
 * use test/browser/server.ts, which also refuses symlinks out of the root.
 */
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const APP = fileURLToPath(new URL('../playground/', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'application/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

/** Build the playground, then serve its dist/; resolves { origin, close() }. */
export async function buildAndServePlayground() {
  const vite = await import('vite');
  await vite.build({ root: APP, configFile: join(APP, 'vite.config.ts'), logLevel: 'warn' });
  const dist = join(APP, 'dist');
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dist, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}
