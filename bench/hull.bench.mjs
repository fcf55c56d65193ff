// Convex-hull and support-function benchmarks on seeded clouds.
//
//   npx tsc -p tsconfig.build.json && node bench/hull.bench.mjs [--quick]
//
// Reports the mean and median time per call in ms (tinybench ^6, warm-up
// first) and the hull size of each input. The headline cases of issue 3 are
// the 2D hull of 10^6 uniform points and of 10^6 points on a circle (almost
// all of them vertices). Timings live here, never in a test.
import { Bench } from 'tinybench';
import { hullVertices, hullPolygon, hullVerticesLP } from '../dist/analysis/hull.js';
import { diameter, directionBank, hausdorffHulls, supportFunction } from '../dist/analysis/support.js';

const quick = process.argv.includes('--quick');

/** mulberry32 uniforms in [0,1), seeded. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** 53-bit uniforms (two draws), so 10^6 circle points are distinct. */
function rng53(seed) {
  const r = rng(seed);
  return () => (Math.floor(r() * 2 ** 27) * 2 ** 26 + Math.floor(r() * 2 ** 26)) / 2 ** 53;
}

function uniformCloud(seed, n, d) {
  const r = rng53(seed);
  const x = new Float64Array(n * d);
  for (let k = 0; k < x.length; k++) x[k] = 2 * r() - 1;
  return x;
}

function gaussCloud(seed, n, d) {
  const r = rng53(seed);
  const x = new Float64Array(n * d);
  for (let k = 0; k < x.length; k++) x[k] = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return x;
}

function circle(seed, n) {
  const r = rng53(seed);
  const x = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const th = 2 * Math.PI * r();
    x[2 * i] = Math.cos(th);
    x[2 * i + 1] = Math.sin(th);
  }
  return x;
}

/** n tokens in k tight clusters (noise 1e-9) around uniform centres: a late-time state. */
function clustered(seed, n, d, k) {
  const r = rng53(seed);
  const centres = uniformCloud(seed + 1, k, d);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r() * k);
    for (let j = 0; j < d; j++) x[i * d + j] = centres[c * d + j] + 1e-9 * (2 * r() - 1);
  }
  return x;
}

const M = 1_000_000;
const u2 = uniformCloud(1, M, 2);
const c2 = circle(2, M);
const g2 = gaussCloud(3, M, 2);
const k2 = clustered(4, M, 2, 12);
const u2f32 = Float32Array.from(u2);
const g3 = gaussCloud(5, 100_000, 3);
const s3 = gaussCloud(6, 20_000, 3);
for (let i = 0; i < 20_000; i++) {
  const a = s3[3 * i], b = s3[3 * i + 1], c = s3[3 * i + 2];
  const nr = Math.hypot(a, b, c);
  s3[3 * i] = a / nr; s3[3 * i + 1] = b / nr; s3[3 * i + 2] = c / nr;
}
const u5 = uniformCloud(7, 2000, 5);
const g5 = gaussCloud(8, 2000, 5);
const g8 = gaussCloud(9, 1000, 8);
const sup = uniformCloud(10, 65536, 16);
const dirs16 = directionBank(16);
const hx = uniformCloud(11, 100_000, 2);
const hy = gaussCloud(12, 100_000, 2);
const h3x = gaussCloud(13, 5000, 3);
const h3y = uniformCloud(14, 5000, 3);

const bench = new Bench({ time: quick ? 300 : 2000, iterations: quick ? 3 : 10, warmupIterations: 2 });
const tasks = [
  ['hullVertices 2D n=1e6 uniform square', () => hullVertices(u2, M, 2), () => hullVertices(u2, M, 2).length],
  ['hullVertices 2D n=1e6 on a circle', () => hullVertices(c2, M, 2), () => hullVertices(c2, M, 2).length],
  ['hullVertices 2D n=1e6 gaussian', () => hullVertices(g2, M, 2), () => hullVertices(g2, M, 2).length],
  ['hullVertices 2D n=1e6 12 tight clusters', () => hullVertices(k2, M, 2), () => hullVertices(k2, M, 2).length],
  ['hullVertices 2D n=1e6 uniform (Float32Array)', () => hullVertices(u2f32, M, 2), () => hullVertices(u2f32, M, 2).length],
  ['hullPolygon 2D n=1e6 on a circle', () => hullPolygon(c2, M), () => hullPolygon(c2, M).length],
  ['diameter 2D n=1e6 on a circle', () => diameter(c2, M, 2), () => hullVertices(c2, M, 2).length],
  ['hullVertices 3D n=1e5 gaussian (exact quickhull)', () => hullVertices(g3, 100_000, 3), () => hullVertices(g3, 100_000, 3).length],
  ['hullVertices 3D n=2e4 on a sphere (exact quickhull)', () => hullVertices(s3, 20_000, 3), () => hullVertices(s3, 20_000, 3).length],
  ['hullVertices d=5 n=2000 uniform cube (LP)', () => hullVertices(u5, 2000, 5), () => hullVertices(u5, 2000, 5).length],
  ['hullVertices d=5 n=2000 gaussian (LP)', () => hullVertices(g5, 2000, 5), () => hullVertices(g5, 2000, 5).length],
  ['hullVertices d=8 n=1000 gaussian (LP)', () => hullVertices(g8, 1000, 8), () => hullVertices(g8, 1000, 8).length],
  ['hullVerticesLP d=2 n=1e4 uniform (LP path, for comparison)', () => hullVerticesLP(u2, 10_000, 2), () => hullVerticesLP(u2, 10_000, 2).length],
  ['supportFunction n=65536 d=16 m=64', () => supportFunction(sup, 65536, 16, dirs16), () => 64],
  ['hausdorffHulls 2D n=1e5 vs 1e5', () => hausdorffHulls(hx, 100_000, hy, 100_000, 2), () => hausdorffHulls(hx, 100_000, hy, 100_000, 2)],
  ['hausdorffHulls 3D n=5000 vs 5000 (Wolfe)', () => hausdorffHulls(h3x, 5000, h3y, 5000, 3), () => hausdorffHulls(h3x, 5000, h3y, 5000, 3)],
];
for (const [name, fn] of tasks) bench.add(name, fn);

// sanity numbers printed once (not timed)
const info = new Map(tasks.map(([name, , size]) => [name, size()]));

await bench.run();

const rows = bench.tasks.map((t) => {
  const r = t.result;
  const lat = r?.latency;
  return {
    task: t.name,
    'mean ms': lat ? lat.mean.toFixed(1) : 'n/a',
    'median ms': lat ? lat.p50.toFixed(1) : 'n/a',
    'rme %': lat ? lat.rme.toFixed(1) : 'n/a',
    samples: lat ? lat.samplesCount : 0,
    'hull size / value': typeof info.get(t.name) === 'number' && !Number.isInteger(info.get(t.name)) ? info.get(t.name).toFixed(6) : info.get(t.name),
  };
});
console.log(`node ${process.version}, ${quick ? 'quick' : 'full'} run`);
console.table(rows);
