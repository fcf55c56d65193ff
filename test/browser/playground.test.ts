/**
 * The playground (issue 14) in real Chromium: builds playground/ with Vite
 * (no plugin, base './'), serves playground/dist from 127.0.0.1 with the
 * static server of the smoke test, and checks what the "What must be
 * shown" lists: no console error on load; `step` advances t by one and changes
 * the canvas pixels; `play` for two seconds advances t while
 * requestAnimationFrame keeps ticking; the SPEC P6 square with δ = 0.05,
 * α = 0.5 ends with the cluster count SPEC test 6 predicts (and δ = 0 with
 * hardmax's); a URL restores the parameters; an uploaded .npy is the start;
 * every model runs 20 steps. Screenshots go to test/browser/out/ (ignored by git).
 *
 * Needs `npm run build` first (dist/index.js, pkg/kernel.wasm); skipped only
 * when /usr/bin/chromium does not exist.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../ts/index.js';
import { startStaticServer, type StaticServer } from './server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APP = join(ROOT, 'playground');
const OUT = join(ROOT, 'test', 'browser', 'out');
const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const MODELS = ['localmax', 'hardmax', 'softmax', 'frank-wolfe', 'softmax-markov', 'sphere-sa', 'sphere-usa'];

interface Status {
  rafTicks: number;
  maxRafGapMs: number;
  framesReceived: number;
  framesDrawn: number;
  ready: boolean;
  t: number;
}

describe.skipIf(!HAVE_CHROMIUM)(HAVE_CHROMIUM ? 'playground (Vite build, Chromium)' : `playground (skipped: ${CHROMIUM} does not exist)`, () => {
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    for (const f of ['dist/index.js', 'pkg/kernel.wasm']) {
      if (!existsSync(join(ROOT, f))) throw new Error(`missing build output ${f}: run \`npm run build\` first (the README test command builds first)`);
    }
    const vite = await import('vite');
    const warnings: string[] = [];
    const logger = vite.createLogger('warn', { allowClearScreen: false });
    const warn = logger.warn.bind(logger);
    logger.warn = (msg, opts) => {
      warnings.push(msg);
      warn(msg, opts);
    };
    await vite.build({ root: APP, configFile: join(APP, 'vite.config.ts'), logLevel: 'warn', customLogger: logger });
    expect(warnings, 'Vite warned while building the playground').toEqual([]);
    mkdirSync(OUT, { recursive: true });
    server = await startStaticServer(join(APP, 'dist'));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, timeout: 20_000 });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  /** A fresh page on the built playground with `query`; `problems` collects console errors, page errors and failed requests. */
  async function open(query = ''): Promise<{ page: Page; problems: string[] }> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 820 }, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.stack ?? e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
    });
    page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    await page.goto(`${server!.origin}/index.html${query}`, { waitUntil: 'load', timeout: 15_000 });
    await waitReady(page);
    return { page, problems };
  }

  const status = (page: Page) => page.evaluate(() => ({ ...(window as unknown as { __playground: Status }).__playground }));
  const text = async (page: Page, id: string) => (await page.getByTestId(id).textContent())?.trim() ?? '';

  async function waitReady(page: Page): Promise<void> {
    await page.waitForFunction(() => (window as unknown as { __playground?: Status }).__playground?.ready === true, undefined, { timeout: 15_000 });
    const err = await text(page, 'error');
    expect(err, 'the page shows an error').toBe('');
  }

  /** Waits until the canvas shows step t (the frame of step t arrived and was drawn). */
  async function waitDrawn(page: Page, t: number, drawnBefore: number): Promise<void> {
    await page.waitForFunction(
      ([tt, before]) => {
        const s = (window as unknown as { __playground: Status }).__playground;
        return s.t === tt && s.framesDrawn > before;
      },
      [t, drawnBefore] as const,
      // a liveness bound, not a timing claim: the first frame (worker start, kernel compile,
      // first analysis) once took over 10 s on a loaded 2-core machine
      { timeout: 25_000 },
    );
  }

  /** Plays until t >= target, then pauses; returns t after the pause frame arrived. */
  async function playTo(page: Page, target: number): Promise<number> {
    await page.getByTestId('play').click();
    await page.waitForFunction((tt) => (window as unknown as { __playground: Status }).__playground.t >= tt, target, { timeout: 20_000 });
    await page.getByTestId('pause').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid=play]') as HTMLButtonElement).disabled === false);
    // the pause frame carries the final step: wait until t stops changing
    let last = -1;
    for (let k = 0; k < 50; k++) {
      const t = (await status(page)).t;
      if (t === last) return t;
      last = t;
      await page.waitForTimeout(60);
    }
    return last;
  }

  /** Keeps the canvas pixels in the page (window.__pixels) and returns how many pixels differ from the previous copy. */
  const canvasChange = (page: Page) =>
    page.evaluate(() => {
      const w = window as unknown as { __pixels?: Uint8ClampedArray };
      const c = document.querySelector('[data-testid=canvas]') as HTMLCanvasElement;
      const now = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const before = w.__pixels;
      w.__pixels = now;
      if (before === undefined) return -1;
      let changed = 0;
      for (let i = 0; i < now.length; i += 4) if (before[i] !== now[i] || before[i + 1] !== now[i + 1] || before[i + 2] !== now[i + 2]) changed++;
      return changed;
    });

  it('loads with no console error on the wasm kernel; step advances t by one and changes the canvas', { timeout: 90_000 }, async () => {
    const { page, problems } = await open();
    expect(await text(page, 't')).toBe('0');
    expect(await text(page, 'backend-actual'), 'Chromium validates SIMD, so auto must pick the wasm kernel').toBe('wasm / f64');
    expect(server!.log.some((l) => /^200 GET \/assets\/kernel-[\w-]+\.wasm$/.test(l)), `kernel.wasm was not fetched:\n${server!.log.join('\n')}`).toBe(true);
    await waitDrawn(page, 0, 0); // the canvas shows t = 0
    expect(await canvasChange(page)).toBe(-1);
    const s0 = await status(page);
    await page.getByTestId('step').click();
    await waitDrawn(page, 1, s0.framesDrawn);
    expect(await text(page, 't')).toBe('1');
    expect(await canvasChange(page), 'no canvas pixel changed after one step').toBeGreaterThan(50);
    // frames drawn before the click: read after it, the count could already include the frame of t = 2
    const s1 = await status(page);
    await page.getByTestId('step').click();
    await waitDrawn(page, 2, s1.framesDrawn);
    expect(await text(page, 't')).toBe('2');
    await page.screenshot({ path: join(OUT, 'default-t2.png') });
    expect(problems).toEqual([]);
  });

  it('play for two seconds advances t while requestAnimationFrame keeps ticking (n = 2000)', { timeout: 30_000 }, async () => {
    const { page, problems } = await open('?n=2000&speed=2');
    const t0 = (await status(page)).t;
    await page.evaluate(() => (window as unknown as { __playground: { resetCounters(): void } }).__playground.resetCounters());
    await page.getByTestId('play').click();
    await page.waitForTimeout(2000);
    const s = await status(page);
    await page.getByTestId('pause').click();
    console.info(`[playground] 2 s of play at n = 2000: t ${t0} → ${s.t}, ${s.rafTicks} animation frames, longest gap ${s.maxRafGapMs.toFixed(0)} ms, ${s.framesDrawn} frames drawn`);
    expect(s.t, 'play did not advance t').toBeGreaterThan(t0 + 2);
    // A blocked main thread gives no animation frame at all for the whole run; these bounds are loose on purpose (shared machine).
    expect(s.rafTicks, 'requestAnimationFrame stopped ticking during play').toBeGreaterThanOrEqual(10);
    expect(s.maxRafGapMs, 'the main thread stalled during play').toBeLessThan(1000);
    expect(s.framesDrawn).toBeGreaterThan(1);
    await page.screenshot({ path: join(OUT, 'n2000-playing.png') });
    expect(problems).toEqual([]);
  });

  it('SPEC P6 square, localmax α = 0.5: δ = 0.05 keeps 5 clusters (p → (1, 0)); δ = 0 merges p into (1, 1): 4', { timeout: 40_000 }, async () => {
    // SPEC test 6: with δ = 0.05, p_y(t) = 0.01·(7/9)^t → the edge midpoint (1, 0), a fifth limit; with δ = 0 p → (1, 1)
    // at rate 2/3, within the cluster tolerance 1e-6·max(1, R) = 1.4e-6 from t ≈ 34 on.
    const counts: Record<string, { t: number; clusters: string; n: string }> = {};
    for (const delta of ['0.05', '0']) {
      const { page, problems } = await open(`?model=localmax&init=p6&alpha=0.5&delta=${delta}&speed=4`);
      expect(await page.getByTestId('n').inputValue(), 'the P6 square has 5 tokens').toBe('5');
      expect(await text(page, 'clusters')).toBe('5'); // five distinct points at t = 0
      const t = await playTo(page, 60);
      counts[delta] = { t, clusters: await text(page, 'clusters'), n: await page.getByTestId('n').inputValue() };
      await page.screenshot({ path: join(OUT, `p6-delta-${delta}.png`) });
      expect(problems).toEqual([]);
    }
    console.info(`[playground] P6 square: ${JSON.stringify(counts)}`);
    expect(counts['0.05']!.t).toBeGreaterThanOrEqual(60);
    expect(counts['0.05']!.clusters, 'SPEC P6 with δ = 0.05 predicts 5 clusters (4 vertices + (1, 0))').toBe('5');
    expect(counts['0']!.t).toBeGreaterThanOrEqual(60);
    expect(counts['0']!.clusters, 'with δ = 0 (hardmax) p joins the vertex (1, 1): 4 clusters').toBe('4');
  });

  it('a URL with parameters restores them, and changing a control rewrites the URL', { timeout: 30_000 }, async () => {
    const { page, problems } = await open('?model=softmax&beta=7.5&n=123&d=3&init=gaussian&initSeed=9&speed=3&precision=f32');
    expect(await page.getByTestId('model').inputValue()).toBe('softmax');
    expect(await page.getByTestId('beta').inputValue()).toBe('7.5');
    expect(await page.getByTestId('n').inputValue()).toBe('123');
    expect(await page.getByTestId('d').inputValue()).toBe('3');
    expect(await page.getByTestId('init').inputValue()).toBe('gaussian');
    expect(await page.getByTestId('init-seed').inputValue()).toBe('9');
    expect(await page.getByTestId('speed').inputValue()).toBe('3');
    expect(await text(page, 'backend-actual')).toBe('wasm / f32');
    expect(await page.getByTestId('delta').isVisible(), 'δ does not apply to softmax').toBe(false);
    expect(await text(page, 'projection')).toContain('d = 3');
    expect(await text(page, 'warnings')).toBe('');
    await page.screenshot({ path: join(OUT, 'softmax-d3.png') });

    // change δ on a localmax page: the URL follows, and a reload restores it
    await page.getByTestId('model').selectOption('localmax');
    await waitReady(page);
    await page.getByTestId('delta').fill('0.37');
    await page.getByTestId('delta').dispatchEvent('change');
    await page.waitForFunction(() => location.search.includes('delta=0.37'));
    expect(new URL(page.url()).searchParams.get('model'), 'localmax is the default, so the URL leaves it out').toBeNull();
    await page.reload({ waitUntil: 'load' });
    await waitReady(page);
    expect(await page.getByTestId('model').inputValue()).toBe('localmax');
    expect(await page.getByTestId('delta').inputValue()).toBe('0.37');
    expect(await page.getByTestId('n').inputValue()).toBe('123');
    expect(await text(page, 't')).toBe('0');

    // a bad value is reported, not silently used
    const bad = await open('?delta=-1');
    expect(await text(bad.page, 'warnings')).toContain('delta');
    expect(await bad.page.getByTestId('delta').inputValue()).toBe('0.1');
    expect([...problems, ...bad.problems]).toEqual([]);
  });

  it('an uploaded .npy is the start (exported state at t = 0 equals it), and the run goes on from it', { timeout: 30_000 }, async () => {
    const { page, problems } = await open();
    const rows = [[0.9, 0.1], [-0.7, 0.6], [-0.2, -0.95], [0.15, 0.05], [0.3, -0.4], [-0.1, 0.3], [0.55, 0.52]];
    const data = Float64Array.from(rows.flat());
    const npy = writeNpy({ data, shape: [7, 2] });
    await page.getByTestId('npy').setInputFiles({ name: 'seven.npy', mimeType: 'application/octet-stream', buffer: Buffer.from(npy) });
    await page.waitForFunction(() => (document.querySelector('[data-testid=n]') as HTMLInputElement).value === '7');
    await waitReady(page);
    expect(await page.getByTestId('init').inputValue()).toBe('npy');
    expect(await text(page, 't')).toBe('0');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-npy').click()]);
    const got = readNpy(readFileSync((await download.path())!));
    expect(got.shape).toEqual([7, 2]);
    expect(Array.from(got.data), 'the state at t = 0 is not the uploaded file').toEqual(Array.from(data));
    const s = await status(page);
    await page.getByTestId('step').click();
    await waitDrawn(page, 1, s.framesDrawn);
    const [d1] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-npy').click()]);
    const x1 = readNpy(readFileSync((await d1.path())!)).data;
    expect(Array.from(x1)).not.toEqual(Array.from(data));
    // and the report export of this run is a self-contained HTML with SVG plots
    const [rep] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
    const html = readFileSync((await rep.path())!, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(8);
    expect(html).toContain('uploaded seven.npy');
    expect(html).not.toMatch(/<script|src="http/);
    await page.screenshot({ path: join(OUT, 'npy-upload.png') });
    expect(problems).toEqual([]);
  });

  it('threads: 2 (kernel workers behind the page\'s worker) steps and plays, and gives the state threads: 0 gives', { timeout: 40_000 }, async () => {
    const states: number[][] = [];
    const problems: string[] = [];
    for (const threads of ['2', '0']) {
      const o = await open(`?n=300&backend=wasm&threads=${threads}`);
      problems.push(...o.problems);
      expect(await o.page.getByTestId('threads').inputValue()).toBe(threads);
      const shown = await text(o.page, 'backend-actual');
      if (threads === '2') expect(shown).toContain('2 threads');
      else expect(shown).not.toContain('threads');
      for (let t = 1; t <= 6; t++) {
        const s = await status(o.page);
        await o.page.getByTestId('step').click();
        await waitDrawn(o.page, t, s.framesDrawn);
      }
      const [dl] = await Promise.all([o.page.waitForEvent('download'), o.page.getByTestId('export-npy').click()]);
      states.push(Array.from(readNpy(readFileSync((await dl.path())!)).data));
      if (threads === '2') expect(await playTo(o.page, 20), 'play with threads: 2').toBeGreaterThanOrEqual(20);
    }
    expect(states[0]!.length).toBe(600);
    expect(states[0], 'threads: 2 and threads: 0 differ at t = 6').toEqual(states[1]);
    expect(states[0]!.every(Number.isFinite)).toBe(true);
    expect(problems).toEqual([]);
  });

  it('every model runs 20 steps without error', { timeout: 40_000 }, async () => {
    const { page, problems } = await open('?n=60&speed=5');
    const seen: string[] = [];
    for (const model of MODELS) {
      await page.getByTestId('model').selectOption(model);
      await page.waitForFunction(() => (window as unknown as { __playground: Status }).__playground.t === 0);
      await waitReady(page);
      const t = await playTo(page, 20);
      expect(await text(page, 'error'), `${model}: error shown`).toBe('');
      expect(t, model).toBeGreaterThanOrEqual(20);
      expect(Number(await text(page, 't'))).toBe(t);
      const c = Number(await text(page, 'clusters'));
      expect(Number.isInteger(c) && c >= 1 && c <= 60, `${model}: cluster count ${c}`).toBe(true);
      seen.push(`${model} t=${t} clusters=${c}`);
      if (model === 'sphere-sa') await page.screenshot({ path: join(OUT, 'sphere-sa.png') });
    }
    console.info(`[playground] ${seen.join('; ')}`);
    expect(problems).toEqual([]);
  });
});
