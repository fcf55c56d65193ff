/**
 * The HTML report: one self-contained page (inline CSS and SVG, no script,
 * no network access) with sections of text, figures, tables and the JSON
 * summary. Every string given as text is escaped; figures are SVG strings
 * from ./svg.ts, inserted as they are.
 *
 * A figure with `layers` gets a time slider without script: one radio
 * button per layer placed before the <svg>, and CSS rules
 * `input.sK:checked ~ svg .layer.sK` that show layer K alone. The layers
 * other than the last carry display="none" in the SVG itself, so the same
 * SVG saved as a file (or a page without the CSS) shows the last layer.
 */
import { esc } from './svg.js';

/** A figure: an SVG string and its caption. */
export interface Figure {
  /** File-name stem when the figure is also saved as an .svg file (e.g. 'trajectories'). */
  name: string;
  /** Short title shown above the caption. */
  title: string;
  /** The <svg> element. */
  svg: string;
  /** What the figure shows and how it was made (plain text). */
  caption?: string;
  /**
   * Labels of the snapshot layers the SVG holds as `<g class="layer sK">`
   * (K = 0, 1, …; at most MAX_LAYERS): the page shows a slider of these
   * labels, the last one chosen at first.
   */
  layers?: readonly string[];
}

/** Most layers a slider figure may have (the page's CSS has a rule per layer). */
export const MAX_LAYERS = 24;

/** A table of values. */
export interface Table {
  columns: readonly string[];
  rows: readonly (readonly (string | number | boolean | null)[])[];
  caption?: string;
}

/** One section of the report. */
export interface Section {
  heading: string;
  /** Paragraphs of plain text. */
  text?: readonly string[];
  /** Bullet items of plain text. */
  bullets?: readonly string[];
  figures?: readonly Figure[];
  tables?: readonly Table[];
}

/** The report's content. */
export interface ReportContent {
  title: string;
  /** One line under the title (e.g. the command that made it). */
  subtitle?: string;
  sections: readonly Section[];
  /** Appended as a collapsible, pretty-printed JSON block. */
  summary?: unknown;
  /** Generation time shown in the footer (ISO string). Default: now. */
  generated?: string;
}

/** Format a table cell: numbers with up to 6 significant digits. */
export function cell(v: string | number | boolean | null): string {
  if (v === null) return '—';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    if (!Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(4) : String(parseFloat(v.toPrecision(6)));
  }
  return String(v);
}

function table(t: Table): string {
  const head = t.columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((v) => `<td>${esc(cell(v))}</td>`).join('')}</tr>`).join('\n');
  const cap = t.caption ? `<caption>${esc(t.caption)}</caption>` : '';
  return `<table>${cap}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** The radio buttons (before the SVG) and the slider of labels (after it) of a layered figure. */
function slider(f: Figure, layers: readonly string[]): { inputs: string; ticks: string } {
  if (layers.length > MAX_LAYERS) throw new RangeError(`figure ${f.name}: layers must number at most ${MAX_LAYERS}; got ${layers.length}`);
  const id = `fig-${f.name}`.replace(/[^A-Za-z0-9_-]/g, '-');
  const last = layers.length - 1;
  const inputs = layers
    .map((l, k) => `<input type="radio" name="${esc(id)}-t" id="${esc(id)}-s${k}" class="s${k}" aria-label="${esc(l)}"${k === last ? ' checked' : ''}>`)
    .join('');
  const ticks = `<div class="ticks" aria-hidden="true"><span>show:</span>${layers.map((l, k) => `<label for="${esc(id)}-s${k}" class="s${k}">${esc(l)}</label>`).join('')}</div>`;
  return { inputs, ticks };
}

function figure(f: Figure): string {
  const s = f.layers && f.layers.length > 0 ? slider(f, f.layers) : null;
  return (
    `<figure id="fig-${esc(f.name)}"${s ? ' class="slide"' : ''}>${s ? s.inputs : ''}${f.svg}${s ? s.ticks : ''}<figcaption><strong>${esc(f.title)}.</strong>` +
    `${f.caption ? ' ' + esc(f.caption) : ''}</figcaption></figure>`
  );
}

/** CSS of the slider figures: hide every layer, then show the checked one; highlight its label. */
const SLIDER_CSS =
  `.slide{position:relative}.slide>input{position:absolute;opacity:0;width:1px;height:1px;margin:0}.slide>svg .layer{display:none}` +
  `.ticks{display:flex;flex-wrap:wrap;gap:3px;align-items:center;font-size:.75em;margin:4px 0;max-width:560px}` +
  `.ticks label{cursor:pointer;padding:1px 5px;border:1px solid #bbb;border-radius:3px;background:#fafafa}` +
  Array.from(
    { length: MAX_LAYERS },
    (_, k) =>
      `.slide>input.s${k}:checked~svg .layer.s${k}{display:inline}` +
      `.slide>input.s${k}:checked~.ticks label.s${k}{background:#1f4e79;color:#fff;border-color:#1f4e79}` +
      `.slide>input.s${k}:focus-visible~.ticks label.s${k}{outline:2px solid #f28e2b}`,
  ).join('');

const CSS = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#222;line-height:1.45}
h1{font-size:1.5em;margin-bottom:4px}h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:3px;margin-top:32px}
.sub{color:#555;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;word-break:break-all}
.figs{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:18px}figure{margin:0;min-width:0}figure svg{width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85em;color:#444}
table{border-collapse:collapse;font-size:.85em;margin:10px 0}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}
caption{text-align:left;font-size:.9em;color:#444;padding-bottom:4px}
pre{background:#f7f7f7;padding:10px;overflow:auto;font-size:.8em;max-height:480px}
nav a{margin-right:12px}footer{margin-top:40px;color:#777;font-size:.8em}
${SLIDER_CSS}
`;

/** Assemble the self-contained HTML page. */
export function renderReport(r: ReportContent): string {
  const nav = r.sections.map((s, k) => `<a href="#s${k}">${esc(s.heading)}</a>`).join('');
  const sections = r.sections
    .map((s, k) => {
      const parts = [`<section id="s${k}"><h2>${esc(s.heading)}</h2>`];
      for (const p of s.text ?? []) parts.push(`<p>${esc(p)}</p>`);
      if (s.bullets && s.bullets.length > 0) parts.push(`<ul>${s.bullets.map((b) => `<li>${esc(b)}</li>`).join('')}</ul>`);
      for (const t of s.tables ?? []) parts.push(table(t));
      if (s.figures && s.figures.length > 0) parts.push(`<div class="figs">${s.figures.map(figure).join('\n')}</div>`);
      parts.push('</section>');
      return parts.join('\n');
    })
    .join('\n');
  const summary =
    r.summary === undefined
      ? ''
      : `<section id="summary"><h2>Summary (summary.json)</h2><details><summary>show</summary><pre>${esc(JSON.stringify(r.summary, jsonReplacer, 2))}</pre></details></section>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.title)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(r.title)}</h1>
${r.subtitle ? `<div class="sub">${esc(r.subtitle)}</div>` : ''}
<nav>${nav}${r.summary === undefined ? '' : '<a href="#summary">Summary</a>'}</nav>
${sections}
${summary}
<footer>attention-dynamics report, generated ${esc(r.generated ?? new Date().toISOString())}. Self-contained: no scripts, no network.</footer>
</body></html>
`;
}

/**
 * JSON.stringify replacer for summaries: typed arrays become plain arrays,
 * bigints strings, and non-finite numbers the strings "NaN", "Infinity",
 * "-Infinity" (JSON has no such numbers).
 */
export function jsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : String(x)));
  return v;
}

/** Pretty JSON with `jsonReplacer`, ending with a newline. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, jsonReplacer, 2) + '\n';
}
