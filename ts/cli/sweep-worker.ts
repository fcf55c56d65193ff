/**
 * The worker-thread entry of `sweep` (loaded by the piscina pool from
 * dist/cli/sweep-worker.js): one task = one run, see ./sweep-task.ts.
 */
import { runSweepTask, type SweepResult, type SweepTask } from './sweep-task.js';

export default function sweepWorker(task: SweepTask): Promise<SweepResult> {
  return runSweepTask(task);
}
