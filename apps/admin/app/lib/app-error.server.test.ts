import { AppError } from '@medpro/trpc';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asHttpError, readAppError } from './app-error.server';

describe('readAppError', () => {
  it('reads status, message and field errors of an AppError cause, in Portuguese', () => {
    const cause = new AppError('BAD_REQUEST', 'Invalid metric settings', {
      metrics: ['rates.USD must be 1 (it is the reporting currency)'],
      'metrics.rates': ['Missing rates into USD for BRL, EUR'],
    });
    const error = new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
    expect(readAppError(error)).toEqual({
      status: 400,
      message: 'Dados inválidos.',
      fields: {
        metrics: ['O câmbio de USD deve ser 1: é a moeda de relatório.'],
        'metrics.rates': ['Ao mudar a moeda de relatório, informe o câmbio para USD de: BRL, EUR.'],
      },
    });
    const conflict = new AppError('CONFLICT', 'At least one active admin must remain');
    expect(
      readAppError(new TRPCError({ code: 'CONFLICT', message: conflict.message, cause: conflict })),
    ).toEqual({ status: 409, message: 'É preciso manter ao menos um administrador ativo.', fields: {} });
  });

  it('turns zod input errors into Portuguese field errors by dotted path', () => {
    const parsed = z
      .object({
        email: z.email('Not an email address'),
        name: z.string().trim().min(1).max(5),
        kind: z.enum(['api', 'embed']),
        days: z.number().int().min(1).max(3650),
        metrics: z.object({
          reportingCurrency: z.string().refine(() => false, 'Expected an ISO 4217 currency code such as BRL'),
        }),
      })
      .safeParse({
        email: 'nope',
        name: 'too long',
        kind: 'x',
        days: 0,
        metrics: { reportingCurrency: 'REA' },
      });
    const error = new TRPCError({ code: 'BAD_REQUEST', cause: parsed.error });
    const known = readAppError(error);
    expect(known?.status).toBe(400);
    expect(known?.message).toBe('Confira os campos destacados.');
    expect(known?.fields).toEqual({
      email: ['Informe um e-mail válido.'],
      name: ['Use no máximo 5 caracteres.'],
      kind: ['Escolha uma das opções.'],
      days: ['Use um valor a partir de 1.'],
      'metrics.reportingCurrency': ['Moeda desconhecida: use um código ISO 4217, como BRL ou USD.'],
    });
  });

  it('never shows an unknown English message: the sentence for its status instead', () => {
    const cause = new AppError('BAD_REQUEST', 'Something new', { name: ['Some new rule'] });
    expect(readAppError(new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause }))).toEqual({
      status: 400,
      message: 'Dados inválidos.',
      fields: { name: ['Valor inválido.'] },
    });
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
