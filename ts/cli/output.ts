/**
 * The output directory of a command, from the check before any work to the
 * final atomic write (ts/io/atomic.ts does the file work):
 *
 * - `prepareOutput` refuses an unusable --out before anything runs (exit 2):
 *   a file in the way, a read-only or full file system, no permission. It
 *   creates the directory, writes and removes a probe file, and removes the
 *   directory again if it made it, so a later failure leaves nothing. It also
 *   removes stale temporaries that killed processes left there (a note on
 *   stderr unless --quiet).
 * - `writeOutput` commits the files atomically (exit 1 on failure, e.g. a
 *   full disk: the temporaries and the directories this write created are
 *   removed). While it writes, SIGINT, SIGTERM and SIGHUP remove this
 *   process's temporaries and those directories, print one line and exit
 *   with 128 + the signal number (130, 143, 129). Outside writeOutput nothing
 *   of the command is on disk, so the signals keep their default, immediate
 *   effect.
 */
import { abandonPending, commitFilesAsync, OutputError, probeOutputDir, type OutputFile } from '../io/atomic.js';
import { CliError } from './errors.js';
import type { Io } from './io.js';

/** Check that `dir` can receive the files `names` (exit 2 otherwise); removes stale temporaries there. */
export function prepareOutput(dir: string, names: readonly string[], io: Io, quiet: boolean): void {
  let removed: string[];
  try {
    removed = probeOutputDir(dir, names).removedStale;
  } catch (err) {
    if (err instanceof OutputError) throw new CliError(err.message);
    throw err;
  }
  if (removed.length > 0 && !quiet) {
    io.stderr.write(`attention-dynamics: note: removed ${removed.length} stale temporary file${removed.length > 1 ? 's' : ''} of interrupted runs from ${dir} (${removed.join(', ')})\n`);
  }
}

const EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** Write `files` into `dir` atomically, cleaning up on SIGINT/SIGTERM/SIGHUP (see the header). */
export async function writeOutput(dir: string, files: readonly OutputFile[], io: Io): Promise<void> {
  const onSignal = (sig: NodeJS.Signals): void => {
    const removed = abandonPending();
    io.stderr.write(`attention-dynamics: interrupted by ${sig} while writing ${dir}; removed ${removed} temporary file${removed === 1 ? '' : 's'}, none of the outputs was written\n`);
    process.exit(EXIT[sig] ?? 1);
  };
  const signals = Object.keys(EXIT) as NodeJS.Signals[];
  for (const s of signals) process.on(s, onSignal);
  try {
    await commitFilesAsync(dir, files);
  } catch (err) {
    if (err instanceof OutputError) throw new CliError(err.message, 1);
    throw err;
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}
