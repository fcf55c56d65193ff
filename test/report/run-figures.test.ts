/**
 * The run report's figures (issue 15 part 3): the limit status behind the
 * "distance to the limit" panel (not converged / settled, cropped axis), the
 * cluster colouring (legend up to 10, a note beyond), the trajectory slider
 * (one CSS-switched layer per chosen snapshot, no script), and, through the
 * built CLI, every figure of report.html saved as <name>.svg next to it.
 * Expected values are worked out by hand in the comments, or recomputed
 * from trajectory.npy independently of the report code.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../../ts/io/npy.js';
import { MAX_LAYERS, renderReport } from '../../ts/report/html.js';
import { projection2d } from '../../ts/report/projection.js';
import { limitStatus } from '../../ts/report/run-summary.js';
import { clusterColouring, cropIndex, sliderSnapshots, trajectorySliderFigure } from '../../ts/report/run-sections.js';
import { cli, ensureBuilt, tempDir } from '../cli/helpers.js';

describe('limitStatus', () => {
  // n = 1, d = 1: x = 1, 0.5, 0, 0, 0 at t = 0 … 4
  const tr = { n: 1, d: 1, count: 5, times: Float64Array.from([0, 1, 2, 3, 4]), data: Float64Array.from([1, 0.5, 0, 0, 0]) };
  it('at rest: settles at the first snapshot from which all are within tol of x(T)', () => {
    const r = limitStatus(tr, { lastMaxStep: 0, tol: 1e-9 });
    expect(r.atRest).toBe(true);
    expect(r.settleIndex).toBe(2); // x(2) = x(3) = x(4) = 0, x(1) = 0.5 is 0.5 away
    expect(r.settleTime).toBe(2);
  });
  it('a tolerance of 0.6 lets t = 1 in (|0.5 − 0| < 0.6) but not t = 0', () => {
    expect(limitStatus(tr, { lastMaxStep: 0, tol: 0.6 }).settleIndex).toBe(1);
  });
  it('not at rest when the last step is not below tol: no settling time', () => {
    const r = limitStatus(tr, { lastMaxStep: 1e-9, tol: 1e-9 });
    expect(r.atRest).toBe(false);
    expect(r.settleIndex).toBeNull();
    expect(r.settleTime).toBeNull();
  });
});

describe('cropIndex and sliderSnapshots', () => {
  const times = Float64Array.from({ length: 301 }, (_, s) => s);
  it('crops a little past the settling time, and not at all when it would keep over 80 %', () => {
    // t_c = 45: want = 45 + max(0.2·45, 300/50) = 54
    expect(cropIndex(times, { settleIndex: 45 })).toBe(54);
    // t_c = 5: want = 5 + max(1, 6) = 11
    expect(cropIndex(times, { settleIndex: 5 })).toBe(11);
    // t_c = 220: want = 264 > 0.8·300 = 240: no crop
    expect(cropIndex(times, { settleIndex: 220 })).toBe(300);
    expect(cropIndex(times, { settleIndex: null })).toBe(300);
    expect(cropIndex(times, null)).toBe(300);
  });
  it('spreads the slider over 0 … end, denser early, then adds T', () => {
    // 11 over 0 … 51: round(51·(j/10)²) = 0, 1 (0.51), 2 (2.04), 5 (4.59), 8, 13 (12.75), 18, 25 (24.99), 33 (32.64), 41 (41.31), 51
    expect(sliderSnapshots(301, 51, 12)).toEqual([0, 1, 2, 5, 8, 13, 18, 25, 33, 41, 51, 300]);
    expect(sliderSnapshots(5, 4, 12)).toEqual([0, 1, 2, 3, 4]);
    expect(sliderSnapshots(6, 2, 12)).toEqual([0, 1, 2, 5]);
    // 3 over 0 … 4 (no crop): round(4·(j/2)²) = 0, 1, 4
    expect(sliderSnapshots(5, 4, 3)).toEqual([0, 1, 4]);
    expect(() => sliderSnapshots(10, 9, MAX_LAYERS + 1)).toThrow(RangeError);
    expect(() => sliderSnapshots(10, 10)).toThrow(/end/);
  });
});

describe('clusterColouring', () => {
  it('up to 10 clusters: one legend entry each, no note', () => {
    const c = clusterColouring([0, 1, 1, 2, 3], 4, [1, 2, 1, 1]);
    expect(c.legend.map((l) => l.label)).toEqual(['cluster 0 (1)', 'cluster 1 (2)', 'cluster 2 (1)', 'cluster 3 (1)']);
    expect(c.note).toBeUndefined();
    expect(c.colors[1]).toBe(c.colors[2]);
    expect(new Set(c.colors).size).toBe(4);
  });
  it('23 clusters: no legend, a note on the figure, 23 different colours', () => {
    const labels = Array.from({ length: 23 }, (_, k) => k);
    const c = clusterColouring(labels, 23);
    expect(c.legend).toEqual([]);
    expect(c.note).toMatch(/^23 clusters/);
    expect(new Set(c.colors).size).toBe(23);
  });
  it('clusters not computed: one colour, said', () => {
    const c = clusterColouring([0, 0, 0], null);
    expect(new Set(c.colors).size).toBe(1);
    expect(c.note).toMatch(/not computed/);
  });
});

describe('trajectory slider', () => {
  // 3 tokens in 2D moving to the origin over 4 snapshots
  const n = 3;
  const d = 2;
  const data = new Float64Array(4 * n * d);
  const start = [1, 0, 0, 1, -1, -1];
  for (let s = 0; s < 4; s++) for (let k = 0; k < n * d; k++) data[s * n * d + k] = (start[k] as number) / 2 ** s;
  const tr = { n, d, count: 4, times: Float64Array.from([0, 1, 2, 3]), data };
  const proj = projection2d(data, 4, n, d);
  it('one layer per chosen snapshot; only the last is shown without CSS', () => {
    const f = trajectorySliderFigure(tr, proj, [0, 2, 3], { colors: ['red', 'green', 'blue'] });
    expect(f.labels).toEqual(['t = 0', 't = 2', 't = 3']);
    const layers = f.svg.match(/<g class="layer s\d+"[^>]*>/g) ?? [];
    expect(layers).toEqual(['<g class="layer s0" display="none">', '<g class="layer s1" display="none">', '<g class="layer s2">']);
    expect(() => trajectorySliderFigure(tr, proj, [2, 1], { colors: [] })).toThrow(RangeError);
    expect(() => trajectorySliderFigure(tr, proj, [0, 4], { colors: [] })).toThrow(/snaps/);
  });
  it('the page has one radio button and one label per layer, the last checked, a CSS rule per layer, and no script', () => {
    const f = trajectorySliderFigure(tr, proj, [0, 1, 2, 3], { colors: ['red', 'green', 'blue'] });
    const html = renderReport({ title: 't', sections: [{ heading: 'h', figures: [{ name: 'trajectories', title: 'T', svg: f.svg, layers: f.labels }] }], generated: 'x' });
    const inputs = html.match(/<input type="radio"[^>]*>/g) ?? [];
    expect(inputs).toHaveLength(4);
    expect(inputs.filter((i) => i.includes(' checked'))).toEqual([inputs[3]]);
    expect(html.match(/<label for="fig-trajectories-s\d+"/g)).toHaveLength(4);
    for (let k = 0; k < 4; k++) expect(html).toContain(`.slide>input.s${k}:checked~svg .layer.s${k}{display:inline}`);
    // the inputs come before the svg (the ~ selector needs it)
    expect(html.indexOf('<input type="radio"')).toBeLessThan(html.indexOf('<svg'));
    expect(html).not.toMatch(/<script/i);
    expect(() => renderReport({ title: 't', sections: [{ heading: 'h', figures: [{ name: 'x', title: 'x', svg: '<svg></svg>', layers: Array.from({ length: MAX_LAYERS + 1 }, (_, k) => String(k)) }] }] })).toThrow(RangeError);
  });
});

describe('run writes its figures (built CLI)', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = tempDir('run-figures-');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** max_i |x_i(T) − x_i(T')| / (T − T') over the last recorded gap, from the .npy files. */
  function lastStep(out: string): number {
    const tr = parseNpy(new Uint8Array(readFileSync(join(out, 'trajectory.npy'))));
    const times = parseNpy(new Uint8Array(readFileSync(join(out, 'times.npy')))).data;
    const [count, n, d] = tr.shape as [number, number, number];
    let m = 0;
    for (let i = 0; i < n; i++) {
      let q = 0;
      for (let c = 0; c < d; c++) q += ((tr.data[((count - 1) * n + i) * d + c] as number) - (tr.data[((count - 2) * n + i) * d + c] as number)) ** 2;
      m = Math.max(m, Math.sqrt(q));
    }
    return m / ((times[count - 1] as number) - (times[count - 2] as number));
  }

  it('an unconverged softmax run in d = 8 says "not converged" on the figure and in the caption; every figure is an .svg file', () => {
    const out = join(dir, 'soft');
    const r = cli(['run', '--model', 'softmax', '--beta', '5', '--n', '30', '--d', '8', '--init-seed', '1', '--steps', '80', '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const step = lastStep(out);
    expect(step).toBeGreaterThanOrEqual(summary.final.convergence.tol); // the run has truly not converged
    expect(summary.final.convergence.atRest).toBe(false);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Distance to the final state (NOT CONVERGED).');
    expect(html).toContain('Not converged: the last recorded step moved a token by');
    const dist = readFileSync(join(out, 'distance-to-limit.svg'), 'utf8');
    expect(dist).toContain('not converged: x(T) is not the limit');
    expect(dist).toContain(`= ${step.toExponential(2)} ≥ tol`);
    // each figure of the page exists next to it, with the same SVG
    const names = [...html.matchAll(/<figure id="fig-([^"]+)"/g)].map((m) => m[1] as string);
    expect(names).toContain('trajectories');
    expect(names).toContain('counts');
    const files = readdirSync(out).filter((f) => f.endsWith('.svg'));
    expect(files.sort()).toEqual(names.map((x) => `${x}.svg`).sort());
    for (const name of names) {
      const file = readFileSync(join(out, `${name}.svg`), 'utf8');
      const svg = file.slice(file.indexOf('<svg'), file.lastIndexOf('</svg>') + 6);
      expect(html).toContain(svg);
    }
    // counts on a log axis; energies in two panels, one series each
    expect(readFileSync(join(out, 'counts.svg'), 'utf8')).toContain('count (log scale)');
    expect(readFileSync(join(out, 'geometry.svg'), 'utf8')).toMatch(/\(log scale\)<\/text>/);
    for (const e of ['energy-hk', 'energy-softmax']) expect((readFileSync(join(out, `${e}.svg`), 'utf8').match(/<polyline|<path d="M/g) ?? []).length).toBeGreaterThanOrEqual(1);
  });

  it('a converged localmax run crops the distance axis and its slider has one layer per snapshot label', () => {
    const out = join(dir, 'local');
    const r = cli(['run', '--model', 'localmax', '--delta', '0.1', '--n', '60', '--d', '2', '--init-seed', '1', '--steps', '200', '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(lastStep(out)).toBeLessThan(summary.final.convergence.tol);
    const settled = summary.final.convergence.settledAt as number;
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toContain('NOT CONVERGED');
    // crop when t_c + max(0.2 t_c, 200/50) <= 0.8·200 (every = 1, so recorded steps are 0 … 200)
    const want = Math.ceil(settled + Math.max(0.2 * settled, 4));
    if (want <= 160) expect(html).toContain(`The time axis stops at t = ${want} of 200`);
    else expect(html).not.toContain('The time axis stops');
    const labels = [...html.matchAll(/<label for="fig-trajectories-s(\d+)" class="s\d+">([^<]*)<\/label>/g)];
    const svg = readFileSync(join(out, 'trajectories.svg'), 'utf8');
    const layers = svg.match(/<g class="layer s\d+"/g) ?? [];
    expect(labels.length).toBeGreaterThanOrEqual(2);
    expect(layers).toHaveLength(labels.length);
    expect(labels[labels.length - 1]![2]).toBe('t = 200');
    expect(html.match(/<input type="radio" name="fig-trajectories-t"/g)).toHaveLength(labels.length);
  });
});
