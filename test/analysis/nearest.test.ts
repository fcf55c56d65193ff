/**
 * Wolfe's nearest-point algorithm (ts/analysis/geometry/nearest.ts), the one core
 * behind frankwolfe.ts `hullDistance`, fit.ts `nearestInHull` and extreme.ts
 * `distanceToHull`. Answers are checked against hand geometry, against the
 * exact planar hull (hull.ts / hull2d.ts), and by the optimality conditions
 * of a projection onto a convex set, which do not depend on how the point
 * was found: y = Σ w_r p_r with w ≥ 0, Σ w = 1, and <z − y, p_r − y> ≤ 0 for
 * every row r.
 */
import { describe, expect, it } from 'vitest';
import { SplitMix64 } from '../../ts/index.js';
import { wolfeNearest } from '../../ts/analysis/geometry/nearest.js';
import { hullDistance } from '../../ts/analysis/dynamics/frankwolfe.js';
import { nearestInHull } from '../../ts/analysis/geometry/nearest.js';
import { distanceToHull } from '../../ts/analysis/geometry/extreme.js';
import { hullPolygon } from '../../ts/analysis/geometry/hull.js';
import { pointPolygonDistance } from '../../ts/analysis/geometry/hull2d.js';

/** The projection conditions of y (with weights w over `rows`) onto conv{p_r}; returns the worst violations. */
function certificate(p: Float64Array, d: number, rows: number[], z: Float64Array, y: Float64Array, w: Float64Array): { weight: number; rebuild: number; angle: number } {
  let sum = 0;
  let neg = 0;
  const rec = new Float64Array(d);
  rows.forEach((r, a) => {
    const v = w[a] as number;
    sum += v;
    neg = Math.min(neg, v);
    for (let c = 0; c < d; c++) rec[c] = (rec[c] as number) + v * (p[r * d + c] as number);
  });
  let rebuild = 0;
  for (let c = 0; c < d; c++) rebuild = Math.max(rebuild, Math.abs((rec[c] as number) - (y[c] as number)));
  let angle = -Infinity;
  for (const r of rows) {
    let s = 0;
    for (let c = 0; c < d; c++) s += ((z[c] as number) - (y[c] as number)) * ((p[r * d + c] as number) - (y[c] as number));
    angle = Math.max(angle, s);
  }
  return { weight: Math.max(Math.abs(sum - 1), -neg), rebuild, angle };
}

describe('wolfeNearest (Wolfe 1976)', () => {
  it('hand geometry: a triangle, a square, a rows subset, caller-owned outputs', () => {
    const tri = new Float64Array([0, 0, 4, 0, 0, 4]);
    const weights = new Float64Array(3);
    const point = new Float64Array(2);
    const a = wolfeNearest(tri, 2, [3, 3], { weights, point }); // nearest point (2, 2) on the hypotenuse
    expect(a.distance).toBeCloseTo(Math.SQRT2, 15);
    expect(a.lower).toBeCloseTo(Math.SQRT2, 14);
    expect(a.point).toBe(point);
    expect(a.weights).toBe(weights);
    expect(point[0]).toBeCloseTo(2, 15);
    expect(point[1]).toBeCloseTo(2, 15);
    expect(weights[0]).toBe(0);
    expect(weights[1]).toBeCloseTo(0.5, 15);
    expect(weights[2]).toBeCloseTo(0.5, 15);
    expect(a.converged).toBe(true);
    expect(wolfeNearest(tri, 2, [1, 1]).distance).toBeLessThan(1e-15);
    expect(wolfeNearest(tri, 2, [-3, -4]).distance).toBe(5);
    // rows subset [0, 1]: the segment on the x axis
    const sub = wolfeNearest(tri, 2, [3, 3], { rows: [0, 1], weights: new Float64Array(2) });
    expect(sub.distance).toBeCloseTo(3, 15);
    expect(sub.point[0]).toBeCloseTo(3, 15);
    expect(sub.point[1]).toBe(0);
    expect(sub.weights?.[0]).toBeCloseTo(0.25, 15);
    expect(sub.weights?.[1]).toBeCloseTo(0.75, 15);
    // count: the first two rows only
    expect(wolfeNearest(tri, 2, [3, 3], { count: 2 }).distance).toBeCloseTo(3, 15);
    const square = new Float64Array([0, 0, 1, 0, 1, 1, 0, 1]);
    expect(wolfeNearest(square, 2, [2, 2]).distance).toBeCloseTo(Math.SQRT2, 15);
    expect(wolfeNearest(square, 2, [0.5, 0.25]).distance).toBeLessThan(1e-15);
    expect(() => wolfeNearest(tri, 2, [0, 0], { rows: [] })).toThrow(RangeError);
  });

  it('degenerate sets: one row, all rows equal, z on a row, duplicates and collinear rows', () => {
    const one = wolfeNearest([3, 4], 2, [0, 0]);
    expect(one.distance).toBe(5);
    expect(one.lower).toBe(5);
    const same = wolfeNearest([1, 1, 1, 1, 1, 1], 2, [1, 1], { weights: new Float64Array(3) });
    expect(same.distance).toBe(0);
    expect(same.weights?.reduce((s, v) => s + v, 0)).toBe(1);
    expect(wolfeNearest([0, 0, 2, 2, 5, 1], 2, [2, 2]).distance).toBe(0);
    // four collinear rows, two of them repeated: the segment from (0,0) to (3,3)
    const line = new Float64Array([0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 0, 0]);
    const w = new Float64Array(6);
    const r = wolfeNearest(line, 2, [0, 2], { weights: w });
    expect(r.distance).toBeCloseTo(Math.SQRT2, 15);
    expect(r.point[0]).toBeCloseTo(1, 15);
    expect(r.point[1]).toBeCloseTo(1, 15);
    const cert = certificate(line, 2, [0, 1, 2, 3, 4, 5], new Float64Array([0, 2]), r.point, w);
    expect(cert.weight).toBeLessThan(1e-15);
    expect(cert.rebuild).toBeLessThan(1e-15);
    expect(cert.angle).toBeLessThan(1e-15);
  });

  it('random problems in d = 2..8 (also far from the origin): the projection conditions hold to rounding, and the bounds bracket the distance', () => {
    const g = new SplitMix64(2024);
    const u = (): number => g.nextFloat();
    for (let trial = 0; trial < 400; trial++) {
      const d = [2, 3, 5, 8][trial % 4] as number;
      const m = 1 + Math.floor(u() * 30);
      const offset = trial % 3 === 0 ? 1e3 : 0;
      const p = new Float64Array(m * d);
      for (let k = 0; k < p.length; k++) p[k] = offset + 2 * u() - 1;
      const z = new Float64Array(d);
      for (let c = 0; c < d; c++) z[c] = offset + (trial % 2 ? 0.3 : 2.5) * (2 * u() - 1);
      const rows = Array.from({ length: m }, (_, i) => i);
      let scale = 0;
      for (const r of rows) {
        let s = 0;
        for (let c = 0; c < d; c++) s += ((p[r * d + c] as number) - (z[c] as number)) ** 2;
        scale = Math.max(scale, Math.sqrt(s));
      }
      const w = new Float64Array(m);
      const res = wolfeNearest(p, d, z, { weights: w });
      const cert = certificate(p, d, rows, z, res.point, w);
      const ulpScale = Math.max(scale, offset) * 2 ** -52;
      expect(cert.weight).toBeLessThan(1e-14);
      expect(cert.rebuild).toBeLessThan(64 * ulpScale);
      expect(cert.angle).toBeLessThan(64 * ulpScale * scale);
      expect(res.lower).toBeLessThanOrEqual(res.distance);
      let dy = 0;
      for (let c = 0; c < d; c++) dy += ((res.point[c] as number) - (z[c] as number)) ** 2;
      expect(Math.abs(Math.sqrt(dy) - res.distance)).toBeLessThan(64 * ulpScale);
      if (res.converged) expect(res.distance - res.lower).toBeLessThanOrEqual(1e-12 * Math.max(1, scale));
      if (d === 2) {
        const poly = hullPolygon(p, m);
        expect(Math.abs(pointPolygonDistance(p, poly, z[0] as number, z[1] as number) - res.distance)).toBeLessThan(64 * ulpScale);
      }
      // the three wrappers are this core
      expect(hullDistance(p, m, d, z).distance).toBe(res.distance);
      const strict = wolfeNearest(p, d, z, { relativeTolerance: 1e-14 }).distance;
      expect(nearestInHull(p, d, z).distance).toBe(strict);
      expect(distanceToHull(p, d, rows, z)).toBe(strict);
    }
  });

  it('early stops: stopAbove = 0 stops once z is separated, stopBelow once inside, maxIterations caps', () => {
    const g = new SplitMix64(7);
    const d = 5;
    const m = 40;
    const p = new Float64Array(m * d);
    for (let k = 0; k < p.length; k++) p[k] = 2 * g.nextFloat() - 1;
    const z = new Float64Array([3, 0.5, -0.2, 0.1, 0]);
    const full = wolfeNearest(p, d, z);
    const sep = wolfeNearest(p, d, z, { stopAbove: 0 });
    expect(sep.converged).toBe(true);
    expect(sep.lower).toBeGreaterThan(0);
    expect(sep.iterations).toBeLessThanOrEqual(full.iterations);
    expect(sep.distance).toBeGreaterThanOrEqual(full.distance);
    expect(sep.lower).toBeLessThanOrEqual(full.distance);
    // the returned point's direction to z separates z from every row
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += ((sep.point[c] as number) - (z[c] as number)) * ((p[r * d + c] as number) - (z[c] as number));
      expect(s).toBeGreaterThan(0);
    }
    const centre = new Float64Array(d);
    for (let r = 0; r < m; r++) for (let c = 0; c < d; c++) centre[c] = (centre[c] as number) + (p[r * d + c] as number) / m;
    const inside = wolfeNearest(p, d, centre, { stopBelow: 0.05 });
    expect(inside.converged).toBe(true);
    expect(inside.distance).toBeLessThanOrEqual(0.05 + 1e-12);
    const capped = wolfeNearest(p, d, z, { maxIterations: 0 });
    expect(capped.iterations).toBe(0);
    expect(capped.distance).toBeGreaterThanOrEqual(full.distance);
    expect(capped.lower).toBeLessThanOrEqual(full.distance);
  });
});
