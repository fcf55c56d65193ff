/**
 * The source text of a step worker (issue 12 part 1), run with
 * `new Worker(source, { eval: true })` in Node and from a Blob URL as a module
 * Web Worker in browsers, so it needs no file of its own next to the bundle.
 * It is plain JavaScript that imports nothing: the kernel arrives as a
 * compiled `WebAssembly.Module` in the first message and is instantiated
 * here, one instance per worker (Debian's wasm32 std has no atomics, so the
 * kernel cannot share memory between instances; DESIGN.md "Threads").
 *
 * One job = one step's rows r0 ≤ i < r1 (the worker's fixed share of 0..n):
 * set the parameters, matrices and generator state of the step from `par`,
 * copy the step's snapshot into the instance, `ad_step_rows`, and hand the
 * updated rows back; for the sphere models one job per integrator stage
 * (`ad_ode_rows`, the rows of the next stage state). The layout of `par`
 * (f64): see PAR in pool.ts.
 *
 * Transport, chosen by the first message:
 * - shared: `ctl` (Int32Array over a SharedArrayBuffer) is the barrier. The
 *   worker waits for ctl[GEN] to change; ctl[CMD] = 1 runs a job reading
 *   `par` and `xin` and writing its rows into `xout` (all SharedArrayBuffers),
 *   2 ends the worker. It stores its status in ctl[STATUS0 + index], then
 *   increments ctl[DONE] and wakes the coordinator when it is the last one.
 * - messages: each later message { par, x } is a job; the reply is
 *   { status, rows } (rows transferred).
 * A job that throws (it should not) reports status 98, so a barrier never hangs.
 */

/** Int32 slots of the shared control block. */
export const CTL = { GEN: 0, DONE: 1, CMD: 2, STATUS0: 4 } as const;
/** Commands in ctl[CMD]. */
export const CMD = { STEP: 1, QUIT: 2 } as const;
/** Status a worker reports when its job threw (a bug, not a numerical failure). */
export const WORKER_FAILED = 98;

const CORE = String.raw`
const GEN = 0, DONE = 1, CMD = 2, STATUS0 = 4;
let K = null, h = 0, n = 0, d = 0, f64 = true, r0 = 0, r1 = 0, index = 0, count = 1, ode = false, stage = -1;
let ctl = null, par = null, xin = null, xout = null;

function view(ptr, len) {
  const buf = K.memory.buffer;
  return f64 ? new Float64Array(buf, ptr >>> 0, len) : new Float32Array(buf, ptr >>> 0, len);
}

function setup(m) {
  n = m.n; d = m.d; f64 = m.precision === 'f64'; index = m.index; count = m.count;
  r0 = Math.floor((index * n) / count); r1 = Math.floor(((index + 1) * n) / count);
  K = new WebAssembly.Instance(m.module, {}).exports;
  ode = !!m.ode;
  h = K.ad_create(f64 ? 0 : 1, n, d, ode ? 1 : 0) >>> 0;
  if (h === 0) throw new Error('step worker ' + index + ': the kernel could not allocate n = ' + n + ', d = ' + d + ' (status ' + (K.ad_last_status() >>> 0) + ')');
}

// One job: parameters from p (Float64Array, layout PAR of pool.ts), input x (n*d); returns the status.
// p[13] = -1: a discrete step's rows from the snapshot x. p[13] = k >= 0: stage k of a sphere step,
// x the state (k = 0) or the gathered stage state S_k (k >= 1); the results are the stage rows.
function job(p, x) {
  const dd = d * d;
  stage = p[13];
  let s = K.ad_set_params(h, p[4], p[5], p[6]) >>> 0;
  if (s === 0) s = K.ad_set_update(h, p[7], p[8], p[9]) >>> 0;
  if (s === 0) s = K.ad_set_engine(h, p[12]) >>> 0;
  if (s === 0) s = K.ad_set_readings(h, p[16]) >>> 0;
  if (s === 0 && stage >= 0) s = K.ad_set_ode(h, p[14], p[15]) >>> 0;
  if (s !== 0) return s;
  if (p[10] === 0) view(K.ad_matrix_ptr(h, 0), dd).set(p.subarray(17, 17 + dd));
  K.ad_set_identity(h, 0, p[10]);
  if (p[11] === 0) view(K.ad_matrix_ptr(h, 1), dd).set(p.subarray(17 + dd, 17 + 2 * dd));
  K.ad_set_identity(h, 1, p[11]);
  K.ad_set_seed(h, p[2], p[3]);
  if (stage < 0) {
    view(K.ad_positions_ptr(h), n * d).set(x);
    return K.ad_step_rows(h, r0, r1, p[0], p[1]) >>> 0;
  }
  view(stage === 0 ? K.ad_positions_ptr(h) : K.ad_stage_ptr(h), n * d).set(x);
  return K.ad_ode_rows(h, stage, r0, r1) >>> 0;
}

function rows() {
  return view(stage < 0 ? K.ad_positions_ptr(h) : K.ad_stage_ptr(h), n * d).subarray(r0 * d, r1 * d);
}

// seen = 0: the generation the coordinator starts from (it may bump it before this loop runs).
function sharedLoop() {
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, GEN, seen);
    const g = Atomics.load(ctl, GEN);
    if (g === seen) continue;
    seen = g;
    if (Atomics.load(ctl, CMD) === 2) return;
    let st;
    try {
      st = job(par, xin);
      if (st === 0) xout.set(rows(), r0 * d);
    } catch (e) {
      st = 98;
    }
    Atomics.store(ctl, STATUS0 + index, st);
    if (Atomics.add(ctl, DONE, 1) === count - 1) Atomics.notify(ctl, DONE);
  }
}

let started = false;
function onMessage(m) {
  if (!started) {
    started = true;
    try {
      setup(m);
    } catch (e) {
      post({ ready: false, error: String(e && e.message || e) });
      return;
    }
    if (m.ctl) {
      ctl = new Int32Array(m.ctl);
      const F = f64 ? Float64Array : Float32Array;
      par = new Float64Array(m.par); xin = new F(m.xin); xout = new F(m.xout);
      post({ ready: true });
      sharedLoop();
      close();
    } else {
      post({ ready: true });
    }
    return;
  }
  let st, out = null;
  try {
    st = job(m.par, m.x);
    if (st === 0) out = rows().slice();
  } catch (e) {
    st = 98;
  }
  post(out === null ? { status: st, rows: null } : { status: st, rows: out }, out === null ? [] : [out.buffer]);
}
`;

/** The worker's source for Node's `worker_threads` (`eval: true`). */
export const NODE_WORKER_SOURCE = `'use strict';
// process.getBuiltinModule, not require: the eval'd source runs as a module when the parent has --input-type=module.
const { parentPort } = process.getBuiltinModule('node:worker_threads');
const post = (m, transfer) => parentPort.postMessage(m, transfer);
const close = () => parentPort.close();
${CORE}
parentPort.on('message', onMessage);
`;

/** The worker's source for a browser module Web Worker. */
export const BROWSER_WORKER_SOURCE = `const post = (m, transfer) => self.postMessage(m, transfer || []);
const close = () => self.close();
${CORE}
self.onmessage = (e) => onMessage(e.data);
`;
