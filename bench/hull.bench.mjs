// Convex-hull and support-function benchmarks on seeded clouds.
//
//   npx tsc -p tsconfig.build.json && node bench/hull.bench.mjs [--quick]
//
// Reports the mean and median time per call in ms (tinybench ^6, warm-up
// first) and the hull size of each input. The headline cases of issue 3 are
// the 2D hull of 10^6 uniform points and of 10^6 points on a circle (almost
// all of them vertices). Timings live here, never in a test.
import { Bench } from 'tinybench';
import { hullVertices, hullPolygon, hullVerticesLP } from '../dist/analysis/geometry/hull.js';
import { diameter, directionBank, hausdorffHulls, supportFunction } from '../dist/analysis/geometry/support.js';
import { circle, clustered, gaussCloud, uniformCloud } from './inputs.mjs';

const quick = process.argv.includes('--quick');

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
