import { AppError } from '@medpro/trpc';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { ZodError } from 'zod';
import { fieldMessage, userMessage, zodIssueMessage } from './messages';

export interface KnownError {
  status: number;
  /** In Portuguese, for the page (the API keeps its English messages and codes). */
  message: string;
  /** Field errors for forms by dotted path, in Portuguese: zod's issues, or the AppError's own fields. */
  fields: Record<string, string[]>;
}

/** Zod issues by dotted path (`metrics.reportingCurrency`), so nested form fields get their own message. */
function zodFields(error: ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_';
    fields[key] = [...(fields[key] ?? []), zodIssueMessage(issue)];
  }
  return fields;
}

/** What a router call failed with, for loaders and actions to answer helpfully; null if unknown. */
export function readAppError(error: unknown): KnownError | null {
  if (!(error instanceof TRPCError)) return null;
  const cause = error.cause;
  const fields =
    cause instanceof ZodError
      ? zodFields(cause)
      : cause instanceof AppError
        ? Object.fromEntries(
            Object.entries(cause.fields ?? {}).map(([key, messages]) => [key, messages.map(fieldMessage)]),
          )
        : {};
  const status = getHTTPStatusCodeFromError(error);
  return {
    status,
    message: cause instanceof ZodError ? 'Confira os campos destacados.' : userMessage(error.message, status),
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
