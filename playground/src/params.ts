/**
 * The playground's parameters: defaults, the URL codec (the shareable link),
 * the initial conditions (generated ones, SPEC P6 square, the AFZ Figure 2
 * cases of SPEC §5.1) and the translation to `Simulation.create` options.
 * Pure functions, no DOM: the worker and the page both use them.
 */
import { SplitMix64, initialPositions } from 'attention-dynamics';
import type { BackendOption, DeltaOption, GammaOption, Model, Precision, SimulationOptions } from 'attention-dynamics';

/** Every model of the package, in the picker's order. */
/** The models the page offers: all but euclidean-sa (unbounded in R^d for a general V; not measured here). */
export type PlaygroundModel = Exclude<Model, 'euclidean-sa'>;
export const MODELS: readonly PlaygroundModel[] = ['localmax', 'hardmax', 'softmax', 'frank-wolfe', 'softmax-markov', 'sphere-sa', 'sphere-usa'];

/** Initial conditions offered. 'p6' and 'afz0'..'afz3' fix n and d; 'npy' is an uploaded file. */
export const INITS = ['uniform', 'gaussian', 'sphere', 'clusters', 'p6', 'afz0', 'afz1', 'afz2', 'afz3', 'npy'] as const;
export type InitChoice = (typeof INITS)[number];

export const INIT_LABELS: Readonly<Record<InitChoice, string>> = {
  uniform: 'uniform in [−1, 1)^d',
  gaussian: 'gaussian N(0, 1)',
  sphere: 'uniform on the unit sphere',
  clusters: 'k gaussian blobs (σ = 0.08)',
  p6: 'SPEC P6 square (±1,±1) + (1, 0.01)',
  afz0: 'AFZ case 0: emerging leader',
  afz1: 'AFZ case 1: triangle',
  afz2: 'AFZ case 2: square',
  afz3: 'AFZ case 3: non-leader clusters',
  npy: 'uploaded .npy',
};

/** The largest n the n control accepts: the largest n measured interactive for any model (bench/playground.bench.mjs). */
export const MAX_N = 16000;

/**
 * The largest n measured interactive per model (>= 10 frames/s, 2-core
 * shared machine, Chromium; bench/playground.bench.mjs, README "Playground").
 * The page shows it as a hint next to n; larger n still runs, slower.
 */
export const INTERACTIVE_N: Readonly<Record<PlaygroundModel, number>> = {
  localmax: 8000,
  hardmax: 16000,
  softmax: 2000,
  'frank-wolfe': 16000,
  'softmax-markov': 2000,
  'sphere-sa': 2000,
  'sphere-usa': 2000,
};
export const MAX_D = 16;

/** Everything the page lets the user set; every field is in the URL. */
export interface Params {
  model: PlaygroundModel;
  n: number;
  d: number;
  init: InitChoice;
  /** Seed of the generated initial condition. */
  initSeed: number;
  /** Number of blobs of init 'clusters'. */
  k: number;
  /** Discrete models: 'alpha' (γ = α/(1+α)) or 'gamma' (a γ schedule). */
  stepMode: 'alpha' | 'gamma';
  alpha: number;
  gammaKind: 'constant' | 'frank-wolfe' | 'exp-rise';
  gamma: number;
  gammaA: number;
  deltaKind: 'constant' | 'power' | 'geometric';
  /** δ (constant) or δ0 (power, geometric). */
  delta: number;
  deltaP: number;
  deltaRatio: number;
  beta: number;
  /** d×d matrices as text, rows separated by ';', entries by ',' or spaces; '' is the identity. */
  A: string;
  Q: string;
  K: string;
  V: string;
  dt: number;
  integrator: 'rk4' | 'euler' | 'euler-raw';
  /** SplitMix64 seed of softmax-markov. */
  seed: number;
  backend: BackendOption;
  precision: Precision;
  /** `threads` of Simulation.create ('0': the kernel runs in the page's worker; k or 'auto': k more workers). Discrete models on wasm only. */
  threads: '0' | '1' | '2' | '4' | 'auto';
  /** Steps per animation tick while playing. */
  speed: number;
}

export const DEFAULTS: Readonly<Params> = {
  model: 'localmax',
  n: 200,
  d: 2,
  init: 'uniform',
  initSeed: 1,
  k: 5,
  stepMode: 'alpha',
  alpha: 1,
  gammaKind: 'constant',
  gamma: 0.5,
  gammaA: 0.5,
  deltaKind: 'constant',
  delta: 0.1,
  deltaP: 1,
  deltaRatio: 0.99,
  beta: 4,
  A: '',
  Q: '',
  K: '',
  V: '',
  dt: 0.1,
  integrator: 'rk4',
  seed: 1,
  backend: 'auto',
  precision: 'f64',
  threads: '0',
  speed: 1,
};

/** Which options apply to a model (the page shows only these). */
export function applies(model: Model): { step: boolean; delta: boolean; beta: boolean; A: boolean; sphere: boolean; seed: boolean } {
  const sphere = model === 'sphere-sa' || model === 'sphere-usa';
  return {
    step: !sphere,
    delta: model === 'localmax',
    beta: model === 'softmax' || model === 'softmax-markov' || sphere,
    A: !sphere,
    sphere,
    seed: model === 'softmax-markov',
  };
}

type Kind = 'int' | 'num' | 'str' | 'enum';
const SPEC: Record<keyof Params, { kind: Kind; values?: readonly string[]; min?: number; max?: number; minExclusive?: boolean }> = {
  model: { kind: 'enum', values: MODELS },
  n: { kind: 'int', min: 1, max: MAX_N },
  d: { kind: 'int', min: 1, max: MAX_D },
  init: { kind: 'enum', values: INITS },
  initSeed: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
  k: { kind: 'int', min: 1, max: 100 },
  stepMode: { kind: 'enum', values: ['alpha', 'gamma'] },
  alpha: { kind: 'num', min: 0, minExclusive: true },
  gammaKind: { kind: 'enum', values: ['constant', 'frank-wolfe', 'exp-rise'] },
  gamma: { kind: 'num', min: 0, max: 1, minExclusive: true },
  gammaA: { kind: 'num', min: 0, minExclusive: true },
  deltaKind: { kind: 'enum', values: ['constant', 'power', 'geometric'] },
  delta: { kind: 'num', min: 0 },
  deltaP: { kind: 'num', min: 0 },
  deltaRatio: { kind: 'num', min: 0, max: 1, minExclusive: true },
  beta: { kind: 'num', min: 0 },
  A: { kind: 'str' },
  Q: { kind: 'str' },
  K: { kind: 'str' },
  V: { kind: 'str' },
  dt: { kind: 'num', min: 0, minExclusive: true },
  integrator: { kind: 'enum', values: ['rk4', 'euler', 'euler-raw'] },
  seed: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
  backend: { kind: 'enum', values: ['auto', 'wasm', 'js'] },
  precision: { kind: 'enum', values: ['f64', 'f32'] },
  threads: { kind: 'enum', values: ['0', '1', '2', '4', 'auto'] },
  speed: { kind: 'int', min: 1, max: 1000 },
};

/** The parameter names, in URL order. */
export const PARAM_KEYS = Object.keys(SPEC) as (keyof Params)[];

/**
 * Reads one parameter from its text form. Returns the value, or an error
 * message naming the parameter and the value (the page shows it).
 */
export function parseParam<K extends keyof Params>(key: K, text: string): { value: Params[K] } | { error: string } {
  const s = SPEC[key];
  if (s.kind === 'str') return { value: text.trim() as Params[K] };
  if (s.kind === 'enum') {
    if (s.values!.includes(text)) return { value: text as Params[K] };
    return { error: `${key}: expected one of ${s.values!.join(', ')}, got '${text}'` };
  }
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) return { error: `${key}: expected a finite number, got '${text}'` };
  if (s.kind === 'int' && !Number.isInteger(v)) return { error: `${key}: expected an integer, got '${text}'` };
  if (s.min !== undefined && (v < s.min || (s.minExclusive === true && v === s.min))) {
    return { error: `${key}: expected ${s.minExclusive === true ? '>' : '>='} ${s.min}, got ${text}` };
  }
  if (s.max !== undefined && v > s.max) return { error: `${key}: expected <= ${s.max}, got ${text}` };
  return { value: v as Params[K] };
}

/** Parameters from a query string; bad or unknown entries fall back to the defaults and are listed in `errors`. */
export function paramsFromQuery(search: string): { params: Params; errors: string[] } {
  const q = new URLSearchParams(search);
  const params: Params = { ...DEFAULTS };
  const errors: string[] = [];
  for (const [key, text] of q) {
    if (!(key in SPEC)) {
      errors.push(`unknown parameter '${key}'`);
      continue;
    }
    const k = key as keyof Params;
    const r = parseParam(k, text);
    if ('error' in r) errors.push(r.error);
    else (params as unknown as Record<string, unknown>)[k] = r.value;
  }
  return { params: fixed(params), errors };
}

/** The query string of a parameter set: only what differs from the defaults, so links stay short. */
export function queryFromParams(p: Params): string {
  const q = new URLSearchParams();
  for (const k of PARAM_KEYS) if (p[k] !== DEFAULTS[k]) q.set(k, String(p[k]));
  return q.toString();
}

/** The designed configurations fix n and d; everything else keeps the user's n and d. */
export function fixed(p: Params): Params {
  const rows = designedRows(p.init);
  if (rows !== null) return { ...p, n: rows.length, d: 2 };
  return p;
}

function uniformBox(rng: SplitMix64, m: number, lo: number, hi: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m; i++) out.push([lo + (hi - lo) * rng.nextFloat(), lo + (hi - lo) * rng.nextFloat()]);
  return out;
}

/**
 * The rows of a designed configuration, or null for a generated one. P6 is
 * SPEC test 6; the AFZ cases are SPEC §5.1, with their random points drawn
 * from SplitMix64(20240701 + case − 1) as the CLI's `experiment afz-figure2`
 * does, so the playground starts from the same points.
 */
export function designedRows(init: InitChoice): number[][] | null {
  const draw = (seed: number, parts: [number, number, number][]): number[][] => {
    const rng = new SplitMix64(seed);
    return parts.flatMap(([m, lo, hi]) => uniformBox(rng, m, lo, hi));
  };
  switch (init) {
    case 'p6':
      return [[1, 1], [1, -1], [-1, -1], [-1, 1], [1, 0.01]];
    case 'afz0':
      return [[1, 1 / 3], [-1 / 12, 1 / 12], [-1, -1], [0, 1 / 4], [-0.3, -0.7], [-0.6, -0.9], [0.8, 0.1], [0.6, 0.15]];
    case 'afz1':
      return [[1, 1], [0.5, -0.5], [-1, -1], ...draw(20240701, [[2, 0, 1], [2, -1, 0]]), [0.3, -0.2], [0.1, -0.2]];
    case 'afz2':
      return [[1, 1], [1, -1], [-1, -1], [-1, 1], ...draw(20240702, [[6, -0.5, 0.5]])];
    case 'afz3':
      return [[1, 1], [1, -1], [-1, -1], [-1, 1], [-0.5, 0], [0.5, 0], ...draw(20240703, [[4, -0.5, 0.5]])];
    default:
      return null;
  }
}

/**
 * Initial positions (n*d row-major, a fresh Float64Array) for a generated or
 * designed configuration. 'npy' has no generator: the caller passes the file's data.
 */
export function makePositions(p: Params): Float64Array {
  const rows = designedRows(p.init);
  if (rows !== null) return Float64Array.from(rows.flat());
  switch (p.init) {
    case 'uniform':
    case 'gaussian':
    case 'sphere':
      return initialPositions({ kind: p.init, n: p.n, d: p.d, seed: p.initSeed });
    case 'clusters': {
      const centres = initialPositions({ kind: 'uniform', n: p.k, d: p.d, seed: p.initSeed, low: -0.8, high: 0.8 });
      const noise = initialPositions({ kind: 'gaussian', n: p.n, d: p.d, seed: p.initSeed + 1, sigma: 0.08 });
      const x = new Float64Array(p.n * p.d);
      for (let i = 0; i < p.n; i++) {
        const c = i % p.k;
        for (let r = 0; r < p.d; r++) x[i * p.d + r] = centres[c * p.d + r]! + noise[i * p.d + r]!;
      }
      return x;
    }
    default:
      throw new TypeError(`init: '${p.init}' needs an uploaded .npy file`);
  }
}

/**
 * A d×d matrix from text ('1,0;0,1' or '1 0; 0 1'), or null for '' (the
 * identity). Throws a RangeError naming the option when the size is wrong or
 * an entry is not a finite number.
 */
export function parseMatrix(text: string, d: number, name: string): Float64Array | null {
  const t = text.trim();
  if (t === '') return null;
  const rows = t.split(';').map((r) => r.trim()).filter((r) => r !== '');
  const out: number[] = [];
  for (const r of rows) {
    const parts = r.split(/[\s,]+/).filter((s) => s !== '');
    if (parts.length !== d) throw new RangeError(`${name}: every row must have d = ${d} entries, got '${r}'`);
    for (const s of parts) {
      const v = Number(s);
      if (!Number.isFinite(v)) throw new RangeError(`${name}: '${s}' is not a finite number`);
      out.push(v);
    }
  }
  if (rows.length !== d) throw new RangeError(`${name}: expected d = ${d} rows separated by ';', got ${rows.length}`);
  return Float64Array.from(out);
}

/** The δ option of a parameter set. */
export function deltaOption(p: Params): DeltaOption {
  if (p.deltaKind === 'power') return { kind: 'power', delta0: p.delta, p: p.deltaP };
  if (p.deltaKind === 'geometric') return { kind: 'geometric', delta0: p.delta, ratio: p.deltaRatio };
  return p.delta;
}

/** The γ option of a parameter set (stepMode 'gamma'). */
export function gammaOption(p: Params): GammaOption {
  if (p.gammaKind === 'frank-wolfe') return { kind: 'frank-wolfe' };
  if (p.gammaKind === 'exp-rise') return { kind: 'exp-rise', a: p.gammaA };
  return p.gamma;
}

/** δ at step t of a parameter set (for the quiescent balls and the strip). */
export function deltaAt(p: Params, t: number): number {
  if (p.deltaKind === 'power') return p.delta / (1 + t) ** p.deltaP;
  if (p.deltaKind === 'geometric') return p.delta * p.deltaRatio ** t;
  return p.delta;
}

/**
 * The alignment matrix A used by the analysis overlays (leaders, strips):
 * A for the discrete models, KᵀQ for the sphere models; null is the identity.
 */
export function alignmentMatrix(p: Params, d: number): Float64Array | null {
  if (!applies(p.model).sphere) return parseMatrix(p.A, d, 'A');
  const Q = parseMatrix(p.Q, d, 'Q');
  const K = parseMatrix(p.K, d, 'K');
  if (Q === null && K === null) return null;
  const out = new Float64Array(d * d);
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (K === null ? (k === r ? 1 : 0) : K[k * d + r]!) * (Q === null ? (k === c ? 1 : 0) : Q[k * d + c]!);
      out[r * d + c] = s;
    }
  }
  return out;
}

/** `Simulation.create` options for a parameter set and a start (copied by the package). */
export function simulationOptions(p: Params, positions: Float64Array, n: number, d: number): SimulationOptions {
  const a = applies(p.model);
  const o: Record<string, unknown> = { model: p.model, positions, n, d, backend: p.backend, precision: p.precision };
  if (a.sphere) {
    o.beta = p.beta;
    o.dt = p.dt;
    o.integrator = p.integrator;
    o.Q = parseMatrix(p.Q, d, 'Q');
    o.K = parseMatrix(p.K, d, 'K');
    o.V = parseMatrix(p.V, d, 'V');
  } else {
    if (p.stepMode === 'alpha') o.alpha = p.alpha;
    else o.gamma = gammaOption(p);
    o.A = parseMatrix(p.A, d, 'A');
    if (a.delta) o.delta = deltaOption(p);
    if (a.beta) o.beta = p.beta;
    if (a.seed) o.seed = p.seed;
    // threads apply to the wasm backend's discrete models; the js backend refuses them (TypeError), so '0' there
    if (p.threads !== '0' && p.backend !== 'js') o.threads = p.threads === 'auto' ? 'auto' : Number(p.threads);
  }
  // Options are checked by Simulation.create (TypeError/RangeError naming the option).
  return o as unknown as SimulationOptions;
}
