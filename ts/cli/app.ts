/**
 * The command dispatcher: `main(argv, io)` runs one command and returns its
 * exit status. Errors become one line on stderr: a CliError (bad input, bad
 * options, unusable output) with its own status (2 by default), anything
 * else as an internal error with status 1 (ATTENTION_DYNAMICS_DEBUG=1 prints
 * the stack too).
 */
import { CliError, messageOf } from './errors.js';
import { experimentCommand } from './experiment.js';
import { usage } from './help.js';
import { packageVersion, type Io } from './io.js';
import { runCommand } from './run.js';
import { sweepCommand } from './sweep.js';

/** Run the command line `argv` (without node and the script). Returns the exit status. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      io.stdout.write(usage(''));
      return 0;
    }
    if (cmd === '--version' || cmd === '-v') {
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    switch (cmd) {
      case 'run':
        return await runCommand(rest, io);
      case 'sweep':
        return await sweepCommand(rest, io);
      case 'experiment':
        return await experimentCommand(rest, io);
      default:
        throw new CliError(`unknown command '${cmd}'; the commands are run, sweep and experiment (see 'attention-dynamics --help')`);
    }
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr.write(`attention-dynamics: error: ${err.message}\n`);
      return err.code;
    }
    io.stderr.write(`attention-dynamics: internal error: ${messageOf(err)}${process.env.ATTENTION_DYNAMICS_DEBUG ? '' : ' (set ATTENTION_DYNAMICS_DEBUG=1 for details)'}\n`);
    if (process.env.ATTENTION_DYNAMICS_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
