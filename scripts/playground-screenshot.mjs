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
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAndServePlayground } from './playground-serve.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = join(ROOT, 'docs', 'playground.png');
const server = await buildAndServePlayground();
const origin = server.origin;

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
