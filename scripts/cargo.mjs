#!/usr/bin/env node
// Run cargo with the toolchain that can build this crate (see scripts/toolchain.mjs).
// Usage: node scripts/cargo.mjs <cargo args...>
import { spawnSync } from 'node:child_process';
import { pickToolchain } from './toolchain.mjs';

const tc = pickToolchain({ needWasm: false });
const r = spawnSync(tc.cargo, process.argv.slice(2), { stdio: 'inherit', env: tc.env });
process.exit(r.status ?? 1);
