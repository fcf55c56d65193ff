/**
 * attention-dynamics for Node: everything of the universal entry
 * (ts/index.ts) plus .npy files on disk. `import` and `require` both resolve
 * here under Node (package.json "exports", condition "node"): one module
 * instance, so both share one wasm kernel.
 *
 * ```ts
 * import { Simulation, loadNpy, saveNpy, trajectoryToNpy, Recorder } from 'attention-dynamics';
 * const { data, shape } = await loadNpy('x0.npy');           // shape [n, d]
 * const sim = await Simulation.create({ model: 'localmax', positions: data, n: shape[0], d: shape[1], delta: 0.1 });
 * const rec = new Recorder(sim).run(100);
 * await saveNpy('trajectory.npy', trajectoryToNpy(rec));      // (T, n, d) float64
 * ```
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { writeNpy, type NpyInput } from './data.js';
import { writeFileAtomicAsync } from './io/atomic.js';
import { NpyError, fsReason, parseNpy, type NpyArray } from './io/npy.js';
import { typeError } from './check.js';

export * from './index.js';
export { OutputError } from './io/atomic.js';

/** A file path: a string, or a file: URL. */
function toPath(path: unknown, name: string): string {
  if (path instanceof URL) {
    if (path.protocol !== 'file:') throw typeError(name, 'a file path or a file: URL', path.href);
    return fileURLToPath(path);
  }
  if (typeof path !== 'string' || path === '') throw typeError(name, 'a file path (a non-empty string) or a file: URL', path);
  return path;
}

/**
 * Read an .npy file (numpy.save): float64 or float32, C order. Resolves to
 * fresh memory `{ data, shape, dtype, descr, version }` (see `readNpy`).
 * Rejects with an NpyError (one line naming the file) when the file cannot
 * be read or is not such an array.
 */
export async function loadNpy(path: string | URL): Promise<NpyArray> {
  const p = toPath(path, 'path');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(p);
  } catch (err) {
    throw new NpyError(`${p}: ${fsReason(err)}`);
  }
  return parseNpy(bytes, p);
}

/**
 * Write an array as an .npy file (see `writeNpy`: '<f8' or '<f4', C order)
 * atomically: the bytes go to a temporary file in the same directory, are
 * flushed, and the temporary is renamed over `path`, so a reader never sees
 * a half-written file and a failure (a full disk) leaves the old file, if
 * any, and no temporary. The directory must exist. Rejects with a
 * TypeError/RangeError for a bad array (nothing written) or an OutputError
 * (one line) when the file cannot be written.
 */
export async function saveNpy(path: string | URL, array: NpyInput): Promise<void> {
  const p = toPath(path, 'path');
  const bytes = writeNpy(array);
  await writeFileAtomicAsync(p, bytes);
}
