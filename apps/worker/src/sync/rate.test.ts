import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate.ts';

describe('TokenBucket', () => {
  it('allows a burst, then one token per 1/rate seconds', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.waitTime()).toBeCloseTo(100, 5);
    now += 99;
    expect(bucket.tryTake()).toBe(false);
    now += 1;
    expect(bucket.tryTake()).toBe(true);
    // Idle time refills up to the burst, never beyond.
    now += 10_000;
    let taken = 0;
    while (bucket.tryTake()) taken++;
    expect(taken).toBe(3);
  });

  it('paces waiting callers at the rate, in arrival order', async () => {
    const bucket = new TokenBucket(50, 1);
    const order: number[] = [];
    const start = performance.now();
    await Promise.all([0, 1, 2, 3, 4, 5].map((i) => bucket.take().then(() => order.push(i))));
    const elapsed = performance.now() - start;
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    // 1 immediate + 5 paced at 20 ms: at least ~100 ms (timer granularity may only add).
    expect(elapsed).toBeGreaterThanOrEqual(95);
  });

  it('rejects a waiting caller whose signal aborts, and serves the others', async () => {
    const bucket = new TokenBucket(5, 1);
    await bucket.take();
    const controller = new AbortController();
    const aborted = bucket.take(controller.signal);
    const next = bucket.take();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    await expect(next).resolves.toBeUndefined();
  });

  it('refuses a non-positive rate', () => {
    expect(() => new TokenBucket(0)).toThrow(/rate must be positive/);
  });
});

describe('TokenBucket.pause', () => {
  it('holds every caller until the pause ends, then resumes from an empty bucket', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 5, () => now);
    expect(bucket.tryTake()).toBe(true);
    bucket.pause(500);
    now = 499;
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.waitTime()).toBe(101);
    now = 500;
    expect(bucket.tryTake()).toBe(false);
    now = 600;
    expect(bucket.tryTake()).toBe(true);
  });
});

describe('TokenBucket.slowDown / speedUp', () => {
  it('halves the rate once per 100 ms of 429s, then climbs back to the configured rate', () => {
    let now = 0;
    const bucket = new TokenBucket(100, 1, () => now);
    bucket.slowDown();
    bucket.slowDown(); // the same burst of 429s: counted once
    expect(bucket.currentRate).toBe(50);
    bucket.tryTake();
    expect(bucket.waitTime()).toBeCloseTo(20, 5); // one token per 1/50 s now
    now += 100;
    bucket.slowDown();
    expect(bucket.currentRate).toBe(25);
    for (let i = 0; i < 10; i++) bucket.speedUp();
    expect(bucket.currentRate).toBe(35);
    for (let i = 0; i < 100; i++) bucket.speedUp();
    expect(bucket.currentRate).toBe(100);
  });

  it('never goes below one request a second', () => {
    let now = 0;
    const bucket = new TokenBucket(4, 1, () => now);
    for (let i = 0; i < 10; i++) {
      bucket.slowDown();
      now += 100;
    }
    expect(bucket.currentRate).toBe(1);
  });
});
