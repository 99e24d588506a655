/**
 * Who is calling: resolved once per request from a Bearer token or the session cookie.
 * Credentials that came but do not hold (expired session, revoked token, cross-site cookie
 * mutation) become `authError`, which protected procedures throw; public ones (sign-in) still run.
 */
import {
  type Database,
  deleteSession,
  extendSession,
  findApiTokenByHash,
  findSession,
  findUser,
  touchApiToken,
} from '@medpro/db';
import { clearSessionCookie, readCookie, SESSION_COOKIE } from './auth/cookies.ts';
import { sha256, TOKEN_PREFIX } from './auth/crypto.ts';
import { AppError } from './errors.ts';
import { readWidgetOrigins } from './settings.ts';

export const ROLES = ['admin', 'analyst', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export type Principal =
  | {
      type: 'user';
      userId: number;
      email: string;
      name: string | null;
      role: Role;
      /** sha256 of the session id, when the user came with a session cookie. */
      sessionIdHash: string | null;
    }
  | {
      type: 'token';
      tokenId: number;
      name: string;
      kind: 'api' | 'embed';
      role: Role;
      createdByUserId: number | null;
    };

export interface Context {
  db: Database;
  principal: Principal | null;
  authError: AppError | null;
  client: { ip: string | null; userAgent: string | null };
  /** Headers for the response (Set-Cookie, Retry-After); HTTP adapters and loaders pass them on. */
  resHeaders: Headers;
  /** Whether cookies get the Secure flag (served over TLS). */
  secure: boolean;
  now: () => Date;
}

/** Sessions expire after 7 days without use (sliding), and 30 days after sign-in at the latest. */
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
export const SESSION_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
/** last_used_at is written at most once a minute per token, not on every request. */
const TOKEN_TOUCH_INTERVAL_MS = 60_000;

/** A context without a request: tests, the CLI and loaders that already know the principal. */
export function createContext(
  db: Database,
  principal: Principal | null,
  options: Partial<Omit<Context, 'db' | 'principal'>> = {},
): Context {
  return {
    db,
    principal,
    authError: options.authError ?? null,
    client: options.client ?? { ip: null, userAgent: null },
    resHeaders: options.resHeaders ?? new Headers(),
    secure: options.secure ?? false,
    now: options.now ?? (() => new Date()),
  };
}

function clientOf(request: Request): Context['client'] {
  // Behind a proxy the client is the first X-Forwarded-For hop; remix-serve has no socket address.
  const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return {
    ip: forwarded || request.headers.get('x-real-ip') || null,
    userAgent: request.headers.get('user-agent'),
  };
}

function isSecure(request: Request): boolean {
  return (
    new URL(request.url).protocol === 'https:' ||
    request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https'
  );
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A cookie-authenticated request that changes something must come from our own pages:
 * the browser's Sec-Fetch-Site says so, or else the Origin matches the host it was sent to.
 */
export function isCrossSite(request: Request): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  const site = request.headers.get('sec-fetch-site');
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.get('origin');
  if (!origin) return false;
  const host =
    request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() ??
    request.headers.get('host') ??
    new URL(request.url).host;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

export async function createRequestContext(opts: {
  db: Database;
  request: Request;
  resHeaders?: Headers;
  now?: () => Date;
}): Promise<Context> {
  const { db, request } = opts;
  const ctx = createContext(db, null, {
    client: clientOf(request),
    resHeaders: opts.resHeaders ?? new Headers(),
    secure: isSecure(request),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const authorization = request.headers.get('authorization');
  if (authorization) {
    await authenticateToken(ctx, request, authorization);
    return ctx;
  }
  const sessionId = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
  if (sessionId) await authenticateSession(ctx, request, sessionId);
  return ctx;
}

async function authenticateToken(ctx: Context, request: Request, authorization: string) {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match || !match[1]!.startsWith(TOKEN_PREFIX)) {
    ctx.authError = new AppError('UNAUTHORIZED', 'Send the API token as "Authorization: Bearer mp_…"');
    return;
  }
  const token = await findApiTokenByHash(ctx.db, sha256(match[1]!));
  const now = ctx.now();
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) {
    ctx.authError = new AppError('UNAUTHORIZED', 'This API token is invalid, revoked or expired');
    return;
  }
  const kind = token.kind === 'embed' ? 'embed' : 'api';
  if (kind === 'embed') {
    // A page may only use an embed token if its origin is allowed both by the token and by the settings.
    const origin = request.headers.get('origin');
    if (
      origin &&
      !(token.allowedOrigins.includes(origin) && (await readWidgetOrigins(ctx.db)).includes(origin))
    ) {
      ctx.authError = new AppError('FORBIDDEN', `This embed token is not allowed on ${origin}`);
      return;
    }
  }
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= TOKEN_TOUCH_INTERVAL_MS) {
    await touchApiToken(ctx.db, token.id, now);
  }
  ctx.principal = {
    type: 'token',
    tokenId: token.id,
    name: token.name,
    kind,
    // Embed tokens are read-only whatever role they were given.
    role: kind === 'embed' ? 'viewer' : asRole(token.role),
    createdByUserId: token.createdByUserId,
  };
}

async function authenticateSession(ctx: Context, request: Request, sessionId: string) {
  const idHash = sha256(sessionId);
  const session = await findSession(ctx.db, idHash);
  const now = ctx.now();
  if (!session || session.expiresAt <= now) {
    if (session) await deleteSession(ctx.db, idHash);
    ctx.resHeaders.append('Set-Cookie', clearSessionCookie(ctx.secure));
    ctx.authError = new AppError('UNAUTHORIZED', 'Your session has expired; sign in again');
    return;
  }
  const user = await findUser(ctx.db, session.userId);
  if (!user || user.disabledAt) {
    await deleteSession(ctx.db, idHash);
    ctx.resHeaders.append('Set-Cookie', clearSessionCookie(ctx.secure));
    ctx.authError = new AppError('UNAUTHORIZED', 'This account is disabled');
    return;
  }
  if (isCrossSite(request)) {
    ctx.authError = new AppError('FORBIDDEN', 'Cross-site request refused: changes must come from this app');
    return;
  }
  // Sliding expiry, kept server-side: the cookie lives until the absolute maximum (set at sign-in).
  const remaining = session.expiresAt.getTime() - now.getTime();
  if (remaining < SESSION_TTL_MS / 2) {
    const cap = (session.createdAt ?? now).getTime() + SESSION_MAX_AGE_MS;
    const expiresAt = new Date(Math.min(now.getTime() + SESSION_TTL_MS, cap));
    if (expiresAt > session.expiresAt) await extendSession(ctx.db, idHash, expiresAt, now);
  }
  ctx.principal = {
    type: 'user',
    userId: user.id,
    email: user.email,
    name: user.name,
    role: asRole(user.role),
    sessionIdHash: idHash,
  };
}

/** An unknown role in the table (hand-edited) gets the least access. */
export function asRole(role: string): Role {
  return (ROLES as readonly string[]).includes(role) ? (role as Role) : 'viewer';
}
