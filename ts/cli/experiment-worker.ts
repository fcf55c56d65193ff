/**
 * The worker-thread entry of `experiment` (loaded by the piscina pool from
 * dist/cli/experiment-worker.js): one task of a registered kind
 * (ts/experiments/tasks.ts).
 */
import { TASKS } from '../experiments/tasks.js';
import type { TaskKind } from '../experiments/types.js';

export default function experimentWorker(msg: { kind: TaskKind; task: unknown }): Promise<unknown> {
  return (TASKS[msg.kind] as (task: unknown) => Promise<unknown>)(msg.task);
}
