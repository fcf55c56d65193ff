/**
 * Numbers and sizes on the command line (issue 9 item 10, CLI part):
 * - a literal that overflows a double (1e309) is refused on every numeric
 *   flag instead of silently becoming ±Infinity ('inf' is the way to write
 *   infinity where it is allowed);
 * - sizes are refused while parsing, before the initial state is allocated:
 *   the wasm32 limit (checkWasmSize), the generator's n·d ≤ 2^28 and the
 *   trajectory size against --max-trajectory-mb. The issue's
 *   `--n 268435456 --d 1` took 15–19 s (it generated 2 GiB first); here the
 *   js-backend variant runs under `ulimit -v 1000000` (1 GB of address
 *   space), where allocating that state fails, so passing shows that nothing
 *   of that size was allocated (skipped if node cannot start under the limit).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/app.js';
import { MAIN, cli, ensureBuilt, tempDir } from './helpers.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = tempDir('cli-limits-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run main() in-process (bad input never gets past parsing, so nothing is simulated). */
async function inProcess(argv: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s), isTTY: false } });
  return { code, stderr: err.join(''), stdout: out.join('') };
}

describe('a number literal beyond the double range is refused, never read as Infinity (issue 9 item 10)', () => {
  const base = ['run', '--model', 'localmax', '--n', '6', '--d', '2', '--steps', '3'];
  it('--delta 1e309: exit 2, one line; --delta inf is the way to ask for infinity', async () => {
    const out = join(dir, 'delta');
    const r = await inProcess([...base, '--delta', '1e309', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`attention-dynamics: error: --delta must be a number >= 0 (Infinity allowed); got "1e309". It is beyond the largest double (about 1.8e308); write 'inf' for infinity\n`);
    expect(existsSync(out)).toBe(false);
    const ok = cli([...base, '--delta', 'inf', '--out', out, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).options.delta).toBe('Infinity');
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).options.delta).toBe('Infinity');
  });

  // every numeric flag of run, with the options it needs to be accepted otherwise
  const flags: [string, Record<string, string>][] = [
    ['alpha', {}],
    ['beta', { model: 'softmax' }],
    ['h', { model: 'hardmax' }],
    ['dt', { model: 'sphere-sa' }],
    ['tie-tolerance', {}],
    ['init-low', {}],
    ['init-high', {}],
    ['init-mean', { 'init-kind': 'gaussian' }],
    ['init-sigma', { 'init-kind': 'gaussian' }],
    ['init-radius', { 'init-kind': 'sphere' }],
    ['steps', {}],
    ['every', {}],
    ['n', {}],
    ['d', {}],
    ['strip-at', {}],
    ['analysis-snapshots', {}],
    ['max-trajectory-mb', {}],
    ['hull-at', {}],
  ];
  it.each(flags)('--%s 1e309 and -1e309: exit 2, one line', async (flag, extra) => {
    for (const v of ['1e309', '-1e309']) {
      const opts: Record<string, string> = { model: 'localmax', n: '6', d: '2', steps: '3', ...extra, [flag]: v, out: join(dir, 'never') };
      const r = await inProcess(['run', ...Object.entries(opts).map(([k, x]) => `--${k}=${x}`)]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^attention-dynamics: error: --${flag} must be .*; got "${v}"\\. It is beyond the largest double`));
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('schedule numbers and the sweep workers too', async () => {
    const sched = await inProcess([...base, '--delta-schedule', 'geometric:1e309,0.5', '--out', join(dir, 'never')]);
    expect(sched.code).toBe(2);
    expect(sched.stderr).toMatch(/--delta-schedule must be geometric:δ0,r; got "geometric:1e309,0\.5"\. "1e309" is beyond the largest double/);
    const gamma = await inProcess(['run', '--model', 'hardmax', '--n', '6', '--d', '2', '--gamma', '1e309', '--out', join(dir, 'never')]);
    expect(gamma.stderr).toMatch(/--gamma must be a finite number in \(0, 1\]; got "1e309"\. It is beyond the largest double/);
    const workers = await inProcess(['sweep', '--model', 'hardmax', '--n', '6', '--d', '2', '--grid', 'alpha=1,2', '--workers', '1e309', '--out', join(dir, 'never')]);
    expect(workers.code).toBe(2);
    expect(workers.stderr).toMatch(/--workers must be an integer in \[1, 256\]; got "1e309"/);
  });
});

describe('sizes are refused while parsing, before the initial state is allocated (issue 9 item 10)', () => {
  it('--n 268435456 --d 1 (wasm): the wasm32 limit, exit 2', async () => {
    const r = await inProcess(['run', '--model', 'hardmax', '--n', '268435456', '--d', '1', '--out', join(dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^attention-dynamics: error: --n 268435456 --d 1: n = 268435456, d = 1 \(f64\) needs .* more than wasm32 allows/);
  });

  it('--n 268435456 --d 2 --backend js: the generator limit n·d <= 2^28, exit 2', async () => {
    const r = await inProcess(['run', '--model', 'hardmax', '--n', '268435456', '--d', '2', '--backend', 'js', '--out', join(dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('attention-dynamics: error: --n × --d must be at most 2^28 = 268435456 for a generated initial state; got 268435456 × 2 = 536870912\n');
  });

  it('--n 268435456 --d 1 --backend js: the trajectory size, refused within 1 GB of address space (no 2 GiB state allocated)', (ctx) => {
    const limited = (args: string[]): ReturnType<typeof spawnSync> =>
      spawnSync('sh', ['-c', 'ulimit -v 1000000 && exec "$0" "$@"', process.execPath, MAIN, ...args], { encoding: 'utf8', timeout: 120_000 });
    const probe = limited(['--version']);
    if (probe.status !== 0) ctx.skip(); // node does not start under this limit here
    const r = limited(['run', '--model', 'hardmax', '--n', '268435456', '--d', '1', '--backend', 'js', '--out', join(dir, 'never')]);
    expect(r.status).toBe(2);
    expect(String(r.stderr)).toBe(
      'attention-dynamics: error: the trajectory would hold 101 snapshots of 268435456 × 1 (206848.0 MiB), above --max-trajectory-mb 1024; raise --every or --max-trajectory-mb\n',
    );
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
