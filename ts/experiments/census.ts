/**
 * Multistability census of the sphere models (SPEC.md §5.10, test 17): many
 * seeded random initial conditions for one (Q, K, V, β), each run to
 * equilibrium and classified (consensus, bipartite, clustering, other, with
 * the eigenspace of sym(V) the axis lies in), then counted.
 *
 * This module lives at the API layer (ts/, not ts/analysis/) because it
 * creates Simulations; the classification itself is ts/analysis/sphere/sphere.ts.
 *
 * Run r (r = 0 … runs−1) starts from
 * `initialPositions({ kind: 'sphere', n, d, seed: seed + r })` (uniform on
 * S^{d−1}), integrates with the chosen backend in chunks of `checkEvery`
 * time units, and stops as soon as max_i |F_i| <= tolerances.field (the
 * projected field of `sphereField`, evaluated in float64 on the state) or at
 * T. Every run is classified at its final state, converged or not; runs
 * that were still moving at T are also listed in `unconverged`.
 *
 * ```ts
 * const c = await multistabilityCensus({ n: 8, d: 3, V: [3,0,0, 0,2,0, 0,0,1], beta: 1,
 *   runs: 40, seed: 1700, T: 100, dt: 0.02, integrator: 'euler-raw' });
 * c.counts;       // observed: { consensus: 38, bipartite: 2, clustering: 0, other: 0 }
 * c.byEigenIndex; // observed: { consensus: { '0': 38 }, bipartite: { '0': 2 } }
 * ```
 */
import { classifyEquilibrium, jacobianSpectrum, sphereFieldNorm } from '../analysis/sphere/sphere.js';
import type { EquilibriumClass, EquilibriumClassification, JacobianSpectrum, SphereVariant } from '../analysis/sphere/sphere.js';
import { initialPositions } from '../init.js';
import { checkBool, checkInt, checkNumber, checkOneOf, checkOptions, rangeError } from '../check.js';
import { Simulation } from '../simulation.js';
import type { BackendOption, Integrator, MatrixOption, Precision } from '../types.js';

/** Tolerances of the census. */
export interface CensusTolerances {
  /** Stop a run once max_i |F_i| <= field (velocity units). Default 1e-8 (f64), 1e-5 (f32). */
  field?: number;
  /** Cluster tolerance of `classifyEquilibrium` (<x_i,x_j> >= 1 − cluster; eigenspace alignment >= 1 − cluster). Default 1e-6. */
  cluster?: number;
  /** Zero tolerance of `jacobianSpectrum` (rates, 1/time) when `stability` is on. Default 1e-6. */
  spectrum?: number;
}

/** Options of `multistabilityCensus`. */
export interface CensusOptions {
  /** Tokens per run, integer >= 1. */
  n: number;
  /** Dimension, integer >= 2. */
  d: number;
  /** Query, key and value matrices (d×d, flat row-major or rows); identity when absent. */
  Q?: MatrixOption;
  K?: MatrixOption;
  V?: MatrixOption;
  /** Inverse temperature β >= 0. Default 1. */
  beta?: number;
  /** 'sa' (model 'sphere-sa', default) or 'usa' (model 'sphere-usa'). */
  variant?: SphereVariant;
  /** Number of random starts, integer >= 1. */
  runs: number;
  /** Run r uses initialPositions seed `seed + r`; a non-negative safe integer. */
  seed: number;
  /** Final time of each run (> 0); a run takes at most round(T/dt) steps. */
  T: number;
  /** Time step (> 0). */
  dt: number;
  /** Default 'rk4'. */
  integrator?: Integrator;
  /** 'auto' (default: 'wasm' where WebAssembly SIMD validates, else 'js'), 'wasm' or 'js'. */
  backend?: BackendOption;
  /** Default 'f64'. */
  precision?: Precision;
  /** Time between convergence checks (> 0). Default 1 (at least one step). */
  checkEvery?: number;
  tolerances?: CensusTolerances;
  /** Example final states kept per class, integer >= 0. Default 3. */
  examples?: number;
  /** Also compute the Jacobian spectrum of every final state (cost O((n(d−1))³) per run). Default false. */
  stability?: boolean;
}

/** One run of the census. */
export interface CensusRun {
  run: number;
  /** The initialPositions seed of this run. */
  seed: number;
  class: EquilibriumClass;
  /** Number of clusters. */
  clusters: number;
  /** Tokens per cluster point, in cluster order (e.g. [5, 3] for a 5/3 sign split). */
  multiplicities: number[];
  /** Eigenspace index of the axis (0 = principal), −1 when none; see classifyEquilibrium. */
  eigenIndex: number;
  /** The axis (consensus point, or the larger cluster of a bipartite state), else null. */
  axis: number[] | null;
  /** fieldNorm <= tolerances.field before T. */
  converged: boolean;
  /** Time reached (steps·dt). */
  time: number;
  steps: number;
  /** max_i |F_i| at the final state. */
  fieldNorm: number;
  /** With `stability`: the verdict of jacobianSpectrum at the final state. */
  verdict?: JacobianSpectrum['verdict'];
  /** With `stability`: the largest real part of the reduced spectrum (rate, 1/time). */
  maxReducedRe?: number;
}

/** An example final state. */
export interface CensusExample {
  run: number;
  seed: number;
  /** Final positions, n*d row-major (a fresh copy). */
  positions: Float64Array;
  classification: EquilibriumClassification;
  spectrum?: JacobianSpectrum;
}

/** The result of `multistabilityCensus`. */
export interface CensusResult {
  runs: number;
  /** Runs per class (converged or not). */
  counts: Record<EquilibriumClass, number>;
  /** For the classes with an axis: runs per eigenspace index (keys '0', '1', …, '-1' = on none). */
  byEigenIndex: { consensus: Record<string, number>; bipartite: Record<string, number> };
  /** Up to `examples` final states per class, in run order. */
  examples: Record<EquilibriumClass, CensusExample[]>;
  /** The runs still moving at T (fieldNorm > tolerances.field). */
  unconverged: CensusRun[];
  /** Every run, in order. */
  results: CensusRun[];
  /** The tolerances used (defaults filled in). */
  tolerances: Required<CensusTolerances>;
}

const KNOWN = [
  'n', 'd', 'Q', 'K', 'V', 'beta', 'variant', 'runs', 'seed', 'T', 'dt', 'integrator', 'backend', 'precision', 'checkEvery',
  'tolerances', 'examples', 'stability',
] as const;

/**
 * Run the census (see the file comment). Rejects with TypeError/RangeError
 * naming a bad option (the model options are checked by Simulation.create
 * before the first run), or with the error of a failed run prefixed by its
 * run index and seed. Memory: one simulation at a time plus the examples.
 */
export async function multistabilityCensus(options: CensusOptions): Promise<CensusResult> {
  const o = checkOptions<CensusOptions>(options, 'options', KNOWN, true);
  const n = checkInt(o.n, 'n', 1);
  const d = checkInt(o.d, 'd', 2);
  const runs = checkInt(o.runs, 'runs', 1);
  const seed = checkInt(o.seed, 'seed', 0);
  if (!Number.isSafeInteger(seed + runs - 1)) throw rangeError('seed', `at most 2^53 − runs = ${Number.MAX_SAFE_INTEGER - runs + 1} (run seeds seed + r stay safe integers)`, seed);
  const positive = { min: 0, minExclusive: true } as const;
  const T = checkNumber(o.T, 'T', positive);
  const dt = checkNumber(o.dt, 'dt', positive);
  const checkEvery = o.checkEvery === undefined ? 1 : checkNumber(o.checkEvery, 'checkEvery', positive);
  const keep = o.examples === undefined ? 3 : checkInt(o.examples, 'examples', 0);
  const variant = checkOneOf(o.variant, 'variant', ['sa', 'usa'] as const, 'sa');
  const stability = checkBool(o.stability, 'stability', false);
  const precision = o.precision ?? 'f64';
  const t = checkOptions<CensusTolerances>(o.tolerances, 'tolerances', ['field', 'cluster', 'spectrum']);
  const tolerances: Required<CensusTolerances> = {
    field: t.field === undefined ? (precision === 'f32' ? 1e-5 : 1e-8) : checkNumber(t.field, 'tolerances.field', { min: 0 }),
    cluster: t.cluster === undefined ? 1e-6 : checkNumber(t.cluster, 'tolerances.cluster', { min: 0, max: 1, maxExclusive: true }),
    spectrum: t.spectrum === undefined ? 1e-6 : checkNumber(t.spectrum, 'tolerances.spectrum', { min: 0 }),
  };

  const totalSteps = Math.max(1, Math.round(T / dt));
  const chunk = Math.max(1, Math.round(checkEvery / dt));
  const model = { Q: options.Q, K: options.K, V: options.V, beta: options.beta ?? 1, variant };

  const classes: EquilibriumClass[] = ['consensus', 'bipartite', 'clustering', 'other'];
  const counts = { consensus: 0, bipartite: 0, clustering: 0, other: 0 };
  const byEigenIndex = { consensus: {} as Record<string, number>, bipartite: {} as Record<string, number> };
  const examples = Object.fromEntries(classes.map((c) => [c, [] as CensusExample[]])) as Record<EquilibriumClass, CensusExample[]>;
  const results: CensusRun[] = [];

  for (let r = 0; r < runs; r++) {
    const runSeed = seed + r;
    const x0 = initialPositions({ kind: 'sphere', n, d, seed: runSeed });
    let x: Float64Array = x0;
    let steps = 0;
    let fieldNorm = Infinity;
    let sim: Simulation | null = null;
    try {
      sim = await Simulation.create({
        model: variant === 'usa' ? 'sphere-usa' : 'sphere-sa',
        positions: x0,
        n,
        d,
        Q: options.Q,
        K: options.K,
        V: options.V,
        beta: options.beta,
        dt,
        integrator: options.integrator,
        backend: options.backend,
        precision,
      });
      while (steps < totalSteps) {
        const k = Math.min(chunk, totalSteps - steps);
        sim.step(k);
        steps += k;
        x = sim.positions();
        fieldNorm = sphereFieldNorm(x, n, d, model);
        if (fieldNorm <= tolerances.field) break;
      }
    } catch (err) {
      if (sim === null) throw err; // Simulation.create refused an option: its message names it
      const msg = `census run ${r} (seed ${runSeed}) failed at step ${steps}: ${err instanceof Error ? err.message : String(err)}`;
      throw err instanceof RangeError ? new RangeError(msg) : err instanceof TypeError ? new TypeError(msg) : new Error(msg);
    } finally {
      sim?.dispose();
    }
    const cls = classifyEquilibrium(x, n, d, { ...model, tol: tolerances.cluster, fieldTol: tolerances.field });
    const converged = fieldNorm <= tolerances.field;
    const entry: CensusRun = {
      run: r,
      seed: runSeed,
      class: cls.class,
      clusters: cls.clusters,
      multiplicities: Array.from(cls.multiplicities),
      eigenIndex: cls.eigenIndex,
      axis: cls.axis === null ? null : Array.from(cls.axis),
      converged,
      time: steps * dt,
      steps,
      fieldNorm,
    };
    let spectrum: JacobianSpectrum | undefined;
    if (stability) {
      spectrum = jacobianSpectrum(x, n, d, { ...model, tol: tolerances.spectrum, fieldTol: tolerances.field });
      entry.verdict = spectrum.verdict;
      entry.maxReducedRe = spectrum.reducedRe.length > 0 ? spectrum.reducedRe[0]! : -Infinity;
    }
    results.push(entry);
    counts[cls.class]++;
    if (cls.class === 'consensus' || cls.class === 'bipartite') {
      const key = String(cls.eigenIndex);
      const table = byEigenIndex[cls.class];
      table[key] = (table[key] ?? 0) + 1;
    }
    if (examples[cls.class].length < keep) {
      const ex: CensusExample = { run: r, seed: runSeed, positions: Float64Array.from(x), classification: cls };
      if (spectrum !== undefined) ex.spectrum = spectrum;
      examples[cls.class].push(ex);
    }
  }
  return { runs, counts, byEigenIndex, examples, unconverged: results.filter((e) => !e.converged), results, tolerances };
}
