/**
 * Atomic output: every file is written to a temporary file in its target
 * directory (so the rename never crosses file systems), flushed, and renamed
 * over the target. A reader never sees a half-written file, and a failure
 * leaves no temporary behind.
 *
 * `commitFiles` (sync) and `commitFilesAsync` write a whole set of files this
 * way: all temporaries first, then all renames, so a failure while writing
 * (disk full, permissions) leaves none of the set's new files in place, and
 * the directories the commit created are removed again when they are empty.
 * `commitFilesAsync` writes in chunks and yields to the event loop between
 * them, so a signal handler can run mid-write and call `abandonPending()`,
 * which removes this process's temporaries and the empty directories of its
 * unfinished commits.
 *
 * Temporaries are named `.<file>.<pid>.<8 hex digits>.tmp` (TEMP_PATTERN).
 * A process killed outright (SIGKILL, power loss) leaves its temporaries;
 * `removeStaleTemporaries(dir)` (called by `probeOutputDir`) removes the ones
 * in `dir` whose process no longer exists (`process.kill(pid, 0)` fails with
 * ESRCH) and the ones carrying this process's pid that this process does not
 * own (left by an earlier process with the same pid, as in containers). Only
 * regular files matching TEMP_PATTERN exactly are touched. A process in
 * another pid namespace writing into the same directory looks dead from here;
 * sharing an output directory across containers at the same time is not
 * supported.
 *
 * Test hook (for the test suite only; no effect unless set): the environment
 * variable ATTENTION_DYNAMICS_TEST_FAULT = `enospc:NAME` makes writing the
 * temporary of output file NAME fail with ENOSPC (disk full) after half of
 * its bytes; `stall:NAME` makes `commitFilesAsync` stop after half of NAME's
 * bytes and wait forever (a hung disk), so a test can signal the process
 * while a temporary exists.
 */
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, statSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
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

/** Names of temporaries: `.<file>.<pid>.<8 hex>.tmp`; groups: file, pid, random suffix. */
export const TEMP_PATTERN = /^\.(.+)\.([1-9]\d{0,9})\.([0-9a-f]{8})\.tmp$/;

/** Bytes written between two yields of {@link commitFilesAsync}. */
const CHUNK = 8 * 2 ** 20;

/** Temporaries of this process that exist now (absolute paths). */
const liveTemps = new Set<string>();
/** Directories created by unfinished commits of this process, each chain deepest first. */
const pendingDirs = new Set<string[]>();

function tempName(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
  liveTemps.delete(path);
}

/** The test fault for `target` (see the header), or null. */
function fault(target: string): 'enospc' | 'stall' | null {
  const f = process.env.ATTENTION_DYNAMICS_TEST_FAULT;
  if (f === undefined || f === '') return null;
  const m = /^(enospc|stall):(.+)$/.exec(f);
  return m !== null && m[2] === basename(target) ? (m[1] as 'enospc' | 'stall') : null;
}

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

function toBytes(bytes: Uint8Array | string): Uint8Array {
  return typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
}

function openTemp(target: string): { fd: number; tmp: string } {
  const tmp = resolve(tempName(target));
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (err) {
    throw new OutputError(`cannot write in ${dirname(target)}: ${fsReason(err)}`);
  }
  liveTemps.add(tmp);
  return { fd, tmp };
}

/** Write data[from, to) at the current offset (throws the fs error). */
function writeRange(fd: number, data: Uint8Array, from: number, to: number): void {
  let off = from;
  while (off < to) off += writeSync(fd, data, off, to - off);
}

function failTemp(fd: number, tmp: string, target: string, err: unknown): never {
  try {
    closeSync(fd);
  } catch {
    /* closing a broken file */
  }
  safeUnlink(tmp);
  throw new OutputError(`cannot write ${target}: ${fsReason(err)}`);
}

function closeTemp(fd: number, tmp: string, target: string): void {
  try {
    fsyncSync(fd);
  } catch (err) {
    failTemp(fd, tmp, target, err);
  }
  closeSync(fd);
}

function writeTemp(target: string, bytes: Uint8Array | string): string {
  const data = toBytes(bytes);
  const { fd, tmp } = openTemp(target);
  try {
    if (fault(target) === 'enospc') {
      writeRange(fd, data, 0, data.length >> 1);
      throw enospc();
    }
    writeRange(fd, data, 0, data.length);
  } catch (err) {
    failTemp(fd, tmp, target, err);
  }
  closeTemp(fd, tmp, target);
  return tmp;
}

function yieldToLoop(): Promise<void> {
  return new Promise((res) => setImmediate(res));
}

/** Like writeTemp, in chunks with a yield to the event loop between them. */
async function writeTempAsync(target: string, bytes: Uint8Array | string): Promise<string> {
  const data = toBytes(bytes);
  const { fd, tmp } = openTemp(target);
  const f = fault(target);
  let off = 0;
  if (f !== null) {
    off = data.length >> 1;
    try {
      writeRange(fd, data, 0, off);
      if (f === 'enospc') throw enospc();
    } catch (err) {
      failTemp(fd, tmp, target, err);
    }
    // a hung disk: keep the process alive until something (a signal) ends it
    if (f === 'stall') await new Promise<never>(() => setInterval(() => undefined, 60_000));
  }
  while (off < data.length) {
    const end = Math.min(data.length, off + CHUNK);
    try {
      writeRange(fd, data, off, end);
    } catch (err) {
      failTemp(fd, tmp, target, err);
    }
    off = end;
    await yieldToLoop();
  }
  closeTemp(fd, tmp, target);
  return tmp;
}

/** Write one file atomically (temporary file in the same directory, then rename). */
export function writeFileAtomic(target: string, bytes: Uint8Array | string): void {
  checkTargetFile(target);
  const tmp = writeTemp(target, bytes);
  try {
    renameSync(tmp, target);
    liveTemps.delete(tmp);
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

/** True unless `process.kill(pid, 0)` says the process does not exist (ESRCH). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Remove the stale temporaries in `dir`: regular files named like
 * TEMP_PATTERN whose process is gone, or that carry this process's pid but
 * are not this process's. Returns the names removed ([] when `dir` does not
 * exist or cannot be read). Other files are never touched.
 */
export function removeStaleTemporaries(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_PATTERN.exec(name);
    if (m === null) continue;
    const path = resolve(dir, name);
    if (liveTemps.has(path)) continue;
    const pid = Number(m[2]);
    if (pid !== process.pid && processExists(pid)) continue;
    try {
      if (!lstatSync(path).isFile()) continue;
      unlinkSync(path);
      removed.push(name);
    } catch {
      /* gone meanwhile, or not ours to remove */
    }
  }
  return removed;
}

/**
 * Create `dir` and missing parents, one level at a time (Node's recursive
 * mkdirSync loops forever on some paths, e.g. under /proc/self); returns the
 * directories created, deepest first.
 */
function makeDirs(dir: string): string[] {
  const missing: string[] = [];
  for (let p = resolve(dir); ; p = dirname(p)) {
    try {
      if (statSync(p).isDirectory()) break;
      throw new OutputError(`--out ${dir}: ${p} is an existing file, not a directory`);
    } catch (err) {
      if (err instanceof OutputError) throw err;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(p) === p) {
        throw new OutputError(`--out ${dir}: cannot create the directory: ${fsReason(err)}`);
      }
      missing.push(p);
    }
  }
  const created: string[] = [];
  for (let k = missing.length - 1; k >= 0; k--) {
    const p = missing[k] as string;
    try {
      mkdirSync(p);
      created.unshift(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue; // made meanwhile by someone else
      removeDirs(created);
      throw new OutputError(`--out ${dir}: cannot create the directory: ${fsReason(err)}`);
    }
  }
  return created;
}

/** Remove created directories, deepest first, stopping at the first that is not empty. */
function removeDirs(chain: readonly string[]): void {
  for (const p of chain) {
    try {
      rmdirSync(p);
    } catch {
      return;
    }
  }
}

/**
 * Check that `dir` can receive the output files `names` before any work is
 * done: `checkOutputDir`, then remove stale temporaries there, create the
 * directory (and parents), create and remove a probe file, and remove the
 * directories created for the probe again, so nothing is left behind. Throws
 * OutputError (read-only or full file system, permissions, a file in the
 * way). Returns the names of the stale temporaries removed.
 */
export function probeOutputDir(dir: string, names: readonly string[] = []): { removedStale: string[] } {
  checkOutputDir(dir, names);
  const removedStale = removeStaleTemporaries(dir);
  const chain = makeDirs(dir);
  try {
    const probe = resolve(dir, `.attention-dynamics-probe.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    let fd: number;
    try {
      fd = openSync(probe, 'wx', 0o644);
    } catch (err) {
      throw new OutputError(`--out ${dir}: cannot write there: ${fsReason(err)}`);
    }
    liveTemps.add(probe);
    try {
      writeSync(fd, Uint8Array.of(0));
    } catch (err) {
      throw new OutputError(`--out ${dir}: cannot write there: ${fsReason(err)}`);
    } finally {
      closeSync(fd);
      safeUnlink(probe);
    }
  } finally {
    removeDirs(chain);
  }
  return { removedStale };
}

/**
 * Free bytes for an unprivileged writer on the file system that holds `dir`
 * (or its nearest existing ancestor), or null when it cannot be told (no
 * statfs, or a pseudo file system that reports no blocks).
 */
export function freeBytes(dir: string): number | null {
  for (let p = resolve(dir); ; p = dirname(p)) {
    try {
      const s = statfsSync(p);
      // pseudo file systems (proc, sysfs) report no blocks at all: unknown, the probe file decides
      return s.blocks > 0 ? s.bavail * s.bsize : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(p) === p) return null;
    }
  }
}

function checkNames(files: readonly OutputFile[]): void {
  for (const f of files) {
    if (f.name.includes('/') || f.name.includes('\\') || f.name === '' || f.name.startsWith('.')) {
      throw new OutputError(`bad output file name ${JSON.stringify(f.name)}`);
    }
  }
}

function renameAll(dir: string, files: readonly OutputFile[], temps: readonly string[]): string[] {
  const written: string[] = [];
  for (let k = 0; k < files.length; k++) {
    const target = join(dir, (files[k] as OutputFile).name);
    try {
      renameSync(temps[k] as string, target);
      liveTemps.delete(temps[k] as string);
      written.push(target);
    } catch (err) {
      for (let r = k; r < temps.length; r++) safeUnlink(temps[r] as string);
      throw new OutputError(`cannot write ${target}: ${fsReason(err)}${k > 0 ? `; ${k} of the ${files.length} files had been replaced` : '; none of the files was written'}`);
    }
  }
  return written;
}

/** Undo an unfinished commit: its temporaries, then its created directories if empty. */
function undo(temps: readonly string[], chain: string[]): void {
  for (const t of temps) safeUnlink(t);
  removeDirs(chain);
  pendingDirs.delete(chain);
}

/**
 * Write a set of files into `dir` (created if missing) atomically: every file
 * goes to a temporary first; only when all are written are they renamed into
 * place. On failure the temporaries and the (empty) directories this call
 * created are removed and an OutputError is thrown.
 */
export function commitFiles(dir: string, files: readonly OutputFile[]): string[] {
  checkOutputDir(
    dir,
    files.map((f) => f.name),
  );
  checkNames(files);
  const chain = makeDirs(dir);
  pendingDirs.add(chain);
  const temps: string[] = [];
  try {
    for (const f of files) temps.push(writeTemp(join(dir, f.name), f.bytes));
  } catch (err) {
    undo(temps, chain);
    if (err instanceof OutputError) throw new OutputError(`${err.message}; none of the files was written`);
    throw err;
  }
  try {
    const written = renameAll(dir, files, temps);
    pendingDirs.delete(chain);
    return written;
  } catch (err) {
    undo([], chain);
    throw err;
  }
}

/**
 * {@link commitFiles} writing in chunks of 8 MiB with a yield to the event
 * loop between chunks, so signal handlers can run (and call
 * {@link abandonPending}) while a large file is written. The renames happen
 * together, without a yield in between.
 */
export async function commitFilesAsync(dir: string, files: readonly OutputFile[]): Promise<string[]> {
  checkOutputDir(
    dir,
    files.map((f) => f.name),
  );
  checkNames(files);
  const chain = makeDirs(dir);
  pendingDirs.add(chain);
  const temps: string[] = [];
  try {
    for (const f of files) temps.push(await writeTempAsync(join(dir, f.name), f.bytes));
  } catch (err) {
    undo(temps, chain);
    if (err instanceof OutputError) throw new OutputError(`${err.message}; none of the files was written`);
    throw err;
  }
  try {
    const written = renameAll(dir, files, temps);
    pendingDirs.delete(chain);
    return written;
  } catch (err) {
    undo([], chain);
    throw err;
  }
}

/**
 * Remove every temporary this process has open or written but not renamed,
 * and the directories its unfinished commits created (when empty). For
 * signal handlers; synchronous. Returns how many temporaries were removed.
 */
export function abandonPending(): number {
  const temps = [...liveTemps];
  for (const t of temps) safeUnlink(t);
  for (const chain of pendingDirs) removeDirs(chain);
  pendingDirs.clear();
  return temps.length;
}

/**
 * {@link writeFileAtomic} writing in chunks with a yield to the event loop
 * between them (as {@link commitFilesAsync}): the temporary is registered,
 * so a signal handler calling {@link abandonPending} removes it. The target's
 * directory must exist (it is not created).
 */
export async function writeFileAtomicAsync(target: string, bytes: Uint8Array | string): Promise<void> {
  checkTargetFile(target);
  const tmp = await writeTempAsync(target, bytes);
  try {
    renameSync(tmp, target);
    liveTemps.delete(tmp);
  } catch (err) {
    safeUnlink(tmp);
    throw new OutputError(`cannot write ${target}: ${fsReason(err)}`);
  }
}
