/**
 * `attention-dynamics run --threads` (issue 12 part 4): the same trajectory
 * for every thread count, 'auto' by default for one large run (0 below
 * n = 512), the count recorded in summary.json, bad values refused naming the flag,
 * the sphere models threaded like the others.
 */
import { availableParallelism } from 'node:os';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, tempDir } from './helpers.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = tempDir('cli-threads-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(name: string, extra: string[], n = 600): { code: number; stderr: string; summary: { options: { threads: number } }; traj: Buffer } {
  const out = join(dir, name);
  const r = cli(['run', '--model', 'softmax', '--beta', '2', '--n', String(n), '--d', '3', '--init-seed', '5', '--steps', '6', '--out', out, '--json', ...extra]);
  if (r.code !== 0) return { code: r.code, stderr: r.stderr, summary: { options: { threads: -1 } }, traj: Buffer.alloc(0) };
  return { code: r.code, stderr: r.stderr, summary: JSON.parse(r.stdout), traj: readFileSync(join(out, 'trajectory.npy')) };
}

describe('run --threads', () => {
  it('writes the same trajectory.npy for --threads 0, 2 and the default, and records the count', () => {
    const zero = run('t0', ['--threads', '0']);
    const two = run('t2', ['--threads', '2']);
    const dflt = run('tauto', []);
    for (const r of [zero, two, dflt]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    }
    expect(zero.summary.options.threads).toBe(0);
    expect(two.summary.options.threads).toBe(2);
    const cores = availableParallelism();
    expect(dflt.summary.options.threads).toBe(cores >= 2 ? Math.min(cores, 8) : 0);
    expect(two.traj.equals(zero.traj)).toBe(true);
    expect(dflt.traj.equals(zero.traj)).toBe(true);
  });

  it('stays on the calling thread by default for a small run', () => {
    const small = run('small', [], 40);
    expect(small.code).toBe(0);
    expect(small.summary.options.threads).toBe(0);
  });

  it('refuses a bad --threads naming it', () => {
    const out = join(dir, 'bad');
    const neg = cli(['run', '--model', 'softmax', '--n', '20', '--d', '2', '--steps', '1', '--out', out, '--threads', '-1']);
    expect(neg.code).not.toBe(0);
    expect(neg.stderr).toMatch(/--threads|threads/);
  });

  it('threads the sphere models too: the same trajectory.npy for sphere-sa with --threads 0 and 2', () => {
    const args = (name: string, t: string) => ['run', '--model', 'sphere-sa', '--beta', '2', '--n', '60', '--d', '3', '--init-seed', '4', '--steps', '5', '--out', join(dir, name), '--json', '--threads', t];
    const zero = cli(args('ode0', '0'));
    const two = cli(args('ode2', '2'));
    expect(zero.code, zero.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(JSON.parse(two.stdout).options.threads).toBe(2);
    expect(readFileSync(join(dir, 'ode2', 'trajectory.npy')).equals(readFileSync(join(dir, 'ode0', 'trajectory.npy')))).toBe(true);
  });
});
