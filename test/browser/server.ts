/**
 * A tiny static file server for the browser smoke test: node:http only,
 * 127.0.0.1 on an ephemeral port, GET/HEAD of regular files under one root,
 * with the MIME types a browser needs to run ES modules and stream-compile
 * WebAssembly (instantiateStreaming rejects anything but application/wasm).
 * Paths that resolve outside the root (.., encoded .., symlinks) get 403.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realpath, stat, readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticServer {
  /** Origin without a trailing slash, e.g. http://127.0.0.1:41234 */
  readonly origin: string;
  /** Every request seen, as "STATUS METHOD /path", for failure messages. */
  readonly log: string[];
  close(): Promise<void>;
}

function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Serve `root` (a directory) on 127.0.0.1 with an ephemeral port. */
export async function startStaticServer(root: string): Promise<StaticServer> {
  const realRoot = await realpath(resolve(root));
  const log: string[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const send = (status: number, body: string): number => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return status;
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');

    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    if (pathname.includes('\0')) return send(400, 'bad request\n');

    // Lexical check first ('..' segments), then the real path (symlinks).
    const lexical = resolve(realRoot, '.' + (pathname.startsWith('/') ? pathname : '/' + pathname));
    if (!isInside(realRoot, lexical)) return send(403, 'forbidden\n');
    let file: string;
    try {
      file = await realpath(lexical);
    } catch {
      return send(404, 'not found\n');
    }
    if (!isInside(realRoot, file)) return send(403, 'forbidden\n');
    const info = await stat(file).catch(() => null);
    if (info === null || !info.isFile()) return send(404, 'not found\n');

    const body = await readFile(file);
    res.writeHead(200, {
      'content-type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return 200;
  }

  const server = createServer((req, res) => {
    handle(req, res).then(
      (status) => log.push(`${status} ${req.method} ${req.url}`),
      (err: unknown) => {
        log.push(`500 ${req.method} ${req.url} ${String(err)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('internal error\n');
      },
    );
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', fail);
      ok();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((ok, fail) => {
        server.closeAllConnections();
        server.close((err) => (err ? fail(err) : ok()));
      }),
  };
}
