/**
 * Bad input to the built command: ONE clear line on stderr (no stack trace),
 * a non-zero exit, and no output written: the output directory is not
 * created, and an existing one keeps its files untouched.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../../ts/io/npy.js';
import { cli, ensureBuilt, tempDir } from './helpers.js';

let dir: string;
let good: string;
const f = (name: string): string => join(dir, name);

beforeAll(() => {
  ensureBuilt();
  dir = tempDir('cli-errors-');
  good = f('good.npy');
  writeFileSync(good, encodeNpy(Float64Array.from({ length: 20 }, (_, k) => Math.sin(k)), [10, 2]));
  writeFileSync(f('text.npy'), 'x,y\n1,2\n3,4\n');
  // int64 NPY, built by hand
  const header = "{'descr': '<i8', 'fortran_order': False, 'shape': (3, 2), }";
  const text = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const b = new Uint8Array(10 + text.length + 48);
  b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 255, text.length >> 8]);
  for (let k = 0; k < text.length; k++) b[10 + k] = text.charCodeAt(k);
  writeFileSync(f('int.npy'), b);
  writeFileSync(f('vector.npy'), encodeNpy(Float64Array.of(1, 2, 3, 4, 5), [5]));
  writeFileSync(f('cube.npy'), encodeNpy(new Float64Array(12), [2, 3, 2]));
  const withNaN = Float64Array.from({ length: 20 }, (_, k) => k / 10);
  withNaN[7] = NaN; // row 3, column 1
  writeFileSync(f('nan.npy'), encodeNpy(withNaN, [10, 2]));
  const withInf = Float64Array.from({ length: 20 }, (_, k) => k / 10);
  withInf[0] = -Infinity;
  writeFileSync(f('inf.npy'), encodeNpy(withInf, [10, 2]));
  const truncated = encodeNpy(new Float64Array(20), [10, 2]);
  writeFileSync(f('truncated.npy'), truncated.subarray(0, truncated.length - 8));
  writeFileSync(f('A3.npy'), encodeNpy(new Float64Array(9), [3, 3]));
  writeFileSync(f('a-file'), 'not a directory');
  mkdirSync(f('a-dir.npy'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = (): string[] => ['run', '--model', 'localmax', '--init', good, '--steps', '5'];

/** [name, argv (without --out), stderr pattern]. */
const cases: [string, () => string[], RegExp][] = [
  ['missing init file', () => ['run', '--model', 'hardmax', '--init', f('missing.npy')], /--init .*missing\.npy: no such file/],
  ['unreadable init (a directory)', () => ['run', '--model', 'hardmax', '--init', f('a-dir.npy')], /a-dir\.npy: is a directory/],
  ['wrong NPY magic', () => ['run', '--model', 'hardmax', '--init', f('text.npy')], /text\.npy: not an NPY file/],
  ['wrong dtype', () => ['run', '--model', 'hardmax', '--init', f('int.npy')], /unsupported dtype '<i8'/],
  ['truncated data', () => ['run', '--model', 'hardmax', '--init', f('truncated.npy')], /truncated NPY data/],
  ['1-D array is not n × d', () => ['run', '--model', 'hardmax', '--init', f('vector.npy')], /must be 2-D of shape \(n, d\); got shape \(5,\)/],
  ['3-D array is not n × d', () => ['run', '--model', 'hardmax', '--init', f('cube.npy')], /got shape \(2, 3, 2\)/],
  ['shape does not match --n', () => ['run', '--model', 'hardmax', '--init', good, '--n', '11'], /shape \(10, 2\), which is not n × d with --n 11/],
  ['NaN inside', () => ['run', '--model', 'hardmax', '--init', f('nan.npy')], /every entry must be finite; found NaN at row 3, column 1/],
  ['-Infinity inside', () => ['run', '--model', 'hardmax', '--init', f('inf.npy')], /found -Infinity at row 0, column 0/],
  ['unknown option', () => [...base(), '--alpah', '1'], /Unknown option '--alpah'/],
  ['option given twice', () => [...base(), '--alpha', '1', '--alpha', '2'], /--alpha is given more than once/],
  ['missing option value', () => [...base(), '--alpha'], /option --alpha needs a value/],
  ['option value that is another option', () => [...base(), '--alpha', '--beta', '2'], /option --alpha needs a value \(got '--beta' next/],
  ['bad number', () => [...base(), '--alpha', '1x'], /--alpha must be a finite number > 0; got "1x"$/],
  ['alpha out of range', () => [...base(), '--alpha', '-1'], /--alpha must be a finite number > 0; got -1$/],
  ['schedule with too few numbers', () => [...base(), '--delta-schedule', 'power:0.2'], /--delta-schedule must be power:δ0,p; got "power:0\.2"\. It takes 2 comma-separated numbers/],
  ['schedule with a non-number', () => [...base(), '--delta-schedule', 'geometric:0.2,x'], /--delta-schedule must be geometric:δ0,r; got "geometric:0\.2,x"\. "x" is not a number/],
  ['unknown schedule kind', () => [...base(), '--delta-schedule', 'cosine:1'], /--delta-schedule must be constant:δ, power:δ0,p, .*; got "cosine:1"\. Unknown schedule "cosine"/],
  ['schedule without a colon', () => [...base(), '--delta-schedule', 'power'], /--delta-schedule must be constant:δ, power:δ0,p, geometric:δ0,r or piecewise:.*; got "power"$/],
  ['piecewise not starting at 0', () => [...base(), '--delta-schedule', 'piecewise:0.2@5,0.1@10'], /--delta-schedule "piecewise:0\.2@5,0\.1@10": .*starts\[0\] must be 0/],
  ['piecewise bad piece', () => [...base(), '--delta-schedule', 'piecewise:0.2'], /Pieces are VALUE@STEP/],
  ['negative schedule value', () => [...base(), '--delta-schedule', 'power:-0.2,1'], /--delta-schedule "power:-0\.2,1": /],
  ['delta and schedule together', () => [...base(), '--delta', '0.1', '--delta-schedule', 'power:0.2,1'], /give --delta or --delta-schedule, not both/],
  ['delta with hardmax', () => ['run', '--model', 'hardmax', '--init', good, '--delta', '0.1'], /--delta applies to --model localmax only/],
  ['missing model', () => ['run', '--init', good], /--model is required/],
  ['unknown model', () => ['run', '--model', 'maxmax', '--init', good], /--model must be 'hardmax', 'localmax', .* or 'euclidean-sa'; got "maxmax"$/],
  ['matrix of the wrong shape', () => [...base(), '--A', f('A3.npy')], /--A .*must have shape \(2, 2\).*got shape \(3, 3\)/],
  ['no initial state', () => ['run', '--model', 'hardmax'], /give the initial state/],
  ['init together with generator options', () => [...base(), '--init-seed', '3'], /--init FILE cannot be combined with --init-seed/],
  ['API validation (softmax-markov needs a seed)', () => ['run', '--model', 'softmax-markov', '--init', good], /invalid options: seed is required/],
  ['hull step that is not recorded', () => [...base(), '--every', '2', '--hull-at', '3'], /--hull-at must be recorded steps \(with --steps 5 --every 2: multiples of 2 up to 5, and 5\); got 3$/],
  ['strip token out of range', () => [...base(), '--strip-tokens', '10'], /--strip-tokens must be token indices in \[0, 9\] \(n = 10\); got 10$/],
  ['trajectory too large', () => ['run', '--model', 'hardmax', '--n', '1000', '--d', '100', '--steps', '2000', '--every', '1', '--max-trajectory-mb', '10'], /raise --every or --max-trajectory-mb/],
  ['positional argument', () => [...base(), 'extra'], /Unexpected argument 'extra'/],
  ['unknown command', () => ['runn', '--model', 'hardmax'], /unknown command 'runn'/],
  ['unknown experiment', () => ['experiment', 'nope'], /unknown experiment 'nope'/],
];

function expectOneLineError(r: { code: number; stderr: string; stdout: string }, re: RegExp): void {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.split('\n').filter((l) => l.length > 0);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^attention-dynamics: error: /);
  expect(lines[0]).toMatch(re);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
}

describe('bad input: one line on stderr, non-zero exit, no output', () => {
  it.each(cases)('%s', (_name, argv, re) => {
    const out = f(`out-${Math.random().toString(36).slice(2)}`);
    const r = cli([...argv(), '--out', out]);
    expectOneLineError(r, re);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('an existing output directory keeps its files when the input is bad', () => {
    const out = f('existing-out');
    mkdirSync(out);
    writeFileSync(join(out, 'summary.json'), '{"old": true}');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const r = cli(['run', '--model', 'hardmax', '--init', f('nan.npy'), '--out', out]);
    expectOneLineError(r, /NaN/);
    expect(readdirSync(out).sort()).toEqual(['notes.txt', 'summary.json']);
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe('{"old": true}');
  });

  it('an output path that is an existing file is refused before running', () => {
    const r = cli([...base(), '--out', f('a-file')]);
    expectOneLineError(r, /--out .*a-file: is an existing file, not a directory/);
    expect(readFileSync(f('a-file'), 'utf8')).toBe('not a directory');
  });

  it('an output path below an existing file is refused', () => {
    const r = cli([...base(), '--out', join(f('a-file'), 'sub')]);
    expectOneLineError(r, /existing file/);
  });

  it('--out is required', () => {
    expectOneLineError(cli(base()), /--out DIR is required/);
  });

  it('ATTENTION_DYNAMICS_DEBUG adds no stack trace to a user error', () => {
    const r = cli(['run', '--model', 'hardmax', '--init', f('missing.npy'), '--out', f('o')], { env: { ATTENTION_DYNAMICS_DEBUG: '1' } });
    expectOneLineError(r, /no such file/);
  });
});
