import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createDatabase, findApiTokenByHash, findUserCredentials } from '@medpro/db';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/medpro.js', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'medpro-accounts-'));
const url = `sqlite:${path.join(dir, 'db.sqlite')}`;

async function medpro(args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      env: { ...process.env, DATABASE_URL: url },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('medpro user create / token create', () => {
  it('creates a user with the given password, stored only as a scrypt hash', async () => {
    const result = await medpro([
      'user',
      'create',
      '--email',
      'Ops@Example.com',
      '--role',
      'admin',
      '--password',
      'a long enough password',
    ]);
    expect(result).toMatchObject({ code: 0, stdout: 'Created admin ops@example.com\n' });
    const db = createDatabase(url);
    const user = await findUserCredentials(db, 'ops@example.com');
    await db.close();
    expect(user?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('generates and prints a password once when none is given', async () => {
    const result = await medpro(['user', 'create', '--email', 'viewer@example.com', '--role', 'viewer']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Password \(shown once, change it after signing in\): [A-Za-z0-9_-]{20}$/m,
    );
  });

  it.each([
    [['user', 'create', '--email', 'ops@example.com', '--role', 'admin'], /exists already/],
    [
      ['user', 'create', '--email', 'x@example.com', '--role', 'owner'],
      /--role must be one of admin, analyst, viewer/,
    ],
    [['user', 'create', '--email', 'not-an-email', '--role', 'viewer'], /--email needs an email address/],
    [
      ['user', 'create', '--email', 'y@example.com', '--role', 'viewer', '--password', 'short'],
      /at least 12/,
    ],
    [['token', 'create', '--role', 'viewer'], /--name is required/],
    [['token', 'create', '--role', 'viewer', '--name', 'x', '--expires-in-days', '0'], /--expires-in-days/],
    [['user', 'delete'], /usage: medpro user create/],
  ])('refuses %j with one readable line', async (args, message) => {
    const result = await medpro(args);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^medpro: /);
    expect(lines[0]).toMatch(message);
  });

  it('creates an API token, printed once and stored as its sha256', async () => {
    const result = await medpro([
      'token',
      'create',
      '--role',
      'analyst',
      '--name',
      'reporting',
      '--expires-in-days',
      '30',
    ]);
    expect(result.code).toBe(0);
    const token = result.stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^mp_[A-Za-z0-9_-]{43}$/);
    const db = createDatabase(url);
    const stored = await findApiTokenByHash(db, createHash('sha256').update(token).digest('hex'));
    await db.close();
    expect(stored).toMatchObject({ name: 'reporting', role: 'analyst', kind: 'api' });
    expect(stored!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  });
});
