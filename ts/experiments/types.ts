/**
 * The experiment framework: an experiment is a named function from a context
 * (reduced size or not, backend, progress callback) to a summary, report
 * sections with figures, and optional extra files (e.g. the generated inputs
 * as .npy). The `experiment` command writes each figure as NAME.svg, plus
 * report.html and summary.json.
 */
import type { OutputFile } from '../io/atomic.js';
import type { Section } from '../report/html.js';

/** What an experiment gets. */
export interface ExperimentContext {
  /** Reduced size (seconds), for tests. */
  small: boolean;
  backend: 'wasm' | 'js';
  /** Report progress: done of total units (call with done = 0 first to set the total). */
  progress: (done: number, total: number) => void;
  /** The authors' full size where it differs from the default (e.g. an ensemble of 2048 instead of 256). */
  full?: boolean;
  /** Experiment parameters from `--param key=value`, only the keys the experiment lists in `params`. */
  params?: Readonly<Record<string, string>>;
  /** How many workers `map` uses (1: inline). */
  workers?: number;
  /**
   * Run independent tasks of a registered kind (ts/experiments/tasks.ts) and
   * return their results in order: on a worker pool in the CLI, inline
   * otherwise. Tasks and results are plain data (structured-cloneable).
   */
  map<T, R>(kind: TaskKind, tasks: readonly T[]): Promise<R[]>;
}

/** The kinds of task an experiment may hand to `ExperimentContext.map`. */
export type TaskKind = 'phase-diagram';

/** What an experiment returns. */
export interface ExperimentOutput {
  /** The numbers behind the figures (goes into summary.json). */
  summary: Record<string, unknown>;
  /** Report sections; every figure is also written as <figure.name>.svg. */
  sections: Section[];
  /** Paragraphs under "About". */
  intro?: string[];
  /** A few lines printed on stdout after the run (the key numbers). */
  headline?: string[];
  /** Extra files (e.g. generated initial states as .npy). */
  files?: OutputFile[];
}

/** A registered experiment. */
export interface Experiment {
  /** Command-line name, e.g. 'p6-square'. */
  name: string;
  /** SPEC section, e.g. '§5.2'. */
  spec: string;
  title: string;
  /** One or two sentences for --list and the report. */
  description: string;
  /** The keys `--param key=value` may set (others are refused). */
  params?: readonly string[];
  run(ctx: ExperimentContext): Promise<ExperimentOutput>;
}
