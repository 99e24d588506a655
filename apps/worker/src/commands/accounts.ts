/**
 * `medpro user create` and `medpro token create`: the first admin of a server without a UI, and
 * API tokens for scripts. Secrets are printed once here and stored only hashed.
 */
import { createDatabase, type Database, ensureDatabaseExists, migrate, writeAudit } from '@medpro/db';
import { createApiToken, createUser, ROLES, type Role } from '@medpro/trpc';
import type { Env } from '../env.ts';

/** A mistake in the command line, printed as one line. */
export class AccountArgsError extends Error {
  override name = 'AccountArgsError';
}

function role(value: string | undefined): Role {
  if (!value) throw new AccountArgsError(`--role is required (${ROLES.join(', ')})`);
  if (!(ROLES as readonly string[]).includes(value)) {
    throw new AccountArgsError(`--role must be one of ${ROLES.join(', ')} (got "${value}")`);
  }
  return value as Role;
}

async function withDatabase<T>(env: Env, run: (db: Database) => Promise<T>): Promise<T> {
  const db = createDatabase(env.DATABASE_URL);
  try {
    await ensureDatabaseExists(db.config);
    await migrate(db.sequelize);
    return await run(db);
  } finally {
    await db.close();
  }
}

const CLI_ACTOR = { actor: 'cli', actorUserId: null, ip: null, userAgent: 'medpro CLI' };

export async function userCreateCommand(
  env: Env,
  args: { email?: string; role?: string; name?: string; password?: string },
): Promise<void> {
  const email = args.email?.trim().toLowerCase();
  if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new AccountArgsError('--email needs an email address');
  const userRole = role(args.role);
  await withDatabase(env, async (db) => {
    const now = new Date();
    const { user, generatedPassword } = await createUser(
      db,
      { email, role: userRole, name: args.name ?? null, password: args.password ?? null },
      now,
    );
    await writeAudit(
      db,
      { ...CLI_ACTOR, action: 'users.create', target: user.email, details: { role: user.role } },
      now,
    );
    console.log(`Created ${user.role} ${user.email}`);
    if (generatedPassword)
      console.log(`Password (shown once, change it after signing in): ${generatedPassword}`);
  });
}

export async function tokenCreateCommand(
  env: Env,
  args: { role?: string; name?: string; expiresInDays?: string },
): Promise<void> {
  const name = args.name?.trim();
  if (!name) throw new AccountArgsError('--name is required (what the token is for)');
  if (name.length > 100) throw new AccountArgsError('--name must be at most 100 characters');
  const tokenRole = role(args.role);
  let days: number | null = null;
  if (args.expiresInDays !== undefined) {
    days = Number(args.expiresInDays);
    if (!Number.isInteger(days) || days < 1 || days > 3650) {
      throw new AccountArgsError(
        `--expires-in-days must be a whole number of days, 1–3650 (got "${args.expiresInDays}")`,
      );
    }
  }
  await withDatabase(env, async (db) => {
    const now = new Date();
    const { token, secret } = await createApiToken(
      db,
      {
        name,
        kind: 'api',
        role: tokenRole,
        allowedOrigins: [],
        expiresAt: days ? new Date(now.getTime() + days * 86_400_000) : null,
        createdByUserId: null,
      },
      now,
    );
    await writeAudit(
      db,
      {
        ...CLI_ACTOR,
        action: 'tokens.create',
        target: `token:${token.id}`,
        details: { name, kind: 'api', role: tokenRole },
      },
      now,
    );
    console.log(
      `Created ${token.role} API token "${token.name}"${token.expiresAt ? `, expires ${token.expiresAt.toISOString()}` : ''}.`,
    );
    console.log('Send it as "Authorization: Bearer <token>". It is shown once:');
    console.log(secret);
  });
}
