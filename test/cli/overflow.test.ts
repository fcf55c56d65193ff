/**
 * A run whose state overflows is a failed run (issue 9 items 2 and 10): the
 * CLI wrote Infinity into final.npy and exited 0. The residual update
 * x + h V y with V = 1e308·I and h = 10 overflows in the first step; the
 * engine throws a RangeError for a non-finite step result (transactional: t
 * and the state stay those of the last completed step, here t = 0), and the
 * CLI exits 1 with one line naming t, writing none of the outputs.
 *
 * Depends on the engine's finiteness check after each step (issue 9 item
 * 2/3, engine branch): without it the one-step run still exits 0.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../../ts/io/npy.js';
import { cli, ensureBuilt, tempDir } from './helpers.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = tempDir('cli-overflow-');
  writeFileSync(join(dir, 'V.npy'), encodeNpy(Float64Array.of(1e308, 0, 0, 1e308), [2, 2]));
  writeFileSync(join(dir, 'x0.npy'), encodeNpy(Float64Array.of(0.1, 0.2, 1, 0, 0, 1, 0.3, 0.2), [4, 2]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an overflowing run exits 1 naming t and writes nothing (issue 9 item 10)', () => {
  it.each([
    ['js', '1'],
    ['wasm', '1'],
    ['wasm', '5'],
  ])('hardmax --h 10 --V 1e308·I, backend %s, --steps %s', (backend, steps) => {
    const out = join(dir, `out-${backend}-${steps}`);
    const r = cli(['run', '--model', 'hardmax', '--h', '10', '--V', join(dir, 'V.npy'), '--init', join(dir, 'x0.npy'), '--backend', backend, '--steps', steps, '--every', '1', '--out', out]);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^attention-dynamics: error: the simulation failed at t = 0 \(the step to t = 1 did not complete\): .*\(nothing was written\)$/);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});
