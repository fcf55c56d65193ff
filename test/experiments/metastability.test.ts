/**
 * The metastability experiment (SPEC §5.6) at --small, run directly: every
 * Monte Carlo median carries a bootstrap 95 % interval that contains it; the
 * κ-gon exit medians' intervals contain the exact median of the geometric law
 * (SPEC test 13, computed here from its formula, not from the package); the
 * arrival plateau is recomputed here from its definition; the arrival
 * medians agree with SPEC §5.6's independent numpy run (76 / 103 / 46 / 44 /
 * 44 at β = 2 / 4 / 8 / 16 / 40) within a few per cent.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { metastability } from '../../ts/experiments/metastability.js';
import type { ExperimentOutput } from '../../ts/experiments/types.js';
import { color } from '../../ts/report/svg.js';

interface Iv {
  lo: number;
  hi: number | null;
}
interface ArrivalPoint {
  beta: number;
  medianExit: number | null;
  medianExitInterval: Iv | null;
  medianArrival: number;
  medianArrivalInterval: Iv;
  medianLastArrival: number;
  medianLastArrivalInterval: Iv;
}
interface InteriorResult {
  kappa: number;
  arrivalPlateau: { fromBeta: number; betas: number[]; medians: number[] } | null;
  plateauStatement: string;
  points: ArrivalPoint[];
}
interface Summary {
  intervals: string;
  results: { kappa: number; points: { beta: number; median: number; medianInterval: Iv }[] }[];
  interiorStart: { betas: number[]; plateauDefinition: string; results: InteriorResult[] };
}

let out: ExperimentOutput;
let s: Summary;
beforeAll(async () => {
  out = await metastability.run({
    small: true,
    backend: 'wasm',
    progress: () => {},
    map: async () => {
      throw new Error('unused');
    },
  });
  s = out.summary as unknown as Summary;
}, 60_000);

/** hi null means "beyond the cap" (censored runs). */
const hiOf = (iv: Iv): number => iv.hi ?? Infinity;

function expectContains(m: number, iv: Iv | null, what: string): void {
  expect(iv, what).not.toBeNull();
  expect(Number.isFinite(iv!.lo), `${what}: lo finite`).toBe(true);
  expect(iv!.lo, `${what}: lo ≤ median`).toBeLessThanOrEqual(m);
  expect(m, `${what}: median ≤ hi`).toBeLessThanOrEqual(hiOf(iv!));
}

/** Exact median of the κ-gon system exit, Geometric(q), q = 1 − (1−p)^κ, p = S/(1+S) (SPEC test 13). */
function exactExitMedian(kappa: number, beta: number): number {
  let S = 0;
  for (let j = 1; j < kappa; j++) S += Math.exp(-beta * (1 - Math.cos((2 * Math.PI * j) / kappa)));
  const p = S / (1 + S);
  const q = 1 - (1 - p) ** kappa;
  // smallest t with P(T ≤ t) = 1 − (1−q)^t ≥ 1/2
  let t = 1;
  while (1 - (1 - q) ** t < 0.5) t++;
  return t;
}

describe('metastability experiment (--small)', () => {
  it('says which interval it reports', () => {
    expect(s.intervals).toMatch(/bootstrap 95 %/);
    for (const sec of out.sections) for (const f of sec.figures ?? []) expect(f.caption, f.name).toMatch(/bootstrap 95 % percentile interval/);
  });

  it('κ-gon exit: every median lies in its interval, and so does the exact median of the geometric law', () => {
    expect(s.results.length).toBeGreaterThan(0);
    for (const res of s.results) {
      expect(res.points.length).toBeGreaterThan(0);
      for (const p of res.points) {
        expectContains(p.median, p.medianInterval, `κ = ${res.kappa}, β = ${p.beta}`);
        const exact = exactExitMedian(res.kappa, p.beta);
        expect(p.medianInterval.lo, `exact ${exact} at κ = ${res.kappa}, β = ${p.beta}`).toBeLessThanOrEqual(exact);
        expect(exact).toBeLessThanOrEqual(hiOf(p.medianInterval));
      }
    }
  });

  it('interior start: every median (exit, arrival, last arrival) lies in its interval', () => {
    for (const res of s.interiorStart.results) {
      for (const p of res.points) {
        const at = `κ = ${res.kappa}, β = ${p.beta}`;
        if (p.medianExit !== null) expectContains(p.medianExit, p.medianExitInterval, `${at} exit`);
        else expect(p.medianExitInterval).toBeNull();
        expectContains(p.medianArrival, p.medianArrivalInterval, `${at} arrival`);
        expectContains(p.medianLastArrival, p.medianLastArrivalInterval, `${at} last arrival`);
      }
    }
  });

  it('the plateau statement matches its definition, recomputed from the intervals', () => {
    expect(Math.max(...s.interiorStart.betas)).toBeGreaterThanOrEqual(40);
    expect(s.interiorStart.betas.some((b) => b >= 8)).toBe(true);
    const headline = (out.headline ?? []).join('\n');
    const text = out.sections.flatMap((x) => x.text ?? []).join('\n');
    for (const res of s.interiorStart.results) {
      const pts = [...res.points].sort((a, b) => a.beta - b.beta);
      // all intervals from index k on share a value and are finite
      const shares = (k: number): boolean => {
        const tail = pts.slice(k);
        if (tail.some((p) => !Number.isFinite(p.medianArrival) || p.medianArrivalInterval.hi === null)) return false;
        return Math.max(...tail.map((p) => p.medianArrivalInterval.lo)) <= Math.min(...tail.map((p) => hiOf(p.medianArrivalInterval)));
      };
      let from = pts.length - 1;
      while (from > 0 && shares(from - 1)) from--;
      const expected = pts.length - from >= 2 && shares(from) ? pts[from]!.beta : null;
      // SPEC §5.6 (numpy): the plateau shows from β ≈ 8; the --small grid reaches 40, so it must be found
      expect(expected, `κ = ${res.kappa}: a plateau within the grid`).not.toBeNull();
      expect(res.arrivalPlateau?.fromBeta).toBe(expected);
      expect(res.arrivalPlateau!.betas).toEqual(pts.slice(from).map((p) => p.beta));
      expect(res.arrivalPlateau!.medians).toEqual(pts.slice(from).map((p) => p.medianArrival));
      expect(res.plateauStatement).toContain(`stops changing from β = ${expected} `);
      expect(headline).toContain(res.plateauStatement);
      expect(text).toContain(res.plateauStatement);
      // the plateau is O(1) in β: below the larger medians before it (SPEC: 76 / 103 at β = 2 / 4, then 44–46)
      const before = pts.slice(0, from).map((p) => p.medianArrival);
      if (before.length > 0) expect(Math.max(...before)).toBeGreaterThan(Math.max(...res.arrivalPlateau!.medians));
    }
  });

  it('arrival medians at κ = 4 agree with SPEC §5.6 numpy numbers within 6 % + 1 step', () => {
    const spec: Record<number, number> = { 2: 76, 4: 103, 8: 46, 16: 44, 40: 44 };
    const res = s.interiorStart.results.find((x) => x.kappa === 4);
    expect(res).toBeDefined();
    let compared = 0;
    for (const p of res!.points) {
      const want = spec[p.beta];
      if (want === undefined) continue;
      compared++;
      expect(Math.abs(p.medianArrival - want), `β = ${p.beta}: ${p.medianArrival} vs numpy ${want}`).toBeLessThanOrEqual(0.06 * want + 1);
    }
    expect(compared).toBe(5);
  });

  it('the figures draw error bars: three marks (bar and two caps) per finite interval in the first colour', () => {
    const figs = out.sections.flatMap((x) => x.figures ?? []);
    const arrival = figs.find((f) => f.name === 'metastability-arrival');
    expect(arrival).toBeDefined();
    const k4 = s.interiorStart.results[0]!;
    const lines = arrival!.svg.match(new RegExp(`<line[^>]*stroke="${color(0)}"`, 'g')) ?? [];
    const finite = k4.points.filter((p) => Number.isFinite(p.medianArrival) && p.medianArrivalInterval.hi !== null).length;
    expect(lines.length).toBeGreaterThanOrEqual(3 * finite);
  });
});
