/**
 * `attention-dynamics run`: one simulation from the command line.
 *
 * Order of work, so bad input never leaves a half-written output:
 *   1. parse and validate every option; check the sizes (generator and wasm
 *      limits, --max-trajectory-mb, free disk space) before the initial state
 *      is allocated; read every input file; check that --out is writable (a
 *      probe file; stale temporaries of killed runs are removed there);
 *   2. create the Simulation (the API validates the options again);
 *   3. run, recording every k-th state (and the final state); a failed step
 *      (e.g. a non-finite state) is exit 1 naming t, and nothing is written;
 *   4. analyse and build the report in memory;
 *   5. write trajectory.npy, final.npy, initial.npy, times.npy,
 *      summary.json, report.html and each figure of the report as
 *      <figure name>.svg atomically (temporaries, then renames; see
 *      ./output.ts for signals and a full disk).
 */
import { Simulation } from '../index.js';
import type { SimulationOptions } from '../types.js';
import { Recorder, type Trajectory } from '../analysis/dynamics/trajectory.js';
import { encodeNpy } from '../io/npy.js';
import { freeBytes } from '../io/atomic.js';
import { renderReport, toJson, type Section } from '../report/html.js';
import { analyseRun } from './diagnostics.js';
import { CliError, messageOf } from './errors.js';
import { COMMON_OPTIONS, RUN_OUTPUT_OPTIONS, SIM_OPTIONS, buildRunConfig, describeConfig, parseIntList, parseNumber, parseOptions, type RunConfig, type RunShape, type Values } from './options.js';
import { prepareOutput, writeOutput } from './output.js';
import { progressBar } from './progress.js';
import { usage } from './help.js';
import type { Io } from './io.js';
import { packageVersion } from './io.js';

export const RUN_FILES = ['trajectory.npy', 'final.npy', 'initial.npy', 'times.npy', 'summary.json', 'report.html'] as const;

/** Each figure of the report's sections as `<name>.svg` (names made file-safe and unique, never clashing with RUN_FILES' stems). */
export function figureFiles(sections: readonly Section[]): { name: string; bytes: string }[] {
  const used = new Set<string>(RUN_FILES.map((f) => f.replace(/\.[^.]*$/, '')));
  const files: { name: string; bytes: string }[] = [];
  for (const s of sections) {
    for (const f of s.figures ?? []) {
      const base = f.name.replace(/[^A-Za-z0-9._-]/g, '-');
      let stem = base;
      for (let k = 2; used.has(stem); k++) stem = `${base}-${k}`;
      used.add(stem);
      files.push({ name: `${stem}.svg`, bytes: `<?xml version="1.0" encoding="UTF-8"?>\n${f.svg}\n` });
    }
  }
  return files;
}

/** How the steps ran, for the summary line and the report: 'calling thread' or 'k worker threads'. */
function threadsNote(threads: number): string {
  return threads === 0 ? 'calling thread' : `${threads} worker thread${threads === 1 ? '' : 's'}`;
}

/** The recorded steps of a run: 0, every, 2·every, …, and the last step. */
export function recordedSteps(steps: number, every: number): number[] {
  const out: number[] = [];
  for (let t = 0; t <= steps; t += every) out.push(t);
  if (out[out.length - 1] !== steps) out.push(steps);
  return out;
}

/** Create a Simulation, turning option errors into CliErrors. */
export async function createSimulation(c: RunConfig): Promise<Simulation> {
  try {
    // c.sim is built for a model chosen at run time (the flat form); Simulation.create checks it all
    return await Simulation.create(c.sim as SimulationOptions);
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) throw new CliError(`invalid options: ${messageOf(err)}`);
    throw new CliError(`cannot create the simulation: ${messageOf(err)}`, 1);
  }
}

interface RunChoices {
  out: string;
  hullAt: number[] | null;
  stripTokens: number[] | null;
  stripAt: number;
  analysisSnapshots: number;
  maxBytes: number;
}

function mib(bytes: number): string {
  return bytes < 2 ** 20 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The run's output choices, checked against its shape before anything is allocated or written. */
function runChoices(values: Values, c: RunShape): RunChoices {
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const out = str('out');
  if (out === undefined || out === '') throw new CliError("--out DIR is required (the directory for trajectory.npy, summary.json, report.html, …)");
  const recorded = recordedSteps(c.steps, c.every);
  const isRecorded = (flag: string, t: number): void => {
    if (!recorded.includes(t)) {
      throw new CliError(`--${flag} must be recorded steps (with --steps ${c.steps} --every ${c.every}: multiples of ${c.every} up to ${c.steps}, and ${c.steps}); got ${t}`);
    }
  };
  const hullS = str('hull-at');
  const hullAt = hullS === undefined ? null : parseIntList('hull-at', hullS);
  hullAt?.forEach((t) => isRecorded('hull-at', t));
  const stripS = str('strip-tokens');
  const stripTokens = stripS === undefined ? null : parseIntList('strip-tokens', stripS);
  stripTokens?.forEach((i) => {
    if (i >= c.n) throw new CliError(`--strip-tokens must be token indices in [0, ${c.n - 1}] (n = ${c.n}); got ${i}`);
  });
  const stripAtS = str('strip-at');
  const stripAt = stripAtS === undefined ? 0 : parseNumber('strip-at', stripAtS, { integer: true, min: 0 });
  isRecorded('strip-at', stripAt);
  const asS = str('analysis-snapshots');
  const analysisSnapshots = asS === undefined ? 120 : parseNumber('analysis-snapshots', asS, { integer: true, min: 2 });
  const mbS = str('max-trajectory-mb');
  const mb = mbS === undefined ? 1024 : parseNumber('max-trajectory-mb', mbS, { gt: 0 });
  const maxBytes = mb * 2 ** 20;
  const need = recorded.length * c.n * c.d * 8;
  if (need > maxBytes) {
    throw new CliError(
      `the trajectory would hold ${recorded.length} snapshots of ${c.n} × ${c.d} (${(need / 2 ** 20).toFixed(1)} MiB), above --max-trajectory-mb ${mb}; raise --every or --max-trajectory-mb`,
    );
  }
  // the .npy outputs alone (the report and summary come on top); temporaries need it all before the renames
  const npyBytes = need + 2 * c.n * c.d * 8 + recorded.length * 8 + 4 * 128;
  const free = freeBytes(out);
  if (free !== null && npyBytes > free) {
    throw new CliError(
      `--out ${out}: the outputs need at least ${mib(npyBytes)} (trajectory.npy ${mib(need)}) but its file system has ${mib(free)} free; free some space, raise --every or choose another --out`,
    );
  }
  return { out, hullAt, stripTokens, stripAt, analysisSnapshots, maxBytes: Math.max(maxBytes, need + 1) };
}

/** Step a simulation to `steps`, recording every `every`-th state and the last; progress on the bar. */
export function simulate(sim: Simulation, steps: number, every: number, maxBytes: number, onProgress: (done: number) => void): { trajectory: Trajectory; stepMs: number } {
  const rec = new Recorder(sim, { every, maxBytes, initialCapacity: Math.min(recordedSteps(steps, every).length, 1024) });
  rec.run(steps, { last: true, onProgress });
  return { trajectory: rec.trajectory(), stepMs: rec.stepMs };
}

/** The `run` command. Returns the exit code. */
export async function runCommand(argv: readonly string[], io: Io): Promise<number> {
  const specs = [...SIM_OPTIONS, ...RUN_OUTPUT_OPTIONS, ...COMMON_OPTIONS];
  const { values } = parseOptions(argv, specs, 'run');
  if (values.help === true) {
    io.stdout.write(usage('run'));
    return 0;
  }
  const quiet = values.quiet === true;
  const json = values.json === true;
  const tStart = performance.now();

  // 1. validate everything: sizes before the initial state is allocated, then the output directory
  let checked: RunChoices | undefined;
  const config = buildRunConfig(values, (shape) => {
    checked = runChoices(values, shape);
  });
  const choices = checked as RunChoices;
  // One large run: use the cores where it pays ('auto' is 0 below n = 512, for the sphere models and the js backend).
  if (config.sim.threads === undefined) config.sim.threads = 'auto';
  prepareOutput(choices.out, RUN_FILES, io, quiet);

  // 2. create
  const tCreate = performance.now();
  const sim = await createSimulation(config);
  const createMs = performance.now() - tCreate;
  try {
    // 3. run
    const bar = progressBar(io.stderr, 'run', config.steps, { quiet, unit: 'steps' });
    let result: { trajectory: Trajectory; stepMs: number };
    try {
      result = simulate(sim, config.steps, config.every, choices.maxBytes, (done) => bar.update(done));
    } catch (err) {
      bar.done();
      throw new CliError(`the simulation failed at t = ${sim.t}: ${messageOf(err)} (nothing was written)`, 1);
    }
    bar.done();
    const tr = result.trajectory;
    const final = sim.positions();

    // 4. analyse
    const tAnalysis = performance.now();
    const analysis = analyseRun(
      tr,
      {
        model: config.sim.model,
        n: config.n,
        d: config.d,
        alpha: sim.alpha,
        delta: sim.delta,
        deltaAt: (t) => sim.deltaAt(t),
        beta: sim.beta,
        A: sim.A,
        tieTolerance: sim.tieTolerance,
        onSphere: config.sim.model === 'sphere-sa' || config.sim.model === 'sphere-usa' || config.sim.sphere === true,
      },
      choices,
    );
    const analysisMs = performance.now() - tAnalysis;
    for (const e of analysis.errors) {
      if (!quiet) io.stderr.write(`attention-dynamics: ${e.error.startsWith('skipped:') ? 'note' : 'warning'}: ${e.analysis}: ${e.error}\n`);
    }

    const summary = {
      command: ['attention-dynamics', 'run', ...argv].join(' '),
      version: packageVersion(),
      options: { ...describeConfig(config), backend: sim.backend, precision: sim.precision, tieTolerance: sim.tieTolerance, threads: sim.threads, engine: sim.engine },
      timings: {
        createMs,
        stepMs: result.stepMs,
        msPerStep: config.steps > 0 ? result.stepMs / config.steps : null,
        analysisMs,
        totalMs: performance.now() - tStart,
      },
      trajectory: { snapshots: tr.count, n: tr.n, d: tr.d, times: Array.from(tr.times), file: 'trajectory.npy', shape: [tr.count, tr.n, tr.d] },
      ...analysis.summary,
      analysisErrors: analysis.errors,
    };
    const sections: Section[] = [
      {
        heading: 'Run',
        bullets: [
          `model ${config.sim.model}, n = ${config.n}, d = ${config.d}, ${config.steps} steps (${sim.backend}, ${sim.precision}, ${threadsNote(sim.threads)}, engine ${sim.engine})`,
          `initial state: ${config.init.source === 'file' ? `${config.init.path} (${config.init.dtype})` : `${config.init.kind}, seed ${String(config.init.seed)}`}`,
          `options: ${Object.entries(config.given)
            .filter(([k]) => !['model', 'init', 'n', 'd', 'steps', 'every'].includes(k))
            .map(([k, v]) => `--${k}${v === true ? '' : ' ' + v}`)
            .join(' ') || '(defaults)'}`,
          `time: ${result.stepMs.toFixed(1)} ms stepping (${config.steps > 0 ? (result.stepMs / config.steps).toFixed(3) : '—'} ms/step), ${analysisMs.toFixed(0)} ms analysis`,
          `files: trajectory.npy (${tr.count} × ${tr.n} × ${tr.d}, float64; steps in times.npy), initial.npy, final.npy, summary.json, and each figure as <name>.svg (the name after "fig-" in the figure's id)`,
        ],
        tables: [finalTable(analysis.summary)],
      },
      ...analysis.sections,
    ];
    const html = renderReport({ title: `attention-dynamics run: ${config.sim.model}, n = ${config.n}, d = ${config.d}`, subtitle: summary.command, sections, summary });

    // 5. write
    const figures = figureFiles(sections);
    const len = tr.n * tr.d;
    const files = [
      { name: 'trajectory.npy', bytes: encodeNpy(tr.data.subarray(0, tr.count * len), [tr.count, tr.n, tr.d]) },
      { name: 'final.npy', bytes: encodeNpy(final, [config.n, config.d]) },
      { name: 'initial.npy', bytes: encodeNpy(config.sim.positions, [config.n, config.d]) },
      { name: 'times.npy', bytes: encodeNpy(tr.times, [tr.count]) },
      { name: 'summary.json', bytes: toJson(summary) },
      { name: 'report.html', bytes: html },
      ...figures,
    ];
    await writeOutput(choices.out, files, io);
    if (json) io.stdout.write(toJson(summary));
    else if (!quiet) {
      const f = analysis.summary.final as Record<string, { count?: number; vertexCount?: number; converged?: boolean } | null>;
      io.stdout.write(
        `${config.sim.model} n=${config.n} d=${config.d}: ${config.steps} steps in ${(result.stepMs / 1000).toFixed(2)} s (${sim.backend}, ${sim.precision}, ${threadsNote(sim.threads)}, engine ${sim.engine})\n` +
          `final: ${f.clusters?.count ?? '?'} clusters, ${f.hull?.vertexCount ?? '?'} hull vertices, ${f.leaders?.count ?? '?'} leaders, converged: ${f.convergence?.converged ?? '?'}\n` +
          `wrote ${choices.out}/{${RUN_FILES.join(',')}} and ${figures.length} figure${figures.length === 1 ? '' : 's'} (.svg); open ${choices.out}/report.html\n`,
      );
    }
    return 0;
  } finally {
    sim.dispose();
  }
}

function finalTable(summary: Record<string, unknown>): { columns: string[]; rows: (string | number | boolean | null)[][]; caption: string } {
  const f = summary.final as Record<string, Record<string, unknown> | null>;
  const get = (k: string, p: string): string | number | boolean | null => {
    const o = f[k];
    if (o === null || o === undefined) return null;
    const v = o[p];
    return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : null;
  };
  const lc = f.limitClasses?.tokens as Record<string, number> | undefined;
  return {
    caption: 'Final state',
    columns: ['quantity', 'value'],
    rows: [
      ['t', (summary.final as { t: number }).t],
      ['clusters', get('clusters', 'count')],
      ['hull vertices (final)', get('hull', 'vertexCount')],
      ['hull vertices (initial)', (f.initialHullVertexCount as unknown as number) ?? null],
      ['hull dimension', get('hull', 'dim')],
      ['leaders (final / initial)', `${get('leaders', 'count') ?? '—'} / ${get('initialLeaders', 'count') ?? '—'}`],
      ['strict leaders (final)', get('strictLeaders', 'count')],
      ['limit tokens vertex / boundary / interior', lc ? `${lc.vertex} / ${lc.boundary} / ${lc.interior}${lc.nonVertex ? ` / ${lc.nonVertex} non-vertex` : ''}` : null],
      ['neighbourhood size min / mean / max', f.neighbourhoodSizes ? `${get('neighbourhoodSizes', 'min')} / ${(+(get('neighbourhoodSizes', 'mean') ?? NaN)).toPrecision(4)} / ${get('neighbourhoodSizes', 'max')}` : null],
      ['converged (last 10 gaps below tol)', get('convergence', 'converged')],
      ['last max step', get('convergence', 'lastMaxStep')],
      ['no finite-time convergence', get('finiteTime', 'noFiniteTimeConvergence')],
      ['median fitted rate', get('finiteTime', 'medianRate')],
    ],
  };
}
