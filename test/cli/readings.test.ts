/**
 * The localmax readings on the command line (SPEC §6.6): run and sweep take
 * --gap, --threshold, --include-self, --self-weight, so readings compare side
 * by side in one sweep; the same final state as the API with the same options.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Simulation, initialPositions } from '../../ts/index.js';
import { readNpyFile } from '../../ts/io/npy.js';
import { cli, ensureBuilt, tempDir } from './helpers.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = tempDir('cli-read-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('localmax readings on the command line', () => {
  it('run --gap relative --include-self true --self-weight residual gives the API result bit for bit', async () => {
    const out = join(dir, 'run');
    const r = cli(['run', '--model', 'localmax', '--delta', '0.2', '--gap', 'relative', '--include-self', 'true', '--threshold', 'strict', '--n', '40', '--d', '2', '--init-seed', '5', '--steps', '25', '--backend', 'js', '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const x0 = initialPositions({ kind: 'uniform', n: 40, d: 2, seed: 5 });
    const sim = await Simulation.create({ model: 'localmax', positions: x0, n: 40, d: 2, delta: 0.2, gap: 'relative', includeSelf: true, threshold: 'strict', backend: 'js' });
    expect(Array.from(readNpyFile(join(out, 'final.npy')).data)).toEqual(Array.from(sim.step(25).positions()));
    sim.dispose();
  });
  it('sweep compares readings side by side (one row per reading)', () => {
    const out = join(dir, 'sweep');
    const r = cli(['sweep', '--model', 'localmax', '--n', '60', '--d', '2', '--steps', '100', '--delta', '0.2', '--init-seed', '3', '--grid', 'gap=absolute,relative', '--grid', 'self-weight=residual,average', '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const lines = readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(5);
    expect(lines.slice(1).map((l) => l.split(',').slice(1, 4).join(','))).toEqual(['ok,absolute,residual', 'ok,absolute,average', 'ok,relative,residual', 'ok,relative,average']);
  });
  it('bad values and misplaced readings exit 2 with one line naming the flag', () => {
    const bad = cli(['run', '--model', 'localmax', '--gap', 'half', '--n', '4', '--d', '2', '--out', join(dir, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--gap/);
    const other = cli(['run', '--model', 'softmax', '--threshold', 'strict', '--n', '4', '--d', '2', '--out', join(dir, 'bad2')]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/option 'threshold' does not apply to model 'softmax'/);
    const avg = cli(['run', '--model', 'localmax', '--self-weight', 'average', '--alpha', '2', '--n', '4', '--d', '2', '--out', join(dir, 'bad3')]);
    expect(avg.code).toBe(2);
    expect(avg.stderr).toMatch(/selfWeight: 'average'/);
  });
});
