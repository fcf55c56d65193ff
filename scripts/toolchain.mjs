// Choose the Rust toolchain for the kernel.
//
// The crate must build for wasm32-unknown-unknown with simd128. rustup's
// toolchains on these machines have no wasm32 target and cannot download one,
// so we prefer any rustc on PATH whose sysroot has the wasm32 target (a
// developer laptop with `rustup target add wasm32-unknown-unknown`) and fall
// back to Debian's rustc 1.63 + libstd-rust-dev-wasm32, driven by Debian's
// /usr/bin/cargo with RUSTC=/usr/bin/rustc (rustup's cargo cannot drive 1.63).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

function sysroot(rustc) {
  const r = spawnSync(rustc, ['--print', 'sysroot'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function hasWasm(rustc) {
  const root = sysroot(rustc);
  return root !== null && existsSync(join(root, 'lib', 'rustlib', 'wasm32-unknown-unknown', 'lib'));
}

/**
 * @param {{needWasm: boolean}} opts
 * @returns {{cargo: string, rustc: string, env: NodeJS.ProcessEnv, label: string}}
 */
export function pickToolchain({ needWasm }) {
  const env = { ...process.env };
  if (!needWasm) {
    // Native tests: Debian's toolchain checks the crate against Rust 1.63 too.
    if (existsSync('/usr/bin/cargo') && existsSync('/usr/bin/rustc')) {
      env.RUSTC = '/usr/bin/rustc';
      return { cargo: '/usr/bin/cargo', rustc: '/usr/bin/rustc', env, label: 'debian' };
    }
    return { cargo: 'cargo', rustc: 'rustc', env, label: 'path' };
  }
  if (sysroot('rustc') !== null && hasWasm('rustc') && spawnSync('cargo', ['--version']).status === 0) {
    return { cargo: 'cargo', rustc: 'rustc', env, label: 'path (has wasm32 target)' };
  }
  if (existsSync('/usr/bin/rustc') && hasWasm('/usr/bin/rustc') && existsSync('/usr/bin/cargo')) {
    env.RUSTC = '/usr/bin/rustc';
    return { cargo: '/usr/bin/cargo', rustc: '/usr/bin/rustc', env, label: 'debian rustc + libstd-rust-dev-wasm32' };
  }
  throw new Error(
    'No Rust toolchain with the wasm32-unknown-unknown target was found. ' +
      'Run scripts/setup.sh (installs Debian rustc, cargo, libstd-rust-dev-wasm32 and lld-14), ' +
      'or `rustup target add wasm32-unknown-unknown` where rustup can download.',
  );
}
