/**
 * The Stripe client of the sync: the official SDK with its API version pinned and its own
 * retries off, behind one `call` that waits for the token bucket and retries transient errors.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Stripe from 'stripe';
import { TokenBucket } from './rate.ts';
import {
  backoffMs,
  classify,
  DEFAULT_RETRY_POLICY,
  describePermanent,
  PermanentStripeError,
  RetriesExhaustedError,
  type RetryPolicy,
} from './retry.ts';

/** The API version the mappers were written against (the one SDK v23 types describe). */
export const STRIPE_API_VERSION = '2026-10-28.endive' as const satisfies Stripe.LatestApiVersion;

export interface StripeClientOptions {
  secretKey: string;
  /** e.g. http://127.0.0.1:12111 for stripe-sim; default is Stripe itself. */
  apiBase?: string | undefined;
  timeoutMs?: number;
}

/** The SDK configured for the sync: pinned API version, no SDK retries, optional base URL. */
export function createStripe(options: StripeClientOptions): Stripe {
  const config: Stripe.StripeConfig = {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: 0,
    timeout: options.timeoutMs ?? 30_000,
    telemetry: false,
    appInfo: { name: 'medpro-customer-intelligence' },
  };
  if (options.apiBase) {
    const url = new URL(options.apiBase);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`STRIPE_API_BASE must be an http(s) URL, got ${options.apiBase}`);
    config.host = url.hostname;
    config.protocol = url.protocol === 'http:' ? 'http' : 'https';
    config.port = url.port || (url.protocol === 'http:' ? 80 : 443);
  }
  return new Stripe(options.secretKey, config);
}

/** Default requests per second: Stripe allows 25/s in test mode and 100/s live; keep a margin. */
export function defaultRate(secretKey: string): number {
  return /^(sk|rk)_test_/.test(secretKey) ? 25 : 90;
}

export interface GatewayStats {
  requests: number;
  retries: number;
  failures: number;
}

export interface GatewayOptions {
  rate: number;
  burst?: number;
  retry?: Partial<RetryPolicy>;
  onRetry?: (info: { what: string; attempt: number; delayMs: number; reason: string }) => void;
}

export class StripeGateway {
  readonly bucket: TokenBucket;
  readonly policy: RetryPolicy;
  readonly stats: GatewayStats = { requests: 0, retries: 0, failures: 0 };

  constructor(
    readonly stripe: Stripe,
    private readonly options: GatewayOptions,
  ) {
    this.bucket = new TokenBucket(options.rate, options.burst ?? Math.max(1, Math.ceil(options.rate / 5)));
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  /**
   * Runs `fn` (one API request) under the rate limit, retrying transient failures with
   * exponential backoff and jitter. Permanent errors throw PermanentStripeError at once.
   */
  async call<T>(what: string, fn: (stripe: Stripe) => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.bucket.take(signal);
      this.stats.requests++;
      try {
        const result = await fn(this.stripe);
        this.bucket.speedUp();
        return result;
      } catch (error) {
        const verdict = classify(error);
        if (!verdict.retry) {
          this.stats.failures++;
          throw new PermanentStripeError(
            describePermanent(error, what),
            (error as { statusCode?: number }).statusCode,
            error,
          );
        }
        if (attempt >= this.policy.maxAttempts) {
          this.stats.failures++;
          throw new RetriesExhaustedError(
            `Gave up ${what} after ${attempt} attempts: ${verdict.reason}`,
            error,
          );
        }
        const delayMs = backoffMs(attempt, this.policy, verdict.afterMs);
        if ((error as { statusCode?: number }).statusCode === 429) {
          this.bucket.pause(delayMs);
          this.bucket.slowDown();
        }
        this.stats.retries++;
        this.options.onRetry?.({ what, attempt, delayMs, reason: verdict.reason });
        await sleep(delayMs, undefined, signal ? { signal } : undefined);
      }
    }
  }
}
