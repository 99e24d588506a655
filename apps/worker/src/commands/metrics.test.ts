import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/medpro.js', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'medpro-metrics-'));
const env = { DATABASE_URL: `sqlite:${path.join(dir, 'm.sqlite')}`, LOG_LEVEL: 'silent' };

async function medpro(args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('medpro metrics', () => {
  it.each([
    ['no mode', [], /either --rebuild or one or more --customer/],
    ['both modes', ['--rebuild', '--customer', 'cus_1'], /either --rebuild or one or more --customer/],
    ['a bad day', ['--rebuild', '--today', '2026-02-30'], /--today must be a day like/],
  ])('with %s prints one readable line and exits non-zero', async (_, args, message) => {
    const result = await medpro(['metrics', ...args]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toMatch(/^medpro: /);
    expect(result.stderr).toMatch(message);
  });

  it('rebuilds an empty database, then recomputes a named customer', async () => {
    const rebuild = await medpro(['metrics', '--rebuild', '--today', '2026-11-20']);
    expect(rebuild.stderr).toBe('');
    expect(rebuild.stdout).toMatch(/^Rebuilt analytics through 2026-11-20: 0 customers/);
    const one = await medpro(['metrics', '--customer', 'cus_unknown', '--today', '2026-11-20']);
    expect(one.code).toBe(0);
    // Unknown ids are not counted as recomputed.
    expect(one.stdout).toMatch(/^Recomputed 0 customer\(s\)/);
  }, 60_000);
});
