/**
 * Browser smoke test: Debian's Chromium (driven by playwright-core) loads the
 * BUILT package from dist/ as plain ES modules (no bundler, no import map) over
 * a tiny static server, runs 10 localmax steps on the wasm and the js backend,
 * and this test checks that they agree, that WebAssembly SIMD validates in the
 * page, that nothing was logged as an error, and that only dist/ and pkg/ were
 * fetched (no node_modules: issue 10). See DESIGN.md, "Browser checks".
 * test/package/package.test.ts does the same with the packed, installed package.
 *
 * Needs `npm run build` first (dist/index.js and pkg/kernel.wasm); skipped only
 * when /usr/bin/chromium does not exist.
 */
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from './server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const BUILD_OUTPUTS = ['dist/index.js', 'pkg/kernel.wasm'];

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What test/browser/page.js leaves in window.__smoke. */
interface SmokeResult {
  userAgent?: string;
  simdValidate?: boolean;
  n?: number;
  d?: number;
  steps?: number;
  error: string | null;
  start?: number[];
  wasm?: { positions: number[]; t: number };
  js?: { positions: number[]; t: number };
  hullWasm?: number[];
  hullJs?: number[];
}

/** GET/HEAD with the path sent verbatim (fetch would normalise '..' away). */
function rawGet(origin: string, path: string): Promise<{ status: number; type: string | undefined; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((ok, fail) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('test/browser static server', () => {
  let server: StaticServer | undefined;
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ad-static-'));
    const root = join(dir, 'root');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'a.js'), 'export const a = 1;\n');
    writeFileSync(join(root, 'index.html'), '<!doctype html>\n');
    writeFileSync(join(root, 'sub', 'k.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    writeFileSync(join(dir, 'secret.txt'), 'outside the root\n');
    symlinkSync(join(dir, 'secret.txt'), join(root, 'escape.txt'));
    server = await startStaticServer(root);
  });

  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves files with browser MIME types on 127.0.0.1', async () => {
    const s = server!;
    expect(s.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const js = await rawGet(s.origin, '/a.js');
    expect(js.status).toBe(200);
    expect(js.type).toMatch(/^application\/javascript/);
    expect(js.body).toContain('export const a');
    expect((await rawGet(s.origin, '/index.html')).type).toMatch(/^text\/html/);
    const wasm = await rawGet(s.origin, '/sub/k.wasm');
    expect(wasm.status).toBe(200);
    expect(wasm.type).toBe('application/wasm');
    expect((await rawGet(s.origin, '/missing.js')).status).toBe(404);
    expect((await rawGet(s.origin, '/sub')).status).toBe(404);
  });

  it('refuses paths outside the root', async () => {
    const s = server!;
    for (const path of ['/../secret.txt', '/sub/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/escape.txt']) {
      // '..' is normalised away by URL parsing (→ 404 inside the root); what
      // still resolves outside (encoded separators, symlinks) is 403.
      const r = await rawGet(s.origin, path);
      expect([403, 404], `${path} → ${r.status}`).toContain(r.status);
      expect(r.body, path).not.toContain('outside the root');
    }
    expect((await rawGet(s.origin, '/escape.txt')).status).toBe(403);
  });
});

describe.skipIf(!HAVE_CHROMIUM)(
  HAVE_CHROMIUM ? 'browser smoke (Chromium)' : `browser smoke (skipped: ${CHROMIUM} does not exist)`,
  () => {
    let server: StaticServer | undefined;
    let browser: Browser | undefined;

    beforeAll(async () => {
      server = await startStaticServer(ROOT);
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, timeout: 20_000 });
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('loads the built package without a bundler; wasm and js backends agree', { timeout: 30_000 }, async () => {
      const missing = BUILD_OUTPUTS.filter((f) => !existsSync(join(ROOT, f)));
      if (missing.length > 0) {
        throw new Error(`missing build output ${missing.join(', ')}: run \`npm run build\` first (the README test command builds first)`);
      }

      const problems: string[] = [];
      const context = await browser!.newContext();
      try {
        const page = await context.newPage();
        page.on('pageerror', (e) => problems.push(`pageerror: ${e.stack ?? e.message}`));
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(`console.error: ${m.text()} (${m.location().url}:${m.location().lineNumber})`);
        });
        page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
        page.on('response', (r) => {
          if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
        });

        await page.goto(`${server!.origin}/test/browser/page.html`, { waitUntil: 'load', timeout: 15_000 });
        await page.waitForFunction(() => '__smoke' in window, undefined, { timeout: 15_000 });
        const result = await page.evaluate(() => (window as unknown as { __smoke: Promise<SmokeResult> }).__smoke);

        const diag = () =>
          [
            `userAgent: ${result.userAgent ?? '?'}`,
            `WebAssembly.validate(SIMD probe): ${String(result.simdValidate)}`,
            `page/console errors:${problems.length ? '\n  ' + problems.join('\n  ') : ' none'}`,
            `server non-200: ${server!.log.filter((l) => !l.startsWith('200')).join(', ') || 'none'}`,
          ].join('\n');

        console.info(`[browser smoke] ${result.userAgent ?? '?'}; WebAssembly SIMD validates: ${String(result.simdValidate)}`);

        expect(result.error, `the page reported an error:\n${result.error}\n${diag()}`).toBeNull();
        expect(problems, `errors in the page:\n${diag()}`).toEqual([]);
        expect(result.simdValidate, `WebAssembly.validate on a v128 module is not true in the page\n${diag()}`).toBe(true);
        // The wasm backend really fetched the kernel over HTTP (no silent fallback to js).
        expect(server!.log, `pkg/kernel.wasm was not fetched by the page\n${diag()}`).toContain('200 GET /pkg/kernel.wasm');
        // No import map and no bare import: the page fetched its own files, dist/ and the kernel, nothing else (issue 10).
        const outside = server!.log.filter((l) => !/^200 GET \/(test\/browser\/page\.(html|js)|dist\/[\w/.-]+\.js|pkg\/kernel\.wasm)$/.test(l));
        expect(outside, `requests outside test/browser/, dist/ and pkg/ (an import map or a bare import?)\n${diag()}`).toEqual([]);

        const { n = 0, d = 0, steps = 0 } = result;
        const start = result.start ?? [];
        const wasm = result.wasm?.positions ?? [];
        const js = result.js?.positions ?? [];
        // hullVertices ran in the page on both results and agrees
        expect(result.hullWasm?.length ?? 0, diag()).toBeGreaterThan(2);
        expect(result.hullWasm, diag()).toEqual(result.hullJs);
        expect(result.wasm?.t, diag()).toBe(steps);
        expect(result.js?.t, diag()).toBe(steps);
        expect(start.length).toBe(n * d);
        expect(wasm.length, diag()).toBe(n * d);
        expect(js.length, diag()).toBe(n * d);

        let worst = 0;
        let worstAt = -1;
        let maxMove = 0;
        let moved = 0;
        for (let i = 0; i < n * d; i++) {
          const w = wasm[i]!;
          const j = js[i]!;
          expect(Number.isFinite(w) && Number.isFinite(j), `non-finite at ${i}: wasm ${w}, js ${j}`).toBe(true);
          const err = Math.abs(w - j) / Math.max(1, Math.abs(j));
          if (err > worst) [worst, worstAt] = [err, i];
        }
        for (let i = 0; i < n; i++) {
          let m = 0;
          for (let k = 0; k < d; k++) m = Math.max(m, Math.abs(wasm[i * d + k]! - start[i * d + k]!));
          if (m > 1e-9) moved++;
          maxMove = Math.max(maxMove, m);
        }
        expect(
          worst,
          `wasm and js differ beyond 1e-12 (relative, scaled by max(1,|x|)): worst ${worst} at index ${worstAt}` +
            ` (wasm ${wasm[worstAt]}, js ${js[worstAt]})\n${diag()}`,
        ).toBeLessThanOrEqual(1e-12);
        expect(maxMove, `no token moved in ${steps} steps: the simulation did not run\n${diag()}`).toBeGreaterThan(1e-3);
        console.info(`[browser smoke] n=${n} d=${d} steps=${steps}: ${moved}/${n} tokens moved (max ${maxMove.toExponential(2)}), worst wasm/js difference ${worst.toExponential(2)}`);
      } finally {
        await context.close();
      }
    });
  },
);
