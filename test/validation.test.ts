/**
 * Bad options throw TypeError (wrong type or kind, unknown string) or
 * RangeError (wrong value, length or range), and the message names the option
 * and the bad value (DESIGN.md "Public names").
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../ts/index.js';
import { BACKENDS, type Options, expectExact, randomCloud, withSim } from './helpers.js';

type Needle = string | RegExp;
type ErrorClass = typeof TypeError | typeof RangeError;

async function createError(opts: unknown): Promise<unknown> {
  try {
    const sim = await Simulation.create(opts as Options);
    sim.dispose();
  } catch (e) {
    return e;
  }
  return undefined;
}

function syncError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

function expectError(e: unknown, cls: ErrorClass | readonly ErrorClass[], needles: readonly Needle[], label: string): void {
  expect(e, `${label}: expected an error, nothing was thrown`).toBeDefined();
  const classes = Array.isArray(cls) ? cls : [cls];
  const ok = classes.some((c) => e instanceof c);
  expect(ok, `${label}: expected ${classes.map((c) => c.name).join(' or ')}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`).toBe(true);
  const msg = (e as Error).message;
  for (const nd of needles) {
    if (typeof nd === 'string') expect(msg, `${label}: message should mention "${nd}"`).toContain(nd);
    else expect(msg, `${label}: message should match ${nd}`).toMatch(nd);
  }
}

const X = new Float64Array([0, 1, 1, 0, -1, 0.5]); // n = 3, d = 2
const base = (): Options => ({ model: 'localmax', positions: X, n: 3, d: 2 });

interface Case {
  label: string;
  opts: () => unknown;
  cls: ErrorClass | readonly ErrorClass[];
  needles: Needle[];
}

const CASES: Case[] = [
  // positions
  { label: 'NaN in a Float64Array', opts: () => ({ ...base(), positions: new Float64Array([0, 1, NaN, 0, 1, 1]) }), cls: RangeError, needles: ['positions', 'NaN'] },
  { label: 'Infinity in rows', opts: () => ({ model: 'hardmax', positions: [[0, 1], [Infinity, 0]] }), cls: RangeError, needles: ['positions', 'Infinity'] },
  { label: '-Infinity in a Float32Array', opts: () => ({ ...base(), positions: new Float32Array([0, 1, 0, -Infinity, 1, 1]) }), cls: RangeError, needles: ['positions', 'Infinity'] },
  { label: 'NaN in a number[]', opts: () => ({ ...base(), positions: [0, 1, 0, 1, NaN, 1] }), cls: RangeError, needles: ['positions', 'NaN'] },
  { label: 'flat length 5 ≠ n*d = 6', opts: () => ({ ...base(), positions: new Float64Array(5) }), cls: RangeError, needles: ['positions', /\b5\b/] },
  { label: 'flat length 7 ≠ n*d = 6 (number[])', opts: () => ({ ...base(), positions: [1, 2, 3, 4, 5, 6, 7] }), cls: RangeError, needles: ['positions', /\b7\b/] },
  { label: 'ragged rows', opts: () => ({ model: 'hardmax', positions: [[1, 2, 3], [4, 5, 6], [7, 8]] }), cls: RangeError, needles: ['positions'] },
  { label: 'rows inconsistent with n', opts: () => ({ model: 'hardmax', positions: [[1, 2], [3, 4]], n: 3 }), cls: RangeError, needles: [/\bn\b/, /\b3\b/] },
  { label: 'rows inconsistent with d', opts: () => ({ model: 'hardmax', positions: [[1, 2], [3, 4]], d: 5 }), cls: RangeError, needles: [/\bd\b/, /\b5\b/] },
  { label: 'a string entry in a row', opts: () => ({ model: 'hardmax', positions: [[1, 'a'], [3, 4]] }), cls: TypeError, needles: ['positions'] },
  { label: 'positions is a string', opts: () => ({ model: 'hardmax', positions: 'abc', n: 1, d: 3 }), cls: TypeError, needles: ['positions'] },
  { label: 'positions missing', opts: () => ({ model: 'hardmax', n: 1, d: 3 }), cls: TypeError, needles: ['positions'] },
  { label: 'empty rows', opts: () => ({ model: 'hardmax', positions: [] }), cls: RangeError, needles: [/\bn\b|positions/] },
  { label: 'flat array without n and d', opts: () => ({ model: 'hardmax', positions: new Float64Array(6) }), cls: [TypeError, RangeError], needles: [/\bn\b|\bd\b/] },
  // n, d
  { label: 'n = 0', opts: () => ({ ...base(), positions: new Float64Array(0), n: 0 }), cls: RangeError, needles: [/\bn\b/, /\b0\b/] },
  { label: 'd = 0', opts: () => ({ ...base(), positions: new Float64Array(0), d: 0 }), cls: RangeError, needles: [/\bd\b/, /\b0\b/] },
  { label: 'n = 1.5', opts: () => ({ ...base(), n: 1.5, d: 4 }), cls: RangeError, needles: [/\bn\b/, '1.5'] },
  { label: 'd = -2', opts: () => ({ ...base(), n: -3, d: -2 }), cls: RangeError, needles: [/-[23]\b/] },
  { label: 'd = 2.5', opts: () => ({ ...base(), n: 2.4, d: 2.5 }), cls: RangeError, needles: [/2\.[45]/] },
  { label: 'n = NaN', opts: () => ({ ...base(), n: NaN }), cls: RangeError, needles: [/\bn\b/, 'NaN'] },
  { label: "n = '3' (string)", opts: () => ({ ...base(), n: '3' }), cls: TypeError, needles: [/\bn\b/] },
  // A
  { label: 'A with NaN', opts: () => ({ ...base(), A: [1, 0, NaN, 1] }), cls: RangeError, needles: [/\bA\b/, 'NaN'] },
  { label: 'A with Infinity (Float64Array)', opts: () => ({ ...base(), A: new Float64Array([1, Infinity, 0, 1]) }), cls: RangeError, needles: [/\bA\b/, 'Infinity'] },
  { label: 'A of length 3 for d = 2', opts: () => ({ ...base(), A: [1, 0, 1] }), cls: RangeError, needles: [/\bA\b/, /\b3\b/] },
  { label: 'A of length 9 for d = 2', opts: () => ({ ...base(), A: new Float64Array(9) }), cls: RangeError, needles: [/\bA\b/, /\b9\b/] },
  { label: 'A with 3 rows for d = 2', opts: () => ({ ...base(), A: [[1, 0], [0, 1], [0, 0]] }), cls: RangeError, needles: [/\bA\b/] },
  { label: 'A with a ragged row', opts: () => ({ ...base(), A: [[1, 0], [0]] }), cls: RangeError, needles: [/\bA\b/] },
  { label: 'A is a string', opts: () => ({ ...base(), A: 'identity' }), cls: TypeError, needles: [/\bA\b/] },
  // alpha
  { label: 'alpha = 0', opts: () => ({ ...base(), alpha: 0 }), cls: RangeError, needles: ['alpha', /\b0\b/] },
  { label: 'alpha = -1', opts: () => ({ ...base(), alpha: -1 }), cls: RangeError, needles: ['alpha', '-1'] },
  { label: 'alpha = NaN', opts: () => ({ ...base(), alpha: NaN }), cls: RangeError, needles: ['alpha', 'NaN'] },
  { label: 'alpha = Infinity', opts: () => ({ ...base(), alpha: Infinity }), cls: RangeError, needles: ['alpha', 'Infinity'] },
  { label: "alpha = '1'", opts: () => ({ ...base(), alpha: '1' }), cls: TypeError, needles: ['alpha'] },
  // delta
  { label: 'delta = -0.1', opts: () => ({ ...base(), delta: -0.1 }), cls: RangeError, needles: ['delta', '-0.1'] },
  { label: 'delta = NaN', opts: () => ({ ...base(), delta: NaN }), cls: RangeError, needles: ['delta', 'NaN'] },
  { label: 'delta = -Infinity', opts: () => ({ ...base(), delta: -Infinity }), cls: RangeError, needles: ['delta', 'Infinity'] },
  { label: "delta = '0.1'", opts: () => ({ ...base(), delta: '0.1' }), cls: TypeError, needles: ['delta'] },
  { label: 'delta of unknown kind', opts: () => ({ ...base(), delta: { kind: 'bogus', delta: 1 } }), cls: TypeError, needles: ['bogus'] },
  { label: 'power schedule with delta0 = -1', opts: () => ({ ...base(), delta: { kind: 'power', delta0: -1, p: 1 } }), cls: RangeError, needles: ['delta', '-1'] },
  { label: 'power schedule with p = NaN', opts: () => ({ ...base(), delta: { kind: 'power', delta0: 1, p: NaN } }), cls: RangeError, needles: ['NaN'] },
  { label: 'geometric schedule with ratio = -0.5', opts: () => ({ ...base(), delta: { kind: 'geometric', delta0: 1, ratio: -0.5 } }), cls: RangeError, needles: ['ratio', '-0.5'] },
  { label: 'constant schedule with delta = -2', opts: () => ({ ...base(), delta: { kind: 'constant', delta: -2 } }), cls: RangeError, needles: ['delta', '-2'] },
  { label: 'piecewise with starts[0] = 1', opts: () => ({ ...base(), delta: { kind: 'piecewise', starts: [1, 3], values: [0.1, 0.2] } }), cls: RangeError, needles: ['starts'] },
  { label: 'piecewise with mismatched lengths', opts: () => ({ ...base(), delta: { kind: 'piecewise', starts: [0, 3], values: [0.1] } }), cls: RangeError, needles: [/values|starts/] },
  { label: 'piecewise with a negative value', opts: () => ({ ...base(), delta: { kind: 'piecewise', starts: [0, 3], values: [0.1, -0.3] } }), cls: RangeError, needles: ['-0.3'] },
  // beta
  { label: 'beta = -1', opts: () => ({ ...base(), model: 'softmax', beta: -1 }), cls: RangeError, needles: ['beta', '-1'] },
  { label: 'beta = NaN', opts: () => ({ ...base(), model: 'softmax', beta: NaN }), cls: RangeError, needles: ['beta', 'NaN'] },
  { label: 'beta = Infinity', opts: () => ({ ...base(), model: 'softmax', beta: Infinity }), cls: RangeError, needles: ['beta', 'Infinity'] },
  // tieTolerance
  { label: 'tieTolerance = -1e-9', opts: () => ({ ...base(), tieTolerance: -1e-9 }), cls: RangeError, needles: ['tieTolerance', '-1e-9'] },
  { label: 'tieTolerance = NaN', opts: () => ({ ...base(), tieTolerance: NaN }), cls: RangeError, needles: ['tieTolerance', 'NaN'] },
  // strings
  { label: "model 'maxmax'", opts: () => ({ ...base(), model: 'maxmax' }), cls: TypeError, needles: ['model', 'maxmax'] },
  { label: 'model missing', opts: () => ({ positions: X, n: 3, d: 2 }), cls: TypeError, needles: ['model'] },
  { label: "backend 'gpu'", opts: () => ({ ...base(), backend: 'gpu' }), cls: TypeError, needles: ['backend', 'gpu'] },
  { label: "precision 'f16'", opts: () => ({ ...base(), precision: 'f16' }), cls: TypeError, needles: ['precision', 'f16'] },
];

describe.each(BACKENDS)('Simulation.create on %s rejects bad options', (backend) => {
  for (const c of CASES) {
    it(c.label, async () => {
      const opts = c.opts() as Record<string, unknown>;
      if (!('backend' in opts)) opts.backend = backend;
      expectError(await createError(opts), c.cls, c.needles, c.label);
    });
  }

  it('accepts the limits of the valid ranges (δ = 0, δ = Infinity, β = 0, τ = 0, tiny α)', async () => {
    for (const o of [
      { delta: 0 },
      { delta: Infinity },
      { model: 'softmax' as const, beta: 0 },
      { tieTolerance: 0 },
      { alpha: 1e-9 },
      { alpha: 1e9 },
      { delta: { kind: 'piecewise' as const, starts: [0], values: [Infinity] } },
    ]) {
      await withSim({ ...base(), backend, ...o } as Options, (sim) => {
        sim.step(2);
        expect(sim.t).toBe(2);
        for (const v of sim.positions()) expect(Number.isFinite(v)).toBe(true);
      });
    }
  });
});

describe.each(BACKENDS)('step() on %s', (backend) => {
  const x0 = randomCloud(5, 6, 2);

  for (const bad of [
    { t: 3, value: NaN, cls: RangeError, needles: ['delta', 'NaN', /\b3\b/] },
    { t: 2, value: -0.5, cls: RangeError, needles: ['delta', '-0.5', /\b2\b/] },
    { t: 4, value: -Infinity, cls: RangeError, needles: ['delta', 'Infinity', /\b4\b/] },
  ]) {
    it(`a schedule returning ${bad.value} at t = ${bad.t}: step(6) stops at t = ${bad.t}, the steps before it done, the bad one not`, async () => {
      const fn = (t: number) => (t === bad.t ? bad.value : 0.2);
      // the state of a clean run of bad.t steps with the same schedule values
      const ref = await withSim({ model: 'localmax', positions: x0, n: 6, d: 2, delta: 0.2, backend }, (s) => s.step(bad.t).positions());
      await withSim({ model: 'localmax', positions: x0, n: 6, d: 2, delta: fn, backend }, (sim) => {
        expectError(syncError(() => sim.step(6)), bad.cls, bad.needles, 'step(6)');
        expect(sim.t).toBe(bad.t);
        expectExact(sim.positions(), ref, 'positions after the throw');
        // the bad step still throws and changes nothing
        expectError(syncError(() => sim.step(1)), bad.cls, bad.needles, 'step(1)');
        expect(sim.t).toBe(bad.t);
        expectExact(sim.positions(), ref, 'positions after the second throw');
      });
    });
  }

  it('a schedule returning a non-number throws a TypeError naming delta, after the steps before it', async () => {
    const fn = ((t: number) => (t === 1 ? 'x' : 0.1)) as unknown as (t: number) => number;
    const ref = await withSim({ model: 'localmax', positions: x0, n: 6, d: 2, delta: 0.1, backend }, (s) => s.step(1).positions());
    await withSim({ model: 'localmax', positions: x0, n: 6, d: 2, delta: fn, backend }, (sim) => {
      expectError(syncError(() => sim.step(3)), TypeError, ['delta', 't = 1'], 'step(3)');
      expect(sim.t).toBe(1);
      expectExact(sim.positions(), ref, 'positions after the throw');
    });
  });

  for (const k of [-1, 1.5, NaN, Infinity, -0.5]) {
    it(`step(${k}) throws a RangeError naming the value`, async () => {
      await withSim({ model: 'hardmax', positions: x0, n: 6, d: 2, backend }, (sim) => {
        const before = sim.positions();
        expectError(syncError(() => sim.step(k)), RangeError, [String(k)], `step(${k})`);
        expect(sim.t).toBe(0);
        expectExact(sim.positions(), before, 'positions');
      });
    });
  }

  it("step('2') throws a TypeError", async () => {
    await withSim({ model: 'hardmax', positions: x0, n: 6, d: 2, backend }, (sim) => {
      expectError(syncError(() => sim.step('2' as unknown as number)), TypeError, [], "step('2')");
      expect(sim.t).toBe(0);
    });
  });

  it('step(0) is a no-op and step() advances one step', async () => {
    await withSim({ model: 'hardmax', positions: x0, n: 6, d: 2, backend }, (sim) => {
      const before = sim.positions();
      sim.step(0);
      expect(sim.t).toBe(0);
      expectExact(sim.positions(), before, 'after step(0)');
      sim.step();
      expect(sim.t).toBe(1);
    });
  });
});

describe('a simulation larger than wasm32 memory', () => {
  // n·d·8 bytes = 2^20 · 513 · 8 ≈ 4.30e9 > 4 GiB = 4.29e9: the f64 state alone cannot fit
  // in a 32-bit wasm memory. The Float64Array is allocated lazily by the OS (zero pages),
  // so building the input costs neither time nor resident memory unless it is read.
  it('fails with a RangeError about memory, not a wasm trap', async () => {
    const n = 2 ** 20;
    const d = 513;
    expect(n * d * 8).toBeGreaterThan(2 ** 32);
    const positions = new Float64Array(n * d);
    const e = await createError({ model: 'hardmax', positions, n, d, backend: 'wasm', precision: 'f64' });
    expectError(e, RangeError, [/memory/i], 'create');
    expect(e).not.toBeInstanceOf(WebAssembly.RuntimeError);
    // the module is still usable afterwards
    await withSim({ model: 'hardmax', positions: new Float64Array([1, 0, 0, 1]), n: 2, d: 2, backend: 'wasm' }, (sim) => {
      sim.step(1);
      expect(sim.t).toBe(1);
    });
  });
});

describe('the public schedules namespace (issue 11 part 2)', () => {
  it('holds the seven constructors and none of the internal checkers', async () => {
    const { schedules } = await import('../ts/index.js');
    expect(Object.keys(schedules).sort()).toEqual(['constant', 'expRise', 'frankWolfe', 'gammaGeometric', 'geometric', 'piecewise', 'power']);
    // the constructors still build specs that Simulation accepts
    const sim = await Simulation.create({ model: 'localmax', positions: [0, 0, 1, 0, 0, 1], n: 3, d: 2, alpha: 1, delta: schedules.power(0.2, 1), backend: 'js' });
    try {
      expect(sim.deltaAt(1)).toBeCloseTo(0.1, 15);
    } finally {
      sim.dispose();
    }
  });
});

describe('Simulation.A (issue 11 part 3)', () => {
  it('is A as given, Kᵀ Q for Q/K runs, null for the identity, and a copy the caller owns', async () => {
    const x = [0.3, 0.1, -0.2, 0.5, 0.7, -0.4];
    const none = await Simulation.create({ model: 'hardmax', positions: x, n: 3, d: 2, backend: 'js' });
    const givenA = await Simulation.create({ model: 'hardmax', positions: x, n: 3, d: 2, A: [[2, 1], [0, 3]], backend: 'js' });
    // sphere-sa with Q = [[1,2],[3,4]] and K = [[0,1],[5,-1]]: (KᵀQ)_rc = Σ_k K_kr Q_kc, by hand
    const qk = await Simulation.create({ model: 'sphere-sa', positions: x, n: 3, d: 2, Q: [1, 2, 3, 4], K: [0, 1, 5, -1], backend: 'js' });
    const onlyQ = await Simulation.create({ model: 'sphere-sa', positions: x, n: 3, d: 2, Q: [1, 2, 3, 4], backend: 'js', precision: 'f32' });
    try {
      expect(none.A).toBeNull();
      expect(Array.from(givenA.A!)).toEqual([2, 1, 0, 3]);
      expect(Array.from(qk.A!)).toEqual([0 * 1 + 5 * 3, 0 * 2 + 5 * 4, 1 * 1 + -1 * 3, 1 * 2 + -1 * 4]);
      expect(onlyQ.A).toBeInstanceOf(Float64Array);
      expect(Array.from(onlyQ.A!)).toEqual([1, 2, 3, 4]);
      const a = givenA.A!;
      a[0] = 99;
      expect(givenA.A![0], 'the getter must return a copy').toBe(2);
    } finally {
      for (const s of [none, givenA, qk, onlyQ]) s.dispose();
    }
    expect(() => none.A).toThrow();
  });
});

describe('createBackend (issue 11 part 2): the caller may change its array as soon as create() returns', () => {
  it.each(['wasm', 'js'] as const)('%s: positions are those at the call, for the first and for later simulations', async (backend) => {
    for (let round = 0; round < 2; round++) {
      const x = Float64Array.from([0.1, 0.2, 0.3, 0.4, -0.5, 0.6]);
      const pending = Simulation.create({ model: 'hardmax', positions: x, n: 3, d: 2, backend });
      x.fill(9); // before create() resolves
      const sim = await pending;
      try {
        expect(Array.from(sim.positions())).toEqual([0.1, 0.2, 0.3, 0.4, -0.5, 0.6]);
      } finally {
        sim.dispose();
      }
    }
  });
});
