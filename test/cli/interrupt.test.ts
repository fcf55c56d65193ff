/**
 * Interrupted runs leave no temporaries (issue 9 item 6): a real child
 * process `node dist/cli/main.js run … --every 1` is signalled while its
 * temporary `.trajectory.npy.<pid>.<hex>.tmp` exists. SIGINT/SIGTERM remove
 * it (and the directory the run created) and exit 130/143; SIGKILL cannot be
 * caught, so the next run into the directory removes the temporary of the
 * dead process, and only that.
 *
 * To signal mid-write deterministically, the child runs with the test hook
 * ATTENTION_DYNAMICS_TEST_FAULT=stall:trajectory.npy (ts/io/atomic.ts): it
 * writes half of trajectory.npy's temporary and then waits like a hung disk.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMP_PATTERN } from '../../ts/io/atomic.js';
import { MAIN, cli, ensureBuilt, tempDir } from './helpers.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = tempDir('cli-interrupt-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RUN = ['run', '--model', 'hardmax', '--n', '60', '--d', '2', '--steps', '40', '--every', '1', '--quiet'];

function temporaries(out: string): string[] {
  try {
    return readdirSync(out).filter((f) => f.endsWith('.tmp'));
  } catch {
    return [];
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Start a stalled run into `out`, wait for its trajectory temporary, send `signal`, and wait for the exit. */
async function interrupt(out: string, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; pid: number; seen: string[] }> {
  const child = spawn(process.execPath, [MAIN, ...RUN, '--out', out], {
    env: { ...process.env, ATTENTION_DYNAMICS_TEST_FAULT: 'stall:trajectory.npy' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, sig) => res({ code, signal: sig })));
  let seen: string[] = [];
  const deadline = Date.now() + 60_000; // a guard against a hang, not a timing assertion
  while ((seen = temporaries(out).filter((f) => f.startsWith('.trajectory.npy.'))).length === 0) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`no temporary appeared in ${out} (exit ${child.exitCode}): ${stderr}`);
    }
    await sleep(5);
  }
  child.kill(signal);
  const r = await exited;
  return { ...r, stderr, pid: child.pid as number, seen };
}

describe('signals while the outputs are written (issue 9 item 6)', () => {
  it('SIGINT removes the temporary and the directory the run created, exit 130, one line', async () => {
    const out = join(dir, 'int', 'out');
    const r = await interrupt(out, 'SIGINT');
    expect(r.seen[0]).toMatch(TEMP_PATTERN);
    expect(r.seen[0]).toContain(`.${r.pid}.`);
    expect(r.code).toBe(130);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^attention-dynamics: interrupted by SIGINT while writing .*; removed 1 temporary file, none of the outputs was written$/)]);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'int'))).toBe(false);
  });

  it('SIGTERM removes the temporary, exit 143, and an existing directory keeps its files', async () => {
    const out = join(dir, 'term');
    mkdirSync(out);
    writeFileSync(join(out, 'trajectory.npy'), 'old');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const r = await interrupt(out, 'SIGTERM');
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/interrupted by SIGTERM/);
    expect(readdirSync(out).sort()).toEqual(['notes.txt', 'trajectory.npy']);
    expect(readFileSync(join(out, 'trajectory.npy'), 'utf8')).toBe('old');
  });

  it('SIGKILL leaves the temporary; the next run into the directory removes it and says so', async () => {
    const out = join(dir, 'kill');
    const r = await interrupt(out, 'SIGKILL');
    expect(r.signal).toBe('SIGKILL');
    expect(temporaries(out)).toEqual(r.seen); // what the issue reported: a dead process's temporary stays
    const again = cli([...RUN.filter((a) => a !== '--quiet'), '--out', out]);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(`attention-dynamics: note: removed 1 stale temporary file of interrupted runs from ${out} (${r.seen[0]})\n`);
    expect(temporaries(out)).toEqual([]);
    expect(readdirSync(out).filter((f) => !f.endsWith('.svg')).sort()).toEqual(['final.npy', 'initial.npy', 'report.html', 'summary.json', 'times.npy', 'trajectory.npy']);
  });

  it('removes only temporaries of dead processes that match the exact pattern', () => {
    const out = join(dir, 'stale');
    mkdirSync(out);
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number; // exited: its pid is free
    const keep = [
      `.trajectory.npy.${process.pid}.0123abcd.tmp`, // this test process is alive
      `.trajectory.npy.${dead}.0123abcd.tmp.bak`, // not the pattern
      `.trajectory.npy.${dead}.0123ABCD.tmp`, // hex digits are lower case
      `.trajectory.npy.${dead}.0123abc.tmp`, // 7 digits
      `trajectory.npy.${dead}.0123abcd.tmp`, // not hidden
      'notes.tmp',
    ];
    const stale = [`.trajectory.npy.${dead}.0123abcd.tmp`, `.report.html.${dead}.ffffffff.tmp`];
    for (const f of [...keep, ...stale]) writeFileSync(join(out, f), 'x');
    mkdirSync(join(out, `.summary.json.${dead}.00000000.tmp`)); // a directory, not a file
    const r = cli(['run', '--model', 'hardmax', '--n', '5', '--d', '2', '--steps', '2', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^attention-dynamics: note: removed 2 stale temporary files/);
    const left = readdirSync(out);
    for (const f of keep) expect(left).toContain(f);
    expect(left).toContain(`.summary.json.${dead}.00000000.tmp`);
    for (const f of stale) expect(left).not.toContain(f);
  });
});
