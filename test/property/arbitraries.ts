/**
 * fast-check arbitraries of Simulation options, shared by the options and
 * steps property suites: every model × backend × precision, with sane,
 * extreme and hostile values for every option.
 *
 * Schedule functions are generated as plain descriptions ({ $fn: … }) and
 * turned into functions by `build`, so a shrunk counterexample prints as
 * readable data.
 */
import fc from 'fast-check';

export const MODELS = ['hardmax', 'localmax', 'softmax', 'frank-wolfe', 'softmax-markov', 'sphere-sa', 'sphere-usa', 'euclidean-sa'] as const;
export type ModelName = (typeof MODELS)[number];
/** The continuous-time models (dt, integrator; no alpha, gamma, h, sphere). */
export const ODE: ReadonlySet<string> = new Set(['sphere-sa', 'sphere-usa', 'euclidean-sa']);
/** The models whose tokens live on the unit sphere. */
export const SPHERE: ReadonlySet<string> = new Set(['sphere-sa', 'sphere-usa']);

/** Every option name of Simulation.create, plus the names errors may use for derived quantities. */
export const OPTION_NAMES: ReadonlySet<string> = new Set([
  'model', 'positions', 'n', 'd', 'alpha', 'gamma', 'delta', 'beta', 'A', 'Q', 'K', 'V', 'h', 'sphere', 'seed', 'dt',
  'integrator', 'tieTolerance', 'backend', 'precision', 'gap', 'threshold', 'includeSelf', 'selfWeight', 'afterStep',
  // derived names used by the messages: the step count of step(k), the size n*d, the product KᵀQ
  'k', 'n*d', 'KᵀQ',
]);

/** The error a hostile schedule function throws (it must propagate unchanged). */
export class ScheduleBoom extends Error {
  constructor(t: number) {
    super(`schedule function threw at t = ${t} (on purpose)`);
    this.name = 'ScheduleBoom';
  }
}

/**
 * The option or quantity an error message names, or null. Accepted forms
 * (the grammar of ts/check.ts and of Simulation.step):
 *   `<name> must be …`, `<name>[3] (token 1, …) must be …`, `<name>.values must …`, `<name>(t) must …`,
 *   `<name>: …`, `<name> = … with …`, `<name> is required …`, `<name>/<name> select …`, `n and d are …`;
 *   `unknown option '<x>' in options`, `option '<x>' does not apply …`, `give <a> or <b>, not both`;
 *   step failures naming the step: `… the step from t = 3 to t = 4 …`.
 */
export function namedIn(message: string): string | null {
  const lead = /^([A-Za-zᵀ]+(?:\*[a-z]+)?)(?=[\s[.(:/=]|$)/.exec(message);
  if (lead && OPTION_NAMES.has(lead[1] as string)) return lead[1] as string;
  const opt = /\boption '([^']*)'/.exec(message);
  if (opt) return opt[1] as string;
  const give = /^give (\w+) or /.exec(message);
  if (give && OPTION_NAMES.has(give[1] as string)) return give[1] as string;
  if (/\bt = \d+\b/.test(message)) return 't';
  return null;
}

// ---------------------------------------------------------------------------
// numbers

/** ±m·10^e with e in [-300, 300]: extreme magnitudes. */
export const extremeMagnitude: fc.Arbitrary<number> = fc
  .tuple(fc.boolean(), fc.integer({ min: -300, max: 300 }), fc.double({ min: 1, max: 9.99, noNaN: true }))
  .map(([neg, e, m]) => (neg ? -1 : 1) * m * 10 ** e);

/** Special and boundary numbers. */
export const specialNumber: fc.Arbitrary<number> = fc.constantFrom(
  0, -0, 1, -1, 0.5, 2, 1e-300, -1e-300, 1e300, -1e300, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE,
  NaN, Infinity, -Infinity, 2 ** 53, 2 ** 31, -(2 ** 31), 1.5, 0.1, 1e-12, 1e-5, 3.4028235677973366e38,
);

/** Any number, often hostile. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 3, arbitrary: specialNumber },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: extremeMagnitude },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 10 }) },
);

/** Values of the wrong type. */
export const wrongType: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  null, undefined, '0.5', '', 'abc', true, false, [], {}, [0.5], 1n, -3n, Symbol('s'), new Date(0), new Float64Array(1),
  { kind: 'constant' }, Object.create(null) as unknown,
  // a function where a number is due
  { $fn: { good: 0.5, bad: 0.5, at: 0 } },
);

export const hostile: fc.Arbitrary<unknown> = fc.oneof({ weight: 3, arbitrary: hostileNumber }, { weight: 1, arbitrary: wrongType });

/** An option value: usually absent, often sane, sometimes hostile. */
export function option<T>(sane: fc.Arbitrary<T>, hostileWeight = 1): fc.Arbitrary<T | unknown> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(ABSENT) },
    { weight: 6, arbitrary: sane },
    { weight: hostileWeight, arbitrary: hostile },
  );
}

/** Marks an option that is not set at all (distinct from an explicit undefined). */
export const ABSENT = '$absent';

// ---------------------------------------------------------------------------
// schedules

/** What a hostile schedule function returns at t >= at (before: `good`). */
export const badReturn = fc.constantFrom<unknown>(
  NaN, -1, 0, 2, -0, Infinity, -Infinity, 1e-300, '0.5', null, undefined, {}, 1n, 'throw',
  { valueOf: 'valueOf 0.5' },
);

export interface FnDesc {
  $fn: { good: number; bad: unknown; at: number };
}

export function fnDesc(good: fc.Arbitrary<number>): fc.Arbitrary<FnDesc> {
  return fc.record({
    good,
    bad: fc.oneof({ weight: 3, arbitrary: badReturn }, { weight: 1, arbitrary: good }),
    at: fc.integer({ min: 0, max: 30 }),
  }).map(($fn) => ({ $fn }));
}

/** A list for piecewise schedules: usually sane, sometimes with holes or bad entries. */
function list(entry: fc.Arbitrary<number>, len = 3): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(entry, { minLength: 1, maxLength: len }) },
    { weight: 1, arbitrary: fc.sparseArray(entry, { maxLength: len }) },
    { weight: 1, arbitrary: fc.array(hostile, { maxLength: len }) },
    { weight: 1, arbitrary: hostile },
  );
}

const starts: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 3 }).map((a) => [0, ...a.sort((x, y) => x - y)]) },
  { weight: 1, arbitrary: list(fc.integer({ min: -2, max: 40 })) },
);

/** γ: a number, a schedule object of any kind (sane or not), or a function. */
export function gammaArb(): fc.Arbitrary<unknown> {
  const g = fc.double({ min: 0.01, max: 1, noNaN: true });
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: a }, { weight: 1, arbitrary: hostile });
  const spec = fc.oneof(
    fc.record({ kind: fc.constant('constant'), gamma: maybe(g) }),
    fc.record({ kind: fc.constant('frank-wolfe') }),
    fc.record({ kind: fc.constant('exp-rise'), a: maybe(fc.double({ min: 0.01, max: 5, noNaN: true })) }),
    fc.record({ kind: fc.constant('geometric'), gamma0: maybe(g), ratio: maybe(fc.double({ min: 0.1, max: 1, noNaN: true })) }),
    fc.record({ kind: fc.constant('piecewise'), starts, values: list(g) }, { requiredKeys: ['kind'] }),
    fc.record({ kind: fc.constantFrom<unknown>('power', 'bogus', 7, undefined, null), gamma: g }),
  );
  const withExtra = fc.tuple(spec, fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('delta', 'extra', 'values') }))
    .map(([s, extra]) => (extra === null ? s : { ...s, [extra]: 0.5 }));
  return fc.oneof({ weight: 3, arbitrary: g }, { weight: 3, arbitrary: withExtra }, { weight: 2, arbitrary: fnDesc(g) }, { weight: 1, arbitrary: hostile });
}

/** δ: a number (Infinity allowed), a schedule object of any kind, or a function. */
export function deltaArb(): fc.Arbitrary<unknown> {
  const dl = fc.oneof(fc.double({ min: 0, max: 2, noNaN: true }), fc.constantFrom(0, Infinity, 1e300));
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: a }, { weight: 1, arbitrary: hostile });
  const spec = fc.oneof(
    fc.record({ kind: fc.constant('constant'), delta: maybe(dl) }),
    fc.record({ kind: fc.constant('power'), delta0: maybe(dl), p: maybe(fc.oneof(fc.double({ min: 0, max: 3, noNaN: true }), fc.constant(1e308))) }),
    fc.record({ kind: fc.constant('geometric'), delta0: maybe(dl), ratio: maybe(fc.oneof(fc.double({ min: 0, max: 2, noNaN: true }), fc.constant(0))) }),
    fc.record({ kind: fc.constant('piecewise'), starts, values: list(dl) }, { requiredKeys: ['kind'] }),
    fc.record({ kind: fc.constantFrom<unknown>('exp-rise', 'frank-wolfe', 'x', undefined), delta: dl }),
  );
  return fc.oneof({ weight: 3, arbitrary: dl }, { weight: 3, arbitrary: spec }, { weight: 2, arbitrary: fnDesc(fc.double({ min: 0, max: 1, noNaN: true })) }, { weight: 1, arbitrary: hostile });
}

// ---------------------------------------------------------------------------
// positions and matrices

/** A coordinate: mostly moderate, sometimes extreme or special. */
export const coordinate: fc.Arbitrary<number> = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) },
  { weight: 2, arbitrary: extremeMagnitude },
  { weight: 1, arbitrary: specialNumber },
);

/** Row-major n*d numbers with a structure: random, duplicated rows, collinear, all equal; optionally scaled by 10^e. */
export function cloud(n: number, d: number): fc.Arbitrary<number[]> {
  const rows = fc.array(fc.array(coordinate, { minLength: d, maxLength: d }), { minLength: n, maxLength: n });
  const structured = fc
    .record({
      base: rows,
      kind: fc.constantFrom('random', 'duplicates', 'collinear', 'equal', 'axis'),
      pick: fc.array(fc.nat(), { minLength: n, maxLength: n }),
      ts: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: n, maxLength: n }),
      scale: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -300, max: 300 }) }),
    })
    .map(({ base, kind, pick, ts, scale }) => {
      let out: number[][];
      switch (kind) {
        case 'duplicates':
          out = base.map((r, i) => (i > 0 && (pick[i] as number) % 2 === 0 ? [...(base[(pick[i] as number) % i] as number[])] : r));
          break;
        case 'collinear':
          out = base.map((_, i) => (base[0] as number[]).map((v, c) => v + (ts[i] as number) * ((base[n > 1 ? 1 : 0] as number[])[c] as number)));
          break;
        case 'equal':
          out = base.map(() => [...(base[0] as number[])]);
          break;
        case 'axis':
          out = base.map((_, i) => Array.from({ length: d }, (_, c) => (c === i % d ? (ts[i] as number) : 0)));
          break;
        default:
          out = base;
      }
      const f = 10 ** scale;
      return out.flat().map((v) => (scale === 0 ? v : v * f));
    });
  return structured;
}

/** A d×d matrix in any accepted layout, or a malformed one. */
export function matrixArb(d: number): fc.Arbitrary<unknown> {
  const entry = fc.oneof(
    { weight: 12, arbitrary: fc.double({ min: -2, max: 2, noNaN: true }) },
    { weight: 1, arbitrary: extremeMagnitude },
    { weight: 1, arbitrary: specialNumber },
  );
  const flat = fc.array(entry, { minLength: d * d, maxLength: d * d });
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 3, arbitrary: flat },
    { weight: 1, arbitrary: flat.map((a) => Float64Array.from(a)) },
    { weight: 1, arbitrary: flat.map((a) => Float32Array.from(a)) },
    { weight: 3, arbitrary: flat.map((a) => Array.from({ length: d }, (_, r) => a.slice(r * d, r * d + d))) },
    // wrong sizes and holes
    { weight: 1, arbitrary: fc.array(entry, { minLength: 0, maxLength: d * d + 2 }) },
    { weight: 1, arbitrary: fc.array(fc.array(entry, { minLength: 0, maxLength: d + 1 }), { minLength: 1, maxLength: d + 1 }) },
    {
      weight: 1,
      arbitrary: fc.tuple(flat, fc.nat(), fc.boolean()).map(([a, k, nested]) => {
        if (!nested) {
          const s = [...a];
          delete s[k % s.length];
          return s;
        }
        const rows = Array.from({ length: d }, (_, r) => a.slice(r * d, r * d + d));
        if (k % 2 === 0) delete rows[k % d];
        else delete (rows[k % d] as number[])[k % d];
        return rows;
      }),
    },
    { weight: 1, arbitrary: fc.tuple(flat, fc.nat(), hostile, fc.boolean()).map(([a, k, h, nested]) => {
      const s: unknown[] = [...a];
      s[k % s.length] = h;
      return nested ? Array.from({ length: d }, (_, r) => s.slice(r * d, r * d + d)) : s;
    }) },
    { weight: 1, arbitrary: hostile },
  );
}

/** positions (with n, d) in every layout, sometimes malformed. */
export function positionsArb(n: number, d: number): fc.Arbitrary<{ positions: unknown; n: unknown; d: unknown }> {
  return fc
    .record({
      x: cloud(n, d),
      layout: fc.constantFrom('flat', 'f64', 'f32', 'rows', 'rows+nd'),
      mutate: fc.oneof(
        { weight: 10, arbitrary: fc.constant('none') },
        { weight: 1, arbitrary: fc.constantFrom('n+1', 'd+1', 'n-hostile', 'd-hostile', 'hole', 'short-row', 'string-entry', 'empty', 'scalar', 'no-n') },
      ),
      k: fc.nat(),
      h: hostile,
    })
    .map(({ x, layout, mutate, k, h }) => {
      const rows = Array.from({ length: n }, (_, i) => x.slice(i * d, i * d + d));
      let positions: unknown;
      let nn: unknown = ABSENT;
      let dd: unknown = ABSENT;
      if (layout === 'flat' || layout === 'f64' || layout === 'f32') {
        positions = layout === 'flat' ? [...x] : layout === 'f64' ? Float64Array.from(x) : Float32Array.from(x);
        nn = n;
        dd = d;
      } else {
        positions = rows;
        if (layout === 'rows+nd') {
          nn = n;
          dd = d;
        }
      }
      switch (mutate) {
        case 'n+1':
          nn = n + 1;
          break;
        case 'd+1':
          dd = d + 1;
          break;
        case 'n-hostile':
          nn = h;
          break;
        case 'd-hostile':
          dd = h;
          break;
        case 'no-n':
          nn = ABSENT;
          break;
        case 'hole':
          if (Array.isArray(positions)) {
            const p = positions as unknown[];
            if (layout === 'flat') delete p[k % p.length];
            else if (k % 2 === 0) delete p[k % n];
            else delete (p[k % n] as number[])[k % d];
          }
          break;
        case 'short-row':
          if (layout.startsWith('rows')) (positions as number[][])[k % n] = (rows[k % n] as number[]).slice(0, d - 1);
          break;
        case 'string-entry':
          if (Array.isArray(positions)) {
            const bad = typeof h === 'number' ? '1' : h;
            if (layout === 'flat') (positions as unknown[])[k % (n * d)] = bad;
            else (positions as unknown[][])[k % n]![k % d] = bad;
          }
          break;
        case 'empty':
          positions = [];
          break;
        case 'scalar':
          positions = h;
          break;
      }
      return { positions, n: nn, d: dd };
    });
}

// ---------------------------------------------------------------------------
// whole options

export interface OptionsCase {
  /** The options as generated (schedule functions as { $fn } descriptions; ABSENT marks unset keys). */
  raw: Record<string, unknown>;
  /** step(k) arguments to apply in order. */
  steps: unknown[];
}

/** Options that apply to a model (others are refused, so they are added only occasionally). */
function applies(model: string, key: string): boolean {
  const ode = ODE.has(model);
  switch (key) {
    case 'alpha':
    case 'gamma':
    case 'h':
    case 'sphere':
      return !ode;
    case 'seed':
      return model === 'softmax-markov';
    case 'dt':
    case 'integrator':
      return ode;
    case 'gap':
    case 'threshold':
    case 'includeSelf':
    case 'selfWeight':
      return model === 'localmax';
    default:
      return true;
  }
}

/** Random, often hostile options of Simulation.create for every model × backend × precision, and the step calls. */
export function optionsCase(): fc.Arbitrary<OptionsCase> {
  return fc
    .record({
      model: fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...MODELS) }, { weight: 1, arbitrary: hostile }),
      n: fc.integer({ min: 1, max: 7 }),
      d: fc.integer({ min: 1, max: 4 }),
      backend: fc.oneof({ weight: 10, arbitrary: fc.constantFrom('wasm', 'js') }, { weight: 2, arbitrary: fc.constant(ABSENT) }, { weight: 1, arbitrary: hostile }),
      precision: fc.oneof({ weight: 10, arbitrary: fc.constantFrom('f64', 'f32') }, { weight: 2, arbitrary: fc.constant(ABSENT) }, { weight: 1, arbitrary: hostile }),
      misplaced: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      unknown: fc.oneof({ weight: 30, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('Alpha', 'deltas', 'tau', 'steps', '__proto__x') }),
      steps: fc.array(
        fc.oneof(
          { weight: 12, arbitrary: fc.integer({ min: 0, max: 25 }) },
          { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 1.5, NaN, Infinity, '3', null, 2 ** 53, 1e300, -0, undefined, 3n) },
        ),
        { minLength: 1, maxLength: 3 },
      ),
    })
    .chain((base) =>
      fc
        .record({
          pos: positionsArb(base.n, base.d),
          alpha: option(fc.double({ min: 1e-3, max: 10, noNaN: true })),
          gamma: option(gammaArb(), 0),
          delta: option(deltaArb(), 0),
          beta: option(fc.oneof(fc.double({ min: 0, max: 20, noNaN: true }), fc.constantFrom(0, 1e6, 1e300))),
          A: option(matrixArb(base.d), 0),
          Q: option(matrixArb(base.d), 0),
          K: option(matrixArb(base.d), 0),
          V: option(matrixArb(base.d), 0),
          h: option(fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(1e3, -1e3, 1e200, 1e-300))),
          sphere: option(fc.boolean()),
          seed: option(fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constantFrom<unknown>(-1, 1.5, 2 ** 64, 1n << 64n, -1n))),
          dt: option(fc.oneof(fc.double({ min: 1e-4, max: 1, noNaN: true }), fc.constantFrom(1e3, 1e300, 5e-324))),
          integrator: option(fc.constantFrom('euler', 'euler-raw', 'rk4', 'midpoint')),
          tieTolerance: option(fc.oneof(fc.double({ min: 0, max: 1e-3, noNaN: true }), fc.constantFrom(0, 1e300))),
          gap: option(fc.constantFrom('absolute', 'relative')),
          threshold: option(fc.constantFrom('non-strict', 'strict')),
          includeSelf: option(fc.boolean()),
          selfWeight: option(fc.constantFrom('residual', 'average')),
          useQK: fc.boolean(),
          residual: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        })
        .map((o) => {
          const raw: Record<string, unknown> = { model: base.model, positions: o.pos.positions, n: o.pos.n, d: o.pos.d, backend: base.backend, precision: base.precision };
          const model = typeof base.model === "string" ? base.model : "";
          const pick: Record<string, unknown> = {
            alpha: o.alpha, gamma: o.gamma, delta: o.delta, beta: o.beta, h: o.h, sphere: o.sphere, seed: o.seed,
            dt: o.dt, integrator: o.integrator, tieTolerance: o.tieTolerance, V: o.V,
            gap: o.gap, threshold: o.threshold, includeSelf: o.includeSelf, selfWeight: o.selfWeight,
          };
          if (o.useQK) {
            pick.Q = o.Q;
            pick.K = o.K;
          } else pick.A = o.A;
          // The residual update takes no alpha/gamma; most cases keep the combination valid.
          if (!o.residual || ODE.has(model)) {
            if (!ODE.has(model)) pick.V = ABSENT;
            pick.h = ODE.has(model) ? pick.h : ABSENT;
          } else {
            pick.alpha = ABSENT;
            pick.gamma = ABSENT;
          }
          if (pick.alpha !== ABSENT && pick.gamma !== ABSENT && !base.misplaced) pick.alpha = ABSENT;
          for (const [key, v] of Object.entries(pick)) {
            if (applies(model, key) || base.misplaced) raw[key] = v;
          }
          if (model === 'softmax-markov' && raw.seed === ABSENT && !base.misplaced) raw.seed = 7;
          if (base.unknown !== null) raw[base.unknown] = 1;
          return { raw, steps: base.steps };
        }),
    );
}

/** The options object for Simulation.create: ABSENT keys dropped, { $fn } descriptions turned into functions. */
export function build(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(raw)) {
    if (v === ABSENT) continue;
    out[key] = materialize(v);
  }
  return out;
}

function materialize(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && '$fn' in v) {
    const { good, bad, at } = (v as FnDesc).$fn;
    return (t: number): unknown => {
      if (t < at) return good;
      if (bad === 'throw') throw new ScheduleBoom(t);
      if (bad !== null && typeof bad === 'object' && 'valueOf' in bad) return { valueOf: () => 0.5 };
      return bad;
    };
  }
  return v;
}
