#!/usr/bin/env bash
# Set up a fresh Debian 12 machine (root, npm + Debian registries only) to
# build and test attention-dynamics, then build it. Idempotent and quick when
# everything is already there.
#
# - Debian rustc 1.63 + libstd-rust-dev-wasm32 build the kernel for wasm32
#   (rustup here has no wasm32 target and cannot download one); lld-14 is its
#   wasm linker and only a "recommended" package, so it is named explicitly.
# - chromium runs the headless browser smoke test (playwright-core drives it;
#   `npx playwright install` cannot download browsers here).
# - npm ci installs the JS dev dependencies (typescript, vitest, binaryen's wasm-opt, playwright-core).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
dpkg -s rustc >/dev/null 2>&1 || need_apt+=(rustc)
dpkg -s cargo >/dev/null 2>&1 || need_apt+=(cargo)
dpkg -s libstd-rust-dev-wasm32 >/dev/null 2>&1 || need_apt+=(libstd-rust-dev-wasm32)
dpkg -s lld-14 >/dev/null 2>&1 || need_apt+=(lld-14)
if [ "${SKIP_BROWSER:-0}" != "1" ]; then
  dpkg -s chromium >/dev/null 2>&1 || need_apt+=(chromium)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}" >&2
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

npm run --silent build
