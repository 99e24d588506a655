/**
 * Which failed Stripe requests are worth repeating, and how long to wait before doing so.
 * This is the one place retries happen: the SDK's own retries are switched off.
 */
import Stripe from 'stripe';

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** Backoff before retry n (1-based) is drawn from [0, min(maxDelayMs, baseDelayMs·2^(n-1))]. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 };

export type Verdict =
  | { retry: true; reason: string /** what the server asked for, when it did */; afterMs?: number }
  | { retry: false; reason: string };

function header(error: { headers?: Record<string, string> }, name: string): string | undefined {
  const headers = error.headers;
  if (!headers) return undefined;
  return headers[name] ?? headers[name.toLowerCase()];
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Decides whether an error from the SDK (or the network under it) is transient. */
export function classify(error: unknown): Verdict {
  if (!(error instanceof Stripe.errors.StripeError)) {
    const code = (error as { code?: string }).code;
    if (code && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR_)/.test(code))
      return { retry: true, reason: `network error ${code}` };
    return { retry: false, reason: (error as Error)?.message ?? String(error) };
  }
  const status = error.statusCode;
  const should = header(error, 'stripe-should-retry');
  const afterMs = retryAfterMs(header(error, 'retry-after'));
  const described = `${status ?? error.type}: ${error.message}`;
  if (should === 'false') return { retry: false, reason: described };
  if (should === 'true')
    return { retry: true, reason: described, ...(afterMs !== undefined ? { afterMs } : {}) };
  // Timeouts, refused and dropped connections.
  if (error instanceof Stripe.errors.StripeConnectionError) return { retry: true, reason: error.message };
  if (status === 429 || status === 409 || (status !== undefined && status >= 500))
    return { retry: true, reason: described, ...(afterMs !== undefined ? { afterMs } : {}) };
  // A 2xx/5xx body that was not JSON (a proxy's error page, a truncated response).
  if (status === undefined && error instanceof Stripe.errors.StripeAPIError)
    return { retry: true, reason: error.message };
  return { retry: false, reason: described };
}

/** Full-jitter exponential backoff for retry `attempt` (1-based); never below what the server asked. */
export function backoffMs(
  attempt: number,
  policy: RetryPolicy,
  serverAskedMs?: number,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = random() * cap;
  return serverAskedMs === undefined ? jittered : Math.max(serverAskedMs, jittered);
}

/** A request that will not succeed by repeating it: bad key, missing permission, bad request. */
export class PermanentStripeError extends Error {
  override name = 'PermanentStripeError';
  constructor(
    message: string,
    readonly status: number | undefined,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/** Retries ran out. */
export class RetriesExhaustedError extends Error {
  override name = 'RetriesExhaustedError';
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/** The one-line message a person sees for a permanent error. */
export function describePermanent(error: unknown, what: string): string {
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode;
    if (status === 401) return `Stripe rejected the API key (401) while ${what}: check STRIPE_SECRET_KEY`;
    if (status === 403) return `The Stripe key lacks a read permission (403) while ${what}: ${error.message}`;
    if (status === 404) return `Stripe answered 404 while ${what}: ${error.message}`;
    return `Stripe refused the request (${status ?? error.type}) while ${what}: ${error.message}`;
  }
  return `${what} failed: ${(error as Error)?.message ?? String(error)}`;
}
