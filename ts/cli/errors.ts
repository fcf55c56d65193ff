/**
 * Errors of the command line. A CliError is a user error (bad input, bad
 * option, unusable output path): main prints its one-line message to stderr
 * and exits with `code` (2 for usage/input errors by default). Anything else
 * that escapes is an internal error (exit 1), also printed on one line; set
 * ATTENTION_DYNAMICS_DEBUG=1 to see its stack.
 */
export class CliError extends Error {
  override name = 'CliError';
  readonly code: number;
  constructor(message: string, code = 2) {
    super(oneLine(message));
    this.code = code;
  }
}

/** Collapse a message to one line. */
export function oneLine(message: string): string {
  return message
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .join(' ');
}

/** The message of any thrown value, on one line. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return oneLine(err.message || err.name);
  return oneLine(String(err));
}
