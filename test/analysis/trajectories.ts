// Shared by the trajectory-based analysis suites (limits, quiescent, energies).
import { Simulation } from '../../ts/index.js';
import { Recorder, type Trajectory } from '../../ts/analysis/dynamics/trajectory.js';
import type { Options } from '../helpers.js';

/** Runs a simulation for `steps` steps under a Recorder (every `every`, stored in `precision`), disposes it, returns the trajectory. */
export async function record(options: Options, steps: number, every = 1, precision: 'f64' | 'f32' = 'f64'): Promise<Trajectory> {
  const sim = await Simulation.create(options);
  try {
    const rec = new Recorder(sim, { every, precision });
    rec.run(steps);
    return rec.trajectory();
  } finally {
    sim.dispose();
  }
}

/** A trajectory built by hand from frames (each n*d numbers) at the given step indices (default 0, 1, 2, …). */
export function handBuilt(frames: ArrayLike<number>[], n: number, d: number, times?: number[]): Trajectory {
  const data = new Float64Array(frames.length * n * d);
  frames.forEach((f, s) => data.set(f, s * n * d));
  return { n, d, count: frames.length, times: Float64Array.from(times ?? frames.map((_, s) => s)), data };
}
