/**
 * `attention-dynamics sweep`: a grid of runs in parallel worker threads.
 *
 * Each grid point is the base run options plus one value per grid axis
 * (`--grid delta=0.01,0.1 --grid alpha=0.5,1` gives 4 runs; the first axis
 * varies slowest). Values are separated by ',' or, when the list contains a
 * ';', by ';' — schedule values (KIND:ARGS) have commas of their own, so a
 * `gamma` or `delta-schedule` list with a schedule and a ',' but no ';' is
 * refused as ambiguous (`--grid 'gamma=0.5;geometric:0.5,0.5'`; a single
 * schedule value may end with ';').
 *
 * Every point is validated up front exactly as `run` validates its options
 * (parsing, input files, sizes, and the API's validation of the Simulation
 * options, without creating a simulation): the first invalid point is one
 * line naming it, exit 2, nothing run and nothing written. The runs execute
 * in a piscina pool (one task per run, `--workers` threads); a run that
 * fails while running (e.g. a step that throws) is reported as a failed row
 * and the others go on (exit 1). One row per run goes to sweep.csv (and
 * sweep.json with errors and the worker thread of each run), both written
 * atomically at the end.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { resolveOptions } from '../validate.js';
import { toJson } from '../report/html.js';
import { CliError, messageOf } from './errors.js';
import { SWEEP_OPTIONS, usage } from './help.js';
import { packageVersion, type Io } from './io.js';
import { COMMON_OPTIONS, SIM_OPTIONS, buildRunConfig, parseNumber, parseOptions, type Values } from './options.js';
import { prepareOutput, writeOutput } from './output.js';
import { progressBar } from './progress.js';
import type { SweepMetrics, SweepResult, SweepTask } from './sweep-task.js';

/** One axis of the grid. */
export interface GridAxis {
  key: string;
  values: string[];
}

const MAX_RUNS = 100_000;

/** Grid keys whose values may be schedules (KIND:ARGS, with commas of their own). */
const SCHEDULE_KEYS: Record<string, string> = { gamma: 'gamma=0.5;geometric:0.5,0.5', 'delta-schedule': 'delta-schedule=power:0.2,1;geometric:0.2,0.9' };

/**
 * Expand one VALUES list: items separated by ',' (or by ';' if the list has
 * one; a trailing ';' is allowed), each a literal, i..j, or start:stop:step.
 * A schedule value in a ','-separated gamma or delta-schedule list is refused
 * as ambiguous (its own commas would split it).
 */
export function expandValues(key: string, list: string): string[] {
  const sep = list.includes(';') ? ';' : ',';
  let items = list.split(sep).map((s) => s.trim());
  if (sep === ';' && items.length > 1 && items[items.length - 1] === '') items = items.slice(0, -1);
  if (items.length === 0 || items.some((s) => s === '')) throw new CliError(`--grid ${key}=${list}: empty value in the list`);
  const example = SCHEDULE_KEYS[key];
  if (sep === ',' && example !== undefined && items.length > 1 && items.some((s) => /^[a-z][a-z-]*\s*:/i.test(s))) {
    throw new CliError(
      `--grid ${key} must be values separated by ';' when one is a schedule (KIND:ARGS has commas of its own); got ${JSON.stringify(list)}. Write e.g. --grid '${example}' (one schedule alone: end it with ';')`,
    );
  }
  const out: string[] = [];
  for (const item of items) {
    const range = /^(-?\d+)\.\.(-?\d+)$/.exec(item);
    const steps = item.split(':');
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (!(a <= b)) throw new CliError(`--grid ${key}=${list}: the range ${item} must go up (i..j with i <= j)`);
      if (b - a >= MAX_RUNS) throw new CliError(`--grid ${key}=${list}: the range ${item} is too long`);
      for (let v = a; v <= b; v++) out.push(String(v));
    } else if (steps.length === 3 && steps.every((s) => /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s))) {
      const [a, b, s] = steps.map(Number) as [number, number, number];
      if (!(s > 0) || !(a <= b)) throw new CliError(`--grid ${key}=${list}: start:stop:step needs start <= stop and step > 0; got ${item}`);
      const count = Math.floor((b - a) / s + 1e-9) + 1;
      if (count > MAX_RUNS) throw new CliError(`--grid ${key}=${list}: ${item} has too many values`);
      for (let k = 0; k < count; k++) out.push(String(parseFloat((a + k * s).toPrecision(12))));
    } else out.push(item);
  }
  return out;
}

/** Parse the --grid options into axes, checking keys against the run options. */
export function parseGrid(specs: readonly string[], base: Values): GridAxis[] {
  if (specs.length === 0) throw new CliError('give at least one --grid KEY=VALUES (e.g. --grid delta=0.01,0.1,0.5)');
  const valued = new Set(SIM_OPTIONS.filter((s) => s.type === 'string').map((s) => s.name));
  const axes: GridAxis[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new CliError(`--grid must be KEY=VALUES (e.g. delta=0.01,0.1); got ${JSON.stringify(spec)}`);
    const key = spec.slice(0, eq).trim().replace(/^--/, '');
    if (key !== 'seed' && !valued.has(key)) {
      throw new CliError(`--grid KEY must be a run option with a value (seed, ${[...valued].join(', ')}); got ${JSON.stringify(key)}`);
    }
    if (axes.some((a) => a.key === key)) throw new CliError(`--grid ${key} is given more than once`);
    const targets = key === 'seed' ? ['init-seed'] : [key];
    for (const t of targets) if (base[t] !== undefined) throw new CliError(`--grid ${key} conflicts with --${t}; give it in one place`);
    if (key === 'seed' && base.seed !== undefined) throw new CliError('--grid seed conflicts with --seed; give it in one place');
    axes.push({ key, values: expandValues(key, spec.slice(eq + 1)) });
  }
  const total = axes.reduce((p, a) => p * a.values.length, 1);
  if (total > MAX_RUNS) throw new CliError(`the grid has ${total} runs; at most ${MAX_RUNS}`);
  return axes;
}

/** Every grid point (the first axis varies slowest). */
export function gridPoints(axes: readonly GridAxis[]): Record<string, string>[] {
  let points: Record<string, string>[] = [{}];
  for (const a of axes) points = points.flatMap((p) => a.values.map((v) => ({ ...p, [a.key]: v })));
  return points;
}

/** The argv of one grid point: base options plus the point's values. */
function pointArgv(baseArgv: readonly string[], point: Record<string, string>, model: string | undefined, generated: boolean): string[] {
  const argv = [...baseArgv];
  for (const [k, v] of Object.entries(point)) {
    if (k === 'seed') {
      if (generated) argv.push(`--init-seed=${v}`);
      if (model === 'softmax-markov') argv.push(`--seed=${v}`);
      if (!generated && model !== 'softmax-markov') argv.push(`--init-seed=${v}`); // refused per run with a clear message
    } else argv.push(`--${k}=${v}`);
  }
  return argv;
}

/** A grid point as KEY=VALUE pairs, e.g. "alpha=-1 seed=3". */
function describePoint(p: Record<string, string> | undefined): string {
  return Object.entries(p ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** RFC 4180 CSV field. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : String(v)) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const METRIC_COLUMNS: readonly (keyof SweepMetrics)[] = [
  'n',
  'd',
  'steps',
  'backend',
  'precision',
  'createMs',
  'stepMs',
  'msPerStep',
  'clusters',
  'hullVertices',
  'leaders',
  'limitVertexTokens',
  'limitBoundaryTokens',
  'limitInteriorTokens',
  'diameter0',
  'diameterT',
  'lastMaxStep',
  'converged',
];

/** The `sweep` command. */
export async function sweepCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseOptions(argv, [...SWEEP_OPTIONS, ...SIM_OPTIONS, ...COMMON_OPTIONS], 'sweep');
  if (values.help === true) {
    io.stdout.write(usage('sweep'));
    return 0;
  }
  const quiet = values.quiet === true;
  const json = values.json === true;
  const out = typeof values.out === 'string' ? values.out : undefined;
  if (out === undefined || out === '') throw new CliError('--out DIR is required (the directory for sweep.csv and sweep.json)');
  const axes = parseGrid((values.grid as string[] | undefined) ?? [], values);
  const cores = availableParallelism();
  const workers = typeof values.workers === 'string' ? parseNumber('workers', values.workers, { integer: true, min: 1, max: 256 }) : cores;
  // the base argv: every option except the sweep's own and the general ones
  const own = new Set([...SWEEP_OPTIONS, ...COMMON_OPTIONS].map((s) => s.name));
  const baseArgv: string[] = [];
  for (const s of SIM_OPTIONS) {
    if (own.has(s.name)) continue;
    const v = values[s.name];
    if (typeof v === 'string') baseArgv.push(`--${s.name}=${v}`);
    else if (v === true) baseArgv.push(`--${s.name}`);
  }
  const points = gridPoints(axes);
  const model = typeof values.model === 'string' ? values.model : undefined;
  const generated = values.init === undefined;
  const tasks: SweepTask[] = points.map((p, index) => {
    const m = typeof p.model === 'string' ? p.model : model;
    const gen = typeof p.init === 'string' ? false : generated;
    return { index, argv: pointArgv(baseArgv, p, m, gen) };
  });

  // validate every point up front as run does (options, files, sizes, the API's checks), without creating simulations
  for (const t of tasks) {
    try {
      const { values: v } = parseOptions(t.argv, SIM_OPTIONS, 'sweep');
      resolveOptions(buildRunConfig(v).sim);
    } catch (err) {
      if (!(err instanceof CliError || err instanceof TypeError || err instanceof RangeError)) throw err;
      throw new CliError(`grid run ${t.index} (${describePoint(points[t.index])}): ${err instanceof CliError ? '' : 'invalid options: '}${messageOf(err)}; nothing was run`);
    }
  }
  prepareOutput(out, ['sweep.csv', 'sweep.json'], io, quiet);
  const results: (SweepResult | null)[] = new Array(tasks.length).fill(null);

  const threads = Math.min(workers, tasks.length);
  const pool = new Piscina({
    filename: new URL('./sweep-worker.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  const bar = progressBar(io.stderr, 'sweep', tasks.length, { quiet, unit: 'runs' });
  let done = 0;
  let failed = 0;
  const t0 = performance.now();
  try {
    await Promise.all(
      tasks.map(async (t) => {
        let r: SweepResult;
        try {
          r = (await pool.run(t)) as SweepResult;
        } catch (err) {
          r = { index: t.index, ok: false, error: `worker failed: ${messageOf(err)}`, threadId: -1, metrics: null };
        }
        results[t.index] = r;
        done++;
        if (!r.ok) failed++;
        bar.update(done, failed > 0 ? `(${failed} failed)` : undefined);
      }),
    );
  } finally {
    bar.done();
    await pool.destroy();
  }
  const wallMs = performance.now() - t0;
  const rows = results as SweepResult[];

  // CSV and JSON
  const keys = axes.map((a) => a.key);
  const header = ['index', 'status', ...keys, ...METRIC_COLUMNS, 'threadId', 'error'];
  const lines = [header.join(',')];
  rows.forEach((r, k) => {
    const p = points[k] as Record<string, string>;
    lines.push(
      [r.index, r.ok ? 'ok' : 'failed', ...keys.map((key) => p[key]), ...METRIC_COLUMNS.map((c) => (r.metrics ? r.metrics[c] : null)), r.threadId, r.error]
        .map(csvField)
        .join(','),
    );
  });
  const threadIds = [...new Set(rows.filter((r) => r.ok).map((r) => r.threadId))].sort((a, b) => a - b);
  const summary = {
    command: ['attention-dynamics', 'sweep', ...argv].join(' '),
    version: packageVersion(),
    runs: rows.length,
    ok: rows.length - failed,
    failed,
    workers: threads,
    cores,
    wallMs,
    threadIds,
    grid: axes,
    base: baseArgv,
    rows: rows.map((r, k) => ({ ...r, params: points[k] })),
  };
  await writeOutput(
    out,
    [
      { name: 'sweep.csv', bytes: lines.join('\n') + '\n' },
      { name: 'sweep.json', bytes: toJson(summary) },
    ],
    io,
  );
  if (json) io.stdout.write(toJson(summary));
  else if (!quiet) {
    io.stdout.write(`sweep: ${rows.length} runs (${rows.length - failed} ok, ${failed} failed) on ${threads} worker thread(s) in ${(wallMs / 1000).toFixed(2)} s; wrote ${out}/sweep.csv and ${out}/sweep.json\n`);
  }
  for (const r of rows) {
    if (!r.ok) io.stderr.write(`attention-dynamics: run ${r.index} (${describePoint(points[r.index])}) failed: ${r.error}\n`);
  }
  return failed > 0 ? 1 : 0;
}
