import { describe, expect, it } from 'vitest';
import { parseCli } from './cli.ts';
import { TokenBucket } from './faults.ts';
import { dayChanges } from './groundtruth.ts';
import { parseForm } from './http/form.ts';
import { matches, parseSearch } from './http/search.ts';
import { convertMinor, DEFAULT_RATES, itemAmount, type PriceSpec, rate4, subscriptionMrr } from './mrr.ts';
import { addMonths, parseDay, periodIndexAt, periodStart } from './time.ts';

const monthly = (unitAmount: number, count = 1): PriceSpec => ({
  unitAmount,
  tiers: null,
  tiersMode: null,
  usageType: 'licensed',
  interval: 'month',
  intervalCount: count,
});

describe('MRR rules', () => {
  it('normalises intervals and rounds once', () => {
    expect(subscriptionMrr([{ price: { ...monthly(10000), interval: 'year' }, qty: 1 }], null)).toBe(833);
    expect(subscriptionMrr([{ price: monthly(84900, 3), qty: 1 }], null)).toBe(28300);
    expect(subscriptionMrr([{ price: { ...monthly(1000), interval: 'week' }, qty: 1 }], null)).toBe(4333);
    expect(subscriptionMrr([{ price: { ...monthly(100), interval: 'day' }, qty: 1 }], null)).toBe(3042);
    expect(
      subscriptionMrr(
        [
          { price: monthly(2900), qty: 3 },
          { price: { ...monthly(15), usageType: 'metered' }, qty: 0 },
        ],
        null,
      ),
    ).toBe(8700);
  });

  it('applies forever/repeating discounts, ignores once, never below zero', () => {
    const items = [{ price: monthly(29900), qty: 1 }];
    expect(subscriptionMrr(items, { percentOff: 12.5, amountOff: null, duration: 'forever' })).toBe(26163);
    expect(subscriptionMrr(items, { percentOff: 20, amountOff: null, duration: 'once' })).toBe(29900);
    expect(subscriptionMrr(items, { percentOff: null, amountOff: 5000, duration: 'repeating' })).toBe(24900);
    expect(subscriptionMrr(items, { percentOff: null, amountOff: 50000, duration: 'forever' })).toBe(0);
    const yearly = [{ price: { ...monthly(199000), interval: 'year' as const }, qty: 1 }];
    expect(subscriptionMrr(yearly, { percentOff: null, amountOff: 12000, duration: 'forever' })).toBe(15583);
  });

  it('prices volume and graduated tiers', () => {
    const tiers = [
      { upTo: 5, unitAmount: 15000, flatAmount: 0 },
      { upTo: 20, unitAmount: 12000, flatAmount: 0 },
      { upTo: null, unitAmount: 9900, flatAmount: 0 },
    ];
    const volume: PriceSpec = { ...monthly(0), unitAmount: null, tiers, tiersMode: 'volume' };
    expect(itemAmount(volume, 5)).toBe(75000);
    expect(itemAmount(volume, 6)).toBe(72000);
    expect(itemAmount(volume, 30)).toBe(297000);
    expect(itemAmount({ ...volume, tiersMode: 'graduated' }, 6)).toBe(87000);
  });

  it('converts to the reporting currency with 4-decimal rates', () => {
    expect(rate4('5.4321')).toBe(54321);
    expect(rate4('1')).toBe(10000);
    expect(() => rate4('5.43215')).toThrow();
    expect(convertMinor(3900, 'usd', DEFAULT_RATES)).toBe(Math.round((3900 * 54321) / 10000));
    expect(convertMinor(19900, 'brl', DEFAULT_RATES)).toBe(19900);
  });
});

describe('dates', () => {
  it('keeps the anchor day, clamped to month end, like Stripe', () => {
    const jan31 = Date.UTC(2025, 0, 31, 13, 5, 7) / 1000;
    expect(new Date(addMonths(jan31, 1) * 1000).toISOString()).toBe('2025-02-28T13:05:07.000Z');
    expect(new Date(addMonths(jan31, 2) * 1000).toISOString()).toBe('2025-03-31T13:05:07.000Z');
    expect(new Date(periodStart(jan31, 'year', 1, 1) * 1000).toISOString()).toBe('2026-01-31T13:05:07.000Z');
    for (const ts of [jan31, jan31 + 1, addMonths(jan31, 5) - 1, addMonths(jan31, 5)]) {
      const k = periodIndexAt(jan31, 'month', 1, ts);
      expect(periodStart(jan31, 'month', 1, k) <= ts && ts < periodStart(jan31, 'month', 1, k + 1)).toBe(
        true,
      );
    }
    expect(parseDay('2026-02-29')).toBeNull();
    expect(parseDay('2028-02-29')).toBe(Date.UTC(2028, 1, 29) / 1000);
  });
});

describe('form encoding', () => {
  it('parses brackets, arrays and nested hashes', () => {
    expect(
      parseForm('expand[]=a&expand[]=b&created[gte]=1&metadata[k]=v%20w&limit=3&types[0]=x&types[1]=y&q=a+b'),
    ).toEqual({
      expand: ['a', 'b'],
      created: { gte: '1' },
      metadata: { k: 'v w' },
      limit: '3',
      types: ['x', 'y'],
      q: 'a b',
    });
  });
});

describe('search query language', () => {
  const f = {
    email: 'Ana@x.com',
    name: 'Clínica São João',
    phone: null,
    created: 100,
    metadata: { segment: 'hospital' },
  };
  it('matches clauses', () => {
    expect(matches(parseSearch("email:'ana@x.com'"), f)).toBe(true);
    expect(matches(parseSearch("name~'são'"), f)).toBe(true);
    expect(matches(parseSearch("metadata['segment']:'hospital' AND created>99"), f)).toBe(true);
    expect(matches(parseSearch("metadata['segment']:'clinica' OR created<=100"), f)).toBe(true);
    expect(matches(parseSearch("-name~'joão' AND created>=100"), f)).toBe(false);
    expect(matches(parseSearch('phone:"1"'), f)).toBe(false);
  });
  it('rejects bad queries', () => {
    expect(() => parseSearch("name:'a' AND email:'b' OR name:'c'")).toThrow(/AND and OR/);
    expect(() => parseSearch("name~'ab'")).toThrow(/3 characters/);
    expect(() => parseSearch("bogus:'x'")).toThrow(/unsupported field/);
    expect(() => parseSearch("name:'unterminated")).toThrow(/unterminated/);
  });
});

describe('CLI flags', () => {
  it('parses flags and rejects bad ones', () => {
    expect(
      parseCli(['--port', '0', '--customers', '10', '--now', '2026-01-02', '--rate-limit', '25']),
    ).toMatchObject({
      port: 0,
      customers: 10,
      now: '2026-01-02',
      rateLimit: 25,
    });
    expect(() => parseCli(['--customers', 'ten'])).toThrow(/--customers must be an integer/);
    expect(() => parseCli(['--error-rate', '2'])).toThrow(/between 0 and 1/);
    expect(() => parseCli(['--fixture', 'f.json', '--seed', '1'])).toThrow(/cannot be combined/);
    expect(() => parseCli(['--webhook-url', 'http://x', '--live'])).toThrow(/webhook-secret/);
    expect(() => parseCli(['--wat'])).toThrow(/Unknown option/);
  });
});

describe('token bucket', () => {
  it('allows a burst then refills at the rate', () => {
    const b = new TokenBucket(10, 10, 0);
    let ok = 0;
    for (let i = 0; i < 25; i++) if (b.take(0)) ok++;
    expect(ok).toBe(10);
    expect(b.take(50)).toBe(false);
    expect(b.take(100)).toBe(true);
    expect(b.take(100)).toBe(false);
    let later = 0;
    for (let i = 0; i < 25; i++) if (b.take(10_000)) later++;
    expect(later).toBe(10);
  });
});

describe('ground-truth day changes', () => {
  const D = 86_400;
  it('takes the value at the end of each UTC day and drops no-op days', () => {
    // starts on day 10 at 23:59, churns and comes back on day 12, changes twice on day 13, ends day 15 00:00
    const pts = [
      10 * D + 86_399,
      100,
      12 * D + 5,
      0,
      12 * D + 9,
      100,
      13 * D + 1,
      150,
      13 * D + 2,
      200,
      15 * D,
      0,
    ];
    expect(dayChanges(pts, 20)).toEqual([
      [10, 100],
      [13, 200],
      [15, 0],
    ]);
    expect(dayChanges(pts, 13)).toEqual([
      [10, 100],
      [13, 200],
    ]);
    expect(dayChanges([5 * D, 0, 6 * D, 0], 10)).toEqual([]);
  });
});
