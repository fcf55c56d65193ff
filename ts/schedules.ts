/**
 * δ and γ schedules (SPEC.md §1.7). A schedule maps the step index t (an
 * integer, t = 0 for the first step) to a value; the step from t to t+1 uses
 * the value at t. Infinity is a valid δ (every token is in every
 * neighbourhood); γ must lie in (0, 1].
 *
 * Schedule objects are validated once and copied into frozen objects (frozen
 * arrays for piecewise), so mutating the caller's object later changes
 * nothing, and `Simulation.deltaAt`/`gammaAt` always agree with stepping.
 * Combinations whose formula yields NaN for some step t <= 2^53 − 1 (such as
 * Infinity · 0) are refused up front.
 */
import { checkNumber, checkOptions, rangeError, typeError } from './check.js';
import type { DeltaOption, GammaOption, GammaSpec, ScheduleSpec } from './types.js';

/** δ(t) = delta for every t. */
export function constant(delta: number): ScheduleSpec {
  return checkSpec({ kind: 'constant', delta }, 'delta');
}

/** δ(t) = delta0 / (1 + t)^p. */
export function power(delta0: number, p: number): ScheduleSpec {
  return checkSpec({ kind: 'power', delta0, p }, 'delta');
}

/** δ(t) = delta0 · ratio^t. */
export function geometric(delta0: number, ratio: number): ScheduleSpec {
  return checkSpec({ kind: 'geometric', delta0, ratio }, 'delta');
}

/** δ(t) = values[k] for the last k with starts[k] <= t; starts[0] = 0 and starts strictly increase. */
export function piecewise(starts: readonly number[], values: readonly number[]): ScheduleSpec {
  return checkSpec({ kind: 'piecewise', starts, values }, 'delta');
}

/** γ_t = 2/(t+2), the classic Frank–Wolfe step. */
export function frankWolfe(): GammaSpec {
  return checkGammaSpec({ kind: 'frank-wolfe' }, 'gamma');
}

/** γ_t = 1 − exp(−a(t+1)), a > 0. */
export function expRise(a: number): GammaSpec {
  return checkGammaSpec({ kind: 'exp-rise', a }, 'gamma');
}

/** γ_t = gamma0 · ratio^t (e.g. halving: gammaGeometric(0.5, 0.5) = 2^(−t−1)). */
export function gammaGeometric(gamma0: number, ratio: number): GammaSpec {
  return checkGammaSpec({ kind: 'geometric', gamma0, ratio }, 'gamma');
}

/** The largest step index a schedule is ever evaluated at (t + k stays a safe integer). */
const LAST_T = Number.MAX_SAFE_INTEGER - 1;

const DELTA = { min: 0, allowInfinity: true } as const;

/** A number[] read entry by entry (holes refused); `check` validates and returns each entry. */
function readList(v: unknown, name: string, check: (x: unknown, name: string) => number): readonly number[] {
  if (!Array.isArray(v)) throw typeError(name, 'an array of numbers', v);
  const out: number[] = [];
  for (let k = 0; k < v.length; k++) {
    if (!(k in v)) throw new TypeError(`${name}[${k}] must be a number; got a hole (an empty slot)`);
    out.push(check(v[k], `${name}[${k}]`));
  }
  return Object.freeze(out);
}

/** starts and values of a piecewise schedule, checked and copied. */
function readPiecewise(
  spec: { starts?: unknown; values?: unknown },
  name: string,
  checkValue: (x: unknown, name: string) => number,
): { starts: readonly number[]; values: readonly number[] } {
  const starts = readList(spec.starts, `${name}.starts`, (x, nm) => checkNumber(x, nm, { integer: true, min: 0 }));
  const values = readList(spec.values, `${name}.values`, checkValue);
  if (starts.length === 0) throw rangeError(`${name}.starts`, 'a non-empty array', spec.starts);
  if (starts.length !== values.length) {
    throw rangeError(`${name}.values`, `an array of the length of ${name}.starts (${starts.length})`, spec.values, `it has length ${values.length}`);
  }
  if (starts[0] !== 0) throw rangeError(`${name}.starts[0]`, '0', starts[0]);
  for (let k = 1; k < starts.length; k++) {
    if (!((starts[k] as number) > (starts[k - 1] as number))) {
      throw rangeError(`${name}.starts`, 'strictly increasing', spec.starts, `starts[${k}] = ${starts[k]} follows ${starts[k - 1]}`);
    }
  }
  return { starts, values };
}

/** The value of a piecewise schedule at t: values[k] for the last k with starts[k] <= t (binary search). */
function piecewiseAt(starts: readonly number[], values: readonly number[], t: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= t) lo = mid;
    else hi = mid - 1;
  }
  return values[lo] as number;
}

/**
 * Validate a δ schedule object and return a frozen copy; `name` prefixes the
 * messages (e.g. 'delta'). TypeError for a non-object, an unknown kind or
 * key, a non-number or a hole; RangeError for a bad value, including
 * combinations whose formula gives NaN (Infinity·0, Infinity/Infinity).
 */
export function checkSpec(spec: unknown, name: string): ScheduleSpec {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw typeError(name, 'a number, a schedule object or a function of t', spec);
  const s = spec as Record<string, unknown>;
  switch (s.kind) {
    case 'constant': {
      checkOptions(s, name, ['kind', 'delta'], true);
      return Object.freeze({ kind: 'constant', delta: checkNumber(s.delta, `${name}.delta`, DELTA) });
    }
    case 'power': {
      checkOptions(s, name, ['kind', 'delta0', 'p'], true);
      const delta0 = checkNumber(s.delta0, `${name}.delta0`, DELTA);
      const p = checkNumber(s.p, `${name}.p`, { min: 0 });
      if (Number.isNaN(delta0 / Math.pow(1 + LAST_T, p))) {
        throw rangeError(
          `${name}.p`,
          `small enough that (1+t)^p stays finite when delta0 is Infinity`,
          p,
          `Infinity/(1+t)^p is NaN once (1+t)^p overflows; use a constant Infinity schedule`,
        );
      }
      return Object.freeze({ kind: 'power', delta0, p });
    }
    case 'geometric': {
      checkOptions(s, name, ['kind', 'delta0', 'ratio'], true);
      const delta0 = checkNumber(s.delta0, `${name}.delta0`, DELTA);
      const ratio = checkNumber(s.ratio, `${name}.ratio`, { min: 0 });
      if (Number.isNaN(delta0 * Math.pow(ratio, LAST_T))) {
        throw rangeError(
          `${name}.ratio`,
          delta0 === Infinity ? 'close enough to 1 or above that ratio^t never underflows to 0 when delta0 is Infinity' : 'at most 1 when delta0 is 0',
          ratio,
          delta0 === Infinity ? 'Infinity·0 is NaN; use a constant Infinity schedule' : '0·Infinity is NaN once ratio^t overflows; use a constant 0 schedule',
        );
      }
      return Object.freeze({ kind: 'geometric', delta0, ratio });
    }
    case 'piecewise': {
      checkOptions(s, name, ['kind', 'starts', 'values'], true);
      const { starts, values } = readPiecewise(s, name, (x, nm) => checkNumber(x, nm, DELTA));
      return Object.freeze({ kind: 'piecewise', starts, values });
    }
    default:
      throw typeError(`${name}.kind`, "'constant', 'power', 'geometric' or 'piecewise'", s.kind);
  }
}

/** A validated δ option: a number >= 0 (Infinity allowed), a frozen copy of a schedule object, or the function itself. */
export function checkDeltaOption(v: unknown, name = 'delta'): DeltaOption {
  if (typeof v === 'number') return checkNumber(v, name, DELTA);
  if (typeof v === 'function') return v as (t: number) => number;
  return checkSpec(v, name);
}

/** A δ option turned into a function of t (validated first). Values returned by user functions are checked per step by the caller. */
export function scheduleFunction(option: DeltaOption, name = 'delta'): (t: number) => number {
  return compileDelta(checkDeltaOption(option, name));
}

/** An already validated δ option (from checkDeltaOption) as a function of t, without checking it again. */
export function compileDelta(o: DeltaOption): (t: number) => number {
  if (typeof o === 'number') return () => o;
  if (typeof o === 'function') return o;
  switch (o.kind) {
    case 'constant': {
      const delta = o.delta;
      return () => delta;
    }
    case 'power': {
      const { delta0, p } = o;
      return (t) => delta0 / Math.pow(1 + t, p);
    }
    case 'geometric': {
      const { delta0, ratio } = o;
      return (t) => delta0 * Math.pow(ratio, t);
    }
    case 'piecewise': {
      const { starts, values } = o;
      return (t) => piecewiseAt(starts, values, t);
    }
  }
}

/** Check one step size: a finite number in (0, 1]. */
export function checkGamma(v: unknown, name: string): number {
  return checkNumber(v, name, { min: 0, minExclusive: true, max: 1 });
}

/** Validate a γ schedule object and return a frozen copy (the per-step values are checked when stepping). */
export function checkGammaSpec(spec: unknown, name: string): GammaSpec {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw typeError(name, 'a number in (0, 1], a schedule object or a function of t', spec);
  const s = spec as Record<string, unknown>;
  switch (s.kind) {
    case 'constant':
      checkOptions(s, name, ['kind', 'gamma'], true);
      return Object.freeze({ kind: 'constant', gamma: checkGamma(s.gamma, `${name}.gamma`) });
    case 'frank-wolfe':
      checkOptions(s, name, ['kind'], true);
      return Object.freeze({ kind: 'frank-wolfe' });
    case 'exp-rise':
      checkOptions(s, name, ['kind', 'a'], true);
      return Object.freeze({ kind: 'exp-rise', a: checkNumber(s.a, `${name}.a`, { min: 0, minExclusive: true }) });
    case 'geometric':
      checkOptions(s, name, ['kind', 'gamma0', 'ratio'], true);
      return Object.freeze({
        kind: 'geometric',
        gamma0: checkGamma(s.gamma0, `${name}.gamma0`),
        ratio: checkNumber(s.ratio, `${name}.ratio`, { min: 0, minExclusive: true, max: 1 }),
      });
    case 'piecewise': {
      checkOptions(s, name, ['kind', 'starts', 'values'], true);
      const { starts, values } = readPiecewise(s, name, checkGamma);
      return Object.freeze({ kind: 'piecewise', starts, values });
    }
    default:
      throw typeError(`${name}.kind`, "'constant', 'frank-wolfe', 'exp-rise', 'geometric' or 'piecewise'", s.kind);
  }
}

/** A validated γ option: a number in (0, 1], a frozen copy of a schedule object, or the function itself. */
export function checkGammaOption(v: unknown, name = 'gamma'): GammaOption {
  if (typeof v === 'number') return checkGamma(v, name);
  if (typeof v === 'function') return v as (t: number) => number;
  return checkGammaSpec(v, name);
}

/** A validated γ option turned into a function of t (values of user functions are checked per step by the caller). */
export function gammaFunction(option: GammaOption, name = 'gamma'): (t: number) => number {
  return compileGamma(checkGammaOption(option, name));
}

/** An already validated γ option (from checkGammaOption) as a function of t, without checking it again. */
export function compileGamma(o: GammaOption): (t: number) => number {
  if (typeof o === 'number') return () => o;
  if (typeof o === 'function') return o;
  switch (o.kind) {
    case 'constant': {
      const g = o.gamma;
      return () => g;
    }
    case 'frank-wolfe':
      return (t) => 2 / (t + 2);
    case 'exp-rise': {
      const a = o.a;
      return (t) => 1 - Math.exp(-a * (t + 1));
    }
    case 'geometric': {
      const { gamma0, ratio } = o;
      return (t) => gamma0 * Math.pow(ratio, t);
    }
    case 'piecewise': {
      const { starts, values } = o;
      return (t) => piecewiseAt(starts, values, t);
    }
  }
}

/** True when the δ option is constant in t (so no per-step evaluation is needed). */
export function isConstant(option: DeltaOption): option is number | { kind: 'constant'; delta: number } {
  return typeof option === 'number' || (typeof option === 'object' && option !== null && option.kind === 'constant');
}

/** The value of a validated constant γ option, or null when γ varies with t. */
export function constantGamma(option: GammaOption): number | null {
  return typeof option === 'number' ? option : typeof option === 'object' && option.kind === 'constant' ? option.gamma : null;
}
