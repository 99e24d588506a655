import {
  countRecentFailures,
  deleteSession,
  deleteUserSessions,
  findUserCredentials,
  findUserCredentialsById,
  insertSession,
  type UserRecord,
  updateUser,
} from '@medpro/db';
import { z } from 'zod';
import { audit } from '../audit.ts';
import { checkPassword, PASSWORD_MAX_LENGTH } from '../auth/accounts.ts';
import { clearSessionCookie, sessionCookie } from '../auth/cookies.ts';
import { dummyPasswordHash, hashPassword, randomSecret, sha256, verifyPassword } from '../auth/crypto.ts';
import { asRole, SESSION_MAX_AGE_MS, SESSION_TTL_MS } from '../context.ts';
import { AppError } from '../errors.ts';
import { publicProcedure, router, userProcedure, viewerProcedure } from '../trpc.ts';

/** Login throttling: failed attempts counted over this window… */
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
/** …per email and client IP, */
export const MAX_FAILURES_PER_IP = 5;
/** …and per email from anywhere (X-Forwarded-For can be forged, so an IP alone is no limit). */
export const MAX_FAILURES_PER_EMAIL = 20;

export const userOutput = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(['admin', 'analyst', 'viewer']),
  disabled: z.boolean(),
  disabledAt: z.date().nullable(),
  lastLoginAt: z.date().nullable(),
  createdAt: z.date().nullable(),
});

export function toUserOutput(u: UserRecord): z.infer<typeof userOutput> {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: asRole(u.role),
    disabled: u.disabledAt !== null,
    disabledAt: u.disabledAt,
    lastLoginAt: u.lastLoginAt,
    createdAt: u.createdAt,
  };
}

export const email = z.string().trim().toLowerCase().pipe(z.email('Not an email address').max(255));

export const authRouter = router({
  signIn: publicProcedure
    .input(z.object({ email, password: z.string().min(1, 'Enter your password').max(PASSWORD_MAX_LENGTH) }))
    .output(z.object({ user: userOutput, expiresAt: z.date() }))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const since = new Date(now.getTime() - THROTTLE_WINDOW_MS);
      const [fromHere, fromAnywhere] = await Promise.all([
        countRecentFailures(ctx.db, { email: input.email, ip: ctx.client.ip, since }),
        countRecentFailures(ctx.db, { email: input.email, since }),
      ]);
      const tried = { actor: input.email, actorUserId: null };
      if (fromHere >= MAX_FAILURES_PER_IP || fromAnywhere >= MAX_FAILURES_PER_EMAIL) {
        await audit(ctx, 'auth.sign_in_throttled', input.email, null, tried);
        ctx.resHeaders.set('Retry-After', String(THROTTLE_WINDOW_MS / 1000));
        throw new AppError(
          'TOO_MANY_REQUESTS',
          `Too many failed sign-in attempts for this account. Try again in ${THROTTLE_WINDOW_MS / 60_000} minutes.`,
        );
      }
      const user = await findUserCredentials(ctx.db, input.email);
      // Verify against a dummy hash for unknown emails, so timing does not tell which exist.
      const passwordOk = await verifyPassword(
        input.password,
        user?.passwordHash ?? (await dummyPasswordHash()),
      );
      if (!user || !passwordOk) {
        await audit(ctx, 'auth.sign_in_failed', input.email, { reason: 'wrong email or password' }, tried);
        throw new AppError('UNAUTHORIZED', 'Wrong email or password');
      }
      if (user.disabledAt) {
        await audit(ctx, 'auth.sign_in_failed', input.email, { reason: 'disabled' }, tried);
        throw new AppError('UNAUTHORIZED', 'This account is disabled; ask an admin');
      }
      const sessionId = randomSecret();
      const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
      await insertSession(ctx.db, {
        idHash: sha256(sessionId),
        userId: user.id,
        expiresAt,
        ip: ctx.client.ip,
        userAgent: ctx.client.userAgent,
        now,
      });
      await updateUser(ctx.db, user.id, { lastLoginAt: now }, now);
      await audit(ctx, 'auth.sign_in', input.email, null, { actor: user.email, actorUserId: user.id });
      ctx.resHeaders.append(
        'Set-Cookie',
        sessionCookie(sessionId, { maxAgeSeconds: SESSION_MAX_AGE_MS / 1000, secure: ctx.secure }),
      );
      const { passwordHash: _, ...record } = user;
      return { user: toUserOutput({ ...record, lastLoginAt: now }), expiresAt };
    }),

  signOut: userProcedure
    .input(z.object({}).strict().default({}))
    .output(z.object({ signedOut: z.literal(true) }))
    .mutation(async ({ ctx }) => {
      if (ctx.principal.sessionIdHash) await deleteSession(ctx.db, ctx.principal.sessionIdHash);
      ctx.resHeaders.append('Set-Cookie', clearSessionCookie(ctx.secure));
      await audit(ctx, 'auth.sign_out', ctx.principal.email);
      return { signedOut: true as const };
    }),

  me: viewerProcedure
    .input(z.object({}).strict().default({}))
    .output(
      z.object({
        type: z.enum(['user', 'token']),
        role: z.enum(['admin', 'analyst', 'viewer']),
        user: z.object({ id: z.number().int(), email: z.string(), name: z.string().nullable() }).nullable(),
        token: z
          .object({ id: z.number().int(), name: z.string(), kind: z.enum(['api', 'embed']) })
          .nullable(),
      }),
    )
    .query(({ ctx }) => {
      const p = ctx.principal;
      return p.type === 'user'
        ? {
            type: 'user' as const,
            role: p.role,
            user: { id: p.userId, email: p.email, name: p.name },
            token: null,
          }
        : {
            type: 'token' as const,
            role: p.role,
            user: null,
            token: { id: p.tokenId, name: p.name, kind: p.kind },
          };
    }),

  changePassword: userProcedure
    .input(
      z.object({
        currentPassword: z.string().min(1, 'Enter your current password').max(PASSWORD_MAX_LENGTH),
        newPassword: z
          .string()
          .max(PASSWORD_MAX_LENGTH)
          .superRefine((value, c) => {
            const problem = checkPassword(value);
            if (problem) c.addIssue({ code: 'custom', message: problem });
          }),
      }),
    )
    .output(z.object({ changed: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const user = await findUserCredentialsById(ctx.db, ctx.principal.userId);
      if (!user?.passwordHash || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
        throw new AppError('BAD_REQUEST', 'Wrong current password', { currentPassword: ['Wrong password'] });
      }
      const now = ctx.now();
      await updateUser(ctx.db, user.id, { passwordHash: await hashPassword(input.newPassword) }, now);
      // Other sessions (a stolen cookie, another browser) end with the old password.
      await deleteUserSessions(ctx.db, user.id, ctx.principal.sessionIdHash ?? undefined);
      await audit(ctx, 'auth.password_changed', user.email);
      return { changed: true as const };
    }),
});
