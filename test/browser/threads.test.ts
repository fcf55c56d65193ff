/**
 * Issue 12 in headless Chromium: a page runs `threads: 2` served with and
 * without cross-origin isolation (COOP/COEP headers added by request
 * interception): SharedArrayBuffer + Atomics in the first, message passing in
 * the second. In both, run() on 2 workers gives the bits of step() on the
 * calling thread (softmax-markov), step() on the main thread throws an Error
 * naming run() with t unchanged, and a requestAnimationFrame counter advances
 * while run() takes 200 steps of n = 4096, d = 16.
 *
 * Needs `npm run build` first; skipped when /usr/bin/chromium does not exist.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from './server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface ThreadsResult {
  error: string | null;
  crossOriginIsolated?: boolean;
  sharedArrayBuffer?: boolean;
  threads?: number;
  identical?: boolean;
  smallRun?: { t: number; aborted: boolean };
  stepError?: string | null;
  tAfterStepError?: number;
  bigRun?: { t: number; aborted: boolean };
  bigRunMs?: number;
  framesDuringRun?: number;
  progressCalls?: number;
}

describe.skipIf(!HAVE_CHROMIUM)(HAVE_CHROMIUM ? 'threads in Chromium' : `threads in Chromium (skipped: ${CHROMIUM} does not exist)`, () => {
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

  for (const isolated of [true, false]) {
    it(`threads: 2 ${isolated ? 'with' : 'without'} cross-origin isolation`, { timeout: 90_000 }, async () => {
      for (const f of ['dist/index.js', 'pkg/kernel.wasm']) {
        if (!existsSync(join(ROOT, f))) throw new Error(`missing build output ${f}: run \`npm run build\` first`);
      }
      const problems: string[] = [];
      const context = await browser!.newContext();
      try {
        if (isolated) {
          await context.route('**/*', async (route) => {
            const response = await route.fetch();
            await route.fulfill({
              response,
              headers: { ...response.headers(), 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' },
            });
          });
        }
        const page = await context.newPage();
        page.on('pageerror', (e) => problems.push(`pageerror: ${e.stack ?? e.message}`));
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
        });
        await page.goto(`${server!.origin}/test/browser/threads.html`, { waitUntil: 'load', timeout: 15_000 });
        await page.waitForFunction(() => '__threads' in window, undefined, { timeout: 15_000 });
        const r = await page.evaluate(() => (window as unknown as { __threads: Promise<ThreadsResult> }).__threads);
        const diag = `result: ${JSON.stringify(r)}\nproblems: ${problems.join('\n') || 'none'}`;
        expect(r.error, diag).toBeNull();
        expect(problems, diag).toEqual([]);
        expect(r.crossOriginIsolated, diag).toBe(isolated);
        expect(r.sharedArrayBuffer, diag).toBe(isolated);
        expect(r.threads, diag).toBe(2);
        expect(r.smallRun, diag).toEqual({ t: 20, aborted: false });
        expect(r.identical, diag).toBe(true);
        expect(r.stepError ?? '', diag).toMatch(/run\(\)/);
        expect(r.tAfterStepError, diag).toBe(20);
        expect(r.bigRun, diag).toEqual({ t: 200, aborted: false });
        expect(r.progressCalls ?? 0, diag).toBeGreaterThan(1);
        // The main thread was not blocked: frames were painted while the run went on.
        expect(r.framesDuringRun ?? 0, diag).toBeGreaterThan(2);
        console.info(`[threads in Chromium, isolated ${isolated}] 200 steps n = 4096 d = 16 in ${r.bigRunMs?.toFixed(0)} ms, ${r.framesDuringRun} frames`);
      } finally {
        await context.close();
      }
    });
  }
});
