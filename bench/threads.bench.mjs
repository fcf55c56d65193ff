#!/usr/bin/env node
// Issue 12 part 5: the `threads` option, side by side with numpy in the same run.
//
//   node bench/threads.bench.mjs            full grid (a few minutes on 2 cores)
//   node bench/threads.bench.mjs --quick    fewer samples, n = 4096, d = 64 skipped
//   options: --no-numpy  --json=FILE (also write the rows as JSON)
//
// Cells: hardmax, localmax δ = 0.1, softmax β = 1 at n ∈ {1024, 4096},
// d ∈ {16, 64}, plus softmax n = 2048, d = 64 and sphere-sa (rk4, no numpy
// reference) at n ∈ {1024, 2048}, d = 16, each with threads ∈ {0, 1, 2,
// 'auto'} (f64, wasm, A = I, γ = 1/2, the bench's seeded uniform inputs), and
// numpy float64 (bench/numpy_ref.py, the same inputs and step). Then the
// per-step overhead at small n (softmax d = 16, n ∈ {64, 128, 256, 512, 1024})
// where 'auto' picks 0 below AUTO_MIN_N (ts/threads/options.ts).
//
// Times are medians of single steps (ms), after one untimed step; on a loaded
// machine they are noisy. Uses the built package: run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const NO_NUMPY = argv.includes('--no-numpy');
const jsonOut = argv.find((a) => a.startsWith('--json='))?.slice(7);

for (const f of ['dist/index.js', 'pkg/kernel.wasm']) {
  if (!existsSync(join(root, f))) {
    console.error(`bench: ${f} is missing; run \`npm run build\` first`);
    process.exit(1);
  }
}
const { Simulation, initialPositions } = await import(pathToFileURL(join(root, 'dist/index.js')).href);
const { AUTO_MIN_N } = await import(pathToFileURL(join(root, 'dist/threads/options.js')).href);

const MODELS = [
  { key: 'hardmax', model: 'hardmax' },
  { key: 'localmax δ=0.1', model: 'localmax', delta: 0.1 },
  { key: 'softmax β=1', model: 'softmax', beta: 1 },
];
const THREADS = [0, 1, 2, 'auto'];
const GRID = [];
for (const m of MODELS) {
  for (const n of [1024, 4096]) {
    for (const d of [16, 64]) {
      if (QUICK && n === 4096 && d === 64) continue;
      GRID.push({ ...m, n, d });
    }
  }
}
GRID.push({ ...MODELS[2], n: 2048, d: 64 });
// The sphere models step in one round per integrator stage (4 for rk4); no numpy reference.
const SPHERE = { key: 'sphere-sa β=1 rk4', model: 'sphere-sa', beta: 1, sphere: true };
GRID.push({ ...SPHERE, n: 1024, d: 16 }, { ...SPHERE, n: 2048, d: 16 });
const SMALL = [64, 128, 256, 512, 1024].map((n) => ({ ...MODELS[2], n, d: 16 }));
const BUDGET = QUICK ? { ms: 150, min: 3, max: 30 } : { ms: 600, min: 5, max: 200 };
const SEED = 1;

const inputs = (n, d) => initialPositions({ kind: 'uniform', n, d, seed: SEED });

/** Median ms of one step of `cell` with `threads`, and the thread count 'auto' resolved to. */
async function timeCell(cell, threads) {
  const opts = { model: cell.model, positions: inputs(cell.n, cell.d), n: cell.n, d: cell.d, backend: 'wasm', precision: 'f64', threads };
  if (!cell.sphere) opts.alpha = 1;
  if (cell.delta !== undefined) opts.delta = cell.delta;
  if (cell.beta !== undefined) opts.beta = cell.beta;
  const sim = await Simulation.create(opts);
  try {
    sim.step(1); // warm-up
    const samples = [];
    const t0 = performance.now();
    while (samples.length < BUDGET.max && (samples.length < BUDGET.min || performance.now() - t0 < BUDGET.ms)) {
      const s = performance.now();
      sim.step(1);
      samples.push(performance.now() - s);
    }
    samples.sort((a, b) => a - b);
    return { ms: samples[samples.length >> 1], used: sim.threads, samples: samples.length };
  } finally {
    sim.dispose();
  }
}

function runNumpy(cells) {
  if (NO_NUMPY) return null;
  const probe = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.error('bench: numpy not available (python3 -c "import numpy" failed); numpy column left empty');
    return null;
  }
  const tmp = mkdtempSync(join(os.tmpdir(), 'ad-threads-'));
  try {
    const files = new Map();
    const spec = [];
    for (const c of cells) {
      const shape = `${c.n}x${c.d}`;
      if (!files.has(shape)) {
        const path = join(tmp, `x_${shape}.f64`);
        const x = inputs(c.n, c.d);
        writeFileSync(path, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
        files.set(shape, path);
      }
      spec.push({ key: `${c.key} ${shape}`, model: c.model, delta: c.delta ?? 0, beta: c.beta ?? 1, tau: 1e-12, gamma: 0.5, n: c.n, d: c.d, dtype: 'float64', input: files.get(shape) });
    }
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const r = spawnSync('python3', [join(here, 'numpy_ref.py')], {
      input: JSON.stringify({ minTimeMs: BUDGET.ms, minSamples: BUDGET.min, maxSamples: BUDGET.max, cells: spec }),
      encoding: 'utf8',
      env,
      maxBuffer: 64 * 2 ** 20,
    });
    if (r.status !== 0) throw new Error(`numpy_ref.py failed (exit ${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const pad = (s, w) => String(s).padStart(w);
const f1 = (v) => (v === undefined || v === null ? '—' : v.toFixed(v < 10 ? 2 : 1));

console.log(`threads bench: node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores, load ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
console.log(`median ms per step (f64, wasm); numpy float64 in the same run${QUICK ? ' (--quick)' : ''}\n`);
const rows = [];
const head = `${'cell'.padEnd(26)}${pad('t=0', 9)}${pad('t=1', 9)}${pad('t=2', 9)}${pad('auto', 9)}${pad('(k)', 5)}${pad('2 vs 0', 8)}${pad('numpy', 9)}${pad('auto/np', 9)}`;
console.log(head);
for (const cell of GRID) {
  const row = { cell: `${cell.key} ${cell.n}x${cell.d}`, model: cell.model, n: cell.n, d: cell.d, ms: {} };
  for (const th of THREADS) {
    const r = await timeCell(cell, th);
    row.ms[String(th)] = r.ms;
    if (th === 'auto') row.auto = r.used;
  }
  rows.push(row);
}
const np = runNumpy(GRID.filter((c) => !c.sphere));
let worst = null;
for (const row of rows) {
  const npMs = np?.results?.[row.cell]?.medianMs;
  row.numpyMs = npMs ?? null;
  row.speedup2 = row.ms['0'] / row.ms['2'];
  row.autoVsNumpy = npMs ? row.ms.auto / npMs : null;
  if (row.autoVsNumpy !== null && (worst === null || row.autoVsNumpy > worst.autoVsNumpy)) worst = row;
  console.log(
    `${row.cell.padEnd(26)}${pad(f1(row.ms['0']), 9)}${pad(f1(row.ms['1']), 9)}${pad(f1(row.ms['2']), 9)}${pad(f1(row.ms.auto), 9)}${pad(row.auto, 5)}` +
      `${pad(row.speedup2.toFixed(2) + '×', 8)}${pad(f1(npMs), 9)}${pad(row.autoVsNumpy === null ? '—' : row.autoVsNumpy.toFixed(2), 9)}`,
  );
}
if (np) console.log(`\nnumpy ${np.numpy}, python ${np.python}, BLAS ${JSON.stringify(np.blas)}`);
if (worst) console.log(`worst wasm 'auto' / numpy ratio: ${worst.autoVsNumpy.toFixed(2)} (${worst.cell}; < 1 means wasm is faster)`);

console.log(`\nper-step overhead at small n (softmax β=1, d = 16); 'auto' runs 0 below n = ${AUTO_MIN_N}`);
console.log(`${'n'.padEnd(8)}${pad('t=0', 9)}${pad('t=1', 9)}${pad('t=2', 9)}${pad('auto', 9)}${pad('(k)', 5)}${pad('auto/0', 8)}`);
const small = [];
for (const cell of SMALL) {
  const r = { n: cell.n, ms: {} };
  for (const th of THREADS) {
    const t = await timeCell(cell, th);
    r.ms[String(th)] = t.ms;
    if (th === 'auto') r.auto = t.used;
  }
  small.push(r);
  console.log(`${String(cell.n).padEnd(8)}${pad(f1(r.ms['0']), 9)}${pad(f1(r.ms['1']), 9)}${pad(f1(r.ms['2']), 9)}${pad(f1(r.ms.auto), 9)}${pad(r.auto, 5)}${pad((r.ms.auto / r.ms['0']).toFixed(2), 8)}`);
}
if (jsonOut) {
  writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), quick: QUICK, node: process.version, cores: os.availableParallelism(), rows, small, numpy: np && { numpy: np.numpy, blas: np.blas } }, null, 2));
  console.log(`\nwrote ${jsonOut}`);
}
