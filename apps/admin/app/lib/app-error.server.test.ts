import { AppError } from '@medpro/trpc';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asHttpError, readAppError } from './app-error.server';

describe('readAppError', () => {
  it('reads status, message and field errors of an AppError cause', () => {
    const cause = new AppError('BAD_REQUEST', 'Invalid metric settings', { metrics: ['rates: BRL missing'] });
    const error = new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
    expect(readAppError(error)).toEqual({
      status: 400,
      message: 'Invalid metric settings',
      fields: { metrics: ['rates: BRL missing'] },
    });
  });

  it('turns zod input errors into field errors by dotted path', () => {
    const parsed = z
      .object({
        email: z.email('bad email'),
        metrics: z.object({ reportingCurrency: z.string().length(3, 'ISO') }),
      })
      .safeParse({ email: 'nope', metrics: { reportingCurrency: 'REAL' } });
    const error = new TRPCError({ code: 'BAD_REQUEST', cause: parsed.error });
    const known = readAppError(error);
    expect(known?.status).toBe(400);
    expect(known?.fields).toEqual({ email: ['bad email'], 'metrics.reportingCurrency': ['ISO'] });
  });

  it('knows nothing of other errors', () => {
    expect(readAppError(new Error('boom'))).toBeNull();
  });
});

describe('asHttpError', () => {
  it('turns 403 and 404 into responses and rethrows the rest', () => {
    const forbidden = new TRPCError({ code: 'FORBIDDEN', message: 'This needs the admin role' });
    let thrown: unknown;
    try {
      asHttpError(forbidden);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(403);
    const boom = new Error('boom');
    expect(() => asHttpError(boom)).toThrow(boom);
    expect(() => asHttpError(new TRPCError({ code: 'INTERNAL_SERVER_ERROR' }))).toThrow(TRPCError);
  });
});
