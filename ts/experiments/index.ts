/**
 * The registry of experiments (SPEC §5). Add an experiment by writing a
 * module that exports an `Experiment` and listing it here.
 */
import { afzFigure2 } from './afz-figure2.js';
import { altafini } from './altafini.js';
import { clusteringCases } from './clustering-cases.js';
import { deltaSweep } from './delta-sweep.js';
import { deltaVanishing } from './delta-vanishing.js';
import { fwCells } from './fw-cells.js';
import { metastability } from './metastability.js';
import { p6Square } from './p6-square.js';
import { phaseDiagram } from './phase-diagram.js';
import { quiescent } from './quiescent.js';
import { sphereClustering } from './sphere-clustering.js';
import { strips } from './strips.js';
import type { Experiment } from './types.js';

export const EXPERIMENTS: readonly Experiment[] = [afzFigure2, p6Square, deltaSweep, strips, quiescent, deltaVanishing, fwCells, metastability, sphereClustering, phaseDiagram, clusteringCases, altafini];

/** The experiment of that name, or undefined. */
export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}
