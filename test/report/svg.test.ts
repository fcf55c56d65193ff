/**
 * SVG helpers, the HTML report and the 2D projection (ts/report/*): scales
 * and ticks, marks that skip undrawable data, clipping, escaping,
 * well-formed documents, a self-contained report, and PCA that finds a plane.
 */
import { describe, expect, it } from 'vitest';
import { cell, jsonReplacer, renderReport } from '../../ts/report/html.js';
import { project, projection2d } from '../../ts/report/projection.js';
import { stateFigure, stripFigure, trajectoryFigure } from '../../ts/report/figures.js';
import {
  esc,
  frame,
  histogram,
  infiniteLine,
  legend,
  linePlot,
  linearScale,
  logScale,
  logTicks,
  niceTicks,
  points,
  polygon,
  polyline,
  stars,
  tickLabel,
} from '../../ts/report/svg.js';

/** Tags balance (every opened element is closed in order); returns the element names seen. */
function wellFormed(xml: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:-]*)([^>]*?)(\/?)>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml)) !== null) {
    const [, close, name, , self] = m;
    if (close) {
      const top = stack.pop();
      if (top !== name) throw new Error(`</${name}> closes <${top}>`);
    } else {
      names.push(name as string);
      if (!self) stack.push(name as string);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(', ')}`);
  return names;
}

function count(s: string, sub: RegExp): number {
  return (s.match(sub) ?? []).length;
}

describe('scales and ticks', () => {
  it('linearScale maps the domain ends to the range ends and is affine', () => {
    const s = linearScale([2, 6], [100, 300]);
    expect(s(2)).toBe(100);
    expect(s(6)).toBe(300);
    expect(s(4)).toBe(200);
    const flipped = linearScale([0, 1], [400, 0]);
    expect(flipped(0.25)).toBe(300);
  });
  it('a degenerate domain is widened instead of dividing by zero', () => {
    const s = linearScale([3, 3], [0, 100]);
    expect(Number.isFinite(s(3))).toBe(true);
    expect(s(3)).toBeCloseTo(50, 10);
  });
  it('logScale maps decades to equal pixel steps and refuses a non-positive domain', () => {
    const s = logScale([1e-6, 1], [0, 600]);
    expect(s(1e-6)).toBeCloseTo(0, 9);
    expect(s(1e-3)).toBeCloseTo(300, 9);
    expect(s(1)).toBeCloseTo(600, 9);
    expect(s.ok(0)).toBe(false);
    expect(s.ok(-1)).toBe(false);
    expect(() => logScale([0, 1], [0, 1])).toThrow(RangeError);
  });
  it('niceTicks gives round steps covering the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, 7, 5)).toEqual([-2, 0, 2, 4, 6]);
    expect(niceTicks(0, 30, 5)).toEqual([0, 5, 10, 15, 20, 25, 30]);
  });
  it('logTicks gives decades, or 1-2-5 steps on a short range', () => {
    expect(logTicks(1e-6, 1)).toEqual([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1]);
    expect(logTicks(0.3, 40)).toEqual([0.5, 1, 2, 5, 10, 20]);
    expect(logTicks(1e-40, 1e10).length).toBeLessThanOrEqual(9);
  });
  it('tick labels are compact', () => {
    expect(tickLabel(0.1 + 0.2)).toBe('0.3');
    expect(tickLabel(1e-6)).toBe('1e-6');
    expect(tickLabel(2.5e7)).toBe('2.5e7');
    expect(tickLabel(0)).toBe('0');
  });
});

describe('marks', () => {
  const f = frame({ x: { domain: [0, 10] }, y: { domain: [1e-3, 1], log: true } });
  it('points skips NaN, infinite and (on a log axis) non-positive values', () => {
    const svg = points(f, [1, 2, 3, NaN, 5, 6], [0.1, 0.5, 0, 0.2, Infinity, -1]);
    expect(count(svg, /<circle/g)).toBe(2);
  });
  it('polyline breaks into pieces at undrawable points', () => {
    const svg = polyline(f, [0, 1, 2, 3, 4, 5], [0.5, 0.4, 0, 0.3, 0.2, 0.1]);
    expect(count(svg, /M/g)).toBe(2);
    expect(polyline(f, [1, 2], [NaN, -1])).toBe('');
  });
  it('polygon, stars and legend produce well-formed elements', () => {
    const g = frame({ x: { domain: [-1, 1] }, y: { domain: [-1, 1] } });
    const svg = g.svg([polygon(g, [-1, 1, 0], [-1, -1, 1]), stars(g, [0], [0])], [legend(g, [{ label: 'a', color: '#f00' }, { label: 'b', color: '#0f0', kind: 'star' }])]);
    const names = wellFormed(svg);
    expect(names.filter((n) => n === 'polygon').length).toBe(1);
    expect(names[0]).toBe('svg');
  });
  it('infiniteLine is clipped to the frame domain', () => {
    const g = frame({ x: { domain: [0, 10] }, y: { domain: [0, 10] }, width: 200, height: 200 });
    const svg = infiniteLine(g, [5, 5], [1, 0]); // the horizontal line y = 5
    const m = /x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/.exec(svg);
    expect(m).not.toBeNull();
    const [x1, y1, x2, y2] = (m as RegExpExecArray).slice(1).map(Number) as [number, number, number, number];
    expect(Math.min(x1, x2)).toBeCloseTo(g.sx(0), 1);
    expect(Math.max(x1, x2)).toBeCloseTo(g.sx(10), 1);
    expect(y1).toBeCloseTo(g.sy(5), 1);
    expect(y2).toBeCloseTo(g.sy(5), 1);
    expect(infiniteLine(g, [50, 50], [1, 0])).toBe(''); // misses the frame
  });
  it('text is escaped everywhere', () => {
    expect(esc('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
    const svg = linePlot([{ x: [0, 1], y: [0, 1], label: '<script>alert(1)</script>' }], { title: 'a < b & c' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    wellFormed(svg);
  });
  it('equalAspect makes one data unit the same length on both axes', () => {
    const g = frame({ x: { domain: [0, 4] }, y: { domain: [0, 1] }, equalAspect: true, width: 500, height: 300 });
    expect(g.unitX).toBeCloseTo(g.unitY, 9);
  });
});

describe('plots', () => {
  it('linePlot on a log axis draws one path per series and a legend entry per label', () => {
    const t = Array.from({ length: 31 }, (_, k) => k);
    const svg = linePlot(
      [
        { x: t, y: t.map((k) => 0.01 * (7 / 9) ** k), label: 'δ = 0.05' },
        { x: t, y: t.map((k) => (2 / 3) ** k), label: 'δ = 0' },
      ],
      { yLog: true, xLabel: 't', yLabel: 'p_y' },
    );
    wellFormed(svg);
    expect(count(svg, /stroke-linejoin/g)).toBe(2);
    expect(svg).toContain('δ = 0.05');
    expect(svg).toContain('p_y (log scale)');
  });
  it('histogram counts values into bins', () => {
    const svg = histogram([{ values: [0.05, 0.15, 0.15, 0.95], label: 'g' }], { bins: 10, domain: [0, 1] });
    wellFormed(svg);
    const titles = [...svg.matchAll(/<title>g: (\d+)<\/title>/g)].map((m) => Number(m[1]));
    expect(titles.sort()).toEqual([1, 1, 2]);
  });
  it('state, trajectory and strip figures are well-formed documents', () => {
    const x = Float64Array.of(1, 1, 1, -1, -1, -1, -1, 1, 0.2, 0.1);
    const proj = projection2d(x, 1, 5, 2);
    wellFormed(stateFigure(x, 5, proj, { title: 'state', stars: [0, 1] }));
    const data = new Float64Array(30);
    data.set(x, 0);
    data.set(x.map((v) => v * 0.9), 10);
    data.set(x.map((v) => v * 0.8), 20);
    const svg = trajectoryFigure({ n: 5, d: 2, count: 3, times: [0, 1, 2], data }, proj, { stars: [0] });
    wellFormed(svg);
    expect(count(svg, /stroke-linejoin/g)).toBeGreaterThanOrEqual(5);
    wellFormed(stripFigure(x, 5, { token: 4, upper: { point: [1, 0], direction: [0, 1] }, lower: { point: [0.9, 0], direction: [0, 1] }, members: [0, 1, 4] }, { title: 'strip' }));
  });
});

describe('projection2d', () => {
  it('is the identity in 2D and says nothing on the figure', () => {
    const p = projection2d(Float64Array.of(1, 2, 3, 4), 1, 2, 2);
    expect(p.kind).toBe('identity');
    expect(p.note).toBeNull();
    expect(Array.from(project(p, Float64Array.of(1, 2, 3, 4), 2).xs)).toEqual([1, 3]);
  });
  it('finds the plane of points that lie in a plane of R^4 and labels itself as PCA', () => {
    // points a·u + b·v + c with u, v orthonormal in R^4
    const u = [0.5, 0.5, 0.5, 0.5];
    const v = [0.5, -0.5, 0.5, -0.5];
    const c = [1, 2, 3, 4];
    const n = 50;
    const x = new Float64Array(n * 4);
    const ab: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const a = Math.sin(i * 1.3) * 3;
      const b = Math.cos(i * 0.7);
      ab.push([a, b]);
      for (let k = 0; k < 4; k++) x[i * 4 + k] = a * u[k]! + b * v[k]! + c[k]!;
    }
    const p = projection2d(x, 1, n, 4);
    expect(p.kind).toBe('pca');
    expect(p.note).toMatch(/2D PCA projection of d = 4/);
    expect(p.explained[0] + p.explained[1]).toBeCloseTo(1, 9);
    // distances in the plane are preserved
    const q = project(p, x, n);
    for (const [i, j] of [[0, 1], [3, 17], [10, 40]] as const) {
      const dPlane = Math.hypot(q.xs[i]! - q.xs[j]!, q.ys[i]! - q.ys[j]!);
      const dTrue = Math.hypot(ab[i]![0] - ab[j]![0], ab[i]![1] - ab[j]![1]);
      expect(dPlane).toBeCloseTo(dTrue, 9);
    }
  });
});

describe('renderReport', () => {
  const svg = linePlot([{ x: [0, 1], y: [1, 2] }]);
  const html = renderReport({
    title: 'T <1>',
    subtitle: 'cmd --x "y"',
    sections: [{ heading: 'H & h', text: ['para <b>'], bullets: ['b1'], figures: [{ name: 'f1', title: 'Fig', svg, caption: 'cap' }], tables: [{ columns: ['a', 'b'], rows: [[1, 0.000012345], [true, null]] }] }],
    summary: { a: Float64Array.of(1, NaN), b: 3n },
    generated: '2025-01-01T00:00:00Z',
  });
  it('is self-contained: no scripts, no external resources', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*"(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    expect(html).toContain(svg);
  });
  it('escapes text and formats table cells', () => {
    expect(html).toContain('T &lt;1&gt;');
    expect(html).toContain('H &amp; h');
    expect(html).toContain('para &lt;b&gt;');
    expect(html).toContain('<td>1.2345e-5</td>');
    expect(html).toContain('<td>—</td>');
  });
  it('embeds the summary as JSON with typed arrays, NaN and bigints made JSON-safe', () => {
    expect(html).toContain('&quot;NaN&quot;');
    expect(JSON.parse(JSON.stringify({ a: Float64Array.of(1, Infinity), b: 5n }, jsonReplacer))).toEqual({ a: [1, 'Infinity'], b: '5' });
    expect(cell(0.1 + 0.2)).toBe('0.3');
  });
});
