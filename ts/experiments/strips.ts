/**
 * SPEC §5.4(a): the strip view. In 2D, the strip Z_i = { y : m_i − δ ≤
 * <A x_i, y> ≤ m_i } and its members for one token, contrasting hardmax
 * (δ = 0: the argmax face only), localmax (the δ-band) and softmax (every
 * token, marker size ∝ w_ij).
 */
import { SplitMix64 } from '../prng.js';
import { alignmentRow, neighbourhoodSizes } from '../analysis/attention/alignment.js';
import { leaders } from '../analysis/attention/leaders.js';
import { strip, stripLines2d } from '../analysis/attention/strips.js';
import { encodeNpy } from '../io/npy.js';
import { stripFigure } from '../report/figures.js';
import type { Figure } from '../report/html.js';
import { extent, pad } from '../report/svg.js';
import { flat, r, uniformBox } from './common.js';
import type { Experiment } from './types.js';

export const strips: Experiment = {
  name: 'strips',
  spec: '§5.4a',
  title: 'Strip view: hardmax, localmax and softmax neighbourhoods',
  description:
    'One token of a seeded random cloud in 2D: its argmax face (hardmax), its δ-strip and members (localmax), and its softmax weights (marker size ∝ w_ij), side by side, for a few δ and β.',
  async run(ctx) {
    const n = ctx.small ? 16 : 30;
    const seed = 54;
    const rows = uniformBox(new SplitMix64(seed), n, -1, 1);
    const x = flat(rows);
    const lead = new Set(leaders(x, n, 2));
    const deltas = ctx.small ? [0.3] : [0.1, 0.3, 0.8];
    const betas = ctx.small ? [3] : [1, 3, 10];
    // the token: a non-leader with the largest δ-neighbourhood at the middle δ
    const mid = deltas[Math.floor(deltas.length / 2)] as number;
    const sizes = neighbourhoodSizes(x, n, 2, { delta: mid });
    let token = -1;
    for (let i = 0; i < n; i++) if (!lead.has(i) && (token < 0 || (sizes[i] as number) > (sizes[token] as number))) token = i;
    if (token < 0) token = 0;
    const xs = rows.map((p) => p[0] as number);
    const ys = rows.map((p) => p[1] as number);
    const box = { x: pad(extent(xs) ?? [-1, 1], 0.12), y: pad(extent(ys) ?? [-1, 1], 0.12) };
    const figs: Figure[] = [];
    const summaryPanels = [];
    ctx.progress(0, 1 + deltas.length + betas.length);
    const hard = strip(x, n, 2, token, { delta: 0 });
    const hl = stripLines2d(hard);
    figs.push({
      name: 'strip-hardmax',
      title: 'Hardmax (δ = 0)',
      svg: stripFigure(x, n, { token, upper: hl.upper, lower: null, members: hard.members }, { title: `hardmax: C_${token} = argmax`, box }),
      caption: `The supporting line <x_${token}, y> = m_${token}: the only member${hard.members.length > 1 ? 's are' : ' is'} ${Array.from(hard.members).join(', ')}.`,
    });
    summaryPanels.push({ model: 'hardmax', delta: 0, members: Array.from(hard.members) });
    ctx.progress(1, 1 + deltas.length + betas.length);
    for (const [k, delta] of deltas.entries()) {
      const s = strip(x, n, 2, token, { delta });
      const l = stripLines2d(s);
      figs.push({
        name: `strip-localmax-${delta}`,
        title: `Localmax δ = ${delta}`,
        svg: stripFigure(x, n, { token, upper: l.upper, lower: l.lower, members: s.members }, { title: `localmax δ = ${delta}: ${s.members.length} members`, box }),
        caption: `The band between <x_i, y> = m_i and m_i − δ (width δ/|x_i| = ${r(s.width, 4)}); its ${s.members.length} members are averaged.`,
      });
      summaryPanels.push({ model: 'localmax', delta, width: s.width, members: Array.from(s.members) });
      ctx.progress(2 + k, 1 + deltas.length + betas.length);
    }
    const row = alignmentRow(x, n, 2, token);
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, row[j] as number);
    for (const [k, beta] of betas.entries()) {
      const w = new Float64Array(n);
      let z = 0;
      for (let j = 0; j < n; j++) {
        w[j] = Math.exp(beta * ((row[j] as number) - m));
        z += w[j] as number;
      }
      for (let j = 0; j < n; j++) w[j] = (w[j] as number) / z;
      const wmax = Math.max(...w);
      const markers = w.map((v) => 1.2 + 9 * Math.sqrt(v / wmax));
      const all = Int32Array.from({ length: n }, (_, j) => j);
      figs.push({
        name: `strip-softmax-${beta}`,
        title: `Softmax β = ${beta}`,
        svg: stripFigure(x, n, { token, upper: hl.upper, lower: null, members: all }, { title: `softmax β = ${beta}: all tokens weighted`, box, sizes: markers }),
        caption: `Every token is in the average; marker area ∝ w_${token}j = exp(β(a_ij − m_i))/Z. Largest weight ${r(wmax, 4)}; the line is the hardmax face for reference.`,
      });
      summaryPanels.push({ model: 'softmax', beta, weights: Array.from(w, (v) => r(v, 6)) });
      ctx.progress(2 + deltas.length + k, 1 + deltas.length + betas.length);
    }
    return {
      summary: { n, seed, token, points: rows, panels: summaryPanels },
      files: [{ name: 'points.npy', bytes: encodeNpy(x, [n, 2]) }],
      headline: [`token ${token}: hardmax ${hard.members.length} member(s); ${summaryPanels.filter((p) => p.model === 'localmax').map((p) => `δ = ${p.delta}: ${(p.members ?? []).length}`).join(', ')}`],
      intro: [`A uniform cloud of ${n} points in [−1, 1)² from SplitMix64(${seed}) (saved as points.npy); token ${token} is the non-leader with the largest neighbourhood at δ = ${mid}.`],
      sections: [{ heading: `Neighbourhoods of token ${token}`, figures: figs }],
    };
  },
};
