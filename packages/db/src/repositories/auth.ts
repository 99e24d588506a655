/**
 * Users, sessions and API tokens. Secrets never reach this layer in clear: callers pass the
 * password hash and the sha256 of session ids and tokens.
 */
import { Op, QueryTypes } from 'sequelize';
import type { Database } from '../connection.ts';
import { num, parseJson, str, toDate } from './values.ts';

type Raw = Record<string, unknown>;

export interface UserRecord {
  id: number;
  email: string;
  name: string | null;
  role: string;
  disabledAt: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date | null;
}

/** A user with the password hash, for sign-in only; never returned by the API. */
export interface UserCredentials extends UserRecord {
  passwordHash: string | null;
}

function toUser(r: Raw): UserCredentials {
  return {
    id: num(r.id),
    email: String(r.email),
    name: str(r.name),
    role: String(r.role),
    disabledAt: toDate(r.disabled_at),
    lastLoginAt: toDate(r.last_login_at),
    createdAt: toDate(r.created_at),
    passwordHash: str(r.password_hash),
  };
}

function withoutHash({ passwordHash: _, ...user }: UserCredentials): UserRecord {
  return user;
}

/** True for a duplicate-key error from either dialect (e.g. an email that already exists). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { name?: string })?.name === 'SequelizeUniqueConstraintError';
}

export async function countUsers(db: Database): Promise<number> {
  const [r] = await db.sequelize.query<Raw>('SELECT COUNT(*) AS n FROM users', { type: QueryTypes.SELECT });
  return num(r?.n);
}

export async function countActiveAdmins(db: Database): Promise<number> {
  const [r] = await db.sequelize.query<Raw>(
    "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL",
    { type: QueryTypes.SELECT },
  );
  return num(r?.n);
}

export async function findUserCredentials(db: Database, email: string): Promise<UserCredentials | null> {
  const [r] = await db.sequelize.query<Raw>('SELECT * FROM users WHERE LOWER(email) = :email', {
    type: QueryTypes.SELECT,
    replacements: { email: email.toLowerCase() },
  });
  return r ? toUser(r) : null;
}

export async function findUserCredentialsById(db: Database, id: number): Promise<UserCredentials | null> {
  const [r] = await db.sequelize.query<Raw>('SELECT * FROM users WHERE id = :id', {
    type: QueryTypes.SELECT,
    replacements: { id },
  });
  return r ? toUser(r) : null;
}

export async function findUser(db: Database, id: number): Promise<UserRecord | null> {
  const user = await findUserCredentialsById(db, id);
  return user ? withoutHash(user) : null;
}

export async function listUsers(db: Database): Promise<UserRecord[]> {
  const rows = await db.sequelize.query<Raw>('SELECT * FROM users ORDER BY email', {
    type: QueryTypes.SELECT,
  });
  return rows.map((r) => withoutHash(toUser(r)));
}

export async function insertUser(
  db: Database,
  user: { email: string; name: string | null; role: string; passwordHash: string; now: Date },
): Promise<UserRecord> {
  const row = await db.models.User.create({
    email: user.email.toLowerCase(),
    name: user.name,
    role: user.role,
    password_hash: user.passwordHash,
    created_at: user.now,
    updated_at: user.now,
  });
  return (await findUser(db, row.get('id') as number))!;
}

export async function updateUser(
  db: Database,
  id: number,
  changes: { role?: string; disabledAt?: Date | null; passwordHash?: string; lastLoginAt?: Date },
  now: Date,
): Promise<void> {
  const values: Record<string, unknown> = { updated_at: now };
  if (changes.role !== undefined) values.role = changes.role;
  if (changes.disabledAt !== undefined) values.disabled_at = changes.disabledAt;
  if (changes.passwordHash !== undefined) values.password_hash = changes.passwordHash;
  if (changes.lastLoginAt !== undefined) values.last_login_at = changes.lastLoginAt;
  await db.models.User.update(values, { where: { id } });
}

export interface SessionRecord {
  idHash: string;
  userId: number;
  expiresAt: Date;
  createdAt: Date | null;
}

export async function insertSession(
  db: Database,
  session: {
    idHash: string;
    userId: number;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
    now: Date;
  },
): Promise<void> {
  await db.models.Session.create({
    id: session.idHash,
    user_id: session.userId,
    expires_at: session.expiresAt,
    ip: session.ip,
    user_agent: session.userAgent?.slice(0, 255) ?? null,
    created_at: session.now,
    updated_at: session.now,
  });
}

export async function findSession(db: Database, idHash: string): Promise<SessionRecord | null> {
  const [r] = await db.sequelize.query<Raw>('SELECT * FROM sessions WHERE id = :id', {
    type: QueryTypes.SELECT,
    replacements: { id: idHash },
  });
  if (!r) return null;
  return {
    idHash: String(r.id),
    userId: num(r.user_id),
    expiresAt: toDate(r.expires_at)!,
    createdAt: toDate(r.created_at),
  };
}

export async function extendSession(db: Database, idHash: string, expiresAt: Date, now: Date): Promise<void> {
  await db.models.Session.update({ expires_at: expiresAt, updated_at: now }, { where: { id: idHash } });
}

export async function deleteSession(db: Database, idHash: string): Promise<void> {
  await db.models.Session.destroy({ where: { id: idHash } });
}

/** Signs the user out everywhere, except the session `keepIdHash` when given. */
export async function deleteUserSessions(db: Database, userId: number, keepIdHash?: string): Promise<void> {
  await db.models.Session.destroy({
    where: keepIdHash ? { user_id: userId, id: { [Op.ne]: keepIdHash } } : { user_id: userId },
  });
}

export interface ApiTokenRecord {
  id: number;
  name: string;
  kind: string;
  role: string;
  tokenPrefix: string;
  allowedOrigins: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdByUserId: number | null;
  createdAt: Date | null;
}

function toToken(r: Raw): ApiTokenRecord {
  const origins = parseJson<unknown>(r.allowed_origins);
  return {
    id: num(r.id),
    name: String(r.name),
    kind: String(r.kind),
    role: String(r.role),
    tokenPrefix: String(r.token_prefix),
    allowedOrigins: Array.isArray(origins) ? origins.map(String) : [],
    expiresAt: toDate(r.expires_at),
    revokedAt: toDate(r.revoked_at),
    lastUsedAt: toDate(r.last_used_at),
    createdByUserId: r.created_by_user_id === null ? null : num(r.created_by_user_id),
    createdAt: toDate(r.created_at),
  };
}

export async function insertApiToken(
  db: Database,
  token: {
    name: string;
    kind: string;
    role: string;
    tokenPrefix: string;
    tokenHash: string;
    allowedOrigins: string[];
    expiresAt: Date | null;
    createdByUserId: number | null;
    now: Date;
  },
): Promise<ApiTokenRecord> {
  const row = await db.models.ApiToken.create({
    name: token.name,
    kind: token.kind,
    role: token.role,
    token_prefix: token.tokenPrefix,
    token_hash: token.tokenHash,
    allowed_origins: token.allowedOrigins,
    expires_at: token.expiresAt,
    created_by_user_id: token.createdByUserId,
    created_at: token.now,
    updated_at: token.now,
  });
  return (await findApiToken(db, row.get('id') as number))!;
}

export async function findApiToken(db: Database, id: number): Promise<ApiTokenRecord | null> {
  const [r] = await db.sequelize.query<Raw>('SELECT * FROM api_tokens WHERE id = :id', {
    type: QueryTypes.SELECT,
    replacements: { id },
  });
  return r ? toToken(r) : null;
}

export async function findApiTokenByHash(db: Database, tokenHash: string): Promise<ApiTokenRecord | null> {
  const [r] = await db.sequelize.query<Raw>('SELECT * FROM api_tokens WHERE token_hash = :hash', {
    type: QueryTypes.SELECT,
    replacements: { hash: tokenHash },
  });
  return r ? toToken(r) : null;
}

export async function listApiTokens(db: Database): Promise<ApiTokenRecord[]> {
  const rows = await db.sequelize.query<Raw>('SELECT * FROM api_tokens ORDER BY created_at DESC, id DESC', {
    type: QueryTypes.SELECT,
  });
  return rows.map(toToken);
}

/** Returns false when the token does not exist or was already revoked. */
export async function revokeApiToken(db: Database, id: number, now: Date): Promise<boolean> {
  const [affected] = await db.models.ApiToken.update(
    { revoked_at: now, updated_at: now },
    { where: { id, revoked_at: null } },
  );
  return affected > 0;
}

export async function touchApiToken(db: Database, id: number, now: Date): Promise<void> {
  await db.models.ApiToken.update({ last_used_at: now }, { where: { id } });
}
