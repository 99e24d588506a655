import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/medpro.js', import.meta.url));

async function medpro(args: string[], env: Record<string, string>) {
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

// Each case starts the CLI as a child process (tsx compiles on start), which is slow on a busy machine.
describe('medpro CLI', { timeout: 60_000 }, () => {
  it.each([
    ['a malformed URL', 'mysql//root@localhost/x', /not a valid URL/],
    ['an unsupported scheme', 'postgres://root@localhost/x', /unsupported scheme "postgres"/],
    [
      'an unreachable server',
      'mysql://root@127.0.0.1:1/medpro_admin',
      /Cannot reach MySQL root@127\.0\.0\.1:1\/medpro_admin/,
    ],
  ])('migrate against %s prints one readable line and exits non-zero', async (_, url, message) => {
    const result = await medpro(['migrate'], { DATABASE_URL: url });
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^medpro: /);
    expect(lines[0]).toMatch(message);
  });

  it('migrate creates a SQLite database, and a second run is a no-op', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'medpro-cli-'));
    try {
      const url = `sqlite:${path.join(dir, 'db.sqlite')}`;
      const first = await medpro(['migrate'], { DATABASE_URL: url });
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/Migrated SQLite .*0001-plan-tables/);
      const second = await medpro(['migrate'], { DATABASE_URL: url });
      expect(second.stdout).toMatch(/up to date/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown command with a hint', async () => {
    const result = await medpro(['frobnicate'], {});
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('medpro: unknown command "frobnicate" (run `medpro help`)');
  });
});
