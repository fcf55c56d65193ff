/**
 * `attention-dynamics experiment`: the reference experiments of SPEC §5.
 * `experiment --list` describes them; `experiment NAME --out DIR [--small]`
 * runs one and writes its figures (one .svg per figure), report.html,
 * summary.json and any input files it generated (.npy), atomically.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { OutputFile } from '../io/atomic.js';
import { renderReport, toJson } from '../report/html.js';
import { CliError, messageOf } from './errors.js';
import { EXPERIMENT_OPTIONS, usage } from './help.js';
import { packageVersion, type Io } from './io.js';
import { COMMON_OPTIONS, oneOfFlag, parseNumber, parseOptions } from './options.js';
import { prepareOutput, writeOutput } from './output.js';
import { progressBar } from './progress.js';
import { EXPERIMENTS, findExperiment } from '../experiments/index.js';
import { inlineMap } from '../experiments/tasks.js';
import type { TaskKind } from '../experiments/types.js';
import { autoBackend } from '../backend/index.js';

/** The `experiment` command. */
export async function experimentCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(argv, [...EXPERIMENT_OPTIONS, ...COMMON_OPTIONS], 'experiment', true);
  if (values.help === true) {
    io.stdout.write(usage('experiment'));
    return 0;
  }
  const json = values.json === true;
  const quiet = values.quiet === true;
  if (values.list === true) {
    if (positionals.length > 0) throw new CliError('give either --list or an experiment name, not both');
    if (json) io.stdout.write(toJson(EXPERIMENTS.map((e) => ({ name: e.name, spec: e.spec, title: e.title, description: e.description, params: e.params ?? [] }))));
    else {
      const w = Math.max(...EXPERIMENTS.map((e) => e.name.length));
      io.stdout.write(`Experiments (attention-dynamics experiment NAME --out DIR [--small]):\n\n`);
      for (const e of EXPERIMENTS) io.stdout.write(`  ${e.name.padEnd(w)}  ${e.spec.padEnd(6)} ${e.title}\n  ${' '.repeat(w)}  ${' '.repeat(6)} ${e.description}\n${e.params && e.params.length > 0 ? `  ${' '.repeat(w)}  ${' '.repeat(6)} --param keys: ${e.params.join(', ')}\n` : ''}\n`);
    }
    return 0;
  }
  if (positionals.length === 0) throw new CliError("give an experiment name (see 'attention-dynamics experiment --list')");
  if (positionals.length > 1) throw new CliError(`give one experiment name; got ${positionals.map((p) => `'${p}'`).join(', ')}`);
  const name = positionals[0] as string;
  const exp = findExperiment(name);
  if (exp === undefined) throw new CliError(`unknown experiment '${name}'; known: ${EXPERIMENTS.map((e) => e.name).join(', ')}`);
  const out = typeof values.out === 'string' ? values.out : undefined;
  if (out === undefined || out === '') throw new CliError('--out DIR is required (the directory for the figures, report.html and summary.json)');
  const asked = oneOfFlag('backend', typeof values.backend === 'string' ? values.backend : 'auto', ['auto', 'wasm', 'js'] as const);
  const backendS = asked === 'auto' ? autoBackend() : asked;
  const small = values.small === true;
  const full = values.full === true;
  if (small && full) throw new CliError('give either --small or --full, not both');
  const params: Record<string, string> = {};
  for (const kv of (values.param as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new CliError(`--param must be KEY=VALUE; got '${kv}'`);
    const key = kv.slice(0, eq);
    if (!(exp.params ?? []).includes(key)) {
      throw new CliError(`--param ${key}: ${exp.name} ${exp.params && exp.params.length > 0 ? `takes ${exp.params.join(', ')}` : 'takes no parameters'}; got '${kv}'`);
    }
    params[key] = kv.slice(eq + 1);
  }
  const workers = typeof values.workers === 'string' ? parseNumber('workers', values.workers, { integer: true, min: 1, max: 256 }) : availableParallelism();
  prepareOutput(out, ['report.html', 'summary.json'], io, quiet);
  const t0 = performance.now();
  let bar = progressBar(io.stderr, name, 1, { quiet });
  const progress = (done: number, total: number): void => {
    if (done === 0) {
      bar.done();
      bar = progressBar(io.stderr, name, total, { quiet });
    }
    bar.update(done);
  };
  let pool: Piscina | null = null;
  // Tasks on a worker pool (created on first use), progress counted in tasks.
  const map = async <T, R>(kind: TaskKind, tasks: readonly T[]): Promise<R[]> => {
    progress(0, tasks.length);
    if (workers <= 1 || tasks.length <= 1) return inlineMap<T, R>(kind, tasks, (k) => progress(k, tasks.length));
    pool ??= new Piscina({ filename: new URL('./experiment-worker.js', import.meta.url).href, minThreads: workers, maxThreads: workers, idleTimeout: 60_000 });
    const p = pool;
    let done = 0;
    return Promise.all(
      tasks.map(async (task) => {
        const r = (await p.run({ kind, task })) as R;
        progress(++done, tasks.length);
        return r;
      }),
    );
  };
  let result;
  try {
    result = await exp.run({ small, full, params, workers, backend: backendS, progress, map });
  } catch (err) {
    bar.done();
    if (err instanceof CliError) throw err;
    if (err instanceof RangeError && err.message.startsWith('--param')) throw new CliError(err.message);
    throw new CliError(`experiment ${name} failed: ${messageOf(err)} (nothing was written)`, 1);
  } finally {
    await (pool as Piscina | null)?.destroy();
  }
  bar.done();
  const ms = performance.now() - t0;
  const files: OutputFile[] = [];
  const used = new Set<string>(['report', 'summary']);
  for (const s of result.sections) {
    for (const f of s.figures ?? []) {
      let stem = f.name.replace(/[^A-Za-z0-9._-]/g, '-');
      for (let k = 2; used.has(stem); k++) stem = `${f.name}-${k}`;
      used.add(stem);
      files.push({ name: `${stem}.svg`, bytes: `<?xml version="1.0" encoding="UTF-8"?>\n${f.svg}\n` });
    }
  }
  for (const f of result.files ?? []) files.push(f);
  const summary = {
    command: ['attention-dynamics', 'experiment', ...argv].join(' '),
    version: packageVersion(),
    experiment: exp.name,
    spec: exp.spec,
    title: exp.title,
    small,
    full,
    params,
    backend: backendS,
    ms,
    files: [...files.map((f) => f.name), 'report.html', 'summary.json'],
    ...result.summary,
  };
  const html = renderReport({
    title: `${exp.title} (${exp.spec})${small ? ' — reduced size' : ''}`,
    subtitle: summary.command,
    sections: [{ heading: 'About', text: [exp.description, ...(result.intro ?? [])] }, ...result.sections],
    summary,
  });
  files.push({ name: 'summary.json', bytes: toJson(summary) }, { name: 'report.html', bytes: html });
  await writeOutput(out, files, io);
  if (json) io.stdout.write(toJson(summary));
  else if (!quiet) {
    io.stdout.write(`${exp.name}: done in ${(ms / 1000).toFixed(2)} s; wrote ${files.length} files to ${out}; open ${out}/report.html\n`);
    for (const line of result.headline ?? []) io.stdout.write(`  ${line}\n`);
  }
  return 0;
}
