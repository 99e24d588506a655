/**
 * Creating users and API tokens: shared by the admin procedures and the `medpro` CLI, so both
 * hash, validate and store them the same way.
 */
import {
  type ApiTokenRecord,
  countUsers,
  type Database,
  findUserCredentials,
  insertApiToken,
  insertUser,
  isUniqueViolation,
  type UserRecord,
} from '@medpro/db';
import type { Role } from '../context.ts';
import { AppError } from '../errors.ts';
import { generatePassword, hashPassword, newApiToken } from './crypto.ts';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

export function checkPassword(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters`;
  return null;
}

/**
 * Creates a user. Without a password one is generated and returned (shown once, never stored
 * in clear). An email that exists already is a CONFLICT.
 */
export async function createUser(
  db: Database,
  input: { email: string; name?: string | null; role: Role; password?: string | null },
  now: Date,
): Promise<{ user: UserRecord; generatedPassword: string | null }> {
  const generatedPassword = input.password ? null : generatePassword();
  const password = input.password || generatedPassword!;
  const problem = checkPassword(password);
  if (problem) throw new AppError('BAD_REQUEST', `Invalid password: ${problem}`, { password: [problem] });
  if (await findUserCredentials(db, input.email)) {
    throw new AppError('CONFLICT', `A user with the email ${input.email} exists already`);
  }
  try {
    const user = await insertUser(db, {
      email: input.email,
      name: input.name ?? null,
      role: input.role,
      passwordHash: await hashPassword(password),
      now,
    });
    return { user, generatedPassword };
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError('CONFLICT', `A user with the email ${input.email} exists already`);
    throw error;
  }
}

export const DEMO_ADMIN_EMAIL = 'admin@medpro.local';

/**
 * Demo mode: on a database without any user, creates an admin with a generated password and
 * returns the credentials (to print once). Returns null when a user exists.
 */
export async function ensureDemoAdmin(
  db: Database,
  now = new Date(),
): Promise<{ email: string; password: string } | null> {
  if ((await countUsers(db)) > 0) return null;
  try {
    const { generatedPassword } = await createUser(
      db,
      { email: DEMO_ADMIN_EMAIL, name: 'Demo admin', role: 'admin' },
      now,
    );
    return { email: DEMO_ADMIN_EMAIL, password: generatedPassword! };
  } catch (error) {
    // Another process created it first.
    if (error instanceof AppError && error.code === 'CONFLICT') return null;
    throw error;
  }
}

export interface NewToken {
  name: string;
  kind: 'api' | 'embed';
  role: Role;
  allowedOrigins: string[];
  expiresAt: Date | null;
  createdByUserId: number | null;
}

/** Creates an API or embed token; the secret is returned once and only its sha256 is stored. */
export async function createApiToken(
  db: Database,
  input: NewToken,
  now: Date,
): Promise<{ token: ApiTokenRecord; secret: string }> {
  if (input.expiresAt && input.expiresAt <= now) {
    throw new AppError('BAD_REQUEST', 'Invalid expiry', {
      expiresInDays: ['The expiry must be in the future'],
    });
  }
  const { token, prefix, hash } = newApiToken();
  const record = await insertApiToken(db, {
    name: input.name,
    kind: input.kind,
    // Embed tokens are read-only whatever was asked.
    role: input.kind === 'embed' ? 'viewer' : input.role,
    tokenPrefix: prefix,
    tokenHash: hash,
    allowedOrigins: input.allowedOrigins,
    expiresAt: input.expiresAt,
    createdByUserId: input.createdByUserId,
    now,
  });
  return { token: record, secret: token };
}
