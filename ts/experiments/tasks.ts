/**
 * The task functions experiments hand to `ExperimentContext.map`, by kind:
 * the CLI's worker (ts/cli/experiment-worker.ts) runs them on a pool, and
 * `inlineMap` runs them in the caller's thread (library use, one worker).
 */
import { phaseTask } from './phase-diagram.js';
import type { TaskKind } from './types.js';

/** Task functions by kind: plain data in, plain data out. */
export const TASKS: Record<TaskKind, (task: never) => Promise<unknown>> = {
  'phase-diagram': phaseTask as (task: never) => Promise<unknown>,
};

/** `ExperimentContext.map` without workers: the tasks one after another; `onDone` after each. */
export async function inlineMap<T, R>(kind: TaskKind, tasks: readonly T[], onDone?: (done: number) => void): Promise<R[]> {
  const fn = TASKS[kind] as unknown as (task: T) => Promise<R>;
  const out: R[] = [];
  for (const t of tasks) {
    out.push(await fn(t));
    onDone?.(out.length);
  }
  return out;
}
