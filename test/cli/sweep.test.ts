/**
 * `attention-dynamics sweep`: a grid of ≥ 24 runs in a worker pool, one CSV
 * row per run, more than one worker thread used (by thread id, not timing),
 * rows that agree with the API, runs that fail while running reported
 * without stopping the others, and invalid grid points refused before the
 * first run (exit 2, nothing written).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Simulation, initialPositions, schedules } from '../../ts/index.js';
import { encodeNpy } from '../../ts/io/npy.js';
import { clusters } from '../../ts/analysis/attention/clusters.js';
import { hullVertices } from '../../ts/analysis/geometry/hull.js';
import { cli, ensureBuilt, tempDir } from './helpers.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = tempDir('cli-sweep-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Minimal RFC 4180 CSV parser (quoted fields with commas and doubled quotes). */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let k = 0; k < text.length; k++) {
    const c = text[k] as string;
    if (q) {
      if (c === '"' && text[k + 1] === '"') {
        field += '"';
        k++;
      } else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries((header as string[]).map((h, k) => [h, r[k] ?? ''])));
}

describe('sweep', () => {
  it('runs a 3 × 8 grid (24 runs) on 2 worker threads, one CSV row per run, rows matching the API', async () => {
    const out = join(dir, 'grid');
    // runs of ~0.1 s each, so the second worker is up long before the queue is empty
    const r = cli(['sweep', '--model', 'localmax', '--n', '200', '--d', '2', '--steps', '300', '--alpha', '1', '--grid', 'delta=0.01,0.1,0.5', '--grid', 'seed=1..8', '--workers', '2', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/24 runs \(24 ok, 0 failed\) on 2 worker thread/);
    const rows = parseCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'));
    expect(rows).toHaveLength(24);
    expect(rows.every((row) => row.status === 'ok')).toBe(true);
    // grid order: the first axis varies slowest
    expect(rows.map((row) => `${row.delta}/${row.seed}`).slice(0, 9)).toEqual(['0.01/1', '0.01/2', '0.01/3', '0.01/4', '0.01/5', '0.01/6', '0.01/7', '0.01/8', '0.1/1']);
    // more than one worker thread processed runs (thread ids, not timings)
    const threads = new Set(rows.map((row) => Number(row.threadId)));
    expect(threads.size).toBeGreaterThan(1);
    expect([...threads].every((t) => t > 0)).toBe(true); // none ran on the main thread
    const json = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(json.runs).toBe(24);
    expect(json.workers).toBe(2);
    expect(json.threadIds.length).toBeGreaterThan(1);
    // spot-check rows against the API: seed = init-seed of the generated cloud
    for (const k of [3, 13, 22]) {
      const row = rows[k]!;
      const x0 = initialPositions({ kind: 'uniform', n: 200, d: 2, seed: Number(row.seed) });
      const sim = await Simulation.create({ model: 'localmax', positions: x0, n: 200, d: 2, alpha: 1, delta: Number(row.delta) });
      sim.step(300);
      const x = sim.positions();
      sim.dispose();
      expect(Number(row.clusters)).toBe(clusters(x, 200, 2).count);
      expect(Number(row.hullVertices)).toBe(hullVertices(x, 200, 2).length);
      expect(Number(row.steps)).toBe(300);
    }
  });

  it('reports runs that fail while running (one line each) and still runs the others; the CSV records the error', () => {
    // h = -1 sends both copies of token (1, 0) to the origin in the first step, which cannot be projected to the sphere
    const init = join(dir, 'same.npy');
    writeFileSync(init, encodeNpy(Float64Array.of(1, 0, 1, 0, 0.6, 0.8), [3, 2]));
    const out = join(dir, 'failing');
    const r = cli(['sweep', '--model', 'hardmax', '--sphere', '--init', init, '--steps', '3', '--grid', 'h=-1,0.5', '--grid', 'precision=f64,f32', '--workers', '2', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/4 runs \(2 ok, 2 failed\)/);
    const errLines = r.stderr.split('\n').filter(Boolean);
    expect(errLines).toHaveLength(2);
    for (const line of errLines) expect(line).toMatch(/^attention-dynamics: run [01] \(h=-1 precision=f(64|32)\) failed: at t = 0: .*origin/);
    const rows = parseCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'));
    expect(rows.map((row) => row.status)).toEqual(['failed', 'failed', 'ok', 'ok']);
    expect(rows[0]!.error).toMatch(/origin/);
    expect(rows[2]!.clusters).not.toBe('');
    expect(rows[0]!.clusters).toBe('');
  });

  it.each([
    ['a bad value (issue 9 item 9)', ['--model', 'hardmax', '--grid', 'alpha=1,-1'], /^attention-dynamics: error: grid run 1 \(alpha=-1\): --alpha must be a finite number > 0; got -1; nothing was run$/],
    ['an option the API refuses', ['--grid', 'model=hardmax,softmax-markov'], /^attention-dynamics: error: grid run 1 \(model=softmax-markov\): invalid options: seed is required/],
    ['a bad schedule', ['--model', 'hardmax', '--grid', 'gamma=0.5;geometric:2,0.5'], /^attention-dynamics: error: grid run 1 \(gamma=geometric:2,0\.5\): --gamma must be geometric:γ0,r with γ0 in \(0, 1\]/],
    ['a size the wasm backend cannot hold', ['--model', 'hardmax', '--grid', 'n=10,100000000', '--d', '2'], /^attention-dynamics: error: grid run 1 \(n=100000000\): --n 100000000 --d 2: .*more than wasm32 allows/],
  ])('refuses an invalid grid point before the first run, with %s: one line naming it, exit 2, nothing written', (_name, extra, re) => {
    const out = join(dir, `invalid-${Math.random().toString(36).slice(2)}`);
    const args = ['sweep', '--steps', '3', '--workers', '2', '--out', out, ...(extra as string[])];
    if (!args.includes('--d')) args.push('--n', '8', '--d', '2');
    const r = cli(args);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(re as RegExp);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it("keeps a schedule grid value whole when the values are separated by ';' (issue 9 item 9)", async () => {
    const out = join(dir, 'schedules');
    const r = cli(['sweep', '--model', 'softmax', '--n', '12', '--d', '2', '--init-seed', '3', '--steps', '6', '--grid', 'gamma=0.5;geometric:0.5,0.5', '--workers', '1', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = parseCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'));
    expect(rows.map((row) => row.gamma)).toEqual(['0.5', 'geometric:0.5,0.5']);
    const x0 = initialPositions({ kind: 'uniform', n: 12, d: 2, seed: 3 });
    const diam = async (gamma: number | ReturnType<typeof schedules.gammaGeometric>): Promise<number> => {
      const sim = await Simulation.create({ model: 'softmax', positions: x0, n: 12, d: 2, gamma });
      sim.step(6);
      const x = sim.positions();
      sim.dispose();
      let best = 0;
      for (let i = 0; i < 12; i++) for (let j = i + 1; j < 12; j++) best = Math.max(best, Math.hypot(x[2 * i]! - x[2 * j]!, x[2 * i + 1]! - x[2 * j + 1]!));
      return best;
    };
    const [d0, d1] = [await diam(0.5), await diam(schedules.gammaGeometric(0.5, 0.5))];
    expect(d0).not.toBeCloseTo(d1, 6); // the two grid values are different runs
    expect(Number(rows[0]!.diameterT)).toBeCloseTo(d0, 12);
    expect(Number(rows[1]!.diameterT)).toBeCloseTo(d1, 12);
  });

  it.each([
    [['--grid', 'delta'], /--grid must be KEY=VALUES/],
    [['--grid', 'foo=1,2'], /--grid KEY must be a run option with a value \(seed, model, .*\); got "foo"$/],
    [['--grid', 'delta=0.1,,0.2'], /empty value/],
    [['--grid', 'init-seed=5..1'], /must go up/],
    [['--grid', 'delta=0.1', '--grid', 'delta=0.2'], /--grid delta is given more than once/],
    [['--grid', 'd=2,3'], /--grid d conflicts with --d/],
    [[], /give at least one --grid/],
    [['--grid', 'alpha=-1,-2'], /grid run 0 \(alpha=-1\): --alpha must be/],
    [['--grid', 'gamma=0.5,geometric:0.5,0.5'], /--grid gamma must be values separated by ';' when one is a schedule/],
  ])('bad grid %j: one line, exit 2, nothing written', (extra, re) => {
    const out = join(dir, `bad-${Math.random().toString(36).slice(2)}`);
    const r = cli(['sweep', '--model', 'localmax', '--n', '10', '--d', '2', '--steps', '3', ...(extra as string[]), '--out', out]);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(re as RegExp);
    expect(existsSync(out)).toBe(false);
  });
});
