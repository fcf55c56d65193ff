/**
 * Messages between the page (main.ts) and its module worker (worker.ts).
 * Positions are n*d row-major Float64Arrays, transferred (the sender gives
 * up its copy).
 */
import type { Params } from './params.js';

export type ToWorker =
  /** Create a new simulation (dropping the old one) from params; `positions` overrides the generated start (uploaded .npy). */
  | { type: 'init'; params: Params; positions?: Float64Array; n?: number; d?: number }
  | { type: 'play' }
  | { type: 'pause' }
  /** Pause, then advance k steps and send one frame. */
  | { type: 'step'; k: number }
  | { type: 'speed'; speed: number };

/** What the page draws and plots: the state at step t with its analysis. */
export interface Frame {
  type: 'frame';
  /** Serial number of the init this frame belongs to (stale frames are dropped). */
  run: number;
  t: number;
  /** Continuous time t·dt of the sphere models (= t for the discrete ones). */
  time: number;
  n: number;
  d: number;
  positions: Float64Array;
  /** Cluster label per token (clusters() or sphereClusters()). */
  labels: Int32Array;
  clusterCount: number;
  /** Indices of the hull vertices of the d-dimensional state (hullVertices). */
  hull: Int32Array;
  /** Maximal alignment set S (leaders) at step leadersT (<= t; see worker.ts on when it is recomputed). */
  leaders: Int32Array;
  leadersT: number;
  diameter: number;
  /** Variance and softmax energy E_β (energySeries) of this step, or NaN when not computed for this frame. */
  variance: number;
  softmaxEnergy: number;
  /** Throughput of the last batch: steps per second of sim.step alone, and ms of the analysis of this frame. */
  stepsPerSec: number;
  analysisMs: number;
  playing: boolean;
}

export type FromWorker =
  | { type: 'ready'; run: number; backend: string; precision: string; threads: number; n: number; d: number; initial: Float64Array }
  | Frame
  | { type: 'error'; run: number; message: string };
