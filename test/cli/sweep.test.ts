/**
 * `attention-dynamics sweep`: a grid of ≥ 24 runs in a worker pool, one CSV
 * row per run, more than one worker thread used (by thread id, not timing),
 * rows that agree with the API, and failed runs reported without stopping
 * the others.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Simulation, initialPositions } from '../../ts/index.js';
import { clusters } from '../../ts/analysis/clusters.js';
import { hullVertices } from '../../ts/analysis/hull.js';
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

  it('reports failed runs (one line each) and still runs the others; the CSV records the error', () => {
    const out = join(dir, 'failing');
    const r = cli(['sweep', '--n', '10', '--d', '2', '--steps', '5', '--grid', 'model=hardmax,softmax-markov', '--grid', 'init-seed=1..3', '--workers', '2', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/6 runs \(3 ok, 3 failed\)/);
    const errLines = r.stderr.split('\n').filter(Boolean);
    expect(errLines).toHaveLength(3);
    for (const line of errLines) expect(line).toMatch(/^attention-dynamics: run \d \(model=softmax-markov init-seed=\d\) failed: .*seed is required/);
    const rows = parseCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'));
    expect(rows.map((row) => row.status)).toEqual(['ok', 'ok', 'ok', 'failed', 'failed', 'failed']);
    expect(rows[3]!.error).toMatch(/seed is required/);
    expect(rows[0]!.clusters).not.toBe('');
    expect(rows[3]!.clusters).toBe('');
  });

  it('a grid value refused up front fails only its own runs', () => {
    const out = join(dir, 'badvalue');
    const r = cli(['sweep', '--model', 'hardmax', '--n', '8', '--d', '2', '--steps', '3', '--grid', 'alpha=0.5,-1,2', '--workers', '2', '--out', out]);
    expect(r.code).toBe(1);
    const rows = parseCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'));
    expect(rows.map((row) => row.status)).toEqual(['ok', 'failed', 'ok']);
    expect(rows[1]!.error).toMatch(/--alpha must be > 0/);
  });

  it.each([
    [['--grid', 'delta'], /--grid must be KEY=VALUES/],
    [['--grid', 'foo=1,2'], /--grid foo: not a run option/],
    [['--grid', 'delta=0.1,,0.2'], /empty value/],
    [['--grid', 'init-seed=5..1'], /must go up/],
    [['--grid', 'delta=0.1', '--grid', 'delta=0.2'], /--grid delta is given more than once/],
    [['--grid', 'd=2,3'], /--grid d conflicts with --d/],
    [[], /give at least one --grid/],
    [['--grid', 'alpha=-1,-2'], /every run of the sweep is invalid/],
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
