/**
 * A progress bar on stderr, drawn only when stderr is a terminal and the
 * user did not ask for --quiet. It redraws at most every 100 ms, shows
 * itself only once a task has run for `delay` ms (so short runs print
 * nothing), and erases its line when done.
 */

/** Where the bar draws: a stream with isTTY and columns (process.stderr). */
export interface BarStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A progress reporter; the no-op one is used off a terminal. */
export interface Progress {
  /** Set the done count (0 .. total) and an optional short note. */
  update(done: number, note?: string): void;
  /** Erase the bar. */
  done(): void;
}

const NOOP: Progress = { update() {}, done() {} };

function fmtTime(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * A progress bar for `total` units labelled `label`. Returns a no-op unless
 * `stream.isTTY` and not `quiet`.
 */
export function progressBar(stream: BarStream, label: string, total: number, opts: { quiet?: boolean; delay?: number; unit?: string } = {}): Progress {
  if (opts.quiet || stream.isTTY !== true || !(total > 0)) return NOOP;
  const start = Date.now();
  const delay = opts.delay ?? 300;
  let last = 0;
  let shown = false;
  const draw = (done: number, note?: string): void => {
    const now = Date.now();
    if (now - start < delay) return;
    if (shown && now - last < 100 && done < total) return;
    last = now;
    shown = true;
    const frac = Math.min(1, Math.max(0, done / total));
    const cols = Math.max(40, Math.min(stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80, 120));
    const elapsed = now - start;
    const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : Infinity;
    const tail = ` ${Math.floor(frac * 100)
      .toString()
      .padStart(3)}% ${done}/${total}${opts.unit ? ' ' + opts.unit : ''} ${fmtTime(elapsed)} eta ${fmtTime(eta)}${note ? ' ' + note : ''}`;
    const width = Math.max(10, cols - label.length - tail.length - 4);
    const fill = Math.round(frac * width);
    const line = `${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}]${tail}`;
    stream.write(`\r${line.slice(0, cols - 1)}\x1b[K`);
  };
  return {
    update: draw,
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
