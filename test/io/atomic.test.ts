/**
 * Atomic output (ts/io/atomic.ts): a set of files appears complete or not at
 * all, no temporary is left behind, and unusable targets are refused before
 * anything is written.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError, checkOutputDir, commitFiles, writeFileAtomic } from '../../ts/io/atomic.js';

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
