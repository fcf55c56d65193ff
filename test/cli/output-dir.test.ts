/**
 * An unusable --out is refused before anything runs, and a failed write
 * leaves nothing behind (issue 9 item 7).
 *
 * Unwritable directories: the suite runs as root here, which ignores
 * `chmod 555`; so as root the directory is made immutable with `chattr +i`
 * (refused even to root; the test is skipped where chattr is unavailable or
 * the file system does not support it), otherwise it is `chmod 555`. A
 * second test uses /sys, where nobody, root included, can create a file
 * (Linux only; skipped elsewhere).
 *
 * A full disk is injected with the test hook
 * ATTENTION_DYNAMICS_TEST_FAULT=enospc:NAME (ts/io/atomic.ts): writing
 * NAME's temporary fails with ENOSPC after half of its bytes. (Checked once by
 * hand on a real 660 KiB tmpfs as well; mounting needs privileges tests
 * should not assume.)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, tempDir } from './helpers.js';

let dir: string;
const locked: string[] = [];
beforeAll(() => {
  ensureBuilt();
  dir = tempDir('cli-outdir-');
});
afterAll(() => {
  for (const p of locked) spawnSync('chattr', ['-i', p]);
  for (const p of locked) chmodSync(p, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

const RUN = ['run', '--model', 'hardmax', '--n', '30', '--d', '2', '--steps', '20', '--every', '1'];

/** Make `p` a directory nobody can create files in; how, or null when it cannot be done here. */
function unwritable(p: string): 'chattr +i' | 'chmod 555' | null {
  mkdirSync(p);
  if (process.getuid?.() !== 0) {
    chmodSync(p, 0o555);
    locked.push(p);
    return 'chmod 555';
  }
  const r = spawnSync('chattr', ['+i', p]);
  if (r.error || r.status !== 0) return null;
  locked.push(p);
  return 'chattr +i';
}

function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines, stderr).toHaveLength(1);
  return lines[0] as string;
}

describe('an unwritable --out is refused before running, exit 2 (issue 9 item 7)', () => {
  it('an existing directory that cannot be written (chattr +i as root, chmod 555 otherwise)', (ctx) => {
    const ro = join(dir, 'readonly');
    if (unwritable(ro) === null) ctx.skip();
    const r = cli([...RUN, '--out', ro]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^attention-dynamics: error: --out .*readonly: cannot write there: permission denied$/);
    expect(r.stdout).toBe('');
    expect(readdirSync(ro)).toEqual([]);
    // a new directory below it
    const below = cli([...RUN, '--out', join(ro, 'a', 'b')]);
    expect(below.code).toBe(2);
    expect(oneLine(below.stderr)).toMatch(/--out .*readonly\/a\/b: cannot create the directory: permission denied$/);
    // sweep and experiment check the same way before running anything
    const sweep = cli(['sweep', '--model', 'hardmax', '--n', '8', '--d', '2', '--steps', '2', '--grid', 'alpha=1,2', '--out', ro]);
    expect(sweep.code).toBe(2);
    expect(oneLine(sweep.stderr)).toMatch(/cannot write there/);
    const exp = cli(['experiment', 'p6-square', '--small', '--out', ro]);
    expect(exp.code).toBe(2);
    expect(oneLine(exp.stderr)).toMatch(/cannot write there/);
  });

  it.skipIf(!existsSync('/sys') || !statSync('/sys').isDirectory())('/sys, where not even root can create a file', () => {
    const r = cli([...RUN, '--out', '/sys']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^attention-dynamics: error: --out \/sys: cannot write there: /);
  });

  it('a path below a regular file (ENOTDIR), as before', () => {
    writeFileSync(join(dir, 'plain-file'), 'x');
    const r = cli([...RUN, '--out', join(dir, 'plain-file', 'sub')]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/existing file/);
  });
});

describe('a full disk while writing: exit 1, and what the run created is removed (issue 9 item 7)', () => {
  it('a new directory (and its new parents) is removed again, no temporary is left', () => {
    const top = join(dir, 'enospc-new');
    const r = cli([...RUN, '--out', join(top, 'a', 'b')], { env: { ATTENTION_DYNAMICS_TEST_FAULT: 'enospc:trajectory.npy' } });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^attention-dynamics: error: cannot write .*trajectory\.npy: no space left on the device; none of the files was written$/);
    expect(existsSync(top)).toBe(false);
  });

  it('an existing directory keeps its files, and the temporaries of the files written before are removed', () => {
    const out = join(dir, 'enospc-existing');
    mkdirSync(out);
    writeFileSync(join(out, 'summary.json'), '{"old": true}');
    // summary.json comes after the four .npy files, whose temporaries are complete by then
    const r = cli([...RUN, '--out', out], { env: { ATTENTION_DYNAMICS_TEST_FAULT: 'enospc:summary.json' } });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/summary\.json: no space left on the device; none of the files was written$/);
    expect(readdirSync(out)).toEqual(['summary.json']);
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe('{"old": true}');
  });

  it('the hook only fires for its file: without it the same run writes everything', () => {
    const out = join(dir, 'no-fault');
    const r = cli([...RUN, '--out', out, '--quiet'], { env: { ATTENTION_DYNAMICS_TEST_FAULT: 'enospc:not-an-output.txt' } });
    expect(r.code).toBe(0);
    expect(readdirSync(out).filter((f) => !f.endsWith('.svg')).sort()).toEqual(['final.npy', 'initial.npy', 'report.html', 'summary.json', 'times.npy', 'trajectory.npy']);
  });
});
