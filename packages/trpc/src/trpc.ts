import type { Database } from '@medpro/db';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import { AppError } from './errors.ts';

export interface Context {
  db: Database;
}

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
