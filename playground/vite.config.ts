/**
 * Vite config of the playground (issue 14). No Vite plugin: the package loads
 * kernel.wasm with `new URL('../../pkg/kernel.wasm', import.meta.url)`, which
 * Vite emits as an asset on its own, in the page and in the module worker.
 *
 * 'attention-dynamics' is aliased to the BUILT public entry ../dist/index.js
 * (what the package's `exports` give a browser), not to ../ts/index.ts: the
 * playground then exercises exactly the files a user installs, and deep
 * imports are impossible by construction. Cost: `npm run build` (or
 * `npm run build:ts`) must have run first; the npm scripts do it.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: [{ find: /^attention-dynamics$/, replacement: entry }] },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5178, strictPort: false, fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  preview: { host: '127.0.0.1' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
  logLevel: 'warn',
});
