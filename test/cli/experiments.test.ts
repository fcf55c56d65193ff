/**
 * `attention-dynamics experiment`: --list names every registered experiment,
 * and every experiment runs at reduced size (--small) through the built
 * command and writes its files: one .svg per figure, report.html,
 * summary.json and its generated inputs as .npy. Key numbers are checked
 * where the experiment has an exact answer (P6 slopes, AFZ checks, δ-sweep
 * limit counts, FW cells = Voronoi with equal norms, one sphere cluster).
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPERIMENTS } from '../../ts/experiments/index.js';
import { readNpyFile } from '../../ts/io/npy.js';
import { cli, ensureBuilt, tempDir } from './helpers.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = tempDir('cli-exp-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('experiment --list', () => {
  it('describes every registered experiment', () => {
    const r = cli(['experiment', '--list']);
    expect(r.code).toBe(0);
    for (const e of EXPERIMENTS) {
      expect(r.stdout).toContain(e.name);
      expect(r.stdout).toContain(e.spec);
    }
    const json = cli(['experiment', '--list', '--json']);
    expect(JSON.parse(json.stdout).map((e: { name: string }) => e.name)).toEqual(EXPERIMENTS.map((e) => e.name));
  });
  it('covers the experiments of SPEC §5 named in the issue', () => {
    const specs = EXPERIMENTS.map((e) => e.spec);
    for (const s of ['§5.1', '§5.2', '§5.3', '§5.4a', '§5.4b', '§5.4c', '§5.5', '§5.6', '§5.7', '§5.8', '§5.9', '§5.10']) expect(specs).toContain(s);
  });
});

function summaryOf(out: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
}

describe.each(EXPERIMENTS.map((e) => e.name))('experiment %s --small', (name) => {
  it('writes its figures, report.html and summary.json', () => {
    const out = join(dir, name);
    const r = cli(['experiment', name, '--small', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toContain('report.html');
    expect(files).toContain('summary.json');
    const svgs = files.filter((f) => f.endsWith('.svg'));
    expect(svgs.length).toBeGreaterThan(0);
    for (const f of svgs) {
      const s = readFileSync(join(out, f), 'utf8');
      expect(s.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(s.trimEnd().endsWith('</svg>')).toBe(true);
    }
    for (const f of files.filter((f) => f.endsWith('.npy'))) expect(readNpyFile(join(out, f)).dtype).toBe('float64');
    const summary = summaryOf(out);
    expect(summary.experiment).toBe(name);
    expect(summary.small).toBe(true);
    expect(summary.files).toEqual(expect.arrayContaining(files));
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    // every figure of the report is also a file
    expect((html.match(/<figure /g) ?? []).length).toBe(svgs.length);
  });
});

describe('experiment results at reduced size', () => {
  const get = (name: string): Record<string, unknown> => summaryOf(join(dir, name));
  it('p6-square: slopes log(7/9) and log(2/3), p_y(30) = 0.01·(7/9)^30', () => {
    const s = get('p6-square') as { runs: { delta: number; fittedSlope: number; expectedSlope: number; pxAlwaysExactlyOne: boolean; verticesMaxMove: number }[]; py30RelativeError: number };
    const [a, b] = s.runs;
    expect(a!.delta).toBe(0.05);
    expect(Math.abs(a!.fittedSlope - Math.log(7 / 9))).toBeLessThan(1e-9);
    expect(Math.abs(b!.fittedSlope - Math.log(2 / 3))).toBeLessThan(1e-9);
    expect(a!.pxAlwaysExactlyOne).toBe(true);
    expect(a!.verticesMaxMove).toBe(0);
    expect(s.py30RelativeError).toBeLessThan(1e-12);
  });
  it('afz-figure2: the SPEC test 8 checks pass and the random points are saved', () => {
    const s = get('afz-figure2') as { allChecksPass: boolean; cases: { id: number; seed: number; initial: number[][] }[] };
    expect(s.allChecksPass).toBe(true);
    const c1 = s.cases.find((c) => c.id === 1)!;
    const saved = readNpyFile(join(dir, 'afz-figure2', 'case-1-initial.npy'));
    expect(saved.shape).toEqual([9, 2]);
    expect(Array.from(saved.data)).toEqual(c1.initial.flat());
  });
  it('delta-sweep: the number of limits per δ matches SPEC §5.3', () => {
    const s = get('delta-sweep') as { rows: { delta: number; limits: number; expected: number }[] };
    expect(s.rows.map((x) => x.limits)).toEqual([4, 4, 4, 6, 5, 1, 1]);
  });
  it('fw-cells: cells equal Voronoi regions with equal norms; Theorem 4.2 holds', () => {
    const s = get('fw-cells') as { cells: { equalNorm: boolean; cellNeVoronoi: number }[]; theorem42: { maxDeviation: number } };
    for (const c of s.cells.filter((x) => x.equalNorm)) expect(c.cellNeVoronoi).toBe(0);
    expect(s.cells.some((c) => !c.equalNorm && c.cellNeVoronoi > 0)).toBe(true);
    expect(s.theorem42.maxDeviation).toBeLessThan(1e-12);
  });
  it('phase-diagram: the same grids on 1 and 2 workers; small β ends in one cluster, large β does not (SA)', () => {
    const s = get('phase-diagram') as { workers: number; betas: number[]; grids: Record<string, { pairFraction: number[][]; medianClusters: number[][] }> };
    const out1 = join(dir, 'phase-diagram-1');
    expect(cli(['experiment', 'phase-diagram', '--small', '--workers', '1', '--out', out1]).code).toBe(0);
    const s1 = summaryOf(out1) as typeof s;
    expect(s1.workers).toBe(1);
    expect(s1.grids).toEqual(s.grids);
    const sa = s.grids['sphere-sa']!;
    expect(sa.medianClusters[0]!.at(-1)).toBe(1);
    expect(sa.pairFraction[0]!.at(-1)).toBe(1);
    expect(sa.medianClusters.at(-1)!.at(-1)).toBeGreaterThan(1);
    for (const g of Object.values(s.grids)) for (const row of g.pairFraction) for (const v of row) expect(v >= 0 && v <= 1).toBe(true);
  });
  it('phase-diagram: --param is checked (unknown key, bad value) and reaches the run', () => {
    const bad = cli(['experiment', 'phase-diagram', '--small', '--param', 'colour=red', '--out', join(dir, 'pd-bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--param colour: phase-diagram takes ensemble, bilinear, value, regen-period, betas/);
    const bad2 = cli(['experiment', 'phase-diagram', '--small', '--param', 'bilinear=wishart', '--out', join(dir, 'pd-bad2')]);
    expect(bad2.code).toBe(2);
    expect(bad2.stderr).toMatch(/--param bilinear must be one of identity, gaussian, goe; got 'wishart'/);
    const other = cli(['experiment', 'p6-square', '--small', '--param', 'ensemble=3', '--out', join(dir, 'p6-bad')]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/p6-square takes no parameters/);
    const out = join(dir, 'pd-goe');
    const r = cli(['experiment', 'phase-diagram', '--small', '--param', 'bilinear=goe', '--param', 'value=-B', '--param', 'ensemble=2', '--param', 'betas=2', '--out', out]);
    expect(r.code).toBe(0);
    const s = summaryOf(out) as { bilinear: string; value: string; ensemble: number; betas: number[]; params: Record<string, string> };
    expect([s.bilinear, s.value, s.ensemble, s.betas.length]).toEqual(['goe', '-B', 2, 2]);
  });
  it('altafini: SPEC test 17 at β = 0 ends in consensus on the principal eigenvector in every run; every cell has a classified, spectrum-checked row', () => {
    const s = get('altafini') as { runs: number; rows: { setup: string; beta: number; counts: Record<string, number>; byEigenIndex: { consensus: Record<string, number> }; verdicts: Record<string, number>; stableOffPrincipal: number }[] };
    const t0 = s.rows.find((x) => x.setup === 'test17' && x.beta === 0)!;
    expect(t0.counts.consensus).toBe(s.runs);
    expect(t0.byEigenIndex.consensus['0']).toBe(s.runs);
    expect(t0.verdicts.stable).toBe(s.runs);
    expect(new Set(s.rows.map((x) => x.setup)).size).toBe(8);
    for (const x of s.rows) {
      expect(Object.values(x.counts).reduce((a, b) => a + b, 0)).toBe(s.runs);
      expect(Object.values(x.verdicts).reduce((a, b) => a + b, 0)).toBe(s.runs);
      expect(x.stableOffPrincipal).toBeLessThanOrEqual(x.verdicts.stable!);
    }
    expect(s.rows.filter((x) => x.setup !== 'test17').every((x) => [1, 5, 10, 20].includes(x.beta))).toBe(true);
  });
  it('sphere-clustering: SA and USA end in one cluster', () => {
    const s = get('sphere-clustering') as { rows: { model: string; finalClusters: number }[] };
    expect(s.rows.map((x) => x.finalClusters)).toEqual([1, 1]);
  });
  it('metastability: the exact law reproduces SPEC test 13 reference values', () => {
    const s = get('metastability') as { reference: { p_4_2: number; p_3_5: number } };
    expect(s.reference.p_4_2).toBeCloseTo(0.224197, 6);
    expect(s.reference.p_3_5).toBeCloseTo(0.001105, 6);
  });
  it('metastability: vertices plus interior tokens, interior arrival times are O(1) in β', () => {
    const out = join(dir, 'metastability');
    expect(readdirSync(out)).toContain('metastability-interior.svg');
    const s = get('metastability') as {
      interiorStart: { interiorPerVertex: number; delta: number; results: { kappa: number; points: { beta: number; medianExit: number | null; medianArrival: number; medianLastArrival: number }[] }[] };
    };
    const is = s.interiorStart;
    expect(is.interiorPerVertex).toBeGreaterThan(0);
    expect(is.delta).toBeGreaterThan(0);
    expect(is.results.length).toBeGreaterThan(0);
    for (const res of is.results) {
      expect(res.points.length).toBeGreaterThanOrEqual(2);
      for (const p of res.points) {
        expect(typeof p.medianArrival).toBe('number');
        expect(Number.isFinite(p.medianArrival) && p.medianArrival > 0).toBe(true);
        expect(Number.isFinite(p.medianLastArrival) && p.medianLastArrival >= p.medianArrival).toBe(true);
        if (p.medianExit !== null) expect(p.medianExit).toBeGreaterThanOrEqual(1);
      }
      const byBeta = [...res.points].sort((a, b) => a.beta - b.beta);
      const ratio = byBeta[byBeta.length - 1]!.medianArrival / byBeta[0]!.medianArrival;
      expect(ratio).toBeGreaterThan(1 / 3);
      expect(ratio).toBeLessThan(3);
      // issue 16 item 2: a slope is reported only when the medians differ; all-equal medians say why instead
      const r = res as unknown as { exitSlope: number | null; exitSlopeWhyNot: string | null };
      const medians = new Set(res.points.filter((p) => p.medianExit !== null).map((p) => p.medianExit));
      if (medians.size < 2) {
        expect(r.exitSlopeWhyNot).toMatch(/every β|fewer than two/);
        expect(r.exitSlope).toBeNull();
      } else {
        expect(r.exitSlopeWhyNot).toBeNull();
      }
    }
    const headline = readFileSync(join(out, 'report.html'), 'utf8');
    expect(headline).not.toMatch(/slope of log\(median exit\) 0[;<]/);
  });
});
