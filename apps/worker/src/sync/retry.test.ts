import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { StripeGateway } from './client.ts';
import {
  backoffMs,
  classify,
  DEFAULT_RETRY_POLICY,
  PermanentStripeError,
  RetriesExhaustedError,
  retryAfterMs,
} from './retry.ts';

const E = Stripe.errors;
const raw = (statusCode: number, headers: Record<string, string> = {}) => ({
  message: `status ${statusCode}`,
  type: 'api_error' as const,
  statusCode,
  headers,
});

describe('classify', () => {
  it.each([
    ['429 rate limited', new E.StripeRateLimitError(raw(429)), true],
    ['500 api error', new E.StripeAPIError(raw(500)), true],
    ['503', new E.StripeAPIError(raw(503)), true],
    ['409 conflict', new E.StripeError(raw(409)), true],
    [
      'connection dropped',
      new E.StripeConnectionError({ message: 'socket hang up', type: 'api_error' }),
      true,
    ],
    [
      'a body that is not JSON',
      new E.StripeAPIError({ message: 'Invalid JSON received from the Stripe API', type: 'api_error' }),
      true,
    ],
    ['401 bad key', new E.StripeAuthenticationError(raw(401)), false],
    ['403 missing permission', new E.StripePermissionError(raw(403)), false],
    ['404 on a list', new E.StripeInvalidRequestError(raw(404)), false],
    ['400 bad request', new E.StripeInvalidRequestError(raw(400)), false],
    [
      '500 the server says not to retry',
      new E.StripeAPIError(raw(500, { 'stripe-should-retry': 'false' })),
      false,
    ],
    [
      '400 the server says to retry',
      new E.StripeInvalidRequestError(raw(400, { 'stripe-should-retry': 'true' })),
      true,
    ],
    ['a bug in our code', new TypeError('x is undefined'), false],
    ['a raw network error', Object.assign(new Error('reset'), { code: 'ECONNRESET' }), true],
  ])('%s → retry %s', (_, error, retry) => {
    expect(classify(error).retry).toBe(retry);
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(classify(new E.StripeRateLimitError(raw(429, { 'retry-after': '3' })))).toMatchObject({
      retry: true,
      afterMs: 3000,
    });
  });
});

describe('backoffMs', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
  it('stays within [0, min(max, base·2^(n-1))] (full jitter)', () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const cap = Math.min(1000, 100 * 2 ** (attempt - 1));
      expect(backoffMs(attempt, policy, undefined, () => 0)).toBe(0);
      expect(backoffMs(attempt, policy, undefined, () => 0.999999)).toBeLessThanOrEqual(cap);
      expect(backoffMs(attempt, policy, undefined, () => 0.999999)).toBeGreaterThan(cap * 0.99);
    }
  });
  it('never waits less than the server asked', () => {
    expect(backoffMs(1, policy, 5000, () => 0.5)).toBe(5000);
  });
});

describe('StripeGateway.call', () => {
  const gateway = (maxAttempts: number) =>
    new StripeGateway(new Stripe('sk_test_x'), {
      rate: 1000,
      retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 2 },
    });

  it('retries transient errors and returns the first success', async () => {
    const g = gateway(5);
    let calls = 0;
    const result = await g.call('testing', async () => {
      calls++;
      if (calls < 3) throw new E.StripeRateLimitError(raw(429));
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(g.stats).toMatchObject({ requests: 3, retries: 2 });
  });

  it('fails fast on a permanent error with a readable message', async () => {
    const g = gateway(5);
    let calls = 0;
    const error = await g
      .call('listing customers', async () => {
        calls++;
        throw new E.StripeAuthenticationError(raw(401));
      })
      .catch((e) => e);
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(PermanentStripeError);
    expect(error.message).toMatch(
      /rejected the API key \(401\) while listing customers: check STRIPE_SECRET_KEY/,
    );
  });

  it('gives up after maxAttempts', async () => {
    const g = gateway(3);
    const error = await g
      .call('listing invoices', async () => {
        throw new E.StripeAPIError(raw(503));
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.message).toMatch(/Gave up listing invoices after 3 attempts: 503/);
  });
});
