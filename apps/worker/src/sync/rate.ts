/**
 * A token bucket shared by every request of one sync: `rate` tokens a second, at most `burst`
 * saved up. Callers wait for a token before each request, so concurrent ranges together stay
 * under the account's rate limit instead of discovering it through 429s.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  /** Waiters in arrival order, so no caller starves behind later ones. */
  private readonly queue: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** No token is handed out before this instant (set after the server said "too many"). */
  private pausedUntil = 0;
  /** Tokens a second now: `rate`, or less after the server said "too many" (see slowDown). */
  private current: number;
  private lastSlowDown = Number.NEGATIVE_INFINITY;

  constructor(
    readonly rate: number,
    readonly burst: number = Math.max(1, Math.round(rate)),
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(rate > 0)) throw new Error(`TokenBucket rate must be positive, got ${rate}`);
    if (!(burst >= 1)) throw new Error(`TokenBucket burst must be at least 1, got ${burst}`);
    this.tokens = burst;
    this.last = this.now();
    this.current = rate;
  }

  /** Tokens a second handed out now. */
  get currentRate(): number {
    return this.current;
  }

  /**
   * The server's limit is lower than ours (a 429): halve the rate, at most once per 100 ms, as
   * many requests in flight meet the same limit at once. Without it, dozens of concurrent
   * requests kept retrying into a small limit until some ran out of attempts.
   */
  slowDown(): void {
    const t = this.now();
    if (t - this.lastSlowDown < 100) return;
    this.refill();
    this.lastSlowDown = t;
    this.current = Math.max(1, this.current / 2);
  }

  /** A request went through: climb back towards `rate`, by one request a second per request. */
  speedUp(): void {
    if (this.current >= this.rate) return;
    this.refill();
    this.current = Math.min(this.rate, this.current + 1);
  }

  private refill(): void {
    const t = this.now();
    if (t < this.pausedUntil) {
      this.last = t;
      return;
    }
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.current);
    this.last = t;
  }

  /** Takes a token if one is available now. */
  tryTake(): boolean {
    this.refill();
    if (this.queue.length === 0 && this.tokens >= 1 && this.now() >= this.pausedUntil) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until the next token is available (0 when one is). */
  waitTime(): number {
    this.refill();
    const paused = Math.max(0, this.pausedUntil - this.now());
    return paused + (this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.current) * 1000);
  }

  /**
   * Holds every caller for `ms` (a 429 means the account's limit is lower than we thought, so
   * all concurrent requests back off together instead of each burning its retries), then
   * resumes with an empty bucket.
   */
  pause(ms: number): void {
    const until = this.now() + ms;
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.tokens = 0;
  }

  /** Resolves when a token has been taken for the caller; rejects if `signal` aborts first. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryTake()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.refill();
        while (this.queue.length > 0 && this.tokens >= 1) {
          this.tokens -= 1;
          this.queue.shift()?.resolve();
        }
        this.schedule();
      },
      Math.max(1, Math.ceil(this.waitTime())),
    );
  }
}
