#!/usr/bin/env node
// Build crates/kernel for wasm32-unknown-unknown with simd128, optimise it with
// binaryen's wasm-opt (npm package `binaryen`) and write pkg/kernel.wasm.
//
//   node scripts/build-wasm.mjs           pkg/kernel.wasm, the shipped kernel
//   node scripts/build-wasm.mjs --bench   pkg/kernel-bench.wasm: the same kernel
//       plus the multiply-add peak exports ad_peak_f64/ad_peak_f32 (cargo
//       feature `bench`), for bench/run.mjs; never shipped
//
// wasm-pack and wasm-bindgen cannot be installed on these machines (they need
// crates.io and release binaries), and the kernel exposes a raw C ABI anyway,
// so this script does their small part of the job itself.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pickToolchain } from './toolchain.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = process.argv.slice(2).includes('--bench');
const tc = pickToolchain({ needWasm: true });
// The bench variant builds in its own target directory, so that switching
// between the two does not rebuild either.
const targetDir = BENCH ? join(root, 'target', 'bench') : join(root, 'target');
const env = {
  ...tc.env,
  RUSTFLAGS: [tc.env.RUSTFLAGS ?? '', '-C target-feature=+simd128'].join(' ').trim(),
  CARGO_TARGET_DIR: targetDir,
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env, ...opts });
  if (r.status !== 0) {
    console.error(`build-wasm: '${cmd} ${args.join(' ')}' failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

console.error(`build-wasm: toolchain ${tc.label}`);
run(tc.cargo, ['build', '--release', '--target', 'wasm32-unknown-unknown', '--manifest-path', 'crates/kernel/Cargo.toml', ...(BENCH ? ['--features', 'bench'] : [])]);
const raw = join(targetDir, 'wasm32-unknown-unknown', 'release', 'kernel.wasm');
if (!existsSync(raw)) {
  console.error(`build-wasm: expected ${raw}`);
  process.exit(1);
}
mkdirSync(join(root, 'pkg'), { recursive: true });
const outName = BENCH ? 'kernel-bench.wasm' : 'kernel.wasm';
const out = join(root, 'pkg', outName);
const wasmOpt = join(root, 'node_modules', '.bin', 'wasm-opt');
if (existsSync(wasmOpt)) {
  run(wasmOpt, ['-O3', '--enable-simd', '--enable-bulk-memory', '--enable-sign-ext', '--enable-mutable-globals', '--strip-debug', raw, '-o', out]);
} else {
  console.error('build-wasm: node_modules/.bin/wasm-opt missing (npm install first); copying the unoptimised module');
  copyFileSync(raw, out);
}
console.error(`build-wasm: wrote pkg/${outName} (${statSync(out).size} bytes; cargo output ${statSync(raw).size} bytes)`);
