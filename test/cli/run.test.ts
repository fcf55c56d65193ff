/**
 * `attention-dynamics run`, end to end through the built command: with a
 * given --init it reproduces the API's result bit for bit (same backend and
 * precision), writes valid NPY files (magic, header, shape, dtype, C order),
 * summary.json, a self-contained report.html, and --json prints the summary.
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Simulation, initialPositions, schedules } from '../../ts/index.js';
import { encodeNpy, parseNpy } from '../../ts/io/npy.js';
import { cli, ensureBuilt, tempDir } from './helpers.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = tempDir('cli-run-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const n = 40;
const d = 2;
const x0 = initialPositions({ kind: 'uniform', n, d, seed: 7 });

/** Check the raw NPY bytes: magic, version 1.0, 64-byte padded header, '<f8', C order, shape; return the data. */
function checkNpy(path: string, shape: number[]): Float64Array {
  const b = new Uint8Array(readFileSync(path));
  expect(Array.from(b.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const hlen = b[8]! | (b[9]! << 8);
  expect((10 + hlen) % 64).toBe(0);
  const header = new TextDecoder('latin1').decode(b.subarray(10, 10 + hlen));
  expect(header.endsWith('\n')).toBe(true);
  expect(header).toContain("'descr': '<f8'");
  expect(header).toContain("'fortran_order': False");
  expect(header).toContain(`'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''})`);
  expect(b.length - 10 - hlen).toBe(shape.reduce((p, s) => p * s, 1) * 8);
  const a = parseNpy(b);
  expect(a.shape).toEqual(shape);
  return a.data as Float64Array;
}

function bitsEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false;
  return true;
}

async function apiRun(opts: Parameters<typeof Simulation.create>[0], stops: number[]): Promise<Float64Array[]> {
  const sim = await Simulation.create(opts);
  const out: Float64Array[] = [];
  let t = 0;
  for (const s of stops) {
    sim.step(s - t);
    t = s;
    out.push(sim.positions());
  }
  sim.dispose();
  return out;
}

describe('run reproduces the API exactly', () => {
  it.each([
    ['wasm', 'f64'],
    ['js', 'f64'],
    ['wasm', 'f32'],
    ['js', 'f32'],
  ] as const)('localmax with --init, backend %s, precision %s', async (backend, precision) => {
    const init = join(dir, `init-${backend}-${precision}.npy`);
    writeFileSync(init, encodeNpy(x0, [n, d]));
    const out = join(dir, `out-${backend}-${precision}`);
    const r = cli(['run', '--model', 'localmax', '--delta', '0.1', '--alpha', '0.5', '--init', init, '--steps', '23', '--every', '5', '--backend', backend, '--precision', precision, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const stops = [5, 10, 15, 20, 23];
    const api = await apiRun({ model: 'localmax', positions: x0, n, d, alpha: 0.5, delta: 0.1, backend, precision }, stops);
    const final = checkNpy(join(out, 'final.npy'), [n, d]);
    expect(bitsEqual(final, api[api.length - 1]!)).toBe(true);
    const tr = checkNpy(join(out, 'trajectory.npy'), [6, n, d]);
    expect(bitsEqual(tr.subarray(0, n * d), precision === 'f32' ? Float64Array.from(Float32Array.from(x0)) : x0)).toBe(true);
    stops.forEach((_, k) => expect(bitsEqual(tr.subarray((k + 1) * n * d, (k + 2) * n * d), api[k]!)).toBe(true));
    expect(Array.from(checkNpy(join(out, 'times.npy'), [6]))).toEqual([0, 5, 10, 15, 20, 23]);
    expect(bitsEqual(checkNpy(join(out, 'initial.npy'), [n, d]), x0)).toBe(true);
  });

  it('reads a float32 --init file and matches the API given the same float32 values', async () => {
    const x32 = Float32Array.from(x0);
    const init = join(dir, 'init32.npy');
    writeFileSync(init, encodeNpy(x32, [n, d], 'float32'));
    const out = join(dir, 'out32');
    const r = cli(['run', '--model', 'hardmax', '--alpha', '1', '--init', init, '--steps', '12', '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const [api] = await apiRun({ model: 'hardmax', positions: x32, n, d, alpha: 1 }, [12]);
    expect(bitsEqual(checkNpy(join(out, 'final.npy'), [n, d]), api!)).toBe(true);
  });

  it('δ schedules, A from a file, softmax-markov with a seed and a sphere model match the API', async () => {
    const A = Float64Array.of(1, 0.3, -0.2, 0.8);
    writeFileSync(join(dir, 'A.npy'), encodeNpy(A, [2, 2]));
    const init = join(dir, 'init-sched.npy');
    writeFileSync(init, encodeNpy(x0, [n, d]));
    const cases: [string[], Parameters<typeof Simulation.create>[0]][] = [
      [['--model', 'localmax', '--delta-schedule', 'power:0.2,1', '--A', join(dir, 'A.npy')], { model: 'localmax', positions: x0, n, d, delta: schedules.power(0.2, 1), A }],
      [['--model', 'localmax', '--delta-schedule', 'piecewise:0.3@0,0.02@7'], { model: 'localmax', positions: x0, n, d, delta: schedules.piecewise([0, 7], [0.3, 0.02]) }],
      [['--model', 'localmax', '--delta-schedule', 'geometric:0.2,0.9', '--tie-tolerance', '1e-9'], { model: 'localmax', positions: x0, n, d, delta: schedules.geometric(0.2, 0.9), tieTolerance: 1e-9 }],
      [['--model', 'softmax-markov', '--beta', '3', '--seed', '11', '--alpha', '0.25'], { model: 'softmax-markov', positions: x0, n, d, beta: 3, seed: 11, alpha: 0.25 }],
      [['--model', 'frank-wolfe', '--gamma', 'frank-wolfe'], { model: 'frank-wolfe', positions: x0, n, d, gamma: schedules.frankWolfe() }],
      [['--model', 'sphere-sa', '--beta', '2', '--dt', '0.05', '--integrator', 'euler-raw'], { model: 'sphere-sa', positions: x0, n, d, beta: 2, dt: 0.05, integrator: 'euler-raw' }],
    ];
    for (const [k, [args, opts]] of cases.entries()) {
      const out = join(dir, `sched-${k}`);
      const r = cli(['run', ...args, '--init', init, '--steps', '15', '--out', out]);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.code).toBe(0);
      const [api] = await apiRun(opts, [15]);
      expect(bitsEqual(checkNpy(join(out, 'final.npy'), [n, d]), api!), args.join(' ')).toBe(true);
    }
  });
});

describe('run outputs', () => {
  it('writes summary.json, a self-contained report.html, and prints the same summary with --json', () => {
    const out = join(dir, 'json');
    const r = cli(['run', '--model', 'localmax', '--delta', '0.1', '--n', '30', '--d', '2', '--init-seed', '3', '--steps', '40', '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(readdirSync(out).filter((f) => !f.endsWith('.svg')).sort()).toEqual(['final.npy', 'initial.npy', 'report.html', 'summary.json', 'times.npy', 'trajectory.npy']);
    const printed = JSON.parse(r.stdout);
    const file = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(printed).toEqual(file);
    expect(file.options.model).toBe('localmax');
    expect(file.options.init).toEqual({ source: 'generated', kind: 'uniform', seed: 3 });
    expect(file.trajectory.shape).toEqual([41, 30, 2]);
    expect(file.final.t).toBe(40);
    expect(file.final.clusters.count).toBeGreaterThanOrEqual(1);
    expect(file.final.hull.vertexCount).toBeGreaterThanOrEqual(1);
    expect(file.final.leaders.count).toBeGreaterThanOrEqual(1);
    expect(file.final.neighbourhoodSizes.values).toHaveLength(30);
    expect(file.series.clusterCount.length).toBe(file.series.times.length);
    expect(file.analysisErrors).toEqual([]);
    // the generated initial state is saved and is the library's seeded state
    const init = parseNpy(new Uint8Array(readFileSync(join(out, 'initial.npy'))));
    expect(bitsEqual(init.data, initialPositions({ kind: 'uniform', n: 30, d: 2, seed: 3 }))).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*"(https?:)?\/\//i);
    for (const section of ['Trajectories', 'Hull at chosen steps', 'Strips', 'Quiescent balls', 'Distance to the limit', 'Over time']) expect(html).toContain(`<h2>${section}</h2>`);
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(8);
  });

  it('labels the PCA projection for d > 2 and keeps the final state when steps is not a multiple of --every', () => {
    const out = join(dir, 'pca');
    const r = cli(['run', '--model', 'softmax', '--beta', '4', '--n', '25', '--d', '5', '--init-kind', 'gaussian', '--init-seed', '2', '--steps', '23', '--every', '10', '--hull-at', '0,20', '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(Array.from(checkNpy(join(out, 'times.npy'), [4]))).toEqual([0, 10, 20, 23]);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('2D PCA projection of d = 5: PC1 ');
    expect(html).toContain('Hull at t = 20');
    expect(html).not.toContain('Hull at t = 10');
  });

  it('prints a short text summary without --json and nothing on stderr off a terminal', () => {
    const out = join(dir, 'text');
    const r = cli(['run', '--model', 'hardmax', '--n', '12', '--d', '2', '--steps', '10', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hardmax n=12 d=2: 10 steps/);
    expect(r.stdout).toContain('report.html');
    expect(r.stderr).toBe('');
  });
});

describe('help', () => {
  it.each(['', 'run', 'sweep', 'experiment'])('--help %s shows usage with examples and exits 0', (cmd) => {
    const r = cli(cmd ? [cmd, '--help'] : ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage:/);
    expect(r.stdout).toMatch(/Examples:/);
    if (cmd === 'run') for (const flag of ['--model', '--delta-schedule', '--init', '--every', '--out', '--backend', '--precision', '--json', '--quiet']) expect(r.stdout).toContain(flag);
    if (cmd === 'sweep') expect(r.stdout).toContain('--grid');
  });
});
