/**
 * Command-line options of `run` (also the base options of `sweep`): the
 * specification (one table drives node:util parseArgs and the --help text),
 * value parsers (numbers, integer lists, δ and γ schedule strings), and the
 * translation of parsed values into a validated RunConfig: Simulation
 * options, the initial state (from an NPY file or generated), steps and
 * report choices. Everything that can be checked without running is checked
 * here, so bad input is refused before anything is written.
 */
import { parseArgs } from 'node:util';
import { initialPositions, schedules } from '../index.js';
import type { FlatSimulationOptions } from '../types.js';
import type { GammaOption, Model } from '../types.js';
import { NpyError, readNpyFile, shapeRepr } from '../io/npy.js';
import { MAX_INITIAL_ELEMENTS } from '../init.js';
import { autoBackend, checkSize as checkBackendSize } from '../backend/index.js';
import { checkNumber, checkOneOf, describeNumber, rangeError, show, typeError, type NumberRule } from '../check.js';
import { CliError, messageOf } from './errors.js';

/** One option of the command line. */
export interface OptSpec {
  name: string;
  type: 'string' | 'boolean';
  /** Metavariable shown in help, e.g. 'X' or 'FILE'. */
  arg?: string;
  help: string;
  group: string;
  multiple?: boolean;
  short?: string;
}

export { MODELS } from '../models.js';
import { MODELS, isOde } from '../models.js';

/** Options of the simulation and its initial state (run and sweep). */
export const SIM_OPTIONS: readonly OptSpec[] = [
  { name: 'model', type: 'string', arg: 'NAME', group: 'Model', help: `required: ${MODELS.join(' | ')}` },
  { name: 'alpha', type: 'string', arg: 'X', group: 'Model', help: 'step parameter α > 0, γ = α/(1+α) (discrete models; default 1)' },
  { name: 'gamma', type: 'string', arg: 'G', group: 'Model', help: 'step size γ_t instead of α: a number in (0,1], frank-wolfe (2/(t+2)), exp-rise:a, geometric:γ0,r, piecewise:v@t,...' },
  { name: 'delta', type: 'string', arg: 'X', group: 'Model', help: "localmax δ >= 0 ('inf' allowed; default 0)" },
  { name: 'delta-schedule', type: 'string', arg: 'S', group: 'Model', help: 'localmax δ(t): constant:δ | power:δ0,p (δ0/(1+t)^p) | geometric:δ0,r (δ0·r^t) | piecewise:δ@t0,δ@t1,... (t0 = 0)' },
  { name: 'beta', type: 'string', arg: 'X', group: 'Model', help: 'inverse temperature β >= 0 (softmax, softmax-markov, sphere models; default 1)' },
  { name: 'A', type: 'string', arg: 'FILE', group: 'Model', help: 'alignment matrix A (d×d .npy), a_ij = <A x_i, x_j>; identity by default' },
  { name: 'Q', type: 'string', arg: 'FILE', group: 'Model', help: 'query matrix (d×d .npy); A = Kᵀ Q' },
  { name: 'K', type: 'string', arg: 'FILE', group: 'Model', help: 'key matrix (d×d .npy)' },
  { name: 'V', type: 'string', arg: 'FILE', group: 'Model', help: 'value matrix (d×d .npy): sphere field P⊥(V y), or the residual update x + h V y' },
  { name: 'h', type: 'string', arg: 'X', group: 'Model', help: 'residual step h of x + h V y (discrete models)' },
  { name: 'sphere', type: 'boolean', group: 'Model', help: 'project tokens to the unit sphere after each step (discrete models)' },
  { name: 'gap', type: 'string', arg: 'G', group: 'Model', help: 'localmax reading (SPEC §6.6): absolute (default, gap δ) | relative (gap δ·|m_i|)' },
  { name: 'threshold', type: 'string', arg: 'T', group: 'Model', help: 'localmax reading: non-strict (default, a_ij >= m_i − gap) | strict (a_ij > m_i − gap; δ = 0 stays hardmax)' },
  { name: 'include-self', type: 'string', arg: 'B', group: 'Model', help: 'localmax reading: false (default) | true (i joins C_i when it is not a member)' },
  { name: 'self-weight', type: 'string', arg: 'W', group: 'Model', help: 'localmax reading: residual (default, x_i ← (x_i + α·mean)/(1+α)) | average (x_i ← mean over C_i ∪ {i}; no --alpha/--gamma)' },
  { name: 'seed', type: 'string', arg: 'N', group: 'Model', help: 'softmax-markov sampling seed (integer >= 0; required there)' },
  { name: 'dt', type: 'string', arg: 'X', group: 'Model', help: 'sphere models: time step (default 0.1)' },
  { name: 'integrator', type: 'string', arg: 'NAME', group: 'Model', help: 'sphere models: euler | euler-raw | rk4 (default rk4)' },
  { name: 'tie-tolerance', type: 'string', arg: 'X', group: 'Model', help: 'relative tie tolerance τ >= 0 (default 1e-12 f64, 1e-5 f32)' },
  { name: 'backend', type: 'string', arg: 'NAME', group: 'Model', help: "auto | wasm | js (default auto: wasm where WebAssembly SIMD runs, else js)" },
  { name: 'precision', type: 'string', arg: 'NAME', group: 'Model', help: 'f64 | f32 (default f64)' },
  { name: 'engine', type: 'string', arg: 'E', group: 'Model', help: "threshold models (hardmax, localmax, frank-wolfe): dense | tree | auto (default auto: the kd-tree engine for d <= 3, localmax from n = 2048, hardmax and frank-wolfe from n = 16384); tree and dense sum the same members in different orders" },
  { name: 'threads', type: 'string', arg: 'N', group: 'Model', help: "worker threads per step (wasm backend, discrete models): 0 | N | auto (run: default auto, which is 0 below n = 512; sweep: default 0); results are identical for every value" },
  { name: 'init', type: 'string', arg: 'FILE', group: 'Initial state', help: 'initial positions: an n×d float64/float32 C-order .npy file' },
  { name: 'n', type: 'string', arg: 'N', group: 'Initial state', help: 'number of tokens of a generated initial state' },
  { name: 'd', type: 'string', arg: 'D', group: 'Initial state', help: 'dimension of a generated initial state' },
  { name: 'init-kind', type: 'string', arg: 'KIND', group: 'Initial state', help: 'uniform | gaussian | sphere (default uniform)' },
  { name: 'init-seed', type: 'string', arg: 'N', group: 'Initial state', help: 'seed of the generated state (SplitMix64; default 0)' },
  { name: 'init-low', type: 'string', arg: 'X', group: 'Initial state', help: 'uniform: lower bound (default -1)' },
  { name: 'init-high', type: 'string', arg: 'X', group: 'Initial state', help: 'uniform: upper bound (default 1)' },
  { name: 'init-mean', type: 'string', arg: 'X', group: 'Initial state', help: 'gaussian: mean (default 0)' },
  { name: 'init-sigma', type: 'string', arg: 'X', group: 'Initial state', help: 'gaussian: standard deviation (default 1)' },
  { name: 'init-radius', type: 'string', arg: 'X', group: 'Initial state', help: 'sphere: radius (default 1)' },
  { name: 'steps', type: 'string', arg: 'N', group: 'Run', help: 'number of steps (default 100)' },
  { name: 'every', type: 'string', arg: 'K', group: 'Run', help: 'keep every K-th state in trajectory.npy (default max(1, ceil(steps/500))); the final state is always kept' },
];

/** Output and report options of `run`. */
export const RUN_OUTPUT_OPTIONS: readonly OptSpec[] = [
  { name: 'out', type: 'string', arg: 'DIR', group: 'Output', help: 'required: output directory (created if missing; existing files of the same names are replaced atomically)' },
  { name: 'hull-at', type: 'string', arg: 'T,...', group: 'Output', help: 'steps at which to draw the hull (default: first, two in between, last)' },
  { name: 'strip-tokens', type: 'string', arg: 'I,...', group: 'Output', help: 'tokens whose strips to draw (default: two tokens; 2D only)' },
  { name: 'strip-at', type: 'string', arg: 'T', group: 'Output', help: 'step at which strips are drawn (default 0)' },
  { name: 'analysis-snapshots', type: 'string', arg: 'K', group: 'Output', help: 'snapshots analysed for the time series (default 120, evenly spread)' },
  { name: 'max-trajectory-mb', type: 'string', arg: 'M', group: 'Output', help: 'refuse runs whose trajectory would exceed M MiB (default 1024)' },
];

/** Options of every subcommand. */
export const COMMON_OPTIONS: readonly OptSpec[] = [
  { name: 'quiet', type: 'boolean', short: 'q', group: 'General', help: 'no progress bar and no text summary (errors still go to stderr)' },
  { name: 'json', type: 'boolean', group: 'General', help: 'print the machine-readable summary (JSON) on stdout' },
  { name: 'help', type: 'boolean', short: 'h', group: 'General', help: 'show this help' },
];

/** Parsed option values (strings, booleans, string lists). */
export type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * Parse argv with node:util parseArgs (strict): unknown options, missing
 * values and repeated single-valued options are CliErrors. A value starting
 * with '-' that looks like a number (e.g. `--alpha -0.5`) is accepted.
 */
export function parseOptions(argv: readonly string[], specs: readonly OptSpec[], command: string, allowPositionals = false): { values: Values; positionals: string[] } {
  const byName = new Map(specs.map((s) => [s.name, s]));
  // glue "--opt -1.5" into "--opt=-1.5" for string options (parseArgs calls it ambiguous)
  const args: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k] as string;
    const next = argv[k + 1];
    const m = /^--([^=]+)$/.exec(a);
    if (m && byName.get(m[1] as string)?.type === 'string') {
      if (next === undefined || (next.startsWith('-') && !/^-(\d|\.\d|inf)/i.test(next))) {
        throw new CliError(`option --${m[1]} needs a value${next === undefined ? '' : ` (got '${next}' next; write --${m[1]}=VALUE for a value starting with '-')`}`);
      }
      args.push(`${a}=${next}`);
      k++;
    } else args.push(a);
  }
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const s of specs) options[s.name] = { type: s.type, ...(s.multiple ? { multiple: true } : {}), ...(s.short ? { short: s.short } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals, tokens: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    let msg = messageOf(err);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') msg += `; see 'attention-dynamics ${command} --help'`;
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') msg += ` ('${command}' takes options only; see 'attention-dynamics ${command} --help')`;
    throw new CliError(msg);
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option') continue;
    const spec = byName.get(t.name);
    if (spec && !spec.multiple) {
      if (seen.has(t.name)) throw new CliError(`option --${t.name} is given more than once`);
      seen.add(t.name);
    }
  }
  return { values: parsed.values as Values, positionals: parsed.positionals };
}

// ---------------------------------------------------------------------------
// Value parsers. Wording: `--flag must be <rule>; got <value>` (ts/check.ts).

/** Bounds of {@link parseNumber}: check.ts's NumberRule, plus `gt` for "> gt". */
export type NumberOpts = NumberRule & { gt?: number };

/** Run a check of ts/check.ts, turning its TypeError/RangeError into a CliError (exit 2). */
export function cliCheck<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) throw new CliError(err.message);
    throw err;
  }
}

/**
 * A decimal literal as a double: 'inf'/'Infinity' (any case, signed) give
 * ±Infinity; a literal beyond the double range gives 'overflow' (never a
 * silent Infinity), a non-zero literal that rounds to 0 gives 'underflow',
 * anything else that is not a decimal number gives 'syntax'.
 */
export function readNumberLiteral(s: string): number | 'syntax' | 'overflow' | 'underflow' {
  const t = s.trim();
  if (/^[+]?(inf|infinity)$/i.test(t)) return Infinity;
  if (/^-(inf|infinity)$/i.test(t)) return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return 'syntax';
  const v = Number(t);
  if (!Number.isFinite(v)) return 'overflow';
  if (v === 0 && /[1-9]/.test(t.replace(/e.*$/i, ''))) return 'underflow';
  return v;
}

/** Why a literal was refused, as a sentence about `subject` (for {@link readNumberLiteral}'s codes). */
function literalProblem(code: 'syntax' | 'overflow' | 'underflow', infinityAllowed: boolean, subject = 'It'): string {
  if (code === 'overflow') return `${subject} is beyond the largest double (about 1.8e308)${infinityAllowed ? "; write 'inf' for infinity" : ''}`;
  if (code === 'underflow') return `${subject} is below the smallest double (about 4.9e-324) and would be read as 0`;
  return `${subject} is not a number`;
}

/**
 * A number from a command-line string: a decimal literal, or 'inf' /
 * 'Infinity' only when `allowInfinity`. A literal that overflows the double
 * range (1e309) or underflows to 0 (1e-400) is refused, never rounded to ±∞
 * or 0. CliError `--flag must be <rule>; got <value>` otherwise.
 */
export function parseNumber(flag: string, s: string, opts: NumberOpts = {}): number {
  const { gt, ...r } = opts;
  const rule: NumberRule = gt === undefined ? r : { ...r, min: gt, minExclusive: true };
  const name = `--${flag}`;
  const v = readNumberLiteral(s);
  if (v === 'syntax') throw new CliError(typeError(name, describeNumber(rule), s).message);
  if (typeof v !== 'number') throw new CliError(rangeError(name, describeNumber(rule), s, literalProblem(v, rule.allowInfinity === true && !rule.integer)).message);
  return cliCheck(() => checkNumber(v, name, rule));
}

/** A non-negative integer seed; values beyond 2^53 become bigints (< 2^64). */
export function parseSeed(flag: string, s: string): number | bigint {
  const t = s.trim();
  const rule = 'an integer in [0, 2^64)';
  if (!/^[+-]?\d+$/.test(t)) throw new CliError(typeError(`--${flag}`, rule, s).message);
  const b = BigInt(t);
  if (b < 0n || b >= 2n ** 64n) throw new CliError(rangeError(`--${flag}`, rule, s).message);
  return b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

/** A comma-separated list of non-negative integers. */
export function parseIntList(flag: string, s: string): number[] {
  const parts = s.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new CliError(typeError(`--${flag}`, 'a comma-separated list of integers >= 0', s).message);
  return parts.map((p) => parseNumber(flag, p, { integer: true, min: 0 }));
}

/** The forms of the schedule strings, for messages and --help. */
const DELTA_FORMS: Record<string, string> = {
  constant: 'constant:δ',
  power: 'power:δ0,p',
  geometric: 'geometric:δ0,r',
  piecewise: 'piecewise:δ@t0,δ@t1,... (t0 = 0)',
};
const GAMMA_FORMS: Record<string, string> = {
  'frank-wolfe': 'frank-wolfe',
  constant: 'constant:γ',
  'exp-rise': 'exp-rise:a',
  geometric: 'geometric:γ0,r',
  piecewise: 'piecewise:γ@t0,γ@t1,... (t0 = 0)',
};

function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** A CliError `--flag must be FORM; got "spec". why`. */
function badSchedule(flag: string, form: string, spec: string, why = ''): CliError {
  return new CliError(typeError(`--${flag}`, form, spec, why).message);
}

function scheduleNumbers(flag: string, spec: string, body: string, form: string, count: number): number[] {
  const parts = body.split(',').map((p) => p.trim());
  if (parts.length !== count || parts.some((p) => p === '')) {
    throw badSchedule(flag, form, spec, `It takes ${count} comma-separated number${count > 1 ? 's' : ''} after ':'`);
  }
  return parts.map((p) => {
    const v = readNumberLiteral(p);
    if (typeof v !== 'number') throw badSchedule(flag, form, spec, literalProblem(v, true, show(p)));
    return v;
  });
}

function piecewise(flag: string, spec: string, body: string, form: string): { starts: number[]; values: number[] } {
  const starts: number[] = [];
  const values: number[] = [];
  for (const part of body.split(',')) {
    const m = /^\s*([^@\s]+)\s*@\s*([^@\s]+)\s*$/.exec(part);
    if (m === null) throw badSchedule(flag, form, spec, `Pieces are VALUE@STEP, e.g. piecewise:0.2@0,0.05@100; got ${show(part)}`);
    const v = readNumberLiteral(m[1] as string);
    const t = readNumberLiteral(m[2] as string);
    if (typeof v !== 'number' || typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) {
      throw badSchedule(flag, form, spec, `Bad piece ${show(part)}: VALUE@STEP with a number VALUE and an integer STEP >= 0`);
    }
    values.push(v);
    starts.push(t);
  }
  return { starts, values };
}

/** Wrap an API validation error of a schedule as a CliError naming the flag and the string. */
function schedule<T>(flag: string, spec: string, make: () => T): T {
  try {
    return make();
  } catch (err) {
    throw new CliError(`--${flag} ${show(spec)}: ${messageOf(err)}`);
  }
}

/** A δ schedule string: constant:δ | power:δ0,p | geometric:δ0,r | piecewise:δ@t,... */
export function parseDeltaSchedule(s: string, flag = 'delta-schedule'): ReturnType<typeof schedules.constant> {
  const m = /^\s*([a-z-]+)\s*:(.*)$/i.exec(s);
  const kind = m === null ? '' : (m[1] as string).toLowerCase();
  const form = DELTA_FORMS[kind];
  if (m === null || form === undefined) throw badSchedule(flag, orList(Object.values(DELTA_FORMS)), s, m === null ? '' : `Unknown schedule ${show(kind)}`);
  const body = m[2] as string;
  switch (kind) {
    case 'constant': {
      const [v] = scheduleNumbers(flag, s, body, form, 1) as [number];
      return schedule(flag, s, () => schedules.constant(v));
    }
    case 'power': {
      const [a, p] = scheduleNumbers(flag, s, body, form, 2) as [number, number];
      return schedule(flag, s, () => schedules.power(a, p));
    }
    case 'geometric': {
      const [a, r] = scheduleNumbers(flag, s, body, form, 2) as [number, number];
      return schedule(flag, s, () => schedules.geometric(a, r));
    }
    default: {
      const { starts, values } = piecewise(flag, s, body, form);
      return schedule(flag, s, () => schedules.piecewise(starts, values));
    }
  }
}

/** A γ option string: a number, frank-wolfe, constant:γ, exp-rise:a, geometric:γ0,r, piecewise:γ@t,... */
export function parseGamma(s: string): GammaOption {
  const t = s.trim();
  const unit: NumberRule = { min: 0, minExclusive: true, max: 1 };
  if (/^[+-]?(\d|\.\d)/.test(t)) return parseNumber('gamma', t, unit);
  if (t === 'frank-wolfe') return schedules.frankWolfe();
  const m = /^([a-z-]+)\s*:(.*)$/i.exec(t);
  const kind = m === null ? '' : (m[1] as string).toLowerCase();
  const form = GAMMA_FORMS[kind];
  if (m === null || form === undefined || kind === 'frank-wolfe') {
    throw badSchedule('gamma', `a number in (0, 1] or ${orList(Object.values(GAMMA_FORMS))}`, s, m === null ? '' : `Unknown schedule ${show(kind)}`);
  }
  const body = m[2] as string;
  const inUnit = (v: number, what: string): void => {
    if (!(v > 0 && v <= 1)) throw badSchedule('gamma', `${form} with ${what} in (0, 1]`, s, `${what} = ${show(v)}`);
  };
  switch (kind) {
    case 'constant': {
      const [v] = scheduleNumbers('gamma', s, body, form, 1) as [number];
      inUnit(v, 'γ');
      return { kind: 'constant', gamma: v };
    }
    case 'exp-rise': {
      const [a] = scheduleNumbers('gamma', s, body, form, 1) as [number];
      return schedule('gamma', s, () => schedules.expRise(a));
    }
    case 'geometric': {
      const [g0, r] = scheduleNumbers('gamma', s, body, form, 2) as [number, number];
      inUnit(g0, 'γ0');
      return schedule('gamma', s, () => schedules.gammaGeometric(g0, r));
    }
    default: {
      // validated by the API (Simulation.create) too; checking here gives the flag in the message
      const { starts, values } = piecewise('gamma', s, body, form);
      values.forEach((v) => inUnit(v, 'every γ'));
      if (starts[0] !== 0) throw badSchedule('gamma', form, s, 'The first piece must start at step 0');
      for (let k = 1; k < starts.length; k++) {
        if (!((starts[k] as number) > (starts[k - 1] as number))) throw badSchedule('gamma', form, s, 'The steps must increase');
      }
      return { kind: 'piecewise', starts, values };
    }
  }
}

/** One of `allowed`, else CliError `--flag must be 'a', 'b' or 'c'; got "x"`. */
export function oneOfFlag<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  return cliCheck(() => checkOneOf(v, `--${flag}`, allowed));
}

/** Read an NPY file for a flag, as a CliError on any problem. */
export function readArrayFile(flag: string, path: string): { data: Float64Array; shape: number[]; dtype: string } {
  try {
    const a = readNpyFile(path);
    return { data: a.data instanceof Float64Array ? a.data : Float64Array.from(a.data), shape: a.shape, dtype: a.dtype };
  } catch (err) {
    if (err instanceof NpyError) throw new CliError(`--${flag} ${messageOf(err)}`);
    throw err;
  }
}

/** The first non-finite entry of a row-major array as "row r, column c", or null. */
function firstNonFinite(x: ArrayLike<number>, cols: number): string | null {
  for (let k = 0; k < x.length; k++) {
    const v = x[k] as number;
    if (!Number.isFinite(v)) return `${v} at row ${Math.floor(k / cols)}, column ${k % cols}`;
  }
  return null;
}

// ---------------------------------------------------------------------------
// RunConfig

/** Where the initial state came from. */
export type InitSource =
  | { source: 'file'; path: string; dtype: string }
  | { source: 'generated'; kind: 'uniform' | 'gaussian' | 'sphere'; seed: number | bigint; low?: number; high?: number; mean?: number; sigma?: number; radius?: number };

/** A validated run: Simulation options and everything around them. */
export interface RunConfig {
  /** Options for Simulation.create (positions included). */
  sim: FlatSimulationOptions & { positions: Float64Array; n: number; d: number };
  n: number;
  d: number;
  init: InitSource;
  steps: number;
  every: number;
  /** The options as given on the command line (for summary.json and CSV rows). */
  given: Record<string, string | boolean>;
  /** Files of matrices, by option. */
  matrixFiles: Record<string, string>;
}

/** The size of a run, known before its initial state is generated or copied. */
export interface RunShape {
  n: number;
  d: number;
  steps: number;
  every: number;
}

/**
 * Build a RunConfig from parsed values (run and sweep). Throws CliError.
 * Every option is parsed first; then, before a generated state is allocated
 * (or right after an --init file is read), the size is checked: a generated
 * state holds at most 2^28 numbers (initialPositions' limit), the wasm
 * backend must fit n × d in wasm32 memory (backend/index.ts checkSize), and `preflight`
 * (e.g. run's trajectory and disk-space checks) is called with the shape.
 */
export function buildRunConfig(values: Values, preflight?: (shape: RunShape) => void): RunConfig {
  const str = (k: string): string | undefined => {
    const v = values[k];
    return typeof v === 'string' ? v : undefined;
  };
  const given: Record<string, string | boolean> = {};
  for (const s of SIM_OPTIONS) {
    const v = values[s.name];
    if (typeof v === 'string' || v === true) given[s.name] = v;
  }
  const modelS = str('model');
  if (modelS === undefined) throw new CliError(`--model is required: ${MODELS.join(' | ')}`);
  const model = oneOfFlag('model', modelS, MODELS);

  // every scalar option first: nothing below allocates
  const opts: Omit<FlatSimulationOptions, 'positions' | 'model'> = {};
  const num = (flag: string, o: NumberOpts = {}): number | undefined => {
    const v = str(flag);
    return v === undefined ? undefined : parseNumber(flag, v, o);
  };
  const alpha = num('alpha', { gt: 0 });
  if (alpha !== undefined) opts.alpha = alpha;
  const gammaS = str('gamma');
  if (gammaS !== undefined) opts.gamma = parseGamma(gammaS);
  const deltaS = str('delta');
  const schedS = str('delta-schedule');
  if (deltaS !== undefined && schedS !== undefined) throw new CliError('give --delta or --delta-schedule, not both');
  if (deltaS !== undefined) opts.delta = parseNumber('delta', deltaS, { min: 0, allowInfinity: true });
  if (schedS !== undefined) opts.delta = parseDeltaSchedule(schedS);
  if ((deltaS !== undefined || schedS !== undefined) && model !== 'localmax') {
    throw new CliError(`--delta${schedS !== undefined ? '-schedule' : ''} applies to --model localmax only; got --model ${model}`);
  }
  const beta = num('beta', { min: 0 });
  if (beta !== undefined) opts.beta = beta;
  const h = num('h');
  if (h !== undefined) opts.h = h;
  if (values.sphere === true) opts.sphere = true;
  const seedS = str('seed');
  if (seedS !== undefined) opts.seed = parseSeed('seed', seedS);
  const dt = num('dt', { gt: 0 });
  if (dt !== undefined) opts.dt = dt;
  const integ = str('integrator');
  if (integ !== undefined) opts.integrator = oneOfFlag('integrator', integ, ['euler', 'euler-raw', 'rk4'] as const);
  const tau = num('tie-tolerance', { min: 0 });
  if (tau !== undefined) opts.tieTolerance = tau;
  const backend = str('backend');
  if (backend !== undefined) opts.backend = oneOfFlag('backend', backend, ['auto', 'wasm', 'js'] as const);
  const precision = str('precision');
  if (precision !== undefined) opts.precision = oneOfFlag('precision', precision, ['f64', 'f32'] as const);
  const gapS = str('gap');
  if (gapS !== undefined) opts.gap = oneOfFlag('gap', gapS, ['absolute', 'relative'] as const);
  const thrS = str('threshold');
  if (thrS !== undefined) opts.threshold = oneOfFlag('threshold', thrS, ['non-strict', 'strict'] as const);
  const selfS = str('include-self');
  if (selfS !== undefined) opts.includeSelf = oneOfFlag('include-self', selfS, ['false', 'true'] as const) === 'true';
  const swS = str('self-weight');
  if (swS !== undefined) opts.selfWeight = oneOfFlag('self-weight', swS, ['residual', 'average'] as const);
  const engineS = str('engine');
  if (engineS !== undefined) opts.engine = engineS as 'dense' | 'tree' | 'auto';
  const threadsS = str('threads');
  if (threadsS !== undefined) opts.threads = threadsS === 'auto' ? 'auto' : parseNumber('threads', threadsS, { integer: true, min: 0 });

  const stepsS = str('steps');
  const steps = stepsS === undefined ? 100 : parseNumber('steps', stepsS, { integer: true, min: 0 });
  const everyS = str('every');
  const every = everyS === undefined ? Math.max(1, Math.ceil(steps / 500)) : parseNumber('every', everyS, { integer: true, min: 1 });

  const nS = str('n');
  const dS = str('d');
  const nGiven = nS === undefined ? undefined : parseNumber('n', nS, { integer: true, min: 1 });
  const dGiven = dS === undefined ? undefined : parseNumber('d', dS, { integer: true, min: 1 });
  const checkSize = (n: number, d: number): void => {
    const runs = opts.backend === undefined || opts.backend === 'auto' ? autoBackend() : opts.backend;
    try {
      checkBackendSize(runs, opts.precision ?? 'f64', n, d, isOde(model));
    } catch (err) {
      throw new CliError(`--n ${n} --d ${d}: ${messageOf(err)}`);
    }
    preflight?.({ n, d, steps, every });
  };

  // the initial state
  let x0: Float64Array;
  let n: number;
  let d: number;
  let init: InitSource;
  const initPath = str('init');
  const genFlags = ['init-kind', 'init-seed', 'init-low', 'init-high', 'init-mean', 'init-sigma', 'init-radius'];
  if (initPath !== undefined) {
    const extra = genFlags.filter((f) => values[f] !== undefined);
    if (extra.length > 0) throw new CliError(`--init FILE cannot be combined with --${extra[0]} (that option is for generated states)`);
    const a = readArrayFile('init', initPath);
    if (a.shape.length !== 2) {
      throw new CliError(`--init ${initPath}: the array must be 2-D of shape (n, d); got shape ${shapeRepr(a.shape)}${a.shape.length === 1 ? ' (for d = 1 save it as (n, 1))' : ''}`);
    }
    [n, d] = a.shape as [number, number];
    if (n < 1 || d < 1) throw new CliError(`--init ${initPath}: the array must hold at least one token of dimension >= 1; got shape ${shapeRepr(a.shape)}`);
    if (nGiven !== undefined && nGiven !== n) throw new CliError(`--init ${initPath} has shape ${shapeRepr(a.shape)}, which is not n × d with --n ${nS}`);
    if (dGiven !== undefined && dGiven !== d) throw new CliError(`--init ${initPath} has shape ${shapeRepr(a.shape)}, which is not n × d with --d ${dS}`);
    const bad = firstNonFinite(a.data, d);
    if (bad !== null) throw new CliError(`--init ${initPath}: every entry must be finite; found ${bad}`);
    checkSize(n, d);
    x0 = a.data;
    init = { source: 'file', path: initPath, dtype: a.dtype };
  } else {
    if (nGiven === undefined || dGiven === undefined) throw new CliError('give the initial state: --init FILE.npy, or --n N --d D (with --init-kind, --init-seed)');
    n = nGiven;
    d = dGiven;
    const kind = oneOfFlag('init-kind', str('init-kind') ?? 'uniform', ['uniform', 'gaussian', 'sphere'] as const);
    const seedS = str('init-seed');
    const seed = seedS === undefined ? 0 : parseSeed('init-seed', seedS);
    const extras: Record<string, number | undefined> = {
      low: num('init-low'),
      high: num('init-high'),
      mean: num('init-mean'),
      sigma: num('init-sigma'),
      radius: num('init-radius'),
    };
    const applies: Record<string, readonly string[]> = { uniform: ['low', 'high'], gaussian: ['mean', 'sigma'], sphere: ['radius'] };
    const kindOpts: Record<string, number> = {};
    for (const [k, v] of Object.entries(extras)) {
      if (v === undefined) continue;
      if (!(applies[kind] as readonly string[]).includes(k)) throw new CliError(`--init-${k} does not apply to --init-kind ${kind}`);
      kindOpts[k] = v;
    }
    if (n * d > MAX_INITIAL_ELEMENTS) {
      throw new CliError(`--n × --d must be at most 2^28 = ${MAX_INITIAL_ELEMENTS} for a generated initial state; got ${n} × ${d} = ${n * d}`);
    }
    checkSize(n, d);
    try {
      x0 = initialPositions({ kind, n, d, seed, ...kindOpts });
    } catch (err) {
      throw new CliError(`initial state: ${messageOf(err)}`);
    }
    init = { source: 'generated', kind, seed, ...kindOpts };
  }

  const sim: FlatSimulationOptions & { positions: Float64Array; n: number; d: number } = { model, positions: x0, n, d, ...opts };
  const matrixFiles: Record<string, string> = {};
  for (const m of ['A', 'Q', 'K', 'V'] as const) {
    const path = str(m);
    if (path === undefined) continue;
    const a = readArrayFile(m, path);
    if (a.shape.length !== 2 || a.shape[0] !== d || a.shape[1] !== d) {
      throw new CliError(`--${m} ${path}: the matrix must have shape (${d}, ${d}) (d × d with d = ${d}); got shape ${shapeRepr(a.shape)}`);
    }
    const bad = firstNonFinite(a.data, d);
    if (bad !== null) throw new CliError(`--${m} ${path}: every entry must be finite; found ${bad}`);
    sim[m] = a.data;
    matrixFiles[m] = path;
  }

  return { sim, n, d, init, steps, every, given, matrixFiles };
}

/** The options of a config as plain JSON (no arrays of positions or matrices). */
export function describeConfig(c: RunConfig): Record<string, unknown> {
  const { positions: _p, A: _a, Q: _q, K: _k, V: _v, ...rest } = c.sim;
  void _p;
  void _a;
  void _q;
  void _k;
  void _v;
  return {
    ...rest,
    seed: typeof rest.seed === 'bigint' ? rest.seed.toString() : rest.seed,
    matrices: c.matrixFiles,
    init: c.init.source === 'generated' && typeof c.init.seed === 'bigint' ? { ...c.init, seed: c.init.seed.toString() } : c.init,
    steps: c.steps,
    every: c.every,
  };
}
