/**
 * The package as its users install it (issue 10): `npm pack` of this
 * repository, the tarball installed OFFLINE into a fresh temporary project,
 * then used the ways the README shows:
 *   - the tarball's contents (dist/, pkg/kernel.wasm, LICENSE; no tests, no
 *     source maps, no TypeScript sources);
 *   - Node: ESM `import` and CommonJS `require` each run 10 localmax steps and
 *     agree bitwise, and `require` and `import` give one module instance;
 *   - TypeScript (`tsc --noEmit`, strict + exactOptionalPropertyTypes, lib
 *     ["es2022", "dom"], types [], skipLibCheck false) under module
 *     resolution nodenext, node16 and bundler: a typed consumer compiles, and
 *     the four option combinations the runtime refuses fail with the expected
 *     diagnostics;
 *   - headless Chromium: the installed package served as static files, with no
 *     import map and no bundler, runs on the main thread and in a module Web
 *     Worker;
 *   - a Vite production build with default settings (default worker format
 *     included) of a tiny app (main thread + worker) runs in Chromium, and
 *     Vite logs no warning.
 * The byte counts of the tarball, of what a page downloads and of the Vite
 * bundle are printed (console.info) for the record; no size is asserted.
 *
 * Offline install: `npm install --offline <tarball>` cannot work from the
 * cache that `npm ci` fills (that cache holds tarballs, not the registry
 * metadata needed to resolve `piscina`'s version range), so the temporary
 * project gets a package-lock.json built from this repository's lock file
 * (the entries of piscina and its optional @napi-rs/nice packages, with their
 * integrity hashes) and is installed with `npm ci --offline`, which reads
 * the tarballs from the npm cache by integrity.
 *
 * `npm pack --ignore-scripts`: `npm test` has just built dist/ and
 * pkg/kernel.wasm; running the `prepack` script (the build) here would rebuild
 * dist/ while other test files read it. Needs `npm run build` first; the
 * browser parts are skipped only when /usr/bin/chromium does not exist.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../browser/server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test/package/fixtures');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const BUILD_OUTPUTS = ['dist/index.js', 'dist/node.js', 'dist/index.d.ts', 'dist/node.d.ts', 'pkg/kernel.wasm'];
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Run {
  backend?: string;
  t?: number;
  hex?: string;
  error?: string;
}

/** Run a command to completion (async, so the event loop keeps serving); throws with its output when it fails. */
function run(cmd: string, args: string[], cwd: string, allowFailure = false): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      const status = code ?? 128;
      if (status !== 0 && !allowFailure) {
        fail(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed with ${code ?? signal}\nstdout: ${stdout}\nstderr: ${stderr}`));
      } else ok({ status, stdout, stderr });
    });
  });
}

function copyFixture(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(join(FIXTURES, from))) copyFileSync(join(FIXTURES, from, f), join(to, f));
  copyFileSync(join(FIXTURES, 'run10.js'), join(to, 'run10.js'));
}

let tmp = '';
let consumer = '';
let pack: { filename: string; size: number; unpackedSize: number; files: { path: string; size: number }[] };
/** The Node ESM run (wasm via backend 'auto', and js): the reference of every other consumer. */
let nodeRun: Run & { js: Run; loadNpy: string; saveNpy: string };

beforeAll(async () => {
  const missing = BUILD_OUTPUTS.filter((f) => !existsSync(join(ROOT, f)));
  if (missing.length > 0) throw new Error(`missing build output ${missing.join(', ')}: run \`npm run build\` first (the README test command builds first)`);
  tmp = mkdtempSync(join(tmpdir(), 'ad-package-'));

  // 1. pack
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT);
  pack = (JSON.parse(packed.stdout) as (typeof pack)[])[0]!;
  const tarball = join(tmp, pack.filename);

  // 2. a fresh project that depends on the tarball, installed offline (see the header)
  consumer = join(tmp, 'consumer');
  mkdirSync(consumer);
  const spec = `file:../${pack.filename}`;
  const manifest = { name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: { 'attention-dynamics': spec } };
  const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
  const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { 'attention-dynamics': spec } },
    'node_modules/attention-dynamics': {
      version: ours.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      dependencies: ours.dependencies,
    },
  };
  // the package's dependencies and theirs (optional ones included), as locked in this repository
  const todo = Object.keys(ours.dependencies);
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    const entry = repoLock.packages[`node_modules/${name}`];
    if (entry === undefined) throw new Error(`package-lock.json of the repository has no entry for ${name}`);
    if (`node_modules/${name}` in packages) continue;
    packages[`node_modules/${name}`] = entry;
    for (const field of ['dependencies', 'optionalDependencies'] as const) {
      todo.push(...Object.keys((entry[field] as Record<string, string> | undefined) ?? {}));
    }
  }
  writeFileSync(join(consumer, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(consumer, 'package-lock.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2));
  await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], consumer);

  copyFixture('node', consumer);
  const esm = await run(process.execPath, ['esm.mjs'], consumer);
  nodeRun = JSON.parse(esm.stdout) as typeof nodeRun;
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the tarball (npm pack)', () => {
  it('holds dist/, pkg/kernel.wasm, LICENSE, README.md and package.json; no tests, sources or source maps (issue 10 item 6)', () => {
    const paths = pack.files.map((f) => f.path).sort();
    console.info(
      `[package] ${pack.filename}: ${pack.size} bytes packed, ${pack.unpackedSize} bytes unpacked, ${paths.length} files ` +
        `(dist/*.js ${pack.files.filter((f) => f.path.endsWith('.js')).reduce((a, f) => a + f.size, 0)} bytes, ` +
        `*.d.ts ${pack.files.filter((f) => f.path.endsWith('.d.ts')).reduce((a, f) => a + f.size, 0)} bytes)`,
    );
    for (const f of ['LICENSE', 'README.md', 'package.json', 'pkg/kernel.wasm', ...BUILD_OUTPUTS]) expect(paths, f).toContain(f);
    const stray = paths.filter((p) => !/^(dist\/.+\.(js|d\.ts)|pkg\/kernel\.wasm|LICENSE|README\.md|package\.json)$/.test(p));
    expect(stray, 'files other than dist/*.js, dist/*.d.ts, the kernel and the top-level files').toEqual([]);
    expect(paths.filter((p) => /(^|\/)(test|tests|__tests__|fixtures)\/|\.test\.|\.spec\.|\.map$/.test(p))).toEqual([]);
    // the LICENSE is MIT and names the holder; the vendored YALPS keeps its notice
    const license = readFileSync(join(consumer, 'node_modules/attention-dynamics/LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} attention-dynamics contributors\n/);
    expect(readFileSync(join(consumer, 'node_modules/attention-dynamics/dist/vendor/yalps/simplex.js'), 'utf8')).toContain('Copyright (c) 2022-2023 Ian Manske');
  });

  it('has no top-level await in any dist/ file, and the universal entry imports nothing by a bare name or from node: (issue 10 items 1-2)', async () => {
    const ts = (await import('typescript')).default;
    const pkgDir = join(consumer, 'node_modules/attention-dynamics');
    const js = pack.files.map((f) => f.path).filter((p) => p.endsWith('.js'));
    const tla: string[] = [];
    /** relative specifiers → resolved file, others → listed */
    const imports = new Map<string, string[]>();
    for (const rel of js) {
      const sf = ts.createSourceFile(rel, readFileSync(join(pkgDir, rel), 'utf8'), ts.ScriptTarget.ES2022, true);
      const specs: string[] = [];
      const visit = (node: import('typescript').Node, inFunction: boolean): void => {
        const inside = inFunction || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node);
        if (!inside && (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier !== undefined))) {
          tla.push(`${rel}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
        }
        if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
          specs.push(node.moduleSpecifier.text);
        }
        if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
          const a = node.arguments[0];
          specs.push(a !== undefined && ts.isStringLiteral(a) ? a.text : '<computed>');
        }
        ts.forEachChild(node, (c) => visit(c, inside));
      };
      visit(sf, false);
      imports.set(rel, specs);
    }
    expect(tla, 'top-level await').toEqual([]);
    const seen = new Set<string>();
    const outside: string[] = [];
    const todo = ['dist/index.js'];
    for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
      if (seen.has(f)) continue;
      seen.add(f);
      for (const spec of imports.get(f) ?? [`<${f} is not in the tarball>`]) {
        if (spec.startsWith('./') || spec.startsWith('../')) todo.push(join(f, '..', spec).replace(/\\/g, '/'));
        else outside.push(`${f} imports ${spec}`);
      }
    }
    expect(outside).toEqual([]);
    expect(seen.size).toBeGreaterThan(10);
  });
});

describe('Node: import and require', () => {
  it("ESM import runs 10 localmax steps on the wasm kernel (backend 'auto') and has loadNpy/saveNpy", () => {
    expect(nodeRun.error).toBeUndefined();
    expect(nodeRun.backend).toBe('wasm');
    expect(nodeRun.t).toBe(10);
    expect(nodeRun.hex).toMatch(/^[0-9a-f]{1024}$/); // 32 × 2 float64
    expect([nodeRun.loadNpy, nodeRun.saveNpy]).toEqual(['function', 'function']);
  });

  it('CommonJS require() works without a flag or a warning, agrees bitwise with import, and shares its module instance (issue 10 item 1)', async () => {
    const r = await run(process.execPath, ['cjs.cjs'], consumer);
    expect(r.stderr, 'require(esm) printed something (a warning?)').toBe('');
    const cjs = JSON.parse(r.stdout) as Run & { sameInstance: boolean; loadNpy: string };
    expect(cjs.backend).toBe('wasm');
    expect(cjs.t).toBe(10);
    expect(cjs.hex).toBe(nodeRun.hex);
    expect(cjs.sameInstance).toBe(true);
    expect(cjs.loadNpy).toBe('function');
  });
});

describe('TypeScript consumers (tsc --noEmit)', () => {
  /** file → what tsc must say about it (one TS2345 on line 3), or [] for a file that must compile. */
  const EXPECTED: Record<string, RegExp[]> = {
    'ok.ts': [],
    'bad-seed-on-hardmax.ts': [/Types of property 'seed' are incompatible/],
    'bad-no-seed-on-softmax-markov.ts': [/Property 'seed' is missing in type/],
    'bad-dt-on-localmax.ts': [/Types of property 'dt' are incompatible/],
    'bad-alpha-with-gamma.ts': [/Types of property '(gamma|alpha)' are incompatible/],
  };
  const MODES = [
    { name: 'nodenext', module: 'nodenext', moduleResolution: 'nodenext', extra: ['require.cts'] },
    { name: 'node16', module: 'node16', moduleResolution: 'node16', extra: [] },
    { name: 'bundler', module: 'esnext', moduleResolution: 'bundler', extra: [] },
  ];

  for (const mode of MODES) {
    it(`strict + exactOptionalPropertyTypes, lib es2022+dom, types []: resolution ${mode.name} compiles the consumer and refuses the four wrong option combinations (issue 10 item 3)`, async () => {
      const dir = join(consumer, `types-${mode.name}`);
      copyFixture('types', dir);
      const files = [...Object.keys(EXPECTED), ...mode.extra];
      const tsconfig = {
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: true,
          target: 'es2022',
          lib: ['es2022', 'dom'],
          types: [],
          module: mode.module,
          moduleResolution: mode.moduleResolution,
          skipLibCheck: false,
          noEmit: true,
        },
        files,
      };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
      const r = await run(process.execPath, [TSC, '-p', 'tsconfig.json', '--pretty', 'false'], dir, true);
      // diagnostics: "file(line,col): error TSxxxx: message" with indented continuation lines
      const diags: { file: string; line: number; code: string; text: string }[] = [];
      for (const line of r.stdout.split('\n')) {
        const m = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
        if (m) diags.push({ file: m[1]!, line: Number(m[2]), code: m[3]!, text: m[4]! });
        else if (line.startsWith(' ') && diags.length > 0) diags[diags.length - 1]!.text += `\n${line.trim()}`;
      }
      const show = `tsc (${mode.name}) said:\n${r.stdout}${r.stderr}`;
      for (const file of files) {
        const mine = diags.filter((g) => g.file === file);
        const want = EXPECTED[file] ?? [];
        if (want.length === 0) {
          expect(mine, `${file} must compile; ${show}`).toEqual([]);
          continue;
        }
        expect(mine.length, `${file}: one diagnostic expected; ${show}`).toBe(1);
        expect(mine[0]!.code, show).toBe('TS2345');
        expect(mine[0]!.line, show).toBe(3);
        for (const re of want) expect(mine[0]!.text, show).toMatch(re);
      }
      expect(diags.filter((g) => !files.includes(g.file)), `diagnostics in the package's declarations; ${show}`).toEqual([]);
      expect(r.status).not.toBe(0);
    });
  }
});

describe.skipIf(!HAVE_CHROMIUM)(
  HAVE_CHROMIUM ? 'in Chromium' : `in Chromium (skipped: ${CHROMIUM} does not exist)`,
  () => {
    let browser: Browser | undefined;

    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, timeout: 20_000 });
    });
    afterAll(async () => {
      await browser?.close();
    });

    /** Open `url`, wait for window.__result, and collect every error the page, the worker or the network reported. */
    async function visit(server: StaticServer, path: string): Promise<{ result: Record<string, Run | string | undefined>; problems: string[] }> {
      const problems: string[] = [];
      const context = await browser!.newContext();
      try {
        const page = await context.newPage();
        page.on('pageerror', (e) => problems.push(`pageerror: ${e.stack ?? e.message}`));
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
        });
        page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && problems.push(`worker console.error: ${m.text()}`)));
        page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
        page.on('response', (r) => {
          if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
        });
        await page.goto(`${server.origin}${path}`, { waitUntil: 'load', timeout: 15_000 });
        await page.waitForFunction(() => '__result' in window, undefined, { timeout: 15_000 });
        const result = await page.evaluate(() => (window as unknown as { __result: Promise<Record<string, Run>> }).__result);
        return { result, problems };
      } finally {
        await context.close();
      }
    }

    it('the installed package, served as static files without import map or bundler, runs on the main thread and in a module Web Worker (issue 10 item 2)', { timeout: 60_000 }, async () => {
      copyFixture('static', join(consumer, 'static'));
      const server = await startStaticServer(consumer);
      try {
        const { result, problems } = await visit(server, '/static/index.html');
        const diag = `page result ${JSON.stringify(result).slice(0, 400)}\nproblems: ${problems.join('\n') || 'none'}\nserver: ${server.log.join(', ')}`;
        expect(result.error, diag).toBeUndefined();
        expect(problems, diag).toEqual([]);
        const main = result.main as Run;
        const worker = result.worker as Run;
        const mainJs = result.mainJs as Run;
        expect(main.backend, diag).toBe('wasm');
        expect(main.hex, 'main thread (wasm) differs from Node').toBe(nodeRun.hex);
        expect(worker.error, diag).toBeUndefined();
        expect(worker.backend, diag).toBe('wasm');
        expect(worker.hex, 'module worker (wasm) differs from Node').toBe(nodeRun.hex);
        expect(mainJs.backend).toBe('js');
        expect(mainJs.hex, 'main thread (js) differs from Node (js)').toBe(nodeRun.js.hex);
        // only the page's own files and the package's dist/ and kernel were fetched
        const pkgFiles = server.log.filter((l) => l.startsWith('200 GET /node_modules/attention-dynamics/')).map((l) => l.slice('200 GET '.length));
        const other = server.log.filter((l) => !/^200 GET \/(static\/[\w.]+|node_modules\/attention-dynamics\/(dist\/[\w/.-]+\.js|pkg\/kernel\.wasm))$/.test(l));
        expect(other, diag).toEqual([]);
        // what a browser downloads for `import { Simulation }` without a bundler (counted once; the worker's
        // repeated requests are the HTTP cache's business)
        const unique = [...new Set(pkgFiles)];
        const bytes = (ext: string) => unique.filter((p) => p.endsWith(ext)).reduce((a, p) => a + statSync(join(consumer, p)).size, 0);
        console.info(
          `[package] a page importing { Simulation } from dist/index.js without a bundler fetched ${unique.filter((p) => p.endsWith('.js')).length} ` +
            `JS modules, ${bytes('.js')} bytes, and kernel.wasm, ${bytes('.wasm')} bytes`,
        );
        expect(unique).toContain('/node_modules/attention-dynamics/pkg/kernel.wasm');
      } finally {
        await server.close();
      }
    });

    it('a Vite production build with default settings (main thread + a worker in the default format) runs, and Vite warns about nothing (issue 10 items 1-2)', { timeout: 90_000 }, async () => {
      const app = join(consumer, 'app');
      copyFixture('vite', app);
      const out = join(app, 'dist'); // Vite's default outDir
      const vite = await import('vite');
      const logged: string[] = [];
      const logger = vite.createLogger('warn', { allowClearScreen: false });
      const base = { ...logger };
      logger.warn = (msg, opts) => {
        logged.push(`warn: ${msg}`);
        base.warn(msg, opts);
      };
      logger.warnOnce = (msg, opts) => {
        logged.push(`warn: ${msg}`);
        base.warnOnce(msg, opts);
      };
      logger.error = (msg, opts) => {
        logged.push(`error: ${msg}`);
        base.error(msg, opts);
      };
      // no config file, no plugin, no option but where the app is and where to log
      await vite.build({ root: app, configFile: false, logLevel: 'warn', customLogger: logger });
      expect(logged, 'Vite warnings (a node: module in the browser graph? a top-level await in a worker?)').toEqual([]);

      const assets = readdirSync(join(out, 'assets')).map((f) => ({ f, size: statSync(join(out, 'assets', f)).size }));
      console.info(
        `[package] Vite ${vite.version} build of { Simulation } (main + worker): ` +
          assets.map((a) => `${a.f} ${a.size} bytes`).join(', '),
      );
      // the kernel is emitted as an asset (new URL('…/kernel.wasm', import.meta.url)), and no JS chunk imports a node: module
      expect(assets.some((a) => a.f.endsWith('.wasm'))).toBe(true);
      for (const a of assets.filter((x) => x.f.endsWith('.js'))) {
        expect(readFileSync(join(out, 'assets', a.f), 'utf8'), a.f).not.toMatch(/\bfrom\s*["']node:|import\(\s*["']node:/);
      }

      const server = await startStaticServer(out);
      try {
        const { result, problems } = await visit(server, '/index.html');
        const diag = `page result ${JSON.stringify(result).slice(0, 400)}\nproblems: ${problems.join('\n') || 'none'}\nserver: ${server.log.join(', ')}`;
        expect(result.error, diag).toBeUndefined();
        expect(problems, diag).toEqual([]);
        expect((result.main as Run).backend, diag).toBe('wasm');
        expect((result.main as Run).hex, 'Vite main thread differs from Node').toBe(nodeRun.hex);
        expect((result.worker as Run).error, diag).toBeUndefined();
        expect((result.worker as Run).backend, diag).toBe('wasm');
        expect((result.worker as Run).hex, 'Vite worker differs from Node').toBe(nodeRun.hex);
        expect(server.log.filter((l) => l.endsWith('.wasm') && l.startsWith('200 ')).length, diag).toBeGreaterThan(0);
      } finally {
        await server.close();
      }
    });
  },
);
