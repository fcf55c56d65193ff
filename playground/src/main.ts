/**
 * The playground page: controls bound to a Params object (mirrored in the
 * URL), one module worker that owns the simulation (worker.ts), a canvas view
 * redrawn on requestAnimationFrame when a new frame arrived, live plots, and
 * exports (.npy state, .png canvas, HTML report). The package is used only
 * through its public entry, 'attention-dynamics'.
 */
import { readNpy, writeNpy } from 'attention-dynamics';
import { drawState, fitBox, makeProjection, pick, projectAll, type Projection, type ViewBox } from './draw.js';
import { History, drawPlot } from './history.js';
import {
  INITS, INIT_LABELS, INTERACTIVE_N, MAX_D, MAX_N, MODELS, alignmentMatrix, applies, deltaAt, designedRows, fixed, paramsFromQuery, parseParam,
  queryFromParams, type Params,
} from './params.js';
import type { Frame, FromWorker, ToWorker } from './protocol.js';
import { renderRunRecord, runRecord } from './report.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`playground: #${id} is missing from index.html`);
  return el as T;
};

/** What tests and the benchmark read (window.__playground). */
interface Status {
  rafTicks: number;
  /** Longest gap between two requestAnimationFrame callbacks since the last reset of the counters (ms). */
  maxRafGapMs: number;
  framesReceived: number;
  framesDrawn: number;
  /** Mean and max time of drawState + plots per drawn frame (ms). */
  drawMsMean: number;
  drawMsMax: number;
  stepsPerSec: number;
  analysisMs: number;
  ready: boolean;
  t: number;
  run: number;
  resetCounters(): void;
}

const status: Status = {
  rafTicks: 0,
  maxRafGapMs: 0,
  framesReceived: 0,
  framesDrawn: 0,
  drawMsMean: 0,
  drawMsMax: 0,
  stepsPerSec: 0,
  analysisMs: 0,
  ready: false,
  t: 0,
  run: 0,
  resetCounters() {
    status.rafTicks = 0;
    status.maxRafGapMs = 0;
    status.framesDrawn = 0;
    status.drawMsMean = 0;
    status.drawMsMax = 0;
  },
};
(window as unknown as { __playground: Status }).__playground = status;

// ---------------------------------------------------------------- state
const fromUrl = paramsFromQuery(location.search);
let params: Params = fromUrl.params;
let uploaded: { data: Float64Array; n: number; d: number; name: string } | null = restoreUpload();
let run = 0;
let frame: Frame | null = null;
let initial: Float64Array | null = null;
let engine = { backend: '–', precision: '–' };
let dirty = true;
let proj: Projection = makeProjection(params.d, null, 0, 0.6, 0.5);
let box: ViewBox = { cx: 0, cy: 0, half: 1.2 };
let yaw = 0.6;
let pitch = 0.5;
let xyLast: Float64Array | null = null;
let selected: number | null = null;
const history = new History();
const trails: Float64Array[] = [];
const TRAIL_FRAMES = 40;
const warnings: string[] = [...fromUrl.errors];

const canvas = $<HTMLCanvasElement>('canvas');
const ctx = canvas.getContext('2d')!;
const plots = {
  diameter: $<HTMLCanvasElement>('plot-diameter').getContext('2d')!,
  hull: $<HTMLCanvasElement>('plot-hull').getContext('2d')!,
  clusters: $<HTMLCanvasElement>('plot-clusters').getContext('2d')!,
  variance: $<HTMLCanvasElement>('plot-variance').getContext('2d')!,
  energy: $<HTMLCanvasElement>('plot-energy').getContext('2d')!,
};

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);

// ---------------------------------------------------------------- controls
function fillSelect(sel: HTMLSelectElement, values: readonly string[], labels?: Readonly<Record<string, string>>): void {
  sel.replaceChildren(...values.map((v) => new Option(labels?.[v] ?? v, v)));
}
fillSelect($<HTMLSelectElement>('model'), MODELS);
fillSelect($<HTMLSelectElement>('init'), INITS, INIT_LABELS);
$<HTMLInputElement>('n').max = String(MAX_N);
$<HTMLInputElement>('d').max = String(MAX_D);

const paramInputs = Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-param]'));

function showControls(): void {
  for (const el of paramInputs) el.value = String(params[el.dataset.param as keyof Params]);
  const a = applies(params.model);
  const designed = designedRows(params.init) !== null;
  const vis: Record<string, boolean> = {
    step: a.step,
    alpha: a.step && params.stepMode === 'alpha',
    gamma: a.step && params.stepMode === 'gamma',
    'gamma-constant': a.step && params.stepMode === 'gamma' && params.gammaKind === 'constant',
    'gamma-exp': a.step && params.stepMode === 'gamma' && params.gammaKind === 'exp-rise',
    delta: a.delta,
    'delta-power': params.deltaKind === 'power',
    'delta-geometric': params.deltaKind === 'geometric',
    beta: a.beta,
    A: a.A,
    sphere: a.sphere,
    seed: a.seed,
    generated: !designed && params.init !== 'npy',
    blobs: params.init === 'clusters',
  };
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-show]'))) el.hidden = !vis[el.dataset.show!];
  $<HTMLInputElement>('n').disabled = designed || params.init === 'npy';
  $<HTMLInputElement>('d').disabled = designed || params.init === 'npy';
  $('time-wrap').hidden = !a.sphere;
  $('n-hint').textContent = `${params.model} stays interactive up to n ≈ ${INTERACTIVE_N[params.model].toLocaleString('en')} (measured, 2 cores)`;
  const q = queryFromParams(params);
  const url = `${location.pathname}${q ? `?${q}` : ''}`;
  history_replace(url);
  $<HTMLAnchorElement>('share').href = url;
  $('warnings').textContent = warnings.join('\n');
}

function history_replace(url: string): void {
  if (`${location.pathname}${location.search}` !== url) window.history.replaceState(null, '', url);
}

for (const el of paramInputs) {
  el.addEventListener('change', () => {
    const key = el.dataset.param as keyof Params;
    const r = parseParam(key, el.value);
    if ('error' in r) {
      $('error').textContent = r.error;
      el.value = String(params[key]);
      return;
    }
    if (key === 'init' && r.value === 'npy' && uploaded === null) {
      $('error').textContent = 'init: choose a .npy file with the upload control first';
      el.value = params.init;
      return;
    }
    params = fixed({ ...params, [key]: r.value });
    if (key === 'speed') {
      send({ type: 'speed', speed: params.speed });
      showControls();
      return;
    }
    restart();
  });
}

// ---------------------------------------------------------------- simulation
function restart(): void {
  $('error').textContent = '';
  if (params.init === 'npy' && uploaded === null) {
    warnings.push('init=npy: the uploaded file is not stored in this browser any more; upload it again (started from uniform)');
    params = { ...params, init: 'uniform' };
  }
  if (params.init === 'npy' && uploaded !== null) params = { ...params, n: uploaded.n, d: uploaded.d };
  showControls();
  run++;
  status.run = run;
  status.ready = false;
  frame = null;
  initial = null;
  history.clear();
  trails.length = 0;
  selected = null;
  send({ type: 'speed', speed: params.speed });
  if (params.init === 'npy' && uploaded !== null) {
    send({ type: 'init', params, positions: uploaded.data.slice(), n: uploaded.n, d: uploaded.d });
  } else {
    send({ type: 'init', params });
  }
}

function refit(x: Float64Array, n: number, d: number): void {
  proj = makeProjection(d, x, n, yaw, pitch);
  if (d <= 2) {
    box = fitBox(projectAll(proj, x, n, d));
  } else {
    // rotation/PCA-invariant box: the ball of radius max|x_i − mean| about the projected mean
    let R = 0;
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c]! += x[i * d + c]! / n;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (x[i * d + c]! - mean[c]!) ** 2;
      R = Math.max(R, Math.sqrt(s));
    }
    const m = projectAll(proj, mean, 1, d);
    box = { cx: m[0]!, cy: m[1]!, half: Math.max(R, 1e-9) * 1.08 };
  }
}

worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  const m = ev.data;
  if (m.run !== run) return; // from a run the page already replaced
  if (m.type === 'error') {
    $('error').textContent = m.message;
    setPlaying(false);
    return;
  }
  if (m.type === 'ready') {
    engine = { backend: m.backend, precision: m.precision };
    initial = m.initial;
    refit(m.initial, m.n, m.d);
    $('backend-actual').textContent = `${m.backend} / ${m.precision}${m.threads > 0 ? ` / ${m.threads} threads` : ''}`;
    return;
  }
  status.framesReceived++;
  if (frame !== null && frame.t !== m.t && $<HTMLInputElement>('show-trails').checked) {
    trails.push(frame.positions);
    if (trails.length > TRAIL_FRAMES) trails.shift();
  }
  frame = m;
  history.push(m);
  status.ready = true;
  status.t = m.t;
  status.stepsPerSec = m.stepsPerSec;
  status.analysisMs = m.analysisMs;
  if (m.d > 3) proj = makeProjection(m.d, m.positions, m.n, yaw, pitch); // PCA follows the state
  $('t').textContent = String(m.t);
  $('time').textContent = m.time.toPrecision(4);
  $('clusters').textContent = String(m.clusterCount);
  $('hull-count').textContent = String(m.hull.length);
  $('leader-count').textContent = m.leadersT === m.t ? String(m.leaders.length) : `${m.leaders.length} (t = ${m.leadersT})`;
  $('diameter').textContent = m.diameter.toPrecision(4);
  $('steps-per-sec').textContent = m.stepsPerSec > 0 ? Math.round(m.stepsPerSec).toLocaleString('en') : '–';
  if (!m.playing) setPlaying(false);
  dirty = true;
};

worker.onerror = (e: ErrorEvent) => {
  $('error').textContent = `worker: ${e.message}`;
  console.error('playground worker failed:', e.message);
};

let playing = false;
function setPlaying(on: boolean): void {
  playing = on;
  $<HTMLButtonElement>('play').disabled = on;
  $<HTMLButtonElement>('pause').disabled = !on;
}
setPlaying(false);

$('play').addEventListener('click', () => {
  $('error').textContent = '';
  setPlaying(true);
  send({ type: 'play' });
});
$('pause').addEventListener('click', () => {
  setPlaying(false);
  send({ type: 'pause' });
});
$('step').addEventListener('click', () => {
  setPlaying(false);
  send({ type: 'step', k: 1 });
});
$('reset').addEventListener('click', () => {
  setPlaying(false);
  restart();
});

// ---------------------------------------------------------------- view
function ballRadius(): number | null {
  if (!$<HTMLInputElement>('show-balls').checked || frame === null) return null;
  if (params.model !== 'localmax' && params.model !== 'hardmax') return null;
  let alpha: number;
  if (params.stepMode === 'alpha') alpha = params.alpha;
  else if (params.gammaKind === 'constant' && params.gamma < 1) alpha = params.gamma / (1 - params.gamma);
  else return null; // ε = δ/(2+2α) needs a constant step size
  const delta = params.model === 'localmax' ? deltaAt(params, frame.t) : 0;
  return delta / (2 + 2 * alpha);
}

function stripDelta(t: number): number {
  return params.model === 'localmax' ? deltaAt(params, t) : 0;
}

function projectionNote(): string {
  const parts = [proj.label];
  if (selected !== null) parts.push(`strip of token ${selected} (δ(t) = ${stripDelta(frame?.t ?? 0).toPrecision(3)}${params.model === 'localmax' ? '' : ': the argmax band'}; ringed: its neighbourhood C_i)`);
  const eps = ballRadius();
  if (eps !== null) parts.push(`balls ε = ${eps.toPrecision(3)}`);
  return parts.join(' · ');
}

function draw(): void {
  if (frame === null) return;
  const t0 = performance.now();
  let A: Float64Array | null = null;
  try {
    A = alignmentMatrix(params, frame.d);
  } catch {
    A = null;
  }
  xyLast = drawState(ctx, canvas.width, canvas.height, {
    x: frame.positions,
    n: frame.n,
    d: frame.d,
    labels: frame.labels,
    hull: frame.hull,
    leaders: frame.leaders,
    proj,
    box,
    showHull: $<HTMLInputElement>('show-hull').checked,
    showLeaders: $<HTMLInputElement>('show-leaders').checked,
    ballRadius: ballRadius(),
    trails: $<HTMLInputElement>('show-trails').checked ? trails : [],
    stripToken: $<HTMLInputElement>('show-strip').checked ? selected : null,
    stripDelta: stripDelta(frame.t),
    A,
    unitCircle: applies(params.model).sphere,
  });
  const r = history.rows;
  const pw = 300, ph = 130;
  drawPlot(plots.diameter, pw, ph, r.t, [{ values: r.diameter, color: '#4e79a7' }], true);
  drawPlot(plots.hull, pw, ph, r.t, [{ values: r.hull, color: '#4e79a7' }, { values: r.leaders, color: '#f28e2b' }], false, true);
  drawPlot(plots.clusters, pw, ph, r.t, [{ values: r.clusters, color: '#4e79a7' }], false, true);
  drawPlot(plots.variance, pw, ph, r.t, [{ values: r.variance, color: '#4e79a7' }], true);
  drawPlot(plots.energy, pw, ph, r.t, [{ values: r.softmaxEnergy, color: '#e15759' }], false);
  $('projection').textContent = projectionNote();
  const ms = performance.now() - t0;
  status.framesDrawn++;
  status.drawMsMean += (ms - status.drawMsMean) / status.framesDrawn;
  status.drawMsMax = Math.max(status.drawMsMax, ms);
  $('frame-ms').textContent = ms.toFixed(1);
}

let lastRaf = -1;
function loop(now: number): void {
  status.rafTicks++;
  if (lastRaf >= 0) status.maxRafGapMs = Math.max(status.maxRafGapMs, now - lastRaf);
  lastRaf = now;
  if (dirty) {
    dirty = false;
    draw();
  }
  requestAnimationFrame(loop);
}
requestAnimationFrame(loop);

for (const id of ['show-hull', 'show-leaders', 'show-balls', 'show-trails', 'show-strip']) {
  $(id).addEventListener('change', () => {
    if (id === 'show-trails') trails.length = 0;
    dirty = true;
  });
}

// click: pick a token for the strip; drag (d = 3): rotate
let drag: { x: number; y: number; moved: boolean } | null = null;
canvas.addEventListener('pointerdown', (e) => {
  drag = { x: e.clientX, y: e.clientY, moved: false };
});
canvas.addEventListener('pointermove', (e) => {
  if (drag === null || frame === null || frame.d !== 3) return;
  const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
  if (!drag.moved && Math.hypot(dx, dy) < 3) return;
  drag.moved = true;
  yaw += dx * 0.01;
  pitch = Math.max(-Math.PI / 2, Math.min(Math.PI / 2, pitch + dy * 0.01));
  drag.x = e.clientX;
  drag.y = e.clientY;
  proj = makeProjection(3, frame.positions, frame.n, yaw, pitch);
  dirty = true;
});
canvas.addEventListener('pointerup', (e) => {
  const wasDrag = drag?.moved === true;
  drag = null;
  if (wasDrag || xyLast === null) return;
  const rect = canvas.getBoundingClientRect();
  const px = ((e.clientX - rect.left) / rect.width) * canvas.width;
  const py = ((e.clientY - rect.top) / rect.height) * canvas.height;
  selected = pick(xyLast, box, canvas.width, canvas.height, px, py);
  dirty = true;
});
canvas.addEventListener('dblclick', () => {
  if (frame !== null) refit(frame.positions, frame.n, frame.d);
  dirty = true;
});

// ---------------------------------------------------------------- upload
function restoreUpload(): typeof uploaded {
  try {
    const s = sessionStorage.getItem('playground-npy');
    if (s === null) return null;
    const o = JSON.parse(s) as { b64: string; name: string };
    return parseUpload(Uint8Array.from(atob(o.b64), (c) => c.charCodeAt(0)), o.name);
  } catch {
    return null;
  }
}

function parseUpload(bytes: Uint8Array, name: string): NonNullable<typeof uploaded> {
  const a = readNpy(bytes);
  if (a.shape.length !== 2 && a.shape.length !== 1) throw new RangeError(`${name}: shape must be (n, d) or (n,), got (${a.shape.join(', ')})`);
  const n = a.shape[0]!;
  const d = a.shape.length === 2 ? a.shape[1]! : 1;
  if (n < 1 || d < 1 || n > MAX_N || d > MAX_D) throw new RangeError(`${name}: n = ${n}, d = ${d}; the playground takes 1 <= n <= ${MAX_N}, 1 <= d <= ${MAX_D}`);
  return { data: Float64Array.from(a.data), n, d, name };
}

$<HTMLInputElement>('npy').addEventListener('change', async (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    uploaded = parseUpload(bytes, file.name);
    if (bytes.length <= 1_500_000) {
      let bin = '';
      for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
      try {
        sessionStorage.setItem('playground-npy', JSON.stringify({ b64: btoa(bin), name: file.name }));
      } catch {
        /* storage full or disabled: the upload still works until reload */
      }
    }
    params = { ...params, init: 'npy', n: uploaded.n, d: uploaded.d };
    setPlaying(false);
    restart();
  } catch (err) {
    $('error').textContent = err instanceof Error ? err.message : String(err);
  } finally {
    input.value = '';
  }
});

// ---------------------------------------------------------------- exports
function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

$('export-npy').addEventListener('click', () => {
  if (frame === null) return;
  const bytes = writeNpy({ data: frame.positions, shape: [frame.n, frame.d] });
  download(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), `state-${params.model}-t${frame.t}.npy`);
});
$('export-png').addEventListener('click', () => {
  canvas.toBlob((b) => {
    if (b !== null) download(b, `canvas-${params.model}-t${frame?.t ?? 0}.png`);
  }, 'image/png');
});
$('export-report').addEventListener('click', () => {
  if (frame === null || initial === null) return;
  // Switch point: replace renderRunRecord by the package's renderRunReport when it is exported.
  const html = renderRunRecord(
    runRecord({
      title: `attention-dynamics playground: ${params.model}, n = ${frame.n}, d = ${frame.d}, t = ${frame.t}`,
      url: location.href,
      params,
      backend: engine.backend,
      precision: engine.precision,
      n: frame.n,
      d: frame.d,
      initial,
      current: frame,
      history,
      projection: proj,
      source: params.init === 'npy' && uploaded !== null ? `uploaded ${uploaded.name}` : null,
    }),
  );
  download(new Blob([html], { type: 'text/html' }), `report-${params.model}-t${frame.t}.html`);
});

restart();
