#!/usr/bin/env node
// Issue 13: the tree engine of hardmax/localmax in low dimension, against the
// dense engine of the same run (wasm, f64, one thread).
//
//   node bench/tree.bench.mjs               scaling table (d = 2, 3; n = 4096 … 1 048 576)
//   node bench/tree.bench.mjs --quick       n up to 65 536, fewer steps
//   node bench/tree.bench.mjs --crossover   dense vs tree at small n (sets AUTO_TREE_MIN_N)
//   node bench/tree.bench.mjs --million     only n = 1 048 576, d = 2, localmax δ = 0.1: one step, time and memory
//   node bench/tree.bench.mjs --growth      d = 2, hardmax and localmax δ = 0.1 at n = 65 536 and 262 144 over
//                                           30 steps (--steps=S): the growth of the transient (steps 0–9)
//                                           and of the clustered state after it (steps 10 … S−1)
//   options: --steps=S (steps of each run, default 10)  --dense-max=N (largest n run dense, default 65536 for
//            the d = 2 localmax δ = 0.1 column, 16384 elsewhere)  --json=FILE
//
// Each cell is a real run from the seeded uniform start (initialPositions
// kind 'uniform', seed 1; γ = 1/2): S steps timed one by one, reported as the
// mean ms/step over the run (t = 0 … S−1), so clustered states count as they
// do in use. "growth" is the fitted exponent log(t2/t1)/log(n2/n1) between a
// column's consecutive sizes. Before timing, the tree and dense engines of a
// cell are checked to end within 1e-9 of each other (they sum the same
// members in different orders). Uses the built package: `npm run build` first.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const value = (name, dflt) => {
  const a = argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? dflt : Number(a.slice(name.length + 3));
};
const jsonOut = argv.find((a) => a.startsWith('--json='))?.slice(7);
for (const f of ['dist/index.js', 'pkg/kernel.wasm']) {
  if (!existsSync(join(root, f))) {
    console.error(`bench: ${f} is missing; run \`npm run build\` first`);
    process.exit(1);
  }
}
const { Simulation, initialPositions } = await import(pathToFileURL(join(root, 'dist/index.js')).href);
const { kernelBytes, loadedKernel } = await import(pathToFileURL(join(root, 'dist/backend/wasm.js')).href);
const { AUTO_TREE_MIN_N } = await import(pathToFileURL(join(root, 'dist/validate.js')).href);

const QUICK = flag('quick');
const STEPS = value('steps', QUICK ? 5 : 10);
const rows = [];

/** Mean ms/step over a run of `steps` steps, the per-step times, and the final positions. */
async function run({ model, delta, n, d, engine, steps }) {
  const opts = { model, positions: initialPositions({ kind: 'uniform', n, d, seed: 1 }), n, d, engine, backend: 'wasm', threads: 0 };
  if (model === 'localmax') opts.delta = delta;
  const sim = await Simulation.create(opts);
  try {
    let total = 0;
    const each = [];
    for (let s = 0; s < steps; s++) {
      const t0 = performance.now();
      sim.step(1);
      each.push(performance.now() - t0);
      total += each[s];
    }
    return { ms: total / steps, each, x: sim.positions(), memory: loadedKernel()?.memory.buffer.byteLength ?? NaN };
  } finally {
    sim.dispose();
  }
}

function maxDiff(a, b) {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

const fmt = (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)) : '—');
const COLUMNS = [
  { key: 'hardmax', model: 'hardmax' },
  { key: 'localmax δ=0.01', model: 'localmax', delta: 0.01 },
  { key: 'localmax δ=0.1', model: 'localmax', delta: 0.1 },
  { key: 'localmax δ=1', model: 'localmax', delta: 1 },
];

if (flag('crossover')) {
  console.log(`dense vs tree at small n (wasm f64, one thread, mean ms/step over ${STEPS} steps); AUTO_TREE_MIN_N = ${JSON.stringify(AUTO_TREE_MIN_N)}`);
  console.log('| model | d | n | dense | tree | dense/tree |\n|---|---|---|---|---|---|');
  for (const c of [COLUMNS[0], COLUMNS[2]]) {
    for (const d of [1, 2, 3]) {
      for (const n of [256, 512, 1024, 2048, 4096, 8192]) {
        const dense = await run({ ...c, n, d, engine: 'dense', steps: STEPS });
        const tree = await run({ ...c, n, d, engine: 'tree', steps: STEPS });
        console.log(`| ${c.key} | ${d} | ${n} | ${fmt(dense.ms)} | ${fmt(tree.ms)} | ${(dense.ms / tree.ms).toFixed(2)} |`);
        rows.push({ mode: 'crossover', model: c.key, d, n, dense: dense.ms, tree: tree.ms });
      }
    }
  }
} else if (flag('growth')) {
  const steps = value('steps', 30);
  const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
  console.log(`growth exponents, d = 2, tree engine, one run of ${steps} steps per cell: transient = steps 0–9, clustered = steps 10–${steps - 1}`);
  console.log('| model | n | transient ms/step | clustered ms/step | whole run ms/step |\n|---|---|---|---|---|');
  for (const c of [COLUMNS[0], COLUMNS[2]]) {
    const cells = [];
    for (const n of [65536, 262144]) {
      const r = await run({ ...c, n, d: 2, engine: 'tree', steps });
      const cell = { n, transient: mean(r.each.slice(0, 10)), clustered: mean(r.each.slice(10)), whole: r.ms };
      cells.push(cell);
      console.log(`| ${c.key} | ${n} | ${fmt(cell.transient)} | ${fmt(cell.clustered)} | ${fmt(cell.whole)} |`);
      rows.push({ mode: 'growth', model: c.key, ...cell });
    }
    const g = (k) => (Math.log(cells[1][k] / cells[0][k]) / Math.log(4)).toFixed(2);
    console.log(`| ${c.key} | growth | ${g('transient')} | ${g('clustered')} | ${g('whole')} |`);
  }
} else if (flag('million')) {
  const n = 1048576;
  const r = await run({ model: 'localmax', delta: 0.1, n, d: 2, engine: 'tree', steps: 1 });
  const need = kernelBytes('f64', n, 2, false, true).total;
  console.log(`localmax δ=0.1, n = ${n}, d = 2, f64, tree: one step ${fmt(r.ms)} ms; kernel buffers ${(need / 2 ** 20).toFixed(0)} MiB, wasm memory ${(r.memory / 2 ** 20).toFixed(0)} MiB`);
  rows.push({ mode: 'million', n, d: 2, ms: r.ms, kernelBytes: need, wasmMemory: r.memory });
} else {
  const SIZES = QUICK ? [4096, 16384, 65536] : [4096, 16384, 65536, 262144, 1048576];
  for (const d of [2, 3]) {
    console.log(`\nd = ${d}: mean ms/step over a run of ${STEPS} steps (wasm, f64, one thread); n = 1 048 576 over ${Math.min(STEPS, 3)} steps`);
    const head = COLUMNS.map((c) => `${c.key} dense | ${c.key} tree | growth`).join(' | ');
    console.log(`| n | ${head} |\n|---${'|---'.repeat(3 * COLUMNS.length)}|`);
    const prev = {};
    for (const n of SIZES) {
      const cells = [];
      for (const c of COLUMNS) {
        const denseMax = value('dense-max', d === 2 && c.key === 'localmax δ=0.1' ? 65536 : 16384);
        const steps = n >= 1048576 ? Math.min(STEPS, 3) : STEPS;
        const tree = await run({ ...c, n, d, engine: 'tree', steps });
        let dense = { ms: NaN };
        if (n <= denseMax) {
          dense = await run({ ...c, n, d, engine: 'dense', steps });
          const diff = maxDiff(dense.x, tree.x);
          if (!(diff <= 1e-9)) console.log(`  (!) ${c.key} n = ${n} d = ${d}: tree and dense end ${diff} apart`);
        }
        const growth = prev[c.key] === undefined ? NaN : Math.log(tree.ms / prev[c.key].ms) / Math.log(n / prev[c.key].n);
        prev[c.key] = { ms: tree.ms, n };
        cells.push(`${fmt(dense.ms)} | ${fmt(tree.ms)} | ${Number.isFinite(growth) ? growth.toFixed(2) : '—'}`);
        rows.push({ mode: 'scaling', model: c.key, d, n, steps, dense: dense.ms, tree: tree.ms, growth });
      }
      console.log(`| ${n} | ${cells.join(' | ')} |`);
    }
  }
  const cell = rows.find((r) => r.model === 'localmax δ=0.1' && r.d === 2 && r.n === 65536);
  if (cell && Number.isFinite(cell.dense)) console.log(`\nlocalmax δ=0.1, d = 2, n = 65 536: tree ${(cell.dense / cell.tree).toFixed(1)}× faster than dense in this run`);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 1));
