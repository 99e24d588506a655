import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import type { Context, Principal, Role } from './context.ts';
import { AppError } from './errors.ts';

export type { Context } from './context.ts';

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        // Field errors of invalid input, flattened for forms: { fieldErrors: { limit: ['…'] } }.
        fieldErrors:
          cause instanceof ZodError
            ? (z.flattenError(cause).fieldErrors as Record<string, string[]>)
            : cause instanceof AppError
              ? (cause.fields ?? null)
              : null,
      },
    };
  },
});

/** Turns the core's AppError into the matching TRPCError, keeping it as the cause. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(appErrors);

const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

/**
 * Runs before input validation, so a caller without access learns nothing about the input:
 * 401 without (valid) credentials, 403 for a role or token kind that may not.
 */
function requireAccess(minimum: Role, allowEmbed: boolean) {
  return t.middleware(({ ctx, next }) => {
    if (ctx.authError) throw ctx.authError;
    const principal = ctx.principal;
    if (!principal)
      throw new AppError('UNAUTHORIZED', 'Sign in, or send an API token as "Authorization: Bearer mp_…"');
    if (principal.type === 'token' && principal.kind === 'embed' && !allowEmbed) {
      throw new AppError('FORBIDDEN', 'Embed tokens may only read the widgets');
    }
    if (RANK[principal.role] < RANK[minimum]) {
      throw new AppError('FORBIDDEN', `This needs the ${minimum} role (you are ${principal.role})`);
    }
    return next({ ctx: { ...ctx, principal } });
  });
}

/** Any signed-in user or API token: reads (PII masked for viewers). */
export const viewerProcedure = publicProcedure.use(requireAccess('viewer', false));
/** Analysts and admins: exports and operational actions such as starting a sync. */
export const analystProcedure = publicProcedure.use(requireAccess('analyst', false));
/** Admins: users, tokens, settings, audit, erasure. */
export const adminProcedure = publicProcedure.use(requireAccess('admin', false));
/** The widget read models: everything above plus embed tokens. */
export const widgetProcedure = publicProcedure.use(requireAccess('viewer', true));

/** A signed-in person (not a token): sign-out, password change. */
export const userProcedure = viewerProcedure.use(({ ctx, next }) => {
  if (ctx.principal.type !== 'user') throw new AppError('FORBIDDEN', 'Only a signed-in user can do this');
  return next({ ctx: { ...ctx, principal: ctx.principal as Extract<Principal, { type: 'user' }> } });
});
