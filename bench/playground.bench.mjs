#!/usr/bin/env node
/**
 * How large an n stays interactive in the playground, per model (issue 14).
 *
 *   npm run build && node bench/playground.bench.mjs [--models localmax,softmax] [--n 500,1000,2000] [--ms 2500]
 *
 * Builds playground/ with Vite, serves playground/dist on 127.0.0.1, and in
 * headless Chromium (/usr/bin/chromium) plays each (model, n) for --ms
 * milliseconds with speed 1 (one step per frame), from the default start
 * (uniform in [−1, 1)², seed 1; the sphere models project it to the circle).
 * It reads the page's window.__playground counters and reports, per cell:
 *   - steps/s   sim.step alone in the worker (the kernel's throughput at this n,
 *               averaged over >= 250 ms windows of stepping)
 *   - t/s       steps the run actually advanced per second (step + analysis + pacing)
 *   - frames/s  frames the worker delivered (step + analysis of the frame:
 *               clusters, hull, leaders, energies), i.e. what the user sees move
 *   - analysis  ms of the analysis of one frame (worker)
 *   - draw      mean / max ms of drawing one frame on the main thread
 *   - raf/s, gap  requestAnimationFrame callbacks per second and the longest gap
 * all measured after 500 ms of warm-up play. "interactive" = frames/s >= 10,
 * mean draw <= 16 ms and longest rAF gap < 200 ms. A model's ladder stops after its first non-interactive n.
 * Results go to stdout and bench/out/playground.json. Timing on a shared
 * machine is noisy: compare runs taken together only.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildAndServePlayground } from '../scripts/playground-serve.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'localmax,hardmax,softmax,frank-wolfe,softmax-markov,sphere-sa,sphere-usa' },
    n: { type: 'string', default: '500,1000,2000,4000,8000,16000' },
    ms: { type: 'string', default: '2500' },
  },
});
const models = values.models.split(',');
const sizes = values.n.split(',').map(Number);
const playMs = Number(values.ms);

for (const f of ['dist/index.js', 'pkg/kernel.wasm']) {
  if (!existsSync(join(ROOT, f))) throw new Error(`missing ${f}: run \`npm run build\` first`);
}
const server = await buildAndServePlayground();
const origin = server.origin;

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const rows = [];
const fmt = (v, k = 1) => (Number.isFinite(v) ? v.toFixed(k) : '–');
console.log(`playground interactivity, ${playMs} ms of play per cell, speed 1 (${new Date().toISOString()})`);
console.log('model          n      steps/s    t/s  frames/s analysis_ms draw_ms(mean/max) raf/s gap_ms  interactive');
for (const model of models) {
  for (const n of sizes) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${origin}/index.html?model=${model}&n=${n}`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__playground?.ready === true, undefined, { timeout: 120_000 });
    await page.getByTestId('play').click();
    await page.waitForTimeout(500); // warm-up: first draws, JIT, the worker's first batches
    await page.evaluate(() => window.__playground.resetCounters());
    const { framesReceived: f0, t: tStart } = await page.evaluate(() => ({ ...window.__playground }));
    const t0 = Date.now();
    await page.waitForTimeout(playMs);
    const s = await page.evaluate(() => ({ ...window.__playground }));
    const secs = (Date.now() - t0) / 1000;
    await page.getByTestId('pause').click();
    const err = (await page.getByTestId('error').textContent()) ?? '';
    await context.close();
    const framesPerSec = (s.framesReceived - f0) / secs;
    const row = {
      model, n, stepsPerSec: s.stepsPerSec, tPerSec: (s.t - tStart) / secs, framesPerSec, analysisMs: s.analysisMs, drawMsMean: s.drawMsMean, drawMsMax: s.drawMsMax,
      rafPerSec: s.rafTicks / secs, maxRafGapMs: s.maxRafGapMs, t: s.t, error: err || errors.join('; ') || null,
    };
    row.interactive = row.error === null && framesPerSec >= 10 && s.drawMsMean <= 16 && s.maxRafGapMs < 200;
    rows.push(row);
    console.log(
      `${model.padEnd(14)} ${String(n).padStart(6)} ${fmt(row.stepsPerSec, 0).padStart(9)} ${fmt(row.tPerSec).padStart(6)} ${fmt(framesPerSec).padStart(8)} ${fmt(row.analysisMs).padStart(11)} ` +
        `${`${fmt(row.drawMsMean)}/${fmt(row.drawMsMax)}`.padStart(17)} ${fmt(row.rafPerSec, 0).padStart(5)} ${fmt(row.maxRafGapMs, 0).padStart(6)}  ${row.interactive ? 'yes' : 'no'}${row.error ? ` (${row.error})` : ''}`,
    );
    if (!row.interactive) break;
  }
}
const largest = {};
for (const m of models) largest[m] = Math.max(0, ...rows.filter((r) => r.model === m && r.interactive).map((r) => r.n));
console.log(`largest interactive n (of ${sizes.join(', ')}): ${JSON.stringify(largest)}`);
mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'out', 'playground.json'), JSON.stringify({ when: new Date().toISOString(), playMs, rows, largest }, null, 2));
await browser.close();
server.close();
