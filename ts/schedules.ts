/**
 * δ schedules (SPEC.md §1.7). A schedule maps the step index t (an integer,
 * t = 0 for the first step) to δ(t) >= 0; the step from t to t+1 uses δ(t).
 * Infinity is a valid δ (every token is in every neighbourhood).
 */
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
  return checkSpec({ kind: 'piecewise', starts: [...starts], values: [...values] }, 'delta');
}

/** γ_t = 2/(t+2), the classic Frank–Wolfe step. */
export function frankWolfe(): GammaSpec {
  return { kind: 'frank-wolfe' };
}

/** γ_t = 1 − exp(−a(t+1)), a > 0. */
export function expRise(a: number): GammaSpec {
  return checkGammaSpec({ kind: 'exp-rise', a }, 'gamma');
}

/** γ_t = gamma0 · ratio^t (e.g. halving: gammaGeometric(0.5, 0.5) = 2^(−t−1)). */
export function gammaGeometric(gamma0: number, ratio: number): GammaSpec {
  return checkGammaSpec({ kind: 'geometric', gamma0, ratio }, 'gamma');
}

function fmt(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function num(v: unknown, name: string, opts: { min?: number; allowInfinity?: boolean } = {}): number {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number; got ${fmt(v)}`);
  if (Number.isNaN(v) || (!opts.allowInfinity && !Number.isFinite(v))) {
    throw new RangeError(`${name} must be a finite number; got ${fmt(v)}`);
  }
  if (opts.min !== undefined && v < opts.min) throw new RangeError(`${name} must be >= ${opts.min}; got ${fmt(v)}`);
  return v;
}

/** Validate a schedule object; `name` prefixes the messages (e.g. 'delta'). */
export function checkSpec(spec: ScheduleSpec, name: string): ScheduleSpec {
  if (spec === null || typeof spec !== 'object') throw new TypeError(`${name} must be a schedule object; got ${fmt(spec)}`);
  switch (spec.kind) {
    case 'constant':
      num(spec.delta, `${name}.delta`, { min: 0, allowInfinity: true });
      return spec;
    case 'power':
      num(spec.delta0, `${name}.delta0`, { min: 0, allowInfinity: true });
      num(spec.p, `${name}.p`, { min: 0 });
      return spec;
    case 'geometric':
      num(spec.delta0, `${name}.delta0`, { min: 0, allowInfinity: true });
      num(spec.ratio, `${name}.ratio`, { min: 0 });
      return spec;
    case 'piecewise': {
      const { starts, values } = spec;
      if (!Array.isArray(starts) || !Array.isArray(values)) {
        throw new TypeError(`${name}.starts and ${name}.values must be arrays; got ${fmt(starts)} and ${fmt(values)}`);
      }
      if (starts.length === 0 || starts.length !== values.length) {
        throw new RangeError(
          `${name}.starts and ${name}.values must be non-empty and of equal length; got ${starts.length} and ${values.length}`,
        );
      }
      starts.forEach((s: unknown, k: number) => {
        num(s, `${name}.starts[${k}]`, { min: 0 });
        if (!Number.isInteger(s)) throw new RangeError(`${name}.starts[${k}] must be an integer step; got ${fmt(s)}`);
        if (k === 0 && s !== 0) throw new RangeError(`${name}.starts[0] must be 0; got ${fmt(s)}`);
        if (k > 0 && (s as number) <= (starts[k - 1] as number)) {
          throw new RangeError(`${name}.starts must increase strictly; got ${fmt(starts)}`);
        }
      });
      values.forEach((v: unknown, k: number) => num(v, `${name}.values[${k}]`, { min: 0, allowInfinity: true }));
      return spec;
    }
    default:
      throw new TypeError(
        `${name}.kind must be 'constant', 'power', 'geometric' or 'piecewise'; got ${fmt((spec as { kind?: unknown }).kind)}`,
      );
  }
}

/** A validated δ option turned into a function of t. Values returned by user functions are checked per step by the caller. */
export function scheduleFunction(option: DeltaOption, name = 'delta'): (t: number) => number {
  if (typeof option === 'number') {
    const delta = num(option, name, { min: 0, allowInfinity: true });
    return () => delta;
  }
  if (typeof option === 'function') return option;
  const spec = checkSpec(option, name);
  switch (spec.kind) {
    case 'constant':
      return () => spec.delta;
    case 'power':
      return (t) => spec.delta0 / Math.pow(1 + t, spec.p);
    case 'geometric':
      return (t) => spec.delta0 * Math.pow(spec.ratio, t);
    case 'piecewise': {
      const { starts, values } = spec;
      return (t) => {
        let k = 0;
        while (k + 1 < starts.length && (starts[k + 1] as number) <= t) k++;
        return values[k] as number;
      };
    }
  }
}

/** Validate a γ schedule object (the per-step values are checked when stepping). */
export function checkGammaSpec(spec: GammaSpec, name: string): GammaSpec {
  if (spec === null || typeof spec !== 'object') throw new TypeError(`${name} must be a schedule object; got ${fmt(spec)}`);
  switch (spec.kind) {
    case 'constant':
      checkGamma(spec.gamma, `${name}.gamma`);
      return spec;
    case 'frank-wolfe':
      return spec;
    case 'exp-rise':
      num(spec.a, `${name}.a`);
      if (!(spec.a > 0)) throw new RangeError(`${name}.a must be > 0; got ${fmt(spec.a)}`);
      return spec;
    case 'geometric':
      checkGamma(spec.gamma0, `${name}.gamma0`);
      num(spec.ratio, `${name}.ratio`);
      if (!(spec.ratio > 0 && spec.ratio <= 1)) throw new RangeError(`${name}.ratio must be in (0, 1]; got ${fmt(spec.ratio)}`);
      return spec;
    case 'piecewise': {
      checkSpec({ kind: 'piecewise', starts: spec.starts, values: spec.values.map(() => 0) }, name);
      spec.values.forEach((v, k) => checkGamma(v, `${name}.values[${k}]`));
      return spec;
    }
    default:
      throw new TypeError(
        `${name}.kind must be 'constant', 'frank-wolfe', 'exp-rise', 'geometric' or 'piecewise'; got ${fmt((spec as { kind?: unknown }).kind)}`,
      );
  }
}

/** Check one step size: a number in (0, 1]. */
export function checkGamma(v: unknown, name: string): number {
  num(v, name);
  if (!((v as number) > 0 && (v as number) <= 1)) throw new RangeError(`${name} must be in (0, 1]; got ${fmt(v)}`);
  return v as number;
}

/** A validated γ option turned into a function of t (values of user functions are checked per step by the caller). */
export function gammaFunction(option: GammaOption, name = 'gamma'): (t: number) => number {
  if (typeof option === 'number') {
    const g = checkGamma(option, name);
    return () => g;
  }
  if (typeof option === 'function') return option;
  const spec = checkGammaSpec(option, name);
  switch (spec.kind) {
    case 'constant':
      return () => spec.gamma;
    case 'frank-wolfe':
      return (t) => 2 / (t + 2);
    case 'exp-rise':
      return (t) => 1 - Math.exp(-spec.a * (t + 1));
    case 'geometric':
      return (t) => spec.gamma0 * Math.pow(spec.ratio, t);
    case 'piecewise':
      return scheduleFunction({ kind: 'piecewise', starts: spec.starts, values: spec.values });
  }
}

/** True when the option is constant in t (so no per-step evaluation is needed). */
export function isConstant(option: DeltaOption): option is number | { kind: 'constant'; delta: number } {
  return typeof option === 'number' || (typeof option === 'object' && option !== null && option.kind === 'constant');
}

export { fmt as formatValue, num as checkNumber };
