/**
 * attention-dynamics: simulate and analyse self-attention dynamics.
 * The public entry: re-exports only.
 */
export { Simulation } from './simulation.js';
export type { SimulationOptions, Model, BackendName, Precision, DeltaOption, ScheduleSpec } from './types.js';
export * as schedules from './schedules.js';
export { wasmSimdSupported, setKernelSource } from './backend/wasm.js';
export type { KernelSource } from './backend/wasm.js';
export { initialPositions } from './init.js';
export type { InitialKind, InitialPositionsOptions } from './init.js';
export { SplitMix64 } from './prng.js';
export * from './analysis/index.js';
export { multistabilityCensus } from './census.js';
export type { CensusOptions, CensusResult, CensusRun, CensusExample, CensusTolerances } from './census.js';
export type { GammaOption, GammaSpec, Integrator, MatrixOption } from './types.js';
