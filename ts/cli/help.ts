/**
 * --help texts: the top-level usage and one page per subcommand, generated
 * from the option tables (so help and parser never disagree) plus examples.
 */
import { COMMON_OPTIONS, RUN_OUTPUT_OPTIONS, SIM_OPTIONS, type OptSpec } from './options.js';

export const SWEEP_OPTIONS: readonly OptSpec[] = [
  { name: 'grid', type: 'string', multiple: true, arg: 'KEY=VALUES', group: 'Sweep', help: "a grid axis (repeatable): KEY is a run option without --, VALUES a,b,c or i..j (integers) or start:stop:step, separated by ';' instead when a value is a schedule: 'gamma=0.5;geometric:0.5,0.5'; seed= sets --init-seed (and --seed for softmax-markov)" },
  { name: 'workers', type: 'string', arg: 'N', group: 'Sweep', help: 'worker threads (default: the number of cores)' },
  { name: 'out', type: 'string', arg: 'DIR', group: 'Sweep', help: 'required: output directory for sweep.csv and sweep.json' },
];

export const EXPERIMENT_OPTIONS: readonly OptSpec[] = [
  { name: 'list', type: 'boolean', group: 'Experiment', help: 'list the experiments with their descriptions' },
  { name: 'out', type: 'string', arg: 'DIR', group: 'Experiment', help: 'output directory (figures as .svg, report.html, summary.json, inputs as .npy)' },
  { name: 'small', type: 'boolean', group: 'Experiment', help: 'reduced size (seconds; used by the test suite)' },
  { name: 'full', type: 'boolean', group: 'Experiment', help: "the authors' full size where it differs from the default (phase-diagram: ensemble 2048)" },
  { name: 'param', type: 'string', multiple: true, arg: 'KEY=VALUE', group: 'Experiment', help: 'an experiment parameter (repeatable); the keys each experiment takes are in --list' },
  { name: 'workers', type: 'string', arg: 'N', group: 'Experiment', help: 'worker threads for experiments that split their work (default: the cores)' },
  { name: 'backend', type: 'string', arg: 'NAME', group: 'Experiment', help: 'auto | wasm | js (default auto: wasm where WebAssembly SIMD runs, else js)' },
];

function table(specs: readonly OptSpec[]): string {
  const groups = new Map<string, OptSpec[]>();
  for (const s of specs) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  const lines: string[] = [];
  for (const [g, list] of groups) {
    lines.push(`${g}:`);
    for (const s of list) {
      const flag = `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.arg ? ` ${s.arg}` : ''}`;
      lines.push(`  ${flag.padEnd(30)} ${s.help}`);
    }
    lines.push('');
  }
  return lines.join('\n') + '\n';
}

const TOP = `attention-dynamics: simulate and analyse self-attention dynamics (hardmax, localmax, softmax, Frank–Wolfe, sphere models)

Usage:
  attention-dynamics run --model NAME (--init FILE.npy | --n N --d D) --out DIR [options]
  attention-dynamics sweep --model NAME ... --grid KEY=VALUES [--grid ...] --out DIR [--workers N]
  attention-dynamics experiment NAME --out DIR [--small]
  attention-dynamics experiment --list
  attention-dynamics <command> --help

Commands:
  run          one simulation: trajectory.npy, final.npy, summary.json and report.html (figures)
  sweep        a grid of runs in parallel worker threads: one CSV row per run
  experiment   the reference experiments of SPEC §5: figures (.svg), report.html, summary.json

Examples:
  attention-dynamics run --model localmax --delta 0.1 --alpha 1 --n 200 --d 2 --init-seed 1 --steps 300 --out out/run1
  attention-dynamics experiment afz-figure2 --out out/afz
  attention-dynamics sweep --model localmax --n 60 --d 2 --steps 300 --grid delta=0.01,0.1,0.5 --grid alpha=0.5,1 --grid seed=1..4 --out out/sweep

Exit status: 0 success, 2 bad input or an unusable --out (one line on stderr, nothing written), 1 a run or
output failure (one line; nothing written), 130/143 interrupted by SIGINT/SIGTERM (temporary files removed).
`;

const RUN_EXAMPLES = `Examples:
  # localmax on a seeded uniform cloud, report in out/run1/report.html
  attention-dynamics run --model localmax --delta 0.1 --alpha 1 --n 200 --d 2 --init-seed 1 --steps 300 --out out/run1
  # your own tokens (n × d float64/float32 .npy, C order), hardmax with a matrix A
  attention-dynamics run --model hardmax --init x0.npy --A A.npy --alpha 0.5 --steps 30 --every 1 --out out/run2
  # a vanishing δ schedule, pure-TypeScript backend in float32
  attention-dynamics run --model localmax --delta-schedule power:0.2,1 --n 500 --d 3 --steps 1000 --backend js --precision f32 --out out/run3
  # sphere model (SA), machine-readable summary on stdout
  attention-dynamics run --model sphere-sa --beta 1 --integrator euler-raw --dt 0.1 --n 64 --d 3 --init-kind gaussian --steps 150 --out out/sa --json

Outputs (written atomically once the run has finished):
  trajectory.npy  (snapshots × n × d, float64)   times.npy   (the step of each snapshot)
  initial.npy, final.npy (n × d, float64)        summary.json, report.html (self-contained, SVG figures)
`;

const SWEEP_EXAMPLES = `Examples:
  attention-dynamics sweep --model localmax --n 60 --d 2 --steps 300 --grid delta=0.01,0.1,0.5 --grid alpha=0.5,1 --grid seed=1..4 --out out/sweep
  attention-dynamics sweep --model softmax --n 100 --d 2 --steps 200 --grid beta=0:10:2 --grid backend=wasm,js --workers 2 --out out/beta

  # schedules have commas of their own: separate such values with ';' (and quote them for the shell)
  attention-dynamics sweep --model localmax --n 60 --d 2 --steps 300 --grid 'delta-schedule=power:0.2,1;geometric:0.2,0.98' --out out/sched

Each grid point is a 'run' with the base options plus KEY VALUE; runs do not write trajectories. Every point is
validated before the first run starts: an invalid one is one line naming it, exit status 2, nothing written.
sweep.csv gets one row per run (its parameters, status, timings and final-state diagnostics); sweep.json the same
with error messages and the worker thread of each run. A run that fails while running is reported and the others
continue (exit status 1 if any failed).
`;

const EXPERIMENT_EXAMPLES = `Examples:
  attention-dynamics experiment --list
  attention-dynamics experiment p6-square --out out/p6
  attention-dynamics experiment afz-figure2 --out out/afz --small
`;

/** The usage text of a command ('' for the top level). */
export function usage(command: '' | 'run' | 'sweep' | 'experiment'): string {
  switch (command) {
    case 'run':
      return `Usage: attention-dynamics run --model NAME (--init FILE.npy | --n N --d D) --out DIR [options]\n\n${table([...SIM_OPTIONS, ...RUN_OUTPUT_OPTIONS, ...COMMON_OPTIONS])}${RUN_EXAMPLES}`;
    case 'sweep':
      return `Usage: attention-dynamics sweep [run options] --grid KEY=VALUES [--grid ...] --out DIR [--workers N]\n\n${table([...SWEEP_OPTIONS, ...SIM_OPTIONS, ...COMMON_OPTIONS])}${SWEEP_EXAMPLES}`;
    case 'experiment':
      return `Usage: attention-dynamics experiment NAME --out DIR [--small] | experiment --list\n\n${table([...EXPERIMENT_OPTIONS, ...COMMON_OPTIONS])}${EXPERIMENT_EXAMPLES}`;
    default:
      return TOP;
  }
}
