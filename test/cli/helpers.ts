/**
 * Helpers of the CLI tests: build dist/ when it is older than ts/ (once,
 * under a lock, since vitest runs test files in parallel), and spawn the
 * built command `node dist/cli/main.js …` the way a user runs it.
 */
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []));
}

/** The dist/ files older than their ts/ sources (or missing). */
function stale(): string[] {
  if (!existsSync(join(ROOT, 'pkg', 'kernel.wasm'))) return ['pkg/kernel.wasm'];
  const out: string[] = [];
  for (const src of sources(join(ROOT, 'ts'))) {
    const js = join(ROOT, 'dist', relative(join(ROOT, 'ts'), src)).replace(/\.ts$/, '.js');
    if (!existsSync(js) || statSync(js).mtimeMs < statSync(src).mtimeMs) out.push(relative(ROOT, src));
  }
  return out;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Build dist/ (and pkg/ if missing) when stale; safe to call from parallel test files. */
export function ensureBuilt(): void {
  if (stale().length === 0) return;
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const lock = join(ROOT, 'dist', '.test-build-lock');
  const start = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone */
      }
      if (Date.now() - start > 10 * 60_000) throw new Error('timed out waiting for another test file to build dist/');
      sleep(250);
    }
  }
  try {
    const s = stale();
    if (s.length === 0) return;
    const cmd = s.includes('pkg/kernel.wasm') ? 'npm run build' : 'npx tsc -p tsconfig.build.json';
    try {
      execSync(cmd, { cwd: ROOT, stdio: 'pipe' });
    } catch {
      // tsc still emits when other files have type errors; check what matters below
    }
    // other people's files may be mid-edit; what the command itself is made of must be fresh
    const left = stale().filter((f) => f.startsWith('pkg') || /^ts\/(cli|io|report)\//.test(f));
    if (left.length > 0) throw new Error(`could not build: ${left.join(', ')} still stale after '${cmd}'`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The result of one command. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `attention-dynamics ...args` (the built command) and wait for it. */
export function cli(args: readonly string[], opts: { cwd?: string; env?: Record<string, string>; timeout?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
    timeout: opts.timeout ?? 120_000,
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
