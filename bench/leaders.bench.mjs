// Alignment-structure benchmarks: leaders, neighbourhoods and clusters on seeded clouds.
//
//   npx tsc -p tsconfig.build.json && node bench/leaders.bench.mjs [--quick]
//
// Reports the mean and median time per call in ms and the rate of the alignment
// product 2 n² d / t (GF/s; the A = I leader pass visits each pair once, so its
// useful rate is quoted on the same n² d work). Timings live here, never in a test.
import { Bench } from 'tinybench';
import { leaders, strictLeaders, attractors } from '../dist/analysis/attention/leaders.js';
import { neighbourhoods, neighbourhoodSizes } from '../dist/analysis/attention/alignment.js';
import { clusters } from '../dist/analysis/attention/clusters.js';
import { clustered as clusteredWith, rng, uniformCloud as uniformWith } from './inputs.mjs';

// This bench has always drawn from 32-bit uniforms; keep its inputs as they were.
const uniformCloud = (seed, n, d) => uniformWith(seed, n, d, rng);
const clustered = (seed, n, d, k) => clusteredWith(seed, n, d, k, rng);

const quick = process.argv.includes('--quick');

function matrix(seed, d) {
  const r = rng(seed);
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) A[i * d + j] = (i === j ? 1 : 0) + 0.3 * (2 * r() - 1);
  return A;
}

const n = 4096;
const d = 16;
const x = uniformCloud(1, n, d);
const x32 = Float32Array.from(x);
const A = matrix(2, d);
const x2 = uniformCloud(3, n, 2);
const big = clustered(4, 65536, 2, 12);
const wide = uniformCloud(5, 65536, 3);

const work = 2 * n * n * d; // flops of one full alignment product

const bench = new Bench({ time: quick ? 300 : 2000, iterations: quick ? 3 : 8, warmupIterations: 2 });
const tasks = [
  ['leaders n=4096 d=16 (A = I)', () => leaders(x, n, d), work],
  ['leaders n=4096 d=16 (Float32Array input)', () => leaders(x32, n, d, null, 1e-5), work],
  ['leaders n=4096 d=16 (general A)', () => leaders(x, n, d, A), work],
  ['strictLeaders n=4096 d=16', () => strictLeaders(x, n, d), work],
  ['attractors n=4096 d=16', () => attractors(x, n, d), work],
  ['leaders n=4096 d=2', () => leaders(x2, n, 2), 2 * n * n * 2],
  ['neighbourhoods n=4096 d=16 δ=0.1', () => neighbourhoods(x, n, d, { delta: 0.1 }), work],
  ['neighbourhoodSizes n=4096 d=16 δ=0.1', () => neighbourhoodSizes(x, n, d, { delta: 0.1 }), work],
  ['neighbourhoods n=4096 d=16 δ=0.1 (general A)', () => neighbourhoods(x, n, d, { delta: 0.1, A }), work],
  ['clusters n=65536 d=2 (12 tight clusters)', () => clusters(big, 65536, 2), 0],
  ['clusters n=65536 d=3 (uniform, tol 1e-6)', () => clusters(wide, 65536, 3), 0],
];
for (const [name, fn] of tasks) bench.add(name, fn);

// sanity numbers printed once (not timed)
console.log(`leaders(A = I): ${leaders(x, n, d).length} of ${n}; neighbourhoods δ=0.1: ${neighbourhoods(x, n, d, { delta: 0.1 }).members.length} members`);
console.log(`node ${process.version}, ${quick ? 'quick' : 'full'} run\n`);

await bench.run();

const rows = bench.tasks.map((t) => {
  const r = t.result;
  const lat = r.latency;
  const flops = tasks.find(([name]) => name === t.name)[2];
  return {
    task: t.name,
    'mean ms': lat.mean.toFixed(1),
    'median ms': lat.p50.toFixed(1),
    'min ms': lat.min.toFixed(1),
    samples: lat.samplesCount,
    'GF/s (2n²d/t)': flops > 0 ? (flops / (lat.mean * 1e6)).toFixed(2) : '',
  };
});
console.table(rows);
