// Browser side of test/browser/threads.test.ts (issue 12): `threads: 2` in a
// page, served with or without cross-origin isolation. Plain ES module over
// the BUILT package; leaves a promise of a plain-JSON result in window.__threads.
import { Simulation, initialPositions } from '../../dist/index.js';

/** Bitwise equality of two Float64Arrays. */
function sameBits(a, b) {
  if (a.length !== b.length) return false;
  const ua = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const ub = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  return ua.every((v, k) => v === ub[k]);
}

async function main() {
  const out = { crossOriginIsolated: self.crossOriginIsolated === true, sharedArrayBuffer: typeof SharedArrayBuffer === 'function', error: null };
  // 1. bit identity: softmax-markov on 2 workers (run()) vs the calling thread (step()), n = 101 (odd).
  const small = { model: 'softmax-markov', seed: 5, beta: 2, n: 101, d: 3, backend: 'wasm', positions: initialPositions({ kind: 'uniform', n: 101, d: 3, seed: 1 }) };
  const one = await Simulation.create({ ...small, threads: 0 });
  one.step(20);
  const two = await Simulation.create({ ...small, threads: 2 });
  out.threads = two.threads;
  const r = await two.run(20);
  out.smallRun = r;
  out.identical = sameBits(one.positions(), two.positions()) && one.rngState === two.rngState;
  // 2. step() with threads on the main thread: an Error naming run(), nothing changed.
  try {
    two.step(1);
    out.stepError = null;
  } catch (e) {
    out.stepError = String(e.message);
  }
  out.tAfterStepError = two.t;
  one.dispose();
  two.dispose();
  // 3. run() keeps the main thread responsive: a requestAnimationFrame counter advances
  //    while 200 steps of n = 4096, d = 16 run on 2 workers.
  const n = 4096;
  const d = 16;
  const sim = await Simulation.create({ model: 'hardmax', alpha: 1, n, d, backend: 'wasm', threads: 2, positions: initialPositions({ kind: 'uniform', n, d, seed: 3 }) });
  let frames = 0;
  let counting = true;
  const tick = () => {
    frames++;
    if (counting) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const f0 = frames;
  const t0 = performance.now();
  let progress = 0;
  out.bigRun = await sim.run(200, { onProgress: () => progress++ });
  out.bigRunMs = performance.now() - t0;
  counting = false;
  out.framesDuringRun = frames - f0;
  out.progressCalls = progress;
  sim.dispose();
  return out;
}

window.__threads = main().catch((e) => ({ error: String((e && e.stack) || e) }));
