#!/usr/bin/env node
// Compare two builds of the kernel (an old and a new kernel.wasm) step for
// step, on the same inputs, in ONE interleaved run: the way to show that a
// change of the Rust kernel keeps the hot loops' speed and its results.
//
//   node bench/kernel-compare.mjs --old OLD.wasm --new NEW.wasm [--rounds 6] [--samples 5] [--quick] [--filter TEXT]
//
// One process can load only one kernel (ts/backend/wasm.ts keeps a module
// singleton), so every measurement is a child process of this script
// (`--child FILE.wasm`) that loads FILE through setKernelSource, times every
// cell, and prints one JSON line. Rounds alternate the order (old new, new
// old, ...) so that a drift of the machine's speed hits both alike. Per cell
// the report gives the median over rounds of each kernel's per-round median
// ms/step, and the median of the per-round ratios new/old (each round's pair
// ran back to back), with their min..max as the noise, and the same ratio in
// process CPU time (user + system around each step: time spent descheduled
// by other processes on a shared machine does not count; V8's background
// threads do). A child first warms
// every kernel up, then takes per cell at least --samples samples (more, up
// to 40, while under 150 ms), each from the seeded start.
//
// Cells: hardmax, localmax δ=0.1, softmax β=1 × n ∈ {1024, 4096} × d ∈ {2,
// 16, 64} × f64, f32 on the wasm backend; together they run every hot loop
// (alignment tiles and row maxima, threshold scan and gather, the fast
// exponential row, the weighted sums) and, for hardmax/localmax at d = 2 and
// n = 4096, the kd-tree path. Each child also hashes the positions after one
// step from the seeded start; the parent checks old and new agree bit for bit.
//
// Uses the built package (dist/, from `npm run build`). Timings only: nothing
// here is a test. Writes nothing; prints a Markdown table (stdout) and
// progress (stderr). --quick: n = 1024 only, 3 rounds. --filter TEXT: only
// the cells whose name contains TEXT (e.g. 'softmax', 'f32 n=4096').
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const argv = process.argv.slice(2);
function opt(name, dflt) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
}
const QUICK = argv.includes('--quick');
const SAMPLES = Number(opt('samples', '5'));

const MODELS = [
  { key: 'hardmax', model: 'hardmax' },
  { key: 'localmax δ=0.1', model: 'localmax', delta: 0.1 },
  { key: 'softmax β=1', model: 'softmax', beta: 1 },
];
const NS = QUICK ? [1024] : [1024, 4096];
const DS = [2, 16, 64];
const PRECISIONS = ['f64', 'f32'];

const FILTER = opt('filter', '');
const cellKey = (c) => `${c.m.key} ${c.precision} n=${c.n} d=${c.d}`;
function cells() {
  const out = [];
  for (const precision of PRECISIONS) for (const n of NS) for (const d of DS) for (const m of MODELS) out.push({ m, n, d, precision });
  return out.filter((c) => cellKey(c).includes(FILTER));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}

async function child(file) {
  const { Simulation, initialPositions, setKernelSource } = await import(pathToFileURL(join(root, 'dist/index.js')).href);
  setKernelSource(new Uint8Array(readFileSync(file)));
  // Warm-up: V8 first runs wasm in its baseline compiler and swaps in the
  // optimised code after a function has run a while; run every kernel
  // (both precisions, all three models, the kd-tree) for a few steps first.
  for (const precision of PRECISIONS) {
    for (const [n, d] of [[1024, 16], [4096, 2]]) {
      for (const m of MODELS) {
        const o = { model: m.model, positions: initialPositions({ kind: 'uniform', n, d, seed: 2 }), n, d, backend: 'wasm', precision };
        if (m.delta !== undefined) o.delta = m.delta;
        if (m.beta !== undefined) o.beta = m.beta;
        const sim = await Simulation.create(o);
        sim.step(3);
        sim.dispose();
      }
    }
  }
  const result = {};
  for (const c of cells()) {
    const { m, n, d, precision } = c;
    const x0 = initialPositions({ kind: 'uniform', n, d, seed: 1 });
    const o = { model: m.model, positions: x0, n, d, backend: 'wasm', precision };
    if (m.delta !== undefined) o.delta = m.delta;
    if (m.beta !== undefined) o.beta = m.beta;
    const sim = await Simulation.create(o);
    try {
      sim.step(1); // warm-up (and V8's tier-up)
      sim.view().set(x0);
      sim.step(1);
      const hash = createHash('sha256').update(sim.positions()).digest('hex').slice(0, 16);
      // At least SAMPLES samples, more (up to 40) while under 150 ms in all.
      const ts = [];
      const cpu = [];
      let spent = 0;
      for (let s = 0; s < 40 && (s < SAMPLES || spent < 150); s++) {
        sim.view().set(x0);
        const c0 = process.cpuUsage();
        const t = performance.now();
        sim.step(1);
        const dt = performance.now() - t;
        const dc = process.cpuUsage(c0);
        ts.push(dt);
        cpu.push((dc.user + dc.system) / 1000);
        spent += dt;
      }
      result[cellKey(c)] = { ms: median(ts), cpuMs: median(cpu), hash };
    } finally {
      sim.dispose();
    }
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(file) {
  const args = [fileURLToPath(import.meta.url), '--child', file, '--samples', String(SAMPLES), '--filter', FILTER];
  if (QUICK) args.push('--quick');
  // A failed child (say node_modules changing under a shared checkout) is run again, twice at most.
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status === 0) return JSON.parse(r.stdout.trim().split('\n').pop());
    if (attempt === 3) throw new Error(`child ${file} failed (${r.status}): ${r.stderr}`);
    console.error(`child ${file} failed (${r.status}), running it again: ${r.stderr.split('\n').find((l) => l.includes('Error')) ?? ''}`);
  }
}

async function parent() {
  const oldFile = opt('old', null);
  const newFile = opt('new', null);
  if (!oldFile || !newFile) {
    console.error('usage: node bench/kernel-compare.mjs --old OLD.wasm --new NEW.wasm [--rounds N] [--samples N] [--quick] [--filter TEXT]');
    process.exit(2);
  }
  for (const f of [oldFile, newFile, join(root, 'dist/index.js')]) {
    if (!existsSync(f)) {
      console.error(`kernel-compare: ${f} is missing${f.endsWith('index.js') ? '; run `npm run build` first' : ''}`);
      process.exit(1);
    }
  }
  const rounds = Number(opt('rounds', QUICK ? '3' : '6'));
  const runs = { old: [], new: [] };
  const t0 = Date.now();
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
    for (const which of order) {
      runs[which].push(runChild(resolve(which === 'old' ? oldFile : newFile)));
      console.error(`round ${r + 1}/${rounds}: ${which} done (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
  }
  const size = (f) => readFileSync(f).length;
  const lines = [];
  lines.push(`old ${oldFile} (${size(oldFile)} bytes), new ${newFile} (${size(newFile)} bytes); ${rounds} rounds alternating, ${SAMPLES} samples per cell and run, node ${process.version}`);
  lines.push('');
  lines.push('| cell | old ms/step | new ms/step | new/old (median of rounds) | min..max of rounds | new/old in CPU time | same result |');
  lines.push('| --- | ---: | ---: | ---: | --- | ---: | --- |');
  const allRatios = [];
  const allCpuRatios = [];
  let mismatches = 0;
  for (const c of cells()) {
    const k = cellKey(c);
    const o = runs.old.map((x) => x[k].ms);
    const nn = runs.new.map((x) => x[k].ms);
    const ratios = o.map((v, i) => nn[i] / v);
    allRatios.push(median(ratios));
    const cpuRatios = runs.old.map((x, i) => runs.new[i][k].cpuMs / x[k].cpuMs);
    allCpuRatios.push(median(cpuRatios));
    const same = runs.old.every((x) => x[k].hash === runs.old[0][k].hash) && runs.new.every((x) => x[k].hash === runs.old[0][k].hash);
    if (!same) mismatches++;
    const fmt = (v) => (v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
    lines.push(`| ${k} | ${fmt(median(o))} | ${fmt(median(nn))} | ${median(ratios).toFixed(3)} | ${Math.min(...ratios).toFixed(2)}..${Math.max(...ratios).toFixed(2)} | ${median(cpuRatios).toFixed(3)} | ${same ? 'yes' : 'NO'} |`);
  }
  const gm = (rs) => Math.exp(rs.reduce((s, r) => s + Math.log(r), 0) / rs.length).toFixed(3);
  lines.push('');
  lines.push(`geometric mean of the per-cell ratios new/old: ${gm(allRatios)} (wall), ${gm(allCpuRatios)} (CPU time); cells whose positions after one step differ: ${mismatches}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

const childFile = opt('child', null);
if (childFile) await child(childFile);
else await parent();
