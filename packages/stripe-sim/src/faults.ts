/** Fault injection of the HTTP server: token-bucket rate limit, latency, 500s, dropped connections. */
import { Rng } from './prng.ts';

export interface FaultOptions {
  /** Requests per second allowed (token bucket, burst = rate). 0/undefined = unlimited. */
  rateLimit?: number;
  /** Added latency per request, ms. */
  latencyMs?: number;
  /** Share (0..1) of requests answered with a 500 api_error. */
  errorRate?: number;
  /** Share (0..1) of requests whose connection is dropped without an answer. */
  dropRate?: number;
  /** Seed of the fault PRNG (default 1). */
  faultSeed?: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }
  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class Faults {
  private readonly rng: Rng;
  private readonly bucket: TokenBucket | null;
  constructor(readonly opts: FaultOptions) {
    this.rng = new Rng(opts.faultSeed ?? 1, 0xfa17);
    const rate = opts.rateLimit ?? 0;
    this.bucket = rate > 0 ? new TokenBucket(rate, Math.max(1, rate), performance.now()) : null;
  }
  latency(): number {
    return this.opts.latencyMs ?? 0;
  }
  drop(): boolean {
    return (this.opts.dropRate ?? 0) > 0 && this.rng.chance(this.opts.dropRate ?? 0);
  }
  rateLimited(): boolean {
    return this.bucket !== null && !this.bucket.take(performance.now());
  }
  error(): boolean {
    return (this.opts.errorRate ?? 0) > 0 && this.rng.chance(this.opts.errorRate ?? 0);
  }
}
