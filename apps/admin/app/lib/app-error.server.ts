import { AppError } from '@medpro/trpc';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { ZodError, z } from 'zod';

export interface KnownError {
  status: number;
  message: string;
  /** Field errors for forms: zod's flattened errors, or the AppError's own. */
  fields: Record<string, string[]>;
}

/** What a router call failed with, for loaders and actions to answer helpfully; null if unknown. */
export function readAppError(error: unknown): KnownError | null {
  if (!(error instanceof TRPCError)) return null;
  const cause = error.cause;
  const fields =
    cause instanceof ZodError
      ? (z.flattenError(cause).fieldErrors as Record<string, string[]>)
      : cause instanceof AppError
        ? (cause.fields ?? {})
        : {};
  return {
    status: getHTTPStatusCodeFromError(error),
    message: cause instanceof ZodError ? 'Dados inválidos' : error.message,
    fields,
  };
}

/**
 * Turns router errors a page cannot recover from into HTTP responses its ErrorBoundary
 * explains (401 sign in, 403 no access, 404 not found); anything else is rethrown.
 */
export function asHttpError(error: unknown): never {
  const known = readAppError(error);
  if (known && [400, 401, 403, 404, 409, 429].includes(known.status)) {
    throw new Response(known.message, { status: known.status });
  }
  throw error;
}
