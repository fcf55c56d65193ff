/**
 * A run whose state overflows is a failed run (issue 9 items 2 and 10): the
 * CLI wrote Infinity into final.npy and exited 0.
 *
 * - The case, x + h V y with V = 1e308·I and h = 10, overflows in the
 *   first step; the engine now bounds that step up front, so it is bad input:
 *   exit 2, one line, nothing written.
 * - A run that overflows later, which no bound up front can see: V = 1e10·I,
 *   h = 1 multiplies the tokens by about 1e10 per step, and A = 1e-300·I keeps
 *   the alignments finite, so the positions themselves reach Infinity in the
 *   step from t = 30 to t = 31. The engine throws a RangeError for the
 *   non-finite step (transactional: t and the state stay those of t = 30) and
 *   the CLI exits 1 with one line naming t = 30, writing none of the outputs,
 *   whatever --every is.
 *
 * Depends on the engine branch of issue 9 (up-front residual bound and the
 * finiteness check after each step): before it, both runs exit 0 and write
 * Infinity into final.npy.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../../ts/io/npy.js';
import { cli, ensureBuilt, tempDir } from './helpers.js';

let dir: string;
const f = (name: string): string => join(dir, name);
beforeAll(() => {
  ensureBuilt();
  dir = tempDir('cli-overflow-');
  writeFileSync(f('V308.npy'), encodeNpy(Float64Array.of(1e308, 0, 0, 1e308), [2, 2]));
  writeFileSync(f('V10.npy'), encodeNpy(Float64Array.of(1e10, 0, 0, 1e10), [2, 2]));
  writeFileSync(f('A.npy'), encodeNpy(Float64Array.of(1e-300, 0, 0, 1e-300), [2, 2]));
  writeFileSync(f('x0.npy'), encodeNpy(Float64Array.of(0.1, 0.2, 1, 0, 0, 1, 0.3, 0.2), [4, 2]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines, stderr).toHaveLength(1);
  return lines[0] as string;
}

describe('an overflowing run writes no Infinity and does not exit 0 (issue 9 item 10)', () => {
  it.each(['js', 'wasm'])("the issue's run (--h 10 --V 1e308·I, one step) is refused up front, backend %s", (backend) => {
    const out = f(`first-${backend}`);
    const r = cli(['run', '--model', 'hardmax', '--h', '10', '--V', f('V308.npy'), '--init', f('x0.npy'), '--backend', backend, '--steps', '1', '--every', '1', '--out', out]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^attention-dynamics: error: invalid options: .*overflow/);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ['js', '1'],
    ['wasm', '1'],
    ['wasm', '10'],
  ])('positions reaching Infinity at the last step: exit 1 naming t = 30, nothing written (backend %s, --every %s)', (backend, every) => {
    const out = f(`late-${backend}-${every}`);
    const r = cli(['run', '--model', 'hardmax', '--h', '1', '--V', f('V10.npy'), '--A', f('A.npy'), '--init', f('x0.npy'), '--backend', backend, '--steps', '31', '--every', every, '--out', out]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^attention-dynamics: error: the simulation failed at t = 30: .*\(nothing was written\)$/);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});
