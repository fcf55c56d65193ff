/**
 * `attention-dynamics run --engine` (issue 13): the engine in use is recorded
 * in summary.json ('auto' resolved), tree and dense end within rounding of each
 * other, a bad value is refused naming the flag, and a run above the figure
 * limit states in its report how the drawn tokens were sampled.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpyFile } from '../../ts/io/npy.js';
import { cli, ensureBuilt, tempDir } from './helpers.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = tempDir('cli-engine-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(name: string, n: number, extra: string[]) {
  const out = join(dir, name);
  const r = cli(['run', '--model', 'localmax', '--delta', '0.1', '--n', String(n), '--d', '2', '--init-seed', '3', '--steps', '6', '--every', '3', '--threads', '0', '--out', out, '--json', ...extra]);
  return { ...r, out };
}

describe('run --engine', () => {
  it("records the engine; 'auto' takes the tree at n >= 2048 in d = 2; tree and dense agree to rounding", () => {
    const dense = run('dense', 2500, ['--engine', 'dense']);
    const tree = run('tree', 2500, ['--engine', 'tree']);
    const auto = run('auto', 2500, []);
    for (const r of [dense, tree, auto]) expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(dense.stdout).options.engine).toBe('dense');
    expect(JSON.parse(tree.stdout).options.engine).toBe('tree');
    expect(JSON.parse(auto.stdout).options.engine).toBe('tree');
    const a = readNpyFile(join(dense.out, 'final.npy')).data;
    const b = readNpyFile(join(tree.out, 'final.npy')).data;
    let m = 0;
    for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs((a[k] as number) - (b[k] as number)));
    expect(m).toBeLessThanOrEqual(1e-12);
  }, 120_000);

  it('refuses a bad value naming --engine', () => {
    const r = run('bad', 100, ['--engine', 'kd']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/engine/);
  });

  it('draws a sample of the tokens above the figure limit and says so in the report', () => {
    const r = run('big', 6000, []);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(r.out, 'report.html'), 'utf8');
    expect(html).toMatch(/Drawn: \d+ of the 6000 tokens/);
  }, 120_000);
});
