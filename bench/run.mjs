#!/usr/bin/env node
// Step benchmarks, side by side: wasm-f64, wasm-f32, js-f64, js-f32 and the
// numpy reference (bench/numpy_ref.py), plus the simd128 multiply-add peak and
// the n = 65 536 memory-scale run. Writes bench/results.json and regenerates
// bench/RESULTS.md (bench/report.mjs).
//
//   npm run bench                 full grid (several minutes on 2 cores)
//   npm run bench -- --quick      under two minutes: fewer samples, js cells at n = 4096 skipped
//   BENCH_QUICK=1 npm run bench   the same
//   options: --no-numpy  --no-memory  --out=DIR (default bench/)
// Then bench/threads.bench.mjs (threads 0/1/2/auto with numpy) prints its table and
// writes DIR/threads-results.json.
//
// Uses the built package (dist/index.js) and kernel (pkg/kernel.wasm): run
// `npm run build` first. The peak comes from pkg/kernel-bench.wasm, the same
// kernel with the bench-only exports ad_peak_* (`npm run bench` builds it with
// `node scripts/build-wasm.mjs --bench`). Timings only: nothing here is a test.
import { Bench } from 'tinybench';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderMarkdown } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const NO_NUMPY = argv.includes('--no-numpy');
const NO_MEMORY = argv.includes('--no-memory');
const outDir = (argv.find((a) => a.startsWith('--out=')) ?? `--out=${here}`).slice(6);

for (const f of ['dist/index.js', 'dist/backend/wasm.js', 'pkg/kernel.wasm']) {
  if (!existsSync(join(root, f))) {
    console.error(`bench: ${f} is missing; run \`npm run build\` first`);
    process.exit(1);
  }
}
const { Simulation, initialPositions } = await import(pathToFileURL(join(root, 'dist/index.js')).href);
// The same module instance the package uses (one kernel per realm), for the
// wasm memory size.
const { loadKernel } = await import(pathToFileURL(join(root, 'dist/backend/wasm.js')).href);

const MODELS = [
  { key: 'hardmax', model: 'hardmax' },
  { key: 'localmax δ=0.01', model: 'localmax', delta: 0.01 },
  { key: 'localmax δ=0.1', model: 'localmax', delta: 0.1 },
  { key: 'localmax δ=1', model: 'localmax', delta: 1 },
  { key: 'softmax β=1', model: 'softmax', beta: 1 },
];
const BACKENDS = ['wasm-f64', 'wasm-f32', 'js-f64', 'js-f32'];
const NS = [256, 1024, 4096];
const DS = [2, 16, 64];
const SEED = 1;

// Per cell: tinybench runs at least `iterations` samples and until `time` ms
// of samples have been taken, after `warmupIterations` untimed steps (cells
// whose first step takes over a second: 3 samples, see timeCell).
const BUDGET = QUICK
  ? { time: 60, iterations: 3, warmupIterations: 1, warmupTime: 0 }
  : { time: 400, iterations: 5, warmupIterations: 1, warmupTime: 0 };

function log(msg) {
  process.stderr.write(`${msg}\n`);
}

function inputs(n, d) {
  return initialPositions({ kind: 'uniform', n, d, seed: SEED });
}

function simOptions(m, backend, precision, x0, n, d) {
  const o = { model: m.model, positions: x0, n, d, backend, precision };
  if (m.delta !== undefined) o.delta = m.delta;
  if (m.beta !== undefined) o.beta = m.beta;
  return o;
}

/** One cell: median ms per step with the positions reset before every sample. */
async function timeCell(m, backendName, n, d, x0) {
  const [backend, precision] = backendName.split('-');
  const sim = await Simulation.create(simOptions(m, backend, precision, x0, n, d));
  try {
    // One untimed probe step: cells slower than a second get 3 samples and
    // no further warm-up (the probe was it), so the full grid stays in minutes.
    sim.view().set(x0);
    const t = performance.now();
    sim.step(1);
    const slow = performance.now() - t > 1000;
    const bench = new Bench({ ...BUDGET, ...(slow ? { iterations: 3, warmupIterations: 0, warmup: false } : {}), throws: true });
    let cpu0 = null;
    let cpuUs = 0;
    bench.add(`${m.key} ${backendName} n=${n} d=${d}`, () => {
      sim.step(1);
    }, {
      // Reset to the seeded start (outside the timed region): no sample times
      // a converged, cheaper state.
      beforeEach() {
        sim.view().set(x0);
      },
      // Process CPU time over the timed phase (includes the untimed resets):
      // compared with the wall time it shows how much other processes took.
      beforeAll(mode) {
        if (mode === 'run') cpu0 = process.cpuUsage();
      },
      afterAll(mode) {
        if (mode === 'run') {
          const u = process.cpuUsage(cpu0);
          cpuUs = u.user + u.system;
        }
      },
    });
    bench.runSync();
    const r = bench.tasks[0].result;
    if (r.state !== 'completed') throw new Error(`${r.state}: ${r.error?.message ?? ''}`);
    const lat = r.latency;
    // One step from the start, for the numpy cross-check.
    sim.view().set(x0);
    sim.step(1);
    const first = Array.from(sim.positions().subarray(0, Math.min(4, n) * d));
    return { medianMs: lat.p50, meanMs: lat.mean, minMs: lat.min, samples: lat.samplesCount, rme: lat.rme, cpuMsPerStep: cpuUs / 1000 / lat.samplesCount, first };
  } finally {
    sim.dispose();
  }
}

function gflops(n, d, ms) {
  return (2 * n * n * d) / (ms * 1e6);
}

/**
 * simd128 multiply-add peak: best of several timed calls of ad_peak_*, which
 * only pkg/kernel-bench.wasm exports (instantiated here on its own, beside the
 * package's kernel).
 */
async function measurePeak() {
  const benchWasm = join(root, 'pkg/kernel-bench.wasm');
  if (!existsSync(benchWasm)) {
    log('bench: pkg/kernel-bench.wasm is missing (node scripts/build-wasm.mjs --bench): no peak figure');
    return { f64: null, f32: null };
  }
  const { instance } = await WebAssembly.instantiate(readFileSync(benchWasm), {});
  const k = instance.exports;
  const out = {};
  for (const [prec, fn, flopsPerRound] of [
    ['f64', 'ad_peak_f64', 48],
    ['f32', 'ad_peak_f32', 96],
  ]) {
    if (typeof k[fn] !== 'function') {
      out[prec] = null;
      continue;
    }
    k[fn](1e6);
    // Short calls (a few ms each), best of many: on a shared machine a short
    // call is the likeliest to run with a core to itself.
    const iters = 2e6;
    let best = Infinity;
    const reps = QUICK ? 15 : 60;
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      k[fn](iters);
      best = Math.min(best, performance.now() - t);
    }
    out[prec] = { gflops: (flopsPerRound * iters) / (best * 1e6), bestMs: best, rounds: iters, reps, chains: 12 };
  }
  return out;
}

/** Localmax at n = 65 536, d = 2 on wasm: ms/step and the size of wasm memory. */
async function memoryScale() {
  const n = 65536;
  const d = 2;
  const x0 = inputs(n, d);
  const k = await loadKernel();
  const rows = [];
  for (const precision of ['f64', 'f32']) {
    const before = k.memory.buffer.byteLength;
    const rss0 = process.memoryUsage().rss;
    const sim = await Simulation.create({ model: 'localmax', delta: 0.1, positions: x0, n, d, backend: 'wasm', precision });
    try {
      const after = k.memory.buffer.byteLength;
      const steps = QUICK ? 2 : 5;
      const ts = [];
      sim.step(1); // warm-up
      for (let s = 0; s < steps; s++) {
        sim.view().set(x0);
        const t = performance.now();
        sim.step(1);
        ts.push(performance.now() - t);
      }
      ts.sort((a, b) => a - b);
      const afterSteps = k.memory.buffer.byteLength;
      rows.push({
        model: 'localmax',
        delta: 0.1,
        n,
        d,
        precision,
        steps,
        msPerStep: ts[ts.length >> 1],
        wasmMemoryBeforeBytes: before,
        wasmMemoryBytes: after,
        wasmMemoryAfterStepsBytes: afterSteps,
        stateBytes: n * d * (precision === 'f64' ? 8 : 4),
        rssGrowthBytes: process.memoryUsage().rss - rss0,
      });
      log(`memory scale ${precision}: ${ts[ts.length >> 1].toFixed(1)} ms/step, wasm memory ${(after / 2 ** 20).toFixed(1)} MiB`);
    } finally {
      sim.dispose();
    }
  }
  return rows;
}

function numpyAvailable() {
  const r = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Run bench/numpy_ref.py on the same inputs; OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for this command only. */
function runNumpy(cells, tmp) {
  const files = new Map();
  for (const c of cells) {
    const key = `${c.n}x${c.d}`;
    if (!files.has(key)) {
      const path = join(tmp, `x_${key}.f64`);
      const x = inputs(c.n, c.d);
      writeFileSync(path, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
      files.set(key, path);
    }
    c.input = files.get(key);
  }
  const env = { ...process.env };
  const unset = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'].filter((v) => v in env);
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const spec = QUICK ? { minTimeMs: 0, minSamples: 2, maxSamples: 2 } : { minTimeMs: 400, minSamples: 5, maxSamples: 100 };
  const r = spawnSync('python3', [join(here, 'numpy_ref.py')], {
    input: JSON.stringify({ ...spec, cells }),
    encoding: 'utf8',
    env,
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`numpy_ref.py failed (exit ${r.status}): ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  out.envUnset = unset;
  out.spec = spec;
  return out;
}

async function main() {
  const started = new Date();
  const t0 = performance.now();
  const meta = {
    command: `npm run bench${QUICK ? ' -- --quick' : ''}`,
    quick: QUICK,
    date: started.toISOString(),
    node: process.version,
    v8: process.versions.v8,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    totalMemGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadavgStart: os.loadavg(),
    kernelWasmBytes: statSync(join(root, 'pkg/kernel.wasm')).size,
    kernelWasmMtime: statSync(join(root, 'pkg/kernel.wasm')).mtime.toISOString(),
    budget: BUDGET,
    seed: SEED,
    inputs: "initialPositions({ kind: 'uniform', n, d, seed: 1 }): uniform in [-1, 1]^d; alpha = 1 (gamma = 1/2), A = I, default tie tolerance",
  };
  log(`bench: ${meta.command} on ${meta.cpu} (${meta.cores} cores), node ${meta.node}, load ${meta.loadavgStart.map((v) => v.toFixed(2)).join(' ')}`);

  const peak = await measurePeak();
  log(`peak: f64 ${peak.f64?.gflops.toFixed(2)} GF/s, f32 ${peak.f32?.gflops.toFixed(2)} GF/s`);

  const cells = [];
  const skipped = [];
  for (const n of NS) {
    for (const d of DS) {
      const x0 = inputs(n, d);
      for (const m of MODELS) {
        for (const b of BACKENDS) {
          if (QUICK && n >= 4096 && b.startsWith('js')) {
            skipped.push({ model: m.key, n, d, backend: b, reason: 'quick mode skips the js backend at n = 4096' });
            continue;
          }
          const r = await timeCell(m, b, n, d, x0);
          cells.push({ model: m.key, n, d, backend: b, ...r, gflops: gflops(n, d, r.medianMs) });
          log(`${m.key.padEnd(16)} n=${String(n).padStart(4)} d=${String(d).padStart(2)} ${b.padEnd(8)} ${r.medianMs.toFixed(3).padStart(10)} ms/step (${r.samples} samples)`);
        }
      }
    }
  }
  // Ratios to js-f64 from this run.
  for (const c of cells) {
    const js = cells.find((o) => o.model === c.model && o.n === c.n && o.d === c.d && o.backend === 'js-f64');
    c.speedupVsJs64 = js ? js.medianMs / c.medianMs : null;
  }

  let numpy = { available: false, note: '' };
  const npVersion = NO_NUMPY ? null : numpyAvailable();
  if (NO_NUMPY) numpy.note = 'skipped (--no-numpy)';
  else if (npVersion === null) numpy.note = 'skipped: python3 with numpy not found';
  else {
    const tmp = mkdtempSync(join(os.tmpdir(), 'ad-bench-'));
    try {
      const npCells = [];
      for (const n of NS)
        for (const d of DS)
          for (const m of MODELS)
            for (const dtype of ['float64', 'float32'])
              npCells.push({
                key: `${m.key}|${n}|${d}|${dtype}`,
                model: m.model,
                delta: m.delta ?? 0,
                beta: m.beta ?? 1,
                tau: dtype === 'float64' ? 1e-12 : 1e-5,
                gamma: 0.5,
                n,
                d,
                dtype,
              });
      log(`numpy ${npVersion}: ${npCells.length} cells ...`);
      const out = runNumpy(npCells, tmp);
      const rows = [];
      for (const c of npCells) {
        const r = out.results[c.key];
        const wasm = cells.find((o) => o.model === c.key.split('|')[0] && o.n === c.n && o.d === c.d && o.backend === (c.dtype === 'float64' ? 'wasm-f64' : 'wasm-f32'));
        let checkMaxAbsDiff = null;
        if (wasm?.first && r.check) {
          checkMaxAbsDiff = 0;
          for (let k = 0; k < r.check.length; k++) checkMaxAbsDiff = Math.max(checkMaxAbsDiff, Math.abs(r.check[k] - wasm.first[k]));
        }
        rows.push({
          model: c.key.split('|')[0],
          n: c.n,
          d: c.d,
          dtype: c.dtype,
          medianMs: r.medianMs,
          minMs: r.minMs,
          cpuMsPerStep: r.cpuMs,
          samples: r.samples,
          gflops: gflops(c.n, c.d, r.medianMs),
          numpyOverWasm: wasm ? r.medianMs / wasm.medianMs : null,
          checkMaxAbsDiff,
        });
      }
      numpy = { available: true, version: out.numpy, python: out.python, blas: out.blas, envUnset: out.envUnset, spec: out.spec, cells: rows, note: '' };
      log(`numpy done; BLAS ${JSON.stringify(out.blas)}`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  for (const c of cells) delete c.first;

  const memory = NO_MEMORY ? [] : await memoryScale();
  meta.loadavgEnd = os.loadavg();
  meta.seconds = +((performance.now() - t0) / 1000).toFixed(1);
  const results = { meta, peak, cells, skipped, numpy, memory };
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(join(outDir, 'RESULTS.md'), renderMarkdown(results));
  log(`bench: wrote ${join(outDir, 'results.json')} and RESULTS.md in ${meta.seconds} s`);
  // The `threads` cells (issue 12), numpy side by side, in the same `npm run bench`: bench/threads.bench.mjs.
  const args = [join(here, 'threads.bench.mjs'), `--json=${join(outDir, 'threads-results.json')}`];
  if (QUICK) args.push('--quick');
  if (NO_NUMPY) args.push('--no-numpy');
  const th = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (th.status !== 0) throw new Error(`bench/threads.bench.mjs failed (exit ${th.status})`);
}

await main();
