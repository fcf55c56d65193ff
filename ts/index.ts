/**
 * attention-dynamics: simulate and analyse self-attention dynamics.
 * The universal public entry (browsers, workers, Node, Deno, Bun): re-exports
 * only, with no `node:` import and no bare import, so a page or a module Web
 * Worker loads dist/index.js from static files without an import map or a
 * bundler. Node resolves the package to ts/node.ts, which re-exports this and
 * adds loadNpy/saveNpy.
 */
export { Simulation } from './simulation.js';
export type { SimulationOptions, Model, BackendName, BackendOption, Precision, DeltaOption, ScheduleSpec } from './types.js';
export type {
  CommonOptions,
  DiscreteOptions,
  StepOptions,
  HardmaxOptions,
  LocalmaxOptions,
  SoftmaxOptions,
  FrankWolfeOptions,
  SoftmaxMarkovOptions,
  SphereOptions,
  PositionsOption,
} from './types.js';
export type { RunOptions, RunResult, SnapshotOptions, Snapshot } from './threads/run.js';
export * as schedules from './schedule-constructors.js';
export { wasmSimdSupported, setKernelSource } from './backend/wasm.js';
export type { KernelSource } from './backend/wasm.js';
export { initialPositions } from './init.js';
export type { InitialKind, InitialPositionsOptions } from './init.js';
export { SplitMix64 } from './prng.js';
export * from './analysis/index.js';
export { multistabilityCensus } from './experiments/census.js';
export type { CensusOptions, CensusResult, CensusRun, CensusExample, CensusTolerances } from './experiments/census.js';
export type { GammaOption, GammaSpec, Integrator, MatrixOption } from './types.js';
export { readNpy, writeNpy, trajectoryToNpy, NpyError } from './data.js';
export type { NpyArray, NpyFloat, NpyInput } from './data.js';
