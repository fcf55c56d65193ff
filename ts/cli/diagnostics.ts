/**
 * The analysis of a finished run for the CLI: runs the facts
 * (ts/report/run-summary.ts) and the report sections
 * (ts/report/run-sections.ts) under one guard, so that an analysis that
 * throws is recorded in `errors` (and printed as a warning by the caller)
 * while the others still run and the simulation's outputs are never lost.
 */
import type { Trajectory } from '../analysis/dynamics/trajectory.js';
import type { Section } from '../report/html.js';
import { runSections } from '../report/run-sections.js';
import { summarizeRun, type ReportChoices, type RunFacts } from '../report/run-summary.js';
import { messageOf } from './errors.js';

export type { ReportChoices, RunFacts } from '../report/run-summary.js';
export { subTrajectory } from '../report/run-summary.js';
export { defaultHullSteps } from '../report/run-sections.js';

/** The analysis result. */
export interface RunAnalysis {
  summary: Record<string, unknown>;
  sections: Section[];
  errors: { analysis: string; error: string }[];
}

/** Analyse a recorded run (f64 snapshots; the last one is the final state). */
export function analyseRun(tr: Trajectory, facts: RunFacts, choices: ReportChoices): RunAnalysis {
  const errors: { analysis: string; error: string }[] = [];
  const timings: Record<string, number> = {};
  const guard = <T>(name: string, f: () => T): T | null => {
    const t0 = performance.now();
    try {
      return f();
    } catch (err) {
      errors.push({ analysis: name, error: messageOf(err) });
      return null;
    } finally {
      timings[name] = (timings[name] ?? 0) + performance.now() - t0;
    }
  };
  const skip = (analysis: string, why: string): null => {
    errors.push({ analysis, error: `skipped: ${why}` });
    return null;
  };
  const { summary, results } = summarizeRun(tr, facts, choices, guard, skip);
  const sections = runSections(tr, facts, choices, results, guard);
  summary.analysisTimingsMs = timings;
  return { summary, sections, errors };
}
