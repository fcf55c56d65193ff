// Browser side of test/browser/smoke.test.ts. Plain ES module, no bundler:
// it loads the BUILT package from /dist/index.js (served from the project root)
// and leaves a promise of a plain-JSON result in window.__smoke.

// The smallest module that uses v128: (func (result v128) i32.const 0
// i8x16.splat i8x16.popcnt). WebAssembly.validate is true iff SIMD is supported
// (the same probe as wasm-feature-detect).
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x0a, 0x0a, 0x01, 0x08, 0x00, // code: one body of 8 bytes, no locals
  0x41, 0x00, 0xfd, 0x0f, 0xfd, 0x62, 0x0b, // i32.const 0; i8x16.splat; i8x16.popcnt; end
]);

const N = 64;
const D = 2;
const STEPS = 10;
const SEED = 20240601;

// mulberry32: a tiny seeded PRNG, uniform in [0, 1).
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function startPositions() {
  const rand = mulberry32(SEED);
  const x = new Float64Array(N * D);
  for (let i = 0; i < x.length; i++) x[i] = 2 * rand() - 1; // uniform in [-1, 1)^d
  return x;
}

function describeError(e) {
  if (e instanceof Error) return `${e.name}: ${e.message}${e.stack ? `\n${e.stack}` : ''}`;
  return String(e);
}

async function runBackend(Simulation, backend, start) {
  const sim = await Simulation.create({
    model: 'localmax',
    positions: start.slice(),
    n: N,
    d: D,
    alpha: 0.5,
    delta: 0.1,
    backend,
    precision: 'f64',
  });
  try {
    sim.step(STEPS);
    return { positions: Array.from(sim.positions()), t: sim.t };
  } finally {
    sim.dispose();
  }
}

async function run() {
  const result = {
    userAgent: navigator.userAgent,
    simdValidate: WebAssembly.validate(SIMD_PROBE),
    n: N,
    d: D,
    steps: STEPS,
    error: null,
  };
  let mod;
  try {
    mod = await import('/dist/index.js');
  } catch (e) {
    result.error = `import('/dist/index.js') failed: ${describeError(e)}`;
    return result;
  }
  const start = startPositions();
  result.start = Array.from(start);
  for (const backend of ['wasm', 'js']) {
    try {
      result[backend] = await runBackend(mod.Simulation, backend, start);
    } catch (e) {
      result.error = `backend '${backend}': ${describeError(e)}`;
      return result;
    }
  }
  // The analysis layer runs in the page too (no import map: nothing in dist/ imports a bare name).
  try {
    const n = result.start.length / 2;
    result.hullWasm = Array.from(mod.hullVertices(Float64Array.from(result.wasm.positions), n, 2));
    result.hullJs = Array.from(mod.hullVertices(Float64Array.from(result.js.positions), n, 2));
  } catch (e) {
    result.error = `analysis: ${describeError(e)}`;
  }
  return result;
}

window.__smoke = run().catch((e) => ({ error: `unexpected: ${describeError(e)}` }));
