/**
 * Quiescent balls (SPEC §3): the empirical instrument on cases derived by
 * hand (a token trapped next to an isolated vertex; a token pulled out of a
 * ball by another vertex's strip) and the one-step certificate, including a
 * property test of the certificate against real simulation steps. No test
 * asserts that B(v, δ/(2+2α)) is invariant in general.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../ts/index.js';
import { certificateLog, oneStepCertificate, quiescentReport, symmetricEigenvalues } from '../../ts/analysis/dynamics/quiescent.js';
import type { Trajectory } from '../../ts/analysis/dynamics/trajectory.js';
import { handBuilt, record } from './trajectories.js';
import { Rng, type BackendName, type Options } from '../helpers.js';
import { refStep } from '../reference.js';



const CORNERS = [1, 1, 1, -1, -1, -1, -1, 1];
const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, v, k) => s + v * b[k]!, 0);
const norm = (a: readonly number[]): number => Math.sqrt(dot(a, a));

// ---------------------------------------------------------------------------
// The trapped case, by hand.
//
// Tokens: the square corners (token 0 is v0 = (1,1)) and q0 = v0 − u0 (token 4), localmax δ = 0.01, A = I.
// (i)  While <v0, u> − |u|² > δ and <v0, u> > δ, C_q = {v} and C_v = {v} (the other corners are far
//      below both thresholds), so v stays put and u_t = u0·r^t, r = 1/(1+α).
// (ii) At the first t = T with <v0, u_T> − |u_T|² <= δ — and, for the u0 below, also <v0, u_T> <= δ —
//      C_q = C_v = {v, q}. Both move to their midpoint m = v0 − u_T/2, which is then fixed, and
//      u_{t+1} = (1 − γ)u_t = r·u_t: |q_t − m| = |v_t − m| = r^{t−T}|u_T|/2 for t >= T.
// (iii) With ε = δ/(2+2α) chosen so that r|u_T|/2 < ε < |u_T|/2, neither token is in B(m, ε) before
//      T + 1 (v0 sits at |u_T|/2, q farther), both enter at T + 1, never leave, and contract at r.
// The final vertex (the default centre) is the cluster {v, q} ≈ m.

interface Trapped {
  alpha: number;
  u0: [number, number];
}
const DELTA = 0.01;
const TRAPPED: Trapped[] = [
  { alpha: 0.5, u0: [0.0144, 0.0072] },
  { alpha: 1, u0: [0.02, 0.01] },
  { alpha: 2, u0: [0.018, 0.009] },
];

function trappedPlan({ alpha, u0 }: Trapped): { T: number; m: [number, number]; halfUT: number; enter: number; eps: number; r: number } {
  const r = 1 / (1 + alpha);
  const v0 = [1, 1];
  let T = 0;
  let u = [...u0];
  while (dot(v0, u) - dot(u, u) > DELTA) {
    // (i) holds: neither threshold is reached (margin checked, so ties cannot matter)
    expect(dot(v0, u) - dot(u, u) - DELTA).toBeGreaterThan(1e-4);
    u = u.map((c) => c * r);
    T++;
  }
  expect(DELTA - dot(v0, u)).toBeGreaterThan(1e-4); // (ii) C_v ∋ q at T as well
  const eps = DELTA / (2 + 2 * alpha);
  const halfUT = norm(u) / 2;
  expect(halfUT).toBeGreaterThan(1.05 * eps); // (iii)
  expect(r * halfUT).toBeLessThan(0.95 * eps);
  return { T, m: [1 - u[0]! / 2, 1 - u[1]! / 2], halfUT, enter: T + 1, eps, r };
}

function trappedHandBuilt(c: Trapped, steps: number): Trajectory {
  const { T, m, r } = trappedPlan(c);
  const frames: number[][] = [];
  const uT = [2 * (1 - m[0]), 2 * (1 - m[1])];
  for (let t = 0; t <= steps; t++) {
    let v: number[];
    let q: number[];
    if (t < T) {
      v = [1, 1];
      q = [1 - c.u0[0] * r ** t, 1 - c.u0[1] * r ** t];
    } else {
      const k = r ** (t - T) / 2;
      v = [m[0] + uT[0]! * k, m[1] + uT[1]! * k];
      q = [m[0] - uT[0]! * k, m[1] - uT[1]! * k];
    }
    frames.push([...v, ...CORNERS.slice(2), ...q]);
  }
  return handBuilt(frames, 5, 2);
}

describe('quiescent report: a token next to an isolated vertex is trapped at rate 1/(1+α)', () => {
  for (const c of TRAPPED) {
    const sources: Array<[string, () => Promise<Trajectory>]> = [
      ...(['wasm', 'js'] as BackendName[]).map(
        (backend) =>
          [
            `Recorder ${backend}/f64`,
            () =>
              record(
                {
                  model: 'localmax',
                  positions: Float64Array.from([...CORNERS, 1 - c.u0[0], 1 - c.u0[1]]),
                  n: 5,
                  d: 2,
                  alpha: c.alpha,
                  delta: DELTA,
                  backend,
                  precision: 'f64',
                },
                200,
              ),
          ] as [string, () => Promise<Trajectory>],
      ),
      ['hand-built Float64Array', async () => trappedHandBuilt(c, 200)],
    ];
    for (const [name, make] of sources) {
      it(`α = ${c.alpha}, ${name}: entry at T+1, no exit, rateFixed = rateMoving = 1/(1+α)`, async () => {
        const plan = trappedPlan(c);
        const tr = await make();
        // rounding is ~1e-16 absolute: fit where it is below 1e-8 relative
        const rep = quiescentReport(tr, { alpha: c.alpha, delta: DELTA, floorUlps: 1e8 });
        expect(rep.radius).toBe(plan.eps);
        expect(rep.predictedRate).toBe(plan.r);
        // four non-zero vertices: the three fixed corners and the pair's cluster at m
        expect(rep.perCentre.length).toBe(4);
        const ball = rep.perCentre.find((b) => b.centre[0]! > 0.9 && b.centre[1]! > 0.9)!;
        expect(Math.hypot(ball.centre[0]! - plan.m[0], ball.centre[1]! - plan.m[1])).toBeLessThan(1e-12);
        expect(ball.entries).toEqual([
          { token: 0, enter: plan.enter, exit: null },
          { token: 4, enter: plan.enter, exit: null },
        ]);
        expect(ball.exits).toBe(0);
        expect(Array.from(ball.stayed)).toEqual([0, 4]);
        expect(Math.abs(ball.rateFixed - plan.r)).toBeLessThan(1e-9);
        expect(Math.abs(ball.ratioToPredicted - 1)).toBeLessThan(1e-8);
        expect(Math.abs(ball.rateMoving - plan.r)).toBeLessThan(1e-9);
        for (const rt of ball.stayedRateFixed) expect(Math.abs(rt - plan.r)).toBeLessThan(1e-9);
        expect(ball.rateFixedR2).toBeGreaterThan(1 - 1e-12);
        // the other corners: only themselves, inside from t = 0, distance 0: no rate
        for (const b of rep.perCentre) {
          if (b === ball) continue;
          expect(b.entries.length).toBe(1);
          expect(b.entries[0]!.enter).toBe(0);
          expect(b.exits).toBe(0);
          expect(Number.isNaN(b.rateFixed)).toBe(true);
        }
        // at SPEC's floor the late points carry ~1e-3 relative rounding: rate to ~1e-5
        const spec = quiescentReport(tr, { alpha: c.alpha, delta: DELTA });
        const b2 = spec.perCentre.find((b) => b.centre[0]! > 0.9 && b.centre[1]! > 0.9)!;
        expect(Math.abs(b2.rateFixed - plan.r)).toBeLessThan(1e-5);
      });
    }
  }

  it('the same numbers from a Float64Array run of the js and wasm backends', async () => {
    const c = TRAPPED[1]!;
    const opts = (backend: BackendName): Options => ({
      model: 'localmax',
      positions: Float64Array.from([...CORNERS, 1 - c.u0[0], 1 - c.u0[1]]),
      n: 5,
      d: 2,
      alpha: c.alpha,
      delta: DELTA,
      backend,
    });
    const trJs = await record(opts('js'), 120);
    const before = Float64Array.from(trJs.data);
    const a = quiescentReport(trJs, { alpha: c.alpha, delta: DELTA });
    expect(Array.from(trJs.data)).toEqual(Array.from(before)); // never mutated
    const b = quiescentReport(await record(opts('wasm'), 120), { alpha: c.alpha, delta: DELTA });
    expect(a.perCentre.map((p) => p.entries)).toEqual(b.perCentre.map((p) => p.entries));
    for (let k = 0; k < a.perCentre.length; k++) {
      const ra = a.perCentre[k]!.rateFixed;
      const rb = b.perCentre[k]!.rateFixed;
      if (Number.isNaN(ra)) expect(Number.isNaN(rb)).toBe(true);
      else expect(Math.abs(ra - rb)).toBeLessThan(1e-12);
    }
  });
});

// ---------------------------------------------------------------------------
// A token pulled out of a ball, by hand.
//
// SPEC P6 geometry with p = (1, 0.02), δ = 0.05, α = 0.5 (γ = 1/3): a_p·(1,1) − a_p·(1,−1) = 2p_y <= 0.04 < δ,
// a_pp = 1 + p_y² >= m_p − δ, and p is far below the corners' thresholds (1 ± p_y < 2 − δ), so
// C_p = {(1,1), (1,−1), p} forever, the corners are fixed, p_x ≡ 1 and p_y(t) = 0.02·(7/9)^t.
// Its distance to v = (1,1) is 1 − 0.02·(7/9)^t: 0.98 (t = 0), 0.98444 (t = 1), 0.98790 (t = 2).
// With ε = 0.985 (> δ/(2+2α) = 1/60, which is allowed), p is inside at t = 0, 1 and leaves at t = 2.

describe('quiescent report: a token pulled out of a ball by another vertex', () => {
  const positions = [...CORNERS, 1, 0.02];
  const v = [1, 1];
  for (const backend of ['wasm', 'js'] as BackendName[]) {
    it(`${backend}/f64: p enters at 0 and exits at 2; the vertex stays`, async () => {
      const tr = await record({ model: 'localmax', positions: Float64Array.from(positions), n: 5, d: 2, alpha: 0.5, delta: 0.05, backend }, 40);
      const rep = quiescentReport(tr, { alpha: 0.5, delta: 0.05, radius: 0.985, centres: v });
      expect(rep.perCentre.length).toBe(1);
      const b = rep.perCentre[0]!;
      expect(b.entries).toEqual([
        { token: 0, enter: 0, exit: null },
        { token: 4, enter: 0, exit: 2 },
      ]);
      expect(b.exits).toBe(1);
      expect(Array.from(b.stayed)).toEqual([0]);
      // sparse snapshots: exits are seen at the first recorded snapshot outside
      const tr3 = await record({ model: 'localmax', positions: Float64Array.from(positions), n: 5, d: 2, alpha: 0.5, delta: 0.05, backend }, 40, 3);
      const b3 = quiescentReport(tr3, { alpha: 0.5, delta: 0.05, radius: 0.985, centres: v }).perCentre[0]!;
      expect(b3.entries.find((e) => e.token === 4)).toEqual({ token: 4, enter: 0, exit: 3 });
      // with SPEC's default radius 1/60 p never comes near (1,1)
      const small = quiescentReport(tr, { alpha: 0.5, delta: 0.05, centres: v }).perCentre[0]!;
      expect(small.entries).toEqual([{ token: 0, enter: 0, exit: null }]);
    });
  }

  it('hand-built trajectory gives the same entries', () => {
    const frames: number[][] = [];
    for (let t = 0; t <= 40; t++) frames.push([...CORNERS, 1, 0.02 * (7 / 9) ** t]);
    const b = quiescentReport(handBuilt(frames, 5, 2), { alpha: 0.5, delta: 0.05, radius: 0.985, centres: v }).perCentre[0]!;
    expect(b.entries).toEqual([
      { token: 0, enter: 0, exit: null },
      { token: 4, enter: 0, exit: 2 },
    ]);
  });

  it('re-entries are listed separately', () => {
    // 1D token: 0, 2, 0.5, 3, 0.1 around centre 0 with radius 1
    const tr = handBuilt([[0], [2], [0.5], [3], [0.1]], 1, 1);
    const b = quiescentReport(tr, { alpha: 1, delta: 1, radius: 1, centres: [0] }).perCentre[0]!;
    expect(b.entries).toEqual([
      { token: 0, enter: 0, exit: 1 },
      { token: 0, enter: 2, exit: 3 },
      { token: 0, enter: 4, exit: null },
    ]);
    expect(b.exits).toBe(2);
  });

  it('validates its options', () => {
    const tr = handBuilt([[0], [1]], 1, 1);
    expect(() => quiescentReport(tr, { alpha: 0, delta: 1 })).toThrow(/alpha must be a finite number > 0; got 0/);
    expect(() => quiescentReport(tr, { delta: 1 } as never)).toThrow(/alpha must be a finite number > 0; got undefined/);
    expect(() => quiescentReport(tr, { alpha: 1, delta: -1 })).toThrow(/delta must be a number >= 0 \(Infinity allowed\); got -1/);
    expect(() => quiescentReport(tr, { alpha: 1, delta: 0 })).toThrow(/radius must be a finite number > 0; got 0/);
    expect(() => quiescentReport(tr, { alpha: 1, delta: 1, centres: [0, 0, 0], radius: 1 })).not.toThrow();
    expect(() => quiescentReport(handBuilt([[0, 0]], 1, 2), { alpha: 1, delta: 1, centres: [0, 0, 0] })).toThrow(/centres.length must be a multiple of d = 2 .*; got 3/);
    expect(() => quiescentReport(tr, { alpha: 1, delta: 1, centres: [NaN] })).toThrow(/centres\[0\] must be finite/);
  });
});

// ---------------------------------------------------------------------------
// One-step certificate.

describe('oneStepCertificate', () => {
  it('holds on the trapped state, with the bound of SPEC computed by hand', () => {
    const c = TRAPPED[1]!; // α = 1
    const plan = trappedPlan(c);
    const tr = trappedHandBuilt(c, plan.enter);
    const x = tr.data.subarray(plan.enter * 10, plan.enter * 10 + 10);
    const cert = oneStepCertificate(x, 5, 2, { v: plan.m, radius: plan.eps, delta: DELTA });
    expect(cert.applicable).toBe(true);
    expect(Array.from(cert.inside)).toEqual([0, 4]);
    // A = I: bound = |v|² − (δ + τ·max(1, R²)) − ε(2|v| + R), R = √2 (a corner)
    const vv = dot(plan.m, plan.m);
    const R = Math.SQRT2;
    const bound = vv - (DELTA + 1e-12 * 2) - plan.eps * (2 * Math.sqrt(vv) + R);
    expect(Math.abs(cert.bound - bound)).toBeLessThan(1e-14);
    expect(cert.R).toBe(R);
    expect(cert.normA).toBe(1);
    expect(cert.psd).toBe(true);
    // worst outside tokens: (1,−1) and (−1,1), <v, w> = m_x − m_y
    expect(Math.abs(cert.worstMargin - (bound - Math.abs(plan.m[0] - plan.m[1])))).toBeLessThan(1e-14);
    expect(cert.holds).toBe(true);
  });

  it('certificateLog: on the trapped run it applies and holds exactly from the entry step T+1 on', async () => {
    for (const c of TRAPPED) {
      const plan = trappedPlan(c);
      for (const tr of [trappedHandBuilt(c, 60), await record({ model: 'localmax', positions: Float64Array.from([...CORNERS, 1 - c.u0[0], 1 - c.u0[1]]), n: 5, d: 2, alpha: c.alpha, delta: DELTA, backend: 'js' }, 60)]) {
        const log = certificateLog(tr, { v: plan.m, radius: plan.eps, delta: () => DELTA });
        for (let s = 0; s < tr.count; s++) {
          expect(log.applicable[s], `α = ${c.alpha}, t = ${s}`).toBe(s >= plan.enter ? 1 : 0);
          expect(log.holds[s]).toBe(s >= plan.enter ? 1 : 0);
        }
        expect(log.holdCount).toBe(tr.count - plan.enter);
      }
    }
  });

  it('fails when an outside token lies in the strip, and there the inside token does leave', () => {
    // v = (1,1) is a token, ε = 0.002, w = (0.98, 0.99) outside the ball with <v,w> = 1.97 >= |v|² − δ (δ = 0.05)
    const x = Float64Array.from([...CORNERS, 0.98, 0.99]);
    const cert = oneStepCertificate(x, 5, 2, { v: [1, 1], radius: 0.002, delta: 0.05 });
    expect(cert.applicable).toBe(true);
    expect(Array.from(cert.inside)).toEqual([0]);
    expect(cert.holds).toBe(false);
    expect(cert.worstToken).toBe(4);
    expect(cert.worstMargin).toBeLessThan(0);
    // C_v = {v, w}: v moves by γ·|w − v|/2 = 0.5·0.02236/2 ≈ 0.0056 > ε (α = 1)
    const y = refStep(x, 5, 2, { model: 'localmax', alpha: 1, delta: 0.05 });
    expect(Math.hypot(y[0]! - 1, y[1]! - 1)).toBeGreaterThan(0.002);
    // no token inside: not applicable, never holds
    const none = oneStepCertificate(x, 5, 2, { v: [0, 0], radius: 0.5, delta: 0.05 });
    expect(none.applicable).toBe(false);
    expect(none.holds).toBe(false);
  });

  it('‖A‖₂ and the A + Aᵀ ⪰ 0 test against hand values; the ε² term appears only when needed', () => {
    const x = Float64Array.from([1, 0, 0, 1]);
    const base = { v: [1, 0], radius: 0.1, delta: 0, tieTolerance: 0 };
    const diag = oneStepCertificate(x, 2, 2, { ...base, A: [3, 0, 0, -2] });
    expect(diag.normA).toBeCloseTo(3, 14);
    expect(diag.psd).toBe(false);
    // <Av,v> = 3, |Av| = |Aᵀv| = 3, R = 1: bound = 3 − 0.1·(3 + 3 + 3) − 0.01·3
    expect(diag.bound).toBeCloseTo(3 - 0.9 - 0.03, 14);
    const rot = oneStepCertificate(x, 2, 2, { ...base, A: [1, 2, -2, 1] });
    expect(rot.normA).toBeCloseTo(Math.sqrt(5), 14);
    expect(rot.psd).toBe(true); // A + Aᵀ = 2I
    // Av = (1, −2), Aᵀv = (1, 2): bound = 1 − 0.1·(√5 + √5 + √5)
    expect(rot.bound).toBeCloseTo(1 - 0.3 * Math.sqrt(5), 14);
    // relative gap: δ‖A‖₂R² replaces δ
    const rel = oneStepCertificate(x, 2, 2, { ...base, delta: 0.2, gap: 'relative', A: [2, 0, 0, 2] });
    expect(rel.deltaPrime).toBeCloseTo(0.2 * 2, 14);
    const ev = Array.from(symmetricEigenvalues([2, 1, 0, 1, 2, 1, 0, 1, 2], 3)).sort((a, b) => a - b);
    [2 - Math.SQRT2, 2, 2 + Math.SQRT2].forEach((e, k) => expect(ev[k]).toBeCloseTo(e, 13));
  });

  it('property: whenever it holds on a random state, the tokens inside are still inside after one real step', async () => {
    const rng = new Rng(2024);
    let holds = 0;
    let checked = 0;
    for (let trial = 0; trial < 150; trial++) {
      const d = 2 + rng.int(2);
      const n = 8 + rng.int(10);
      const alpha = [0.5, 1, 2][rng.int(3)]!;
      const delta = rng.range(0, 0.3);
      const eps = rng.range(0.005, 0.15);
      // v: a random vector of norm 0.8..1.5; some tokens in B(v, ε), the rest in the ball |w| <= |v|
      const v = Array.from({ length: d }, () => rng.normal());
      const s = rng.range(0.8, 1.5) / norm(v);
      for (let c = 0; c < d; c++) v[c]! *= s;
      const x = new Float64Array(n * d);
      const kIn = 1 + rng.int(4);
      for (let i = 0; i < n; i++) {
        const dir = Array.from({ length: d }, () => rng.normal());
        const dn = norm(dir);
        const rad = i < kIn ? eps * 0.98 * rng.uniform() : norm(v) * rng.uniform();
        for (let c = 0; c < d; c++) x[i * d + c] = (i < kIn ? v[c]! : 0) + (rad * dir[c]!) / dn;
      }
      // A: identity, a symmetric PSD matrix, or a general (maybe indefinite-symmetric-part) matrix
      const kind = rng.int(3);
      let A: Float64Array | undefined;
      if (kind > 0) {
        A = new Float64Array(d * d);
        for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) A[r * d + c] = (r === c ? 1 : 0) + 0.3 * rng.normal();
        if (kind === 1) {
          const B = Float64Array.from(A);
          for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) {
            let t = 0;
            for (let k = 0; k < d; k++) t += B[k * d + r]! * B[k * d + c]!;
            A[r * d + c] = t; // BᵀB
          }
        }
      }
      const cert = oneStepCertificate(x, n, d, { v, radius: eps, delta, A });
      if (!cert.holds) continue;
      holds++;
      for (const backend of ['js', 'wasm'] as BackendName[]) {
        const sim = await Simulation.create({ model: 'localmax', positions: x, n, d, alpha, delta, A, backend });
        sim.step(1);
        const y = sim.positions();
        sim.dispose();
        for (const i of cert.inside) {
          let q = 0;
          for (let c = 0; c < d; c++) q += (y[i * d + c]! - v[c]!) ** 2;
          expect(Math.sqrt(q), `trial ${trial}, token ${i}, ${backend}`).toBeLessThan(eps);
          checked++;
        }
      }
    }
    expect(holds).toBeGreaterThanOrEqual(20);
    expect(checked).toBeGreaterThan(0);
  });

  it('validates its arguments', () => {
    const x = [0, 0, 1, 1];
    expect(() => oneStepCertificate(x, 2, 2, { v: [0], radius: 1, delta: 0 })).toThrow(/v.length must be d = 2; got 1/);
    expect(() => oneStepCertificate(x, 2, 2, { v: [0, 0], radius: 0, delta: 0 })).toThrow(/radius must be a finite number > 0; got 0/);
    expect(() => oneStepCertificate(x, 2, 2, { v: [0, 0], radius: 1, delta: -1 })).toThrow(/delta must be a number >= 0 \(Infinity allowed\); got -1/);
    expect(() => oneStepCertificate(x, 2, 2, { v: [0, 0], radius: 1, delta: 0, A: [1, 0, 0] })).toThrow(/A.length must be d\*d = 4 .*; got 3/);
    expect(() => oneStepCertificate(x, 2, 2, { v: [0, 0], radius: 1, delta: 0, gap: 'x' as 'absolute' })).toThrow(TypeError);
  });
});
