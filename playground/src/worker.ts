/**
 * The playground's simulation worker (a module Web Worker): owns the one
 * Simulation, steps it, runs the analysis of every frame it sends (clusters,
 * hull, leaders, diameter, energies) and posts frames to the page, so the
 * page's main thread only draws. While playing it sends at most one frame per
 * ~16 ms; the page acknowledges nothing (stale frames of an old run are
 * dropped by their run number).
 */
import { Simulation, clusters, diameter, energySeries, hullVertices, leaders, sphereClusters } from 'attention-dynamics';
import { alignmentMatrix, applies, makePositions, simulationOptions } from './params.js';
import type { Params } from './params.js';
import type { Frame, FromWorker, ToWorker } from './protocol.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

let sim: Simulation | null = null;
let params: Params | null = null;
let A: Float64Array | null = null;
let run = 0;
let playing = false;
let speed = 1;
let timer: ReturnType<typeof setTimeout> | null = null;
let lastStepsPerSec = 0;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

function fail(e: unknown): void {
  playing = false;
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  post({ type: 'error', run, message });
}

/**
 * The analysis of the current state, as a frame (positions copied, then
 * transferred). Clusters, hull and diameter are computed for every frame.
 * Leaders and energies are O(n²): while playing they are computed only when
 * the time since they were last computed is at least 4× their cost (so they
 * take at most ~20 % of the worker's time at large n); otherwise the frame
 * carries the last leaders (leadersT says from which step) and NaN energies.
 * A paused or single-stepped state always gets the full analysis.
 */
let heavyCostMs = 0;
let heavyAt = -Infinity;
let lastLeaders: Int32Array = new Int32Array(0);
let lastLeadersT = -1;

function frame(full: boolean): Frame {
  const s = sim!;
  const n = s.n;
  const d = s.d;
  const x = s.positions();
  const t0 = performance.now();
  const cl = applies(s.model).sphere ? sphereClusters(x, n, d) : clusters(x, n, d);
  const hull = hullVertices(x, n, d);
  const diam = diameter(x, n, d).value;
  let variance = NaN;
  let softmaxEnergy = NaN;
  const now = performance.now();
  if (full || now - heavyAt >= 4 * heavyCostMs) {
    const h0 = performance.now();
    lastLeaders = leaders(x, n, d, A ?? undefined);
    lastLeadersT = s.t;
    // one snapshot; one support direction (e_1): the page plots no support function
    const e1 = new Float64Array(d);
    e1[0] = 1;
    const en = energySeries({ n, d, count: 1, times: Float64Array.of(s.t), data: x }, { beta: params!.beta, directions: e1 });
    variance = en.variance[0]!;
    softmaxEnergy = en.softmaxEnergy[0]!;
    heavyAt = performance.now();
    heavyCostMs = heavyAt - h0;
  }
  const analysisMs = performance.now() - t0;
  return {
    type: 'frame',
    run,
    t: s.t,
    time: s.time,
    n,
    d,
    positions: x,
    labels: cl.labels,
    clusterCount: cl.count,
    hull,
    leaders: lastLeaders.slice(),
    leadersT: lastLeadersT,
    diameter: diam,
    variance,
    softmaxEnergy,
    stepsPerSec: lastStepsPerSec,
    analysisMs,
    playing,
  };
}

function send(full: boolean): void {
  const f = frame(full);
  post(f, [f.positions.buffer, f.labels.buffer, f.hull.buffer, f.leaders.buffer]);
}

/** sim.step(k), timing the kernel: steps/s is averaged over windows of >= 250 ms of stepping (or the last batch when slower). */
let windowSteps = 0;
let windowMs = 0;
/** Advances are serialised: a 'step' that arrives while a threaded run() is in flight waits for it. */
let chain: Promise<void> = Promise.resolve();
function advance(k: number): Promise<void> {
  const p = chain.then(() => advanceNow(k));
  chain = p.catch(() => undefined);
  return p;
}
async function advanceNow(k: number): Promise<void> {
  const t0 = performance.now();
  // with kernel workers, step() would block on a barrier that needs cross-origin isolation; run() never does
  if (sim!.threads > 0) await sim!.run(k);
  else sim!.step(k);
  windowMs += performance.now() - t0;
  windowSteps += k;
  if (windowMs >= 250 || !playing) {
    if (windowMs > 0) lastStepsPerSec = (windowSteps * 1000) / windowMs;
    windowSteps = 0;
    windowMs = 0;
  }
}

async function tick(): Promise<void> {
  timer = null;
  if (!playing || sim === null) return;
  const start = performance.now();
  const mine = sim;
  try {
    await advance(speed);
    if (sim !== mine) return; // re-initialised while the step ran
    send(false);
  } catch (e) {
    if (sim === mine) fail(e);
    return;
  }
  if (!playing) return;
  // yield to the message queue (pause, step, init) between batches; at most ~60 frames/s
  timer = setTimeout(tick, Math.max(0, 16 - (performance.now() - start)));
}

function stop(): void {
  playing = false;
  if (timer !== null) clearTimeout(timer);
  timer = null;
}

async function init(msg: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  stop();
  run++;
  const myRun = run;
  sim?.dispose();
  sim = null;
  params = msg.params;
  const p = msg.params;
  const x0 = msg.positions ?? makePositions(p);
  const n = msg.positions ? msg.n! : p.n;
  const d = msg.positions ? msg.d! : p.d;
  A = alignmentMatrix(p, d);
  const created = await Simulation.create(simulationOptions(p, x0, n, d));
  if (myRun !== run) {
    created.dispose(); // a newer init arrived while this one was loading
    return;
  }
  sim = created;
  lastStepsPerSec = 0;
  heavyAt = -Infinity;
  windowSteps = 0;
  windowMs = 0;
  post({ type: 'ready', run, backend: sim.backend, precision: sim.precision, threads: sim.threads, n, d, initial: sim.positions() });
  send(true);
}

scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  try {
    switch (msg.type) {
      case 'init':
        init(msg).catch(fail);
        break;
      case 'play':
        if (sim !== null && !playing) {
          playing = true;
          void tick();
        }
        break;
      case 'pause':
        stop();
        if (sim !== null) send(true);
        break;
      case 'step':
        stop();
        if (sim !== null) {
          const mine = sim;
          advance(msg.k).then(() => { if (sim === mine) send(true); }, (e) => { if (sim === mine) fail(e); });
        }
        break;
      case 'speed':
        speed = msg.speed;
        break;
    }
  } catch (e) {
    fail(e);
  }
};
