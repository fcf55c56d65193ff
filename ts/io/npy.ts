/**
 * NPY files in Node: the byte-level format (ts/io/npy-format.ts, re-exported
 * here, so existing imports keep working) plus reading a file from disk.
 * Writing files atomically is ts/io/atomic.ts.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { NpyError, parseNpy } from './npy-format.js';
import type { NpyArray } from './npy-format.js';

export * from './npy-format.js';

/** Read and parse an .npy file (synchronously). File-system errors become NpyError with a one-line message. */
export function readNpyFile(path: string): NpyArray {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new NpyError(`${path}: ${fsReason(err)}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new NpyError(`${path}: is a directory, not an NPY file`);
    const bytes = new Uint8Array(st.size);
    let off = 0;
    while (off < bytes.length) {
      const got = readSync(fd, bytes, off, bytes.length - off, off);
      if (got === 0) break;
      off += got;
    }
    return parseNpy(bytes.subarray(0, off), path);
  } catch (err) {
    if (err instanceof NpyError) throw err;
    throw new NpyError(`${path}: ${fsReason(err)}`);
  } finally {
    closeSync(fd);
  }
}

/** A one-line reason for a file-system error. */
export function fsReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent of the path is not a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'read-only file system';
    case 'EDQUOT':
      return 'disk quota exceeded';
    default:
      return e?.message ?? String(err);
  }
}
