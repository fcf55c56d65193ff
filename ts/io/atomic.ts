/**
 * Atomic output: every file is written to a temporary file in its target
 * directory (so the rename never crosses file systems), flushed, and renamed
 * over the target. A reader never sees a half-written file, and a failure
 * leaves no temporary behind.
 *
 * `commitFiles` writes a whole set of files this way: all temporaries first,
 * then all renames, so a failure while writing (disk full, permissions)
 * leaves none of the set's new files in place.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fsReason } from './npy.js';

/** An output problem (path is a file, not writable, …). One-line message. */
export class OutputError extends Error {
  override name = 'OutputError';
}

/** One file of an output set. */
export interface OutputFile {
  /** File name inside the output directory (no separators). */
  name: string;
  /** The contents. */
  bytes: Uint8Array | string;
}

function tempName(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function writeTemp(target: string, bytes: Uint8Array | string): string {
  const tmp = tempName(target);
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (err) {
    throw new OutputError(`cannot write in ${dirname(target)}: ${fsReason(err)}`);
  }
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    safeUnlink(tmp);
    throw new OutputError(`cannot write ${target}: ${fsReason(err)}`);
  }
  closeSync(fd);
  return tmp;
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

/** Write one file atomically (temporary file in the same directory, then rename). */
export function writeFileAtomic(target: string, bytes: Uint8Array | string): void {
  checkTargetFile(target);
  const tmp = writeTemp(target, bytes);
  try {
    renameSync(tmp, target);
  } catch (err) {
    safeUnlink(tmp);
    throw new OutputError(`cannot write ${target}: ${fsReason(err)}`);
  }
}

/** Refuse a target that exists and is not a regular file (a directory, …). */
function checkTargetFile(target: string): void {
  try {
    const st = statSync(target);
    if (!st.isFile()) throw new OutputError(`${target} exists and is not a regular file`);
  } catch (err) {
    if (err instanceof OutputError) throw err;
    /* does not exist: fine */
  }
}

/**
 * Check, without creating anything, that `dir` can become an output
 * directory: it is an existing directory, or it does not exist and its
 * nearest existing ancestor is a directory. Throws OutputError otherwise.
 */
export function checkOutputDir(dir: string, names: readonly string[] = []): void {
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const parent = dirname(dir);
      if (parent === dir) throw new OutputError(`--out ${dir}: cannot create the root directory`);
      checkOutputDir(parent);
      return;
    }
    if (code === 'ENOTDIR') throw new OutputError(`--out ${dir}: a parent of the path is an existing file, not a directory`);
    throw new OutputError(`--out ${dir}: ${fsReason(err)}`);
  }
  if (!st.isDirectory()) throw new OutputError(`--out ${dir}: is an existing file, not a directory`);
  for (const name of names) {
    try {
      const f = statSync(join(dir, name));
      if (!f.isFile()) throw new OutputError(`--out ${dir}: ${name} exists there and is not a regular file`);
    } catch (err) {
      if (err instanceof OutputError) throw err;
    }
  }
}

/**
 * Write a set of files into `dir` (created if missing) atomically: every file
 * goes to a temporary first; only when all are written are they renamed into
 * place. On failure the temporaries are removed and an OutputError is thrown.
 */
export function commitFiles(dir: string, files: readonly OutputFile[]): string[] {
  checkOutputDir(
    dir,
    files.map((f) => f.name),
  );
  for (const f of files) {
    if (f.name.includes('/') || f.name.includes('\\') || f.name === '' || f.name.startsWith('.')) {
      throw new OutputError(`bad output file name ${JSON.stringify(f.name)}`);
    }
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new OutputError(`--out ${dir}: cannot create the directory: ${fsReason(err)}`);
  }
  const temps: string[] = [];
  try {
    for (const f of files) temps.push(writeTemp(join(dir, f.name), f.bytes));
  } catch (err) {
    for (const t of temps) safeUnlink(t);
    throw err;
  }
  const written: string[] = [];
  for (let k = 0; k < files.length; k++) {
    const target = join(dir, (files[k] as OutputFile).name);
    try {
      renameSync(temps[k] as string, target);
      written.push(target);
    } catch (err) {
      for (let r = k; r < temps.length; r++) safeUnlink(temps[r] as string);
      throw new OutputError(`cannot write ${target}: ${fsReason(err)}`);
    }
  }
  return written;
}
