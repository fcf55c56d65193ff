/**
 * The gallery script (issue 15 part 3): `node scripts/gallery.mjs --small --out DIR p6-square delta-sweep`
 * runs the two experiments, copies their reports and writes an index that names each one's SPEC section
 * and the verdict of its agreement rule. Needs dist/ (npx tsc -p tsconfig.build.json).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gallery-test-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

/** The <tr> of one experiment in index.html. */
function row(html: string, name: string): string {
  const m = new RegExp(`<tr id="${name}">([\\s\\S]*?)</tr>`).exec(html);
  if (!m) throw new Error(`no row for ${name}`);
  return m[1] as string;
}

describe('scripts/gallery.mjs', () => {
  it('runs p6-square and delta-sweep (--small) and lists both with their SPEC sections and "agrees"', () => {
    execFileSync(process.execPath, ['scripts/gallery.mjs', '--small', '--out', out, 'p6-square', 'delta-sweep'], { cwd: root, stdio: 'pipe', timeout: 120_000 });
    for (const name of ['p6-square', 'delta-sweep']) {
      for (const f of ['report.html', 'summary.json']) expect(fs.existsSync(path.join(out, name, f)), `${name}/${f}`).toBe(true);
      expect(fs.readdirSync(path.join(out, name)).some((f) => f.endsWith('.svg'))).toBe(true);
    }
    // nothing else was run
    expect(fs.readdirSync(out).sort()).toEqual(['README.md', 'delta-sweep', 'index.html', 'p6-square']);
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    const p6 = row(html, 'p6-square');
    expect(p6).toContain('SPEC §5.2'); // SPEC §5.2 is the square of P6
    expect(p6).toContain('>agrees<');
    expect(p6).toContain('href="p6-square/report.html"');
    expect(p6).toMatch(/<img src="p6-square\/[^"]+\.svg"/);
    const ds = row(html, 'delta-sweep');
    expect(ds).toContain('SPEC §5.3');
    expect(ds).toContain('>agrees<');
    expect(ds).toContain('counts [4, 4, 4, 6, 5, 1, 1]'); // SPEC §5.3's table
    expect(html).toContain('--small');
    const md = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    expect(md).toMatch(/\| \[p6-square\]\(p6-square\/report\.html\) \| §5\.2 \| .*\| \*\*agrees\*\* \|/);
    expect(md).toMatch(/\| \[delta-sweep\]\(delta-sweep\/report\.html\) \| §5\.3 \| .*\| \*\*agrees\*\* \|/);
  }, 180_000);

  it('refuses an unknown experiment and a bad --workers, naming them', () => {
    const run = (args: string[]) => {
      try {
        execFileSync(process.execPath, ['scripts/gallery.mjs', '--out', out, ...args], { cwd: root, stdio: 'pipe' });
        return '';
      } catch (e) {
        return String((e as { stderr: Buffer }).stderr);
      }
    };
    expect(run(['no-such-experiment'])).toMatch(/RangeError: unknown experiment 'no-such-experiment'/);
    expect(run(['--workers', '0', 'p6-square'])).toMatch(/RangeError: --workers must be a positive integer; got '0'/);
  });
});
