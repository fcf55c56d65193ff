/**
 * Shared set-up of the property suites (test/property/*.property.test.ts):
 * the seed, the run counts, and a runner that prints how to replay a failure.
 *
 * Environment variables (all optional):
 *   PROPERTY_SEED  the fast-check seed, decimal or 0x-hex (default 0x5eed, fixed so CI is reproducible)
 *   PROPERTY_RUNS  runs per property, overriding each property's default count (sized so the whole
 *                  property suite takes about 20 s on a 2-core machine)
 *   PROPERTY_PATH  with PROPERTY_SEED, replays one shrunk counterexample exactly (fast-check's `path`,
 *                  printed on failure; combine with vitest's -t to run only that property)
 *   PROPERTY_DEBUG set to 1 to print more statistics (which option refused a case, which kinds of
 *                  point sets were undecided)
 *
 * A failing property reports fast-check's seed, path and shrunk counterexample,
 * followed by the command that replays it:
 *   PROPERTY_SEED=<seed> npx vitest run test/property
 */
import fc from 'fast-check';

function parseSeed(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const s = v.trim();
  const n = /^-?0x[0-9a-f]+$/i.test(s) ? Number.parseInt(s, 16) : Number(s);
  if (!Number.isSafeInteger(n)) throw new Error(`PROPERTY_SEED must be an integer (decimal or 0x-hex); got ${JSON.stringify(v)}`);
  return n | 0;
}

function parseRuns(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`PROPERTY_RUNS must be an integer >= 1; got ${JSON.stringify(v)}`);
  return n;
}

/** The fast-check seed of every property (PROPERTY_SEED, default 0x5eed). */
export const SEED: number = parseSeed(process.env.PROPERTY_SEED) ?? 0x5eed;
const RUNS: number | undefined = parseRuns(process.env.PROPERTY_RUNS);
const PATH: string | undefined = process.env.PROPERTY_PATH?.trim() || undefined;

/** PROPERTY_DEBUG: print more statistics. */
export const DEBUG = Boolean(process.env.PROPERTY_DEBUG);

/** Add one to a counter of a Map. */
export function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

/** Runs of a property: PROPERTY_RUNS when set, else its default. */
export function runsOf(defaultRuns: number): number {
  return RUNS ?? defaultRuns;
}

/** Runs executed so far in this file (successful property runs, not counting shrinking). */
export const tally = { runs: 0, properties: 0 };

/**
 * Run a property with the suite's seed and `defaultRuns` runs (or
 * PROPERTY_RUNS). Throws with fast-check's report (seed, path, shrunk
 * counterexample) and the replay command when it fails. Returns the number
 * of runs executed.
 */
export async function checkProperty<Ts>(
  file: string,
  name: string,
  property: fc.IAsyncProperty<Ts> | fc.IProperty<Ts>,
  defaultRuns: number,
): Promise<number> {
  const params: fc.Parameters<Ts> = { seed: SEED, numRuns: runsOf(defaultRuns) };
  if (PATH !== undefined) params.path = PATH;
  const details = await fc.check(property as fc.IAsyncProperty<Ts>, params);
  tally.runs += details.numRuns;
  tally.properties += 1;
  if (details.failed) {
    const report = fc.defaultReportMessage(details) ?? 'property failed';
    const cause = details.errorInstance instanceof Error ? `${details.errorInstance.name}: ${details.errorInstance.message}` : String(details.errorInstance);
    throw new Error(
      `${report}\n\nError of the shrunk counterexample: ${cause}\n\nReplay: PROPERTY_SEED=${details.seed} npx vitest run test/property\n` +
        `Exact counterexample: PROPERTY_SEED=${details.seed} PROPERTY_PATH="${details.counterexamplePath ?? ''}" ` +
        `npx vitest run ${file} -t ${JSON.stringify(name)}`,
    );
  }
  return details.numRuns;
}

/** One line for the log: the seed in hex and the runs of this file. */
export function summary(file: string, extra = ''): string {
  return `[property] ${file}: ${tally.runs} runs in ${tally.properties} properties, seed 0x${(SEED >>> 0).toString(16)}${extra ? `; ${extra}` : ''}`;
}
