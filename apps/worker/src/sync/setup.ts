/** Builds the sync's dependencies from the worker's environment. */
import type { Database } from '@medpro/db';
import type { Env } from '../env.ts';
import { createStripe, defaultRate, StripeGateway } from './client.ts';
import type { Logger } from './context.ts';

export class SyncConfigError extends Error {
  override name = 'SyncConfigError';
}

export function gatewayFromEnv(env: Env, log: Logger, rateOverride?: number): StripeGateway {
  const key = env.STRIPE_SECRET_KEY;
  if (!key)
    throw new SyncConfigError(
      'STRIPE_SECRET_KEY is not set (use a restricted read-only key; `npm start` without it runs the demo simulator)',
    );
  if (!/^(sk|rk)_(test|live)_/.test(key))
    throw new SyncConfigError(
      'STRIPE_SECRET_KEY does not look like a Stripe secret or restricted key (sk_… / rk_…)',
    );
  const rate = rateOverride ?? env.STRIPE_RATE_LIMIT ?? defaultRate(key);
  return new StripeGateway(createStripe({ secretKey: key, apiBase: env.STRIPE_API_BASE }), {
    rate,
    onRetry: ({ what, attempt, delayMs, reason }) =>
      log.warn({ what, attempt, delayMs: Math.round(delayMs), reason }, 'Stripe request failed; retrying'),
  });
}

export type { Database };
