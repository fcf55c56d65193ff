/**
 * SPEC §5.8 (GLPR phase-diagrams.py): the phase-diagram task reproduces the
 * authors' update x ← normalize(x + η·(W·X)·V) in their row-vector
 * convention (W = softmax or exp/n of β·X·B·Xᵀ), written here directly from
 * the script, for B and V not symmetric (which is where Q = Bᵀ and V ↦ Vᵀ
 * matter); their checkpoint rule; and the USA step correction.
 */
import { describe, expect, it } from 'vitest';
import { initialPositions } from '../../ts/init.js';
import { phaseMatrices, phaseStats, phaseStep, phaseTask, type PhaseTask } from '../../ts/experiments/phase-diagram.js';

/** The authors' step_1 for one system, row-major n×d, B and V d×d row-major. */
function authorsStep(x: Float64Array, n: number, d: number, B: Float64Array, V: Float64Array, beta: number, eta: number, softmax: boolean): Float64Array {
  const xb = new Float64Array(n * d); // M2 = M·BF
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) xb[i * d + j] = xb[i * d + j]! + x[i * d + k]! * B[k * d + j]!;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const w = new Float64Array(n);
    let mx = -Infinity;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += xb[i * d + k]! * x[j * d + k]!;
      w[j] = beta * s;
      mx = Math.max(mx, w[j]!);
    }
    let tot = 0;
    for (let j = 0; j < n; j++) {
      w[j] = softmax ? Math.exp(w[j]! - mx) : Math.exp(w[j]!) / n;
      tot += w[j]!;
    }
    const m = new Float64Array(d); // (SM·M)_i
    for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) m[k] = m[k]! + (softmax ? w[j]! / tot : w[j]!) * x[j * d + k]!;
    const y = new Float64Array(d); // η·m·V + x_i
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += m[k]! * V[k * d + c]!;
      y[c] = x[i * d + c]! + eta * s;
    }
    const nr = Math.hypot(...y);
    for (let c = 0; c < d; c++) out[i * d + c] = y[c]! / nr;
  }
  return out;
}

function authorsRun(task: PhaseTask, s: number): { pairs: number[]; clusters: number[] } {
  const { n, d } = task;
  const eta = phaseStep(task.model, task.beta, task.step);
  let x = initialPositions({ kind: 'gaussian', n, d, seed: task.seed * 1_000_003 + s });
  for (let i = 0; i < n; i++) {
    const nr = Math.hypot(...x.subarray(i * d, i * d + d));
    for (let k = 0; k < d; k++) x[i * d + k] = x[i * d + k]! / nr;
  }
  const { B, V } = phaseMatrices(task.bilinear, task.value, d, task.seed * 7919 + s * 104_729);
  const pairs: number[] = [];
  const clusters: number[] = [];
  let t = 0;
  let ck = 0;
  while (true) {
    x = authorsStep(x, n, d, B, V, task.beta, eta, task.model === 'sphere-sa');
    t += eta;
    if (t >= task.times[ck]!) {
      const st = phaseStats(x, n, d);
      while (ck < task.times.length && t >= task.times[ck]!) {
        pairs.push(st.pairs);
        clusters.push(st.clusters);
        ck++;
      }
    }
    if (t >= task.T || ck >= task.times.length) break;
  }
  return { pairs, clusters };
}

const times = (T: number): number[] => Array.from({ length: 200 }, (_, i) => (T * i) / 199);

describe('phase-diagram task (SPEC §5.8)', () => {
  for (const [model, T, bilinear, value] of [
    ['sphere-sa', 3, 'gaussian', 'gaussian'],
    ['sphere-sa', 3, 'goe', '-B'],
    ['sphere-usa', 0.3, 'gaussian', '+B'],
    ['sphere-usa', 0.3, 'identity', 'identity'],
  ] as const) {
    it(`${model}, B = ${bilinear}, V = ${value}: the statistics at every checkpoint equal the authors' update written out (js and wasm)`, async () => {
      for (const backend of ['js', 'wasm'] as const) {
        const task: PhaseTask = { model, beta: 2.5, s0: 0, s1: 3, n: 12, d: 3, T, step: 0.1, times: times(T), bilinear, value, regenPeriod: 0, seed: 5, backend };
        const got = await phaseTask(task);
        const want = { pairs: times(T).map(() => 0), clusters: times(T).map(() => [] as number[]) };
        for (let s = 0; s < 3; s++) {
          const a = authorsRun(task, s);
          a.pairs.forEach((p, c) => (want.pairs[c] = want.pairs[c]! + p));
          a.clusters.forEach((k, c) => want.clusters[c]!.push(k));
        }
        // Counts of thresholded inner products: equal unless a rounding lands on 0.999 / 0.9999 (not at these seeds).
        expect(got.pairs).toEqual(want.pairs);
        expect(got.clusters).toEqual(want.clusters);
      }
    });
  }

  it('USA step: 0.1/max(√β·e^(β−1/2), 1); SA keeps 0.1', () => {
    expect(phaseStep('sphere-usa', 0.1, 0.1)).toBe(0.1);
    expect(phaseStep('sphere-usa', 9, 0.1)).toBeCloseTo(0.1 / (3 * Math.exp(8.5)), 15);
    expect(phaseStep('sphere-sa', 9, 0.1)).toBe(0.1);
  });

  it('GLPR statistics by hand: three points on the circle, two within 0.999', () => {
    const a = 0.01; // cos 0.01 = 0.99995 > 0.9999
    const x = Float64Array.from([1, 0, Math.cos(a), Math.sin(a), 0, 1]);
    expect(phaseStats(x, 3, 2)).toEqual({ pairs: 1, clusters: 2 });
  });

  it('small β clusters, large β stays spread: SA at T = 30, 4 systems of 32 tokens on the circle', async () => {
    const base = { model: 'sphere-sa' as const, s0: 0, s1: 4, n: 32, d: 2, T: 30, step: 0.1, times: times(30), bilinear: 'identity' as const, value: 'identity' as const, regenPeriod: 0, seed: 2023, backend: 'wasm' as const };
    const lo = await phaseTask({ ...base, beta: 0.1 });
    const hi = await phaseTask({ ...base, beta: 9 });
    expect(lo.clusters[199]).toEqual([1, 1, 1, 1]);
    expect(Math.min(...hi.clusters[199]!)).toBeGreaterThan(1);
    expect(lo.pairs[199]).toBe((4 * 32 * 31) / 2);
  });
});
