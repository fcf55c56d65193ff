/**
 * Atomic output (ts/io/atomic.ts): a set of files appears complete or not at
 * all, no temporary is left behind, and unusable targets are refused before
 * anything is written.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError, TEMP_PATTERN, abandonPending, checkOutputDir, commitFiles, commitFilesAsync, probeOutputDir, removeStaleTemporaries, writeFileAtomic } from '../../ts/io/atomic.js';

const root = mkdtempSync(join(tmpdir(), 'atomic-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('commitFiles', () => {
  it('creates the directory (and parents) and writes every file, leaving no temporaries', () => {
    const dir = join(root, 'a', 'b');
    commitFiles(dir, [
      { name: 'x.txt', bytes: 'hello' },
      { name: 'y.bin', bytes: Uint8Array.of(1, 2, 3) },
    ]);
    expect(readdirSync(dir).sort()).toEqual(['x.txt', 'y.bin']);
    expect(readFileSync(join(dir, 'x.txt'), 'utf8')).toBe('hello');
    expect(Array.from(readFileSync(join(dir, 'y.bin')))).toEqual([1, 2, 3]);
  });

  it('replaces existing files of the same names and keeps other files', () => {
    const dir = join(root, 'replace');
    mkdirSync(dir);
    writeFileSync(join(dir, 'x.txt'), 'old');
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    commitFiles(dir, [{ name: 'x.txt', bytes: 'new' }]);
    expect(readFileSync(join(dir, 'x.txt'), 'utf8')).toBe('new');
    expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(dir).sort()).toEqual(['keep.txt', 'x.txt']);
  });

  it('refuses an output path that is an existing file, writing nothing', () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'data');
    expect(() => commitFiles(file, [{ name: 'x.txt', bytes: 'x' }])).toThrow(OutputError);
    expect(() => commitFiles(file, [{ name: 'x.txt', bytes: 'x' }])).toThrow(/is an existing file, not a directory/);
    expect(readFileSync(file, 'utf8')).toBe('data');
    expect(() => checkOutputDir(join(file, 'sub'))).toThrow(/existing file/);
  });

  it('refuses the whole set when one target is a directory, before writing any file', () => {
    const dir = join(root, 'blocked');
    mkdirSync(join(dir, 'b.txt'), { recursive: true });
    expect(() =>
      commitFiles(dir, [
        { name: 'a.txt', bytes: 'a' },
        { name: 'b.txt', bytes: 'b' },
      ]),
    ).toThrow(/b\.txt exists there and is not a regular file/);
    expect(readdirSync(dir)).toEqual(['b.txt']);
  });

  it('refuses file names with separators or hidden names', () => {
    expect(() => commitFiles(join(root, 'names'), [{ name: '../evil', bytes: '' }])).toThrow(/bad output file name/);
    expect(() => commitFiles(join(root, 'names'), [{ name: '.hidden', bytes: '' }])).toThrow(/bad output file name/);
  });
});

describe('writeFileAtomic', () => {
  it('writes and replaces a single file without leaving temporaries', () => {
    const dir = join(root, 'single');
    mkdirSync(dir);
    const p = join(dir, 'f.json');
    writeFileAtomic(p, '{"a":1}');
    writeFileAtomic(p, '{"a":2}');
    expect(readFileSync(p, 'utf8')).toBe('{"a":2}');
    expect(readdirSync(dir)).toEqual(['f.json']);
  });
  it('fails cleanly when the directory does not exist', () => {
    expect(() => writeFileAtomic(join(root, 'nope', 'f.txt'), 'x')).toThrow(/no such file/);
  });
});

describe('probe, stale temporaries, failures and abandonment (issue 9 items 6, 7)', () => {
  it('probeOutputDir leaves nothing behind: a new nested directory is created, probed and removed again', () => {
    const top = join(root, 'probe-new');
    expect(probeOutputDir(join(top, 'a', 'b'))).toEqual({ removedStale: [] });
    expect(existsSync(top)).toBe(false);
    const existing = join(root, 'probe-existing');
    mkdirSync(existing);
    writeFileSync(join(existing, 'keep.txt'), 'x');
    probeOutputDir(existing);
    expect(readdirSync(existing)).toEqual(['keep.txt']);
  });

  it('removeStaleTemporaries removes only pattern-matching files of processes that are gone', () => {
    const dir = join(root, 'stale');
    mkdirSync(dir);
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    const files = [`.a.npy.${dead}.0000abcd.tmp`, `.a.npy.${process.pid}.0000abcd.tmp`, `.a.npy.${dead}.0000abcd.tmp~`, 'a.npy'];
    for (const f of files) writeFileSync(join(dir, f), 'x');
    expect(TEMP_PATTERN.test(files[0]!)).toBe(true);
    // a file with this process's pid that this process did not create is stale too (pid reuse across containers)
    expect(removeStaleTemporaries(dir).sort()).toEqual([files[0], files[1]].sort());
    expect(readdirSync(dir).sort()).toEqual([files[2], files[3]].sort());
    expect(removeStaleTemporaries(join(root, 'no-such-dir'))).toEqual([]);
  });

  it('a failed write removes its temporaries and the directories it created (injected ENOSPC)', () => {
    const top = join(root, 'enospc');
    process.env.ATTENTION_DYNAMICS_TEST_FAULT = 'enospc:b.bin';
    try {
      expect(() => commitFiles(join(top, 'x'), [{ name: 'a.bin', bytes: new Uint8Array(100) }, { name: 'b.bin', bytes: new Uint8Array(100) }])).toThrow(
        /cannot write .*b\.bin: no space left on the device; none of the files was written/,
      );
    } finally {
      delete process.env.ATTENTION_DYNAMICS_TEST_FAULT;
    }
    expect(existsSync(top)).toBe(false);
  });

  it('commitFilesAsync writes large files in chunks, byte for byte', async () => {
    const dir = join(root, 'async');
    const big = Uint8Array.from({ length: 20 * 2 ** 20 + 7 }, (_, k) => (k * 31) & 255);
    await commitFilesAsync(dir, [{ name: 'big.bin', bytes: big }, { name: 'small.txt', bytes: 'hi' }]);
    expect(readdirSync(dir).sort()).toEqual(['big.bin', 'small.txt']);
    expect(Buffer.compare(readFileSync(join(dir, 'big.bin')), Buffer.from(big))).toBe(0);
  });

  it('abandonPending (what the signal handlers call) removes the temporary being written and the new directory', async () => {
    const top = join(root, 'abandon');
    // the writer yields after its first 8 MiB chunk: the temporary exists then
    const writing = commitFilesAsync(join(top, 'out'), [{ name: 'big.bin', bytes: new Uint8Array(20 * 2 ** 20) }]);
    const tmps = readdirSync(join(top, 'out'));
    expect(tmps).toHaveLength(1);
    expect(tmps[0]).toMatch(TEMP_PATTERN);
    expect(abandonPending()).toBe(1);
    expect(existsSync(top)).toBe(false);
    await expect(writing).rejects.toThrow(OutputError);
    expect(existsSync(top)).toBe(false);
  });
});
