#!/usr/bin/env node
/**
 * Regenerates docs/playground.png (the README's picture of the playground):
 *
 *   npm run build && node scripts/playground-screenshot.mjs
 *
 * Builds playground/ with Vite, serves playground/dist on 127.0.0.1, opens it
 * in headless Chromium (/usr/bin/chromium) with a localmax run on 300 uniform
 * tokens, plays to t >= 40, clicks a token to show its strip, turns on the
 * quiescent balls, and saves a 1200×760 screenshot.
 */
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const APP = join(ROOT, 'playground');
const OUT = join(ROOT, 'docs', 'playground.png');
const vite = await import('vite');
await vite.build({ root: APP, configFile: join(APP, 'vite.config.ts'), logLevel: 'warn' });

const TYPES = { '.html': 'text/html', '.js': 'application/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
const dist = join(APP, 'dist');
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(dist, path === '/' ? 'index.html' : path);
  if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
await page.goto(`${origin}/index.html?n=300&delta=0.15&alpha=0.5&init=clusters&k=6&initSeed=3&speed=2`, { waitUntil: 'load' });
await page.waitForFunction(() => window.__playground?.ready === true);
await page.getByTestId('show-balls').check();
await page.getByTestId('show-trails').check();
await page.getByTestId('play').click();
await page.waitForFunction(() => window.__playground.t >= 24, undefined, { timeout: 30_000 });
await page.getByTestId('pause').click();
await page.waitForTimeout(300);
// click the token nearest to the canvas centre-right to show its strip
const box = await page.getByTestId('canvas').boundingBox();
await page.mouse.click(box.x + box.width * 0.72, box.y + box.height * 0.42);
await page.waitForTimeout(300);
await page.screenshot({ path: OUT });
await browser.close();
server.close();
console.log(`wrote ${OUT} (${statSync(OUT).size} bytes)`);
