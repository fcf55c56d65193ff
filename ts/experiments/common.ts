/**
 * Helpers shared by the experiments: run a simulation while recording,
 * points as flat arrays, seeded uniform draws in boxes and discs.
 */
import { Simulation } from '../simulation.js';
import { SplitMix64 } from '../prng.js';
import type { SimulationOptions } from '../types.js';
import { Recorder, snapshot64, type Trajectory } from '../analysis/dynamics/trajectory.js';

/** Run `steps` steps recording every `every`-th state (and the last); returns the trajectory (a copy) and the final state. */
export async function recordRun(opts: SimulationOptions, steps: number, every = 1): Promise<{ tr: Trajectory; final: Float64Array; ms: number }> {
  const sim = await Simulation.create(opts);
  try {
    const rec = new Recorder(sim, { every, maxBytes: 2 ** 30 });
    const t0 = performance.now();
    rec.run(steps, { last: true });
    const ms = performance.now() - t0;
    const t = rec.trajectory();
    const tr: Trajectory = { n: t.n, d: t.d, count: t.count, times: Float64Array.from(t.times), data: Float64Array.from(t.data) };
    return { tr, final: sim.positions(), ms };
  } finally {
    sim.dispose();
  }
}

/** Rows of numbers to a flat Float64Array. */
export function flat(rows: readonly (readonly number[])[]): Float64Array {
  return Float64Array.from(rows.flat());
}

/** Snapshot s of a trajectory as float64 (the experiments record float64: zero-copy). */
export const snapshotOf = snapshot64;

/** Index of the snapshot recorded at step t (or -1). */
export function snapshotAt(tr: Trajectory, t: number): number {
  for (let s = 0; s < tr.count; s++) if (tr.times[s] === t) return s;
  return -1;
}

/** m points uniform in the box [lo, hi)² from SplitMix64(seed) (x then y per point). */
export function uniformBox(rng: SplitMix64, m: number, lo: number, hi: number): number[][] {
  const out: number[][] = [];
  for (let k = 0; k < m; k++) out.push([lo + (hi - lo) * rng.nextFloat(), lo + (hi - lo) * rng.nextFloat()]);
  return out;
}

/** m points uniform in the disc B(c, r) (r·sqrt(u), angle 2πu'). */
export function uniformDisc(rng: SplitMix64, m: number, cx: number, cy: number, r: number): number[][] {
  const out: number[][] = [];
  for (let k = 0; k < m; k++) {
    const rr = r * Math.sqrt(rng.nextFloat());
    const a = 2 * Math.PI * rng.nextFloat();
    out.push([cx + rr * Math.cos(a), cy + rr * Math.sin(a)]);
  }
  return out;
}

/** Median of finite values (NaN if none); its home is analysis/dynamics/fit.ts. */
export { median } from '../analysis/dynamics/fit.js';

/** Round for display. */
export function r(v: number, digits = 6): number {
  return Number.isFinite(v) ? parseFloat(v.toPrecision(digits)) : v;
}
