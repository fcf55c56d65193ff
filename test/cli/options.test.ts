/**
 * The command line's parsers and helpers, in-process: schedule strings,
 * numbers, grid values, CSV quoting, recorded steps, the progress bar (only
 * on a terminal, never with --quiet) and the dispatcher's one-line errors.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/app.js';
import { CliError } from '../../ts/cli/errors.js';
import { parseDeltaSchedule, parseGamma, parseIntList, parseNumber, parseOptions, parseSeed, readNumberLiteral, SIM_OPTIONS } from '../../ts/cli/options.js';
import { progressBar } from '../../ts/cli/progress.js';
import { recordedSteps } from '../../ts/cli/run.js';
import { csvField, expandValues, gridPoints, parseGrid } from '../../ts/cli/sweep.js';

describe('schedule strings', () => {
  it('parse to the API schedule objects', () => {
    expect(parseDeltaSchedule('constant:0.1')).toEqual({ kind: 'constant', delta: 0.1 });
    expect(parseDeltaSchedule('power:0.2,1')).toEqual({ kind: 'power', delta0: 0.2, p: 1 });
    expect(parseDeltaSchedule('geometric:0.2,0.98')).toEqual({ kind: 'geometric', delta0: 0.2, ratio: 0.98 });
    expect(parseDeltaSchedule('piecewise:0.2@0,0.05@100')).toEqual({ kind: 'piecewise', starts: [0, 100], values: [0.2, 0.05] });
    expect(parseDeltaSchedule(' Power : 0.2 , 2 ')).toEqual({ kind: 'power', delta0: 0.2, p: 2 });
  });
  it.each(['power', 'power:0.2', 'power:0.2,1,3', 'power:a,1', 'cosine:1', 'piecewise:0.2', 'piecewise:0.2@1.5', 'piecewise:0.2@3', 'constant:-1', ''])('refuses %j with a CliError naming the flag', (s) => {
    expect(() => parseDeltaSchedule(s)).toThrow(CliError);
    expect(() => parseDeltaSchedule(s)).toThrow(/--delta-schedule/);
  });
  it('gamma: numbers in (0, 1] and the γ schedules', () => {
    expect(parseGamma('0.3')).toBe(0.3);
    expect(parseGamma('frank-wolfe')).toEqual({ kind: 'frank-wolfe' });
    expect(parseGamma('exp-rise:0.5')).toEqual({ kind: 'exp-rise', a: 0.5 });
    expect(parseGamma('geometric:0.5,0.5')).toEqual({ kind: 'geometric', gamma0: 0.5, ratio: 0.5 });
    expect(parseGamma('piecewise:0.5@0,0.1@10')).toEqual({ kind: 'piecewise', starts: [0, 10], values: [0.5, 0.1] });
    for (const bad of ['0', '1.5', '-0.2', 'exp-rise:0', 'piecewise:2@0', 'piecewise:0.5@1', 'warmup:1']) expect(() => parseGamma(bad), bad).toThrow(CliError);
  });
});

describe('numbers', () => {
  it('parseNumber accepts decimals, exponents and inf only when allowed', () => {
    expect(parseNumber('x', '1e-3')).toBe(0.001);
    expect(parseNumber('x', '-.5')).toBe(-0.5);
    expect(parseNumber('x', 'inf', { allowInfinity: true })).toBe(Infinity);
    expect(() => parseNumber('x', 'inf')).toThrow(/finite/);
    expect(() => parseNumber('x', '0x10')).toThrow(/^--x must be a finite number; got "0x10"$/);
    expect(() => parseNumber('x', '1.5', { integer: true })).toThrow(/integer/);
    expect(() => parseNumber('x', '0', { gt: 0 })).toThrow(/> 0/);
    expect(() => parseNumber('x', '3', { max: 2 })).toThrow(/<= 2/);
  });
  it('parseSeed gives numbers up to 2^53 and bigints up to 2^64', () => {
    expect(parseSeed('s', '42')).toBe(42);
    expect(parseSeed('s', '18446744073709551615')).toBe(18446744073709551615n);
    expect(() => parseSeed('s', '18446744073709551616')).toThrow(/^--s must be an integer in \[0, 2\^64\); got "18446744073709551616"$/);
    expect(() => parseSeed('s', '-1')).toThrow(CliError);
  });
  it('refuses a literal that overflows to Infinity unless inf is written (issue 9 item 10)', () => {
    expect(readNumberLiteral('1e309')).toBe('overflow');
    expect(readNumberLiteral('-1e309')).toBe('overflow');
    expect(readNumberLiteral('1.7976931348623157e308')).toBe(Number.MAX_VALUE);
    expect(() => parseNumber('delta', '1e309', { min: 0, allowInfinity: true })).toThrow(/^--delta must be a number >= 0 \(Infinity allowed\); got "1e309"\. It is beyond the largest double .*write 'inf' for infinity$/);
    expect(() => parseNumber('alpha', '1e999', { gt: 0 })).toThrow(CliError);
    expect(() => parseNumber('steps', '1e400', { integer: true, min: 0 })).toThrow(/^--steps must be an integer >= 0; got "1e400"\. It is beyond the largest double/);
    expect(parseNumber('delta', 'inf', { min: 0, allowInfinity: true })).toBe(Infinity);
    expect(parseNumber('delta', 'Infinity', { min: 0, allowInfinity: true })).toBe(Infinity);
    // and the schedule numbers
    expect(() => parseDeltaSchedule('power:1e309,1')).toThrow(/"1e309" is beyond the largest double/);
    expect(parseDeltaSchedule('power:inf,1')).toEqual({ kind: 'power', delta0: Infinity, p: 1 });
    expect(() => parseGamma('geometric:0.5,1e999')).toThrow(/"1e999" is beyond the largest double/);
  });
  it('refuses a non-zero literal that underflows to 0, keeps subnormals and zeros (issue 9 item 10)', () => {
    expect(() => parseNumber('delta', '1e-400', { min: 0, allowInfinity: true })).toThrow(/got "1e-400"\. It is below the smallest double .* read as 0/);
    expect(parseNumber('x', '5e-324')).toBe(5e-324);
    expect(parseNumber('x', '0e5')).toBe(0);
    expect(parseNumber('x', '0.000')).toBe(0);
  });
  it('parseIntList', () => {
    expect(parseIntList('t', '0, 5,30')).toEqual([0, 5, 30]);
    expect(() => parseIntList('t', '1,,2')).toThrow(CliError);
  });
  it('parseOptions glues negative numbers to their option and refuses repeats', () => {
    const { values } = parseOptions(['--alpha', '-0.5', '--delta', '-inf'], SIM_OPTIONS, 'run');
    expect(values.alpha).toBe('-0.5');
    expect(values.delta).toBe('-inf');
    expect(() => parseOptions(['--n', '3', '--n', '4'], SIM_OPTIONS, 'run')).toThrow(/more than once/);
  });
});

describe('grid', () => {
  it('expands lists, integer ranges and start:stop:step', () => {
    expect(expandValues('delta', '0.01,0.1,0.5')).toEqual(['0.01', '0.1', '0.5']);
    expect(expandValues('seed', '1..4')).toEqual(['1', '2', '3', '4']);
    expect(expandValues('beta', '0:1:0.25')).toEqual(['0', '0.25', '0.5', '0.75', '1']);
    expect(expandValues('beta', '0:0.3:0.1')).toEqual(['0', '0.1', '0.2', '0.3']);
    expect(expandValues('delta-schedule', 'power:0.2,1;geometric:0.2,0.9')).toEqual(['power:0.2,1', 'geometric:0.2,0.9']);
    expect(expandValues('seed', '1..2,7')).toEqual(['1', '2', '7']);
  });
  it("keeps a schedule value whole: ';' separates values, a ','-list with a schedule is refused (issue 9 item 9)", () => {
    expect(expandValues('gamma', '0.5;geometric:0.5,0.5')).toEqual(['0.5', 'geometric:0.5,0.5']);
    expect(expandValues('delta-schedule', 'power:0.2,1;')).toEqual(['power:0.2,1']);
    expect(expandValues('gamma', '0.5,frank-wolfe')).toEqual(['0.5', 'frank-wolfe']);
    expect(expandValues('delta-schedule', 'constant:0.1')).toEqual(['constant:0.1']);
    expect(() => expandValues('gamma', '0.5,geometric:0.5,0.5')).toThrow(/^--grid gamma must be values separated by ';' when one is a schedule .*got "0\.5,geometric:0\.5,0\.5"/);
    expect(() => expandValues('delta-schedule', 'power:0.2,1')).toThrow(CliError);
    expect(() => expandValues('gamma', '0.5;;0.7')).toThrow(/empty value/);
  });
  it('gridPoints: the first axis varies slowest', () => {
    const axes = parseGrid(['delta=0.1,0.2', 'alpha=1,2,3'], {});
    expect(gridPoints(axes).map((p) => `${p.delta}/${p.alpha}`)).toEqual(['0.1/1', '0.1/2', '0.1/3', '0.2/1', '0.2/2', '0.2/3']);
  });
  it('csvField quotes commas, quotes and newlines (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    expect(csvField(1.5)).toBe('1.5');
  });
});

describe('recordedSteps', () => {
  it('keeps every k-th step and the last', () => {
    expect(recordedSteps(10, 5)).toEqual([0, 5, 10]);
    expect(recordedSteps(23, 5)).toEqual([0, 5, 10, 15, 20, 23]);
    expect(recordedSteps(0, 3)).toEqual([0]);
  });
});

describe('progress bar', () => {
  function stream(isTTY: boolean): { s: { write(x: string): void; isTTY: boolean; columns: number }; out: string[] } {
    const out: string[] = [];
    return { s: { write: (x: string) => void out.push(x), isTTY, columns: 80 }, out };
  }
  it('draws on a terminal, erases itself when done', () => {
    const { s, out } = stream(true);
    const bar = progressBar(s, 'run', 100, { delay: 0 });
    bar.update(50);
    bar.update(100);
    bar.done();
    expect(out.length).toBeGreaterThanOrEqual(2);
    expect(out[0]).toMatch(/^\rrun \[#+\.+\]\s+50% 50\/100/);
    expect(out[out.length - 1]).toBe('\r\x1b[K');
    for (const line of out) expect(line.length).toBeLessThanOrEqual(80 + 6);
  });
  it('writes nothing off a terminal or with quiet', () => {
    for (const [tty, quiet] of [
      [false, false],
      [true, true],
    ] as const) {
      const { s, out } = stream(tty);
      const bar = progressBar(s, 'run', 10, { delay: 0, quiet });
      bar.update(5);
      bar.done();
      expect(out).toEqual([]);
    }
  });
});

describe('main (in-process)', () => {
  function io(): { stdout: string[]; stderr: string[]; io: Parameters<typeof main>[1] } {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return { stdout, stderr, io: { stdout: { write: (s: string) => stdout.push(s) }, stderr: { write: (s: string) => stderr.push(s), isTTY: false } } };
  }
  it('an unknown command is one line on stderr and exit status 2', async () => {
    const t = io();
    expect(await main(['frobnicate'], t.io)).toBe(2);
    expect(t.stderr.join('')).toMatch(/^attention-dynamics: error: unknown command 'frobnicate'.*\n$/);
    expect(t.stderr.join('').split('\n').filter(Boolean)).toHaveLength(1);
  });
  it('no arguments prints the usage', async () => {
    const t = io();
    expect(await main([], t.io)).toBe(0);
    expect(t.stdout.join('')).toMatch(/Usage:/);
  });
  it('--version prints the package version', async () => {
    const t = io();
    expect(await main(['--version'], t.io)).toBe(0);
    expect(t.stdout.join('')).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
