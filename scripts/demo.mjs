#!/usr/bin/env node
// The main job of the README: a small localmax run that prints a few diagnostics.
// Runs on the built package (dist/, pkg/kernel.wasm): `npm run build` first.
import { Simulation, initialPositions } from '../dist/index.js';

const fmt = (v, p = 4) => (v === 0 ? '0' : Math.abs(v) >= 1e-3 ? v.toFixed(p) : v.toExponential(2));

function diameter(x, n, d) {
  let best = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (x[i * d + c] - x[j * d + c]) ** 2;
      if (s > best) best = s;
    }
  return Math.sqrt(best);
}

/** Number of distinct points at tolerance tol (greedy, fine for a demo). */
function distinct(x, n, d, tol = 1e-6) {
  const reps = [];
  for (let i = 0; i < n; i++) {
    const hit = reps.some((r) => {
      let s = 0;
      for (let c = 0; c < d; c++) s += (x[i * d + c] - x[r * d + c]) ** 2;
      return s <= tol * tol;
    });
    if (!hit) reps.push(i);
  }
  return reps.length;
}

const maxAbsDiff = (a, b) => a.reduce((m, v, k) => Math.max(m, Math.abs(v - b[k])), 0);

// 1. SPEC P6: the square (±1,±1) plus p = (1, 0.01), α = 0.5.
console.log('SPEC P6, square plus p = (1, 0.01), alpha = 0.5, 30 steps:');
for (const delta of [0, 0.05]) {
  const sim = await Simulation.create({
    model: 'localmax',
    positions: [[1, 1], [1, -1], [-1, -1], [-1, 1], [1, 0.01]],
    alpha: 0.5,
    delta,
  });
  sim.step(30);
  const p = sim.positions().subarray(8, 10);
  const expect = delta === 0 ? 'p -> (1, 1)' : `p -> (1, 0), p_y(30) = 0.01*(7/9)^30 = ${fmt(0.01 * (7 / 9) ** 30)}`;
  console.log(`  delta = ${delta}: p(30) = (${fmt(p[0], 12)}, ${fmt(p[1], 12)})   [${expect}]`);
  sim.dispose();
}

// 2. A seeded random cloud on both backends.
const n = 512, d = 2, steps = 200;
const x0 = initialPositions({ kind: 'uniform', n, d, seed: 42 });
console.log(`\nlocalmax, n = ${n}, d = ${d}, uniform [-1,1)^2 (seed 42), alpha = 1, delta = 0.1, ${steps} steps:`);
const finals = {};
for (const [backend, precision] of [['wasm', 'f64'], ['wasm', 'f32'], ['js', 'f64']]) {
  const sim = await Simulation.create({ model: 'localmax', positions: x0, n, d, alpha: 1, delta: 0.1, backend, precision });
  const t0 = performance.now();
  sim.step(steps);
  const ms = (performance.now() - t0) / steps;
  const x = sim.positions();
  finals[`${backend}-${precision}`] = x;
  console.log(
    `  ${backend}-${precision}: ${fmt(ms, 3)} ms/step, diameter ${fmt(diameter(x0, n, d))} -> ${fmt(diameter(x, n, d))}, ` +
      `distinct points (tol 1e-6) ${distinct(x0, n, d)} -> ${distinct(x, n, d)}`,
  );
  sim.dispose();
}
const gap = maxAbsDiff(finals['wasm-f64'], finals['js-f64']);
console.log(`  max |wasm-f64 - js-f64| after ${steps} steps: ${fmt(gap)}${gap === 0 ? ' (bit for bit)' : ''}`);
console.log(`  max |wasm-f32 - wasm-f64| after ${steps} steps: ${fmt(maxAbsDiff(finals['wasm-f32'], finals['wasm-f64']))}`);
