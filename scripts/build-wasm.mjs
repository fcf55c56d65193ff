#!/usr/bin/env node
// Build crates/kernel for wasm32-unknown-unknown with simd128, optimise it with
// binaryen's wasm-opt (npm package `binaryen`) and write pkg/kernel.wasm.
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
const tc = pickToolchain({ needWasm: true });
const env = {
  ...tc.env,
  RUSTFLAGS: [tc.env.RUSTFLAGS ?? '', '-C target-feature=+simd128'].join(' ').trim(),
  CARGO_TARGET_DIR: join(root, 'target'),
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env, ...opts });
  if (r.status !== 0) {
    console.error(`build-wasm: '${cmd} ${args.join(' ')}' failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

console.error(`build-wasm: toolchain ${tc.label}`);
run(tc.cargo, ['build', '--release', '--target', 'wasm32-unknown-unknown', '--manifest-path', 'crates/kernel/Cargo.toml']);
const raw = join(root, 'target', 'wasm32-unknown-unknown', 'release', 'kernel.wasm');
if (!existsSync(raw)) {
  console.error(`build-wasm: expected ${raw}`);
  process.exit(1);
}
mkdirSync(join(root, 'pkg'), { recursive: true });
const out = join(root, 'pkg', 'kernel.wasm');
const wasmOpt = join(root, 'node_modules', '.bin', 'wasm-opt');
if (existsSync(wasmOpt)) {
  run(wasmOpt, ['-O3', '--enable-simd', '--enable-bulk-memory', '--enable-sign-ext', '--enable-mutable-globals', '--strip-debug', raw, '-o', out]);
} else {
  console.error('build-wasm: node_modules/.bin/wasm-opt missing (npm install first); copying the unoptimised module');
  copyFileSync(raw, out);
}
console.error(`build-wasm: wrote pkg/kernel.wasm (${statSync(out).size} bytes; cargo output ${statSync(raw).size} bytes)`);
