import { describe, expect, it } from 'vitest';
import type { Interval } from './dates.ts';
import type { DiscountInput, PriceInput, SubscriptionInput } from './mrr.ts';
import { priceAmountForQuantity, subscriptionMrr } from './mrr.ts';
import { DEFAULT_METRIC_SETTINGS, type MetricSettings, normalizeMetricSettings } from './settings.ts';
import { mrrOnDay, subscriptionMrrSpans } from './spans.ts';

const DAY = '2024-06-15';
const USD: MetricSettings = normalizeMetricSettings({ reportingCurrency: 'USD' });

function price(
  unit_amount: number,
  interval: Interval,
  interval_count = 1,
  extra: Partial<PriceInput> = {},
): PriceInput {
  return { currency: 'usd', unit_amount, interval, interval_count, ...extra };
}

function subWith(p: PriceInput, quantity = 1, extra: Partial<SubscriptionInput> = {}): SubscriptionInput {
  return { status: 'active', items: [{ price: p, quantity }], ...extra };
}

const mrr = (s: SubscriptionInput, day = DAY, settings: MetricSettings = USD) =>
  subscriptionMrr(s, day, settings).mrrMinor;

describe('worked examples (docs/metrics.md)', () => {
  it('$1,200/year → $100 MRR', () => {
    expect(mrr(subWith(price(120_000, 'year')))).toBe(10_000);
  });

  it('$100/year → 833 cents', () => {
    expect(mrr(subWith(price(10_000, 'year')))).toBe(833);
  });

  it('100 × $100/month + 50 × $600/year → $12,500 MRR', () => {
    const subs = [
      ...Array.from({ length: 100 }, () => subWith(price(10_000, 'month'))),
      ...Array.from({ length: 50 }, () => subWith(price(60_000, 'year'))),
    ];
    expect(subs.reduce((a, s) => a + mrr(s), 0)).toBe(1_250_000);
  });

  it('10 seats × $10/month → $100', () => {
    expect(mrr(subWith(price(1_000, 'month'), 10))).toBe(10_000);
  });

  it('$10/month with a 50 % forever coupon → $5', () => {
    const s = subWith(price(1_000, 'month'), 1, {
      discounts: [{ coupon: { percent_off: 50, duration: 'forever' }, start: '2024-01-01' }],
    });
    expect(mrr(s)).toBe(500);
  });

  it('$10/day → $304.17 (365/12)', () => {
    expect(mrr(subWith(price(1_000, 'day')))).toBe(30_417);
  });

  it('$20/week → $86.67 (52/12)', () => {
    expect(mrr(subWith(price(2_000, 'week')))).toBe(8_667);
  });

  it('$60 every 2 months → $30', () => {
    expect(mrr(subWith(price(6_000, 'month', 2)))).toBe(3_000);
  });

  it('$15/month with a $14 once discount on the first invoice × 77 → MRR $1,155, not $77', () => {
    const s = subWith(price(1_500, 'month'), 1, {
      start_date: DAY,
      current_period_start: DAY,
      current_period_end: '2024-07-15',
      discounts: [{ coupon: { amount_off: 1_400, currency: 'usd', duration: 'once' }, start: DAY }],
    });
    expect(Array.from({ length: 77 }, () => mrr(s)).reduce((a, b) => a + b, 0)).toBe(115_500);
    // Under discountMode 'all' the once discount would count for the first period: 77 × $1.
    const all = { ...USD, discountMode: 'all' as const };
    expect(mrr(s, DAY, all) * 77).toBe(7_700);
  });
});

describe('normalisation and rounding', () => {
  it('rounds once per subscription, not per item', () => {
    // 2 items of $1/year: 100/12 = 8.33 each → 16.67 total → 17 (per-item rounding would give 16).
    const s: SubscriptionInput = {
      status: 'active',
      items: [{ price: price(100, 'year') }, { price: price(100, 'year') }],
    };
    expect(mrr(s)).toBe(17);
  });

  it('uses unit_amount_decimal when unit_amount is null', () => {
    const s = subWith(
      { currency: 'usd', unit_amount: null, unit_amount_decimal: '0.5', interval: 'month' },
      3,
    );
    expect(mrr(s)).toBe(2); // 1.5 → 2 (Math.round)
  });

  it('year × interval_count 2 → ÷ 24; week × 2 → 52/24', () => {
    expect(mrr(subWith(price(24_000, 'year', 2)))).toBe(1_000);
    expect(mrr(subWith(price(2_400, 'week', 2)))).toBe(5_200);
  });

  it('excludes metered items', () => {
    const s: SubscriptionInput = {
      status: 'active',
      items: [
        { price: price(1_000, 'month') },
        { price: price(5, 'month', 1, { usage_type: 'metered' }), quantity: null },
      ],
    };
    expect(mrr(s)).toBe(1_000);
  });

  it('applies transform_quantity (package pricing)', () => {
    const p = price(1_000, 'month', 1, { transform_quantity: { divide_by: 10, round: 'up' } });
    expect(mrr(subWith(p, 11))).toBe(2_000);
    expect(mrr(subWith({ ...p, transform_quantity: { divide_by: 10, round: 'down' } }, 11))).toBe(1_000);
  });

  it('throws on mixed currencies', () => {
    const s: SubscriptionInput = {
      status: 'active',
      items: [{ price: price(1_000, 'month') }, { price: { ...price(1_000, 'month'), currency: 'brl' } }],
    };
    expect(() => mrr(s)).toThrow(/mixes currencies/);
  });
});

describe('tiered prices', () => {
  const tiers = [
    { up_to: 5, unit_amount: 1_000, flat_amount: 500 },
    { up_to: 10, unit_amount: 800, flat_amount: 300 },
    { up_to: null, unit_amount: 500 },
  ];
  const tiered = (mode: 'volume' | 'graduated'): PriceInput =>
    price(0, 'month', 1, { unit_amount: null, billing_scheme: 'tiered', tiers_mode: mode, tiers });

  it('volume: all units at the tier containing the quantity, plus its flat amount', () => {
    expect(mrr(subWith(tiered('volume'), 5))).toBe(5 * 1_000 + 500);
    expect(mrr(subWith(tiered('volume'), 7))).toBe(7 * 800 + 300);
    expect(mrr(subWith(tiered('volume'), 12))).toBe(12 * 500);
  });

  it('graduated: each tier’s share at its own price plus the flat amount of every tier reached', () => {
    expect(mrr(subWith(tiered('graduated'), 3))).toBe(3 * 1_000 + 500);
    expect(mrr(subWith(tiered('graduated'), 7))).toBe(5 * 1_000 + 500 + 2 * 800 + 300);
    expect(mrr(subWith(tiered('graduated'), 12))).toBe(5 * 1_000 + 500 + 5 * 800 + 300 + 2 * 500);
  });

  it('quantity 0 → 0 (no flat amount)', () => {
    expect(mrr(subWith(tiered('volume'), 0))).toBe(0);
    expect(priceAmountForQuantity(tiered('graduated'), 0).n).toBe(0n);
  });

  it('yearly tiered price is normalised after the tiers are applied', () => {
    const p = { ...tiered('graduated'), interval: 'year' as const };
    expect(mrr(subWith(p, 7))).toBe(Math.round((5 * 1_000 + 500 + 2 * 800 + 300) / 12));
  });

  it('decimal tier amounts', () => {
    const p = price(0, 'month', 1, {
      unit_amount: null,
      billing_scheme: 'tiered',
      tiers_mode: 'volume',
      tiers: [{ up_to: null, unit_amount_decimal: '0.25', flat_amount_decimal: '0.5' }],
    });
    expect(mrr(subWith(p, 10))).toBe(3); // 2.5 + 0.5
  });
});

describe('status rules', () => {
  it.each([
    ['active', 1_000, 'counted'],
    ['past_due', 1_000, 'counted'],
    ['trialing', 0, 'not_counted'],
    ['incomplete', 0, 'not_counted'],
    ['incomplete_expired', 0, 'not_counted'],
    ['paused', 0, 'not_counted'],
    ['canceled', 0, 'churned'],
    ['unpaid', 0, 'churned'],
  ] as const)('%s → %i (%s)', (status, expected, state) => {
    const r = subscriptionMrr(subWith(price(1_000, 'month'), 1, { status }), DAY, USD);
    expect(r.mrrMinor).toBe(expected);
    expect(r.state).toBe(state);
  });

  it('a subscription started during D counts on D; one ended during D is 0 on D', () => {
    const s = subWith(price(1_000, 'month'), 1, { start_date: '2024-06-15', ended_at: '2024-06-20' });
    expect(mrr(s, '2024-06-14')).toBe(0);
    expect(mrr(s, '2024-06-15')).toBe(1_000);
    expect(mrr(s, '2024-06-19')).toBe(1_000);
    expect(subscriptionMrr(s, '2024-06-20', USD)).toMatchObject({
      mrrMinor: 0,
      state: 'churned',
      reason: 'ended',
    });
  });

  it('a canceled subscription evaluated before it ended counted then', () => {
    const s = subWith(price(1_000, 'month'), 1, {
      status: 'canceled',
      start_date: '2024-01-01',
      ended_at: '2024-07-01',
    });
    expect(mrr(s, '2024-06-30')).toBe(1_000);
    expect(mrr(s, '2024-07-01')).toBe(0);
  });

  it('trial_end: 0 before, counted from the day the trial ends', () => {
    const s = subWith(price(1_000, 'month'), 1, { start_date: '2024-06-01', trial_end: '2024-06-15' });
    expect(subscriptionMrr(s, '2024-06-14', USD).reason).toBe('trialing');
    expect(mrr(s, '2024-06-15')).toBe(1_000);
  });
});

describe('past_due churn after N days', () => {
  const s = subWith(price(1_000, 'month'), 1, { status: 'past_due', past_due_since: '2024-01-01' });

  it('default (never): past_due keeps counting', () => {
    expect(mrr(s, '2024-12-31')).toBe(1_000);
  });

  it('N = 30: counts through day 29, churned from day 30 (dated since + 30)', () => {
    const settings = { ...USD, pastDueChurnAfterDays: 30 };
    expect(mrr(s, '2024-01-30', settings)).toBe(1_000);
    expect(subscriptionMrr(s, '2024-01-31', settings)).toMatchObject({
      mrrMinor: 0,
      reason: 'past_due_too_long',
    });
  });

  it('spans date the churn at since + N', () => {
    const spans = subscriptionMrrSpans(s, '2023-12-01', '2024-03-01', { ...USD, pastDueChurnAfterDays: 30 });
    expect(spans).toEqual([['2023-12-01', '2024-01-31', 1_000]]);
  });
});

describe('cancel_at_period_end', () => {
  const s = subWith(price(1_000, 'month'), 1, {
    start_date: '2024-01-10',
    current_period_start: '2024-06-10',
    current_period_end: '2024-07-10',
    cancel_at_period_end: true,
    canceled_at: '2024-06-20',
  });

  it('period_end (default): counts until the period ends, churn dated at the end', () => {
    expect(mrr(s, '2024-06-25')).toBe(1_000);
    expect(mrr(s, '2024-07-09')).toBe(1_000);
    expect(subscriptionMrr(s, '2024-07-10', USD)).toMatchObject({
      mrrMinor: 0,
      reason: 'cancel_at_period_end',
    });
  });

  it('immediately: churn on the day the cancellation is scheduled', () => {
    const settings = { ...USD, cancelAtPeriodEndMode: 'immediately' as const };
    expect(mrr(s, '2024-06-19', settings)).toBe(1_000);
    expect(subscriptionMrr(s, '2024-06-20', settings)).toMatchObject({
      mrrMinor: 0,
      reason: 'cancellation_scheduled',
    });
  });

  it('cancel_at on a specific day churns that day', () => {
    const c = subWith(price(1_000, 'month'), 1, { cancel_at: '2024-06-20' });
    expect(mrr(c, '2024-06-19')).toBe(1_000);
    expect(subscriptionMrr(c, '2024-06-20', USD).reason).toBe('cancel_at');
  });
});

describe('discounts', () => {
  const base = {
    start_date: '2024-01-10',
    current_period_start: '2024-06-10',
    current_period_end: '2024-07-10',
  };
  const withDiscount = (d: DiscountInput) => subWith(price(10_000, 'month'), 1, { ...base, discounts: [d] });
  const repeating: DiscountInput = {
    coupon: { percent_off: 20, duration: 'repeating', duration_in_months: 3 },
    start: '2024-01-10',
  };

  it('repeating discount in force reduces MRR', () => {
    expect(mrr(withDiscount(repeating), '2024-03-15')).toBe(8_000);
  });

  it('repeating discount out of force (after duration_in_months) no longer reduces MRR', () => {
    // end = 2024-04-10; the period starting 2024-04-10 is full price.
    expect(mrr(withDiscount(repeating), '2024-04-09')).toBe(8_000);
    expect(mrr(withDiscount(repeating), '2024-04-10')).toBe(10_000);
    expect(mrr(withDiscount(repeating), DAY)).toBe(10_000);
  });

  it('a discount counts for the whole period if in force at its start (explicit end mid-period)', () => {
    const d = { ...repeating, end: '2024-06-20' };
    expect(mrr(withDiscount(d), '2024-06-25')).toBe(8_000); // in force on 2024-06-10
    expect(mrr(withDiscount(d), '2024-07-10')).toBe(10_000);
  });

  it('a discount added mid-period counts from the next period start', () => {
    const d: DiscountInput = { coupon: { percent_off: 50, duration: 'forever' }, start: '2024-06-20' };
    expect(mrr(withDiscount(d), '2024-06-25')).toBe(10_000);
    expect(mrr(withDiscount(d), '2024-07-10')).toBe(5_000);
  });

  it('amount_off is per invoice, normalised by the billing interval; MRR never below 0', () => {
    const yearly = subWith(price(120_000, 'year'), 1, {
      discounts: [
        { coupon: { amount_off: 12_000, currency: 'usd', duration: 'forever' }, start: '2024-01-01' },
      ],
    });
    expect(mrr(yearly)).toBe(9_000);
    const big = subWith(price(1_000, 'month'), 1, {
      discounts: [
        { coupon: { amount_off: 5_000, currency: 'usd', duration: 'forever' }, start: '2024-01-01' },
      ],
    });
    expect(mrr(big)).toBe(0);
  });

  it('amount_off in another currency is an error', () => {
    const s = subWith(price(1_000, 'month'), 1, {
      discounts: [{ coupon: { amount_off: 100, currency: 'brl', duration: 'forever' }, start: '2024-01-01' }],
    });
    expect(() => mrr(s)).toThrow(/amount_off is in brl/);
  });

  describe('discountMode', () => {
    const s = subWith(price(10_000, 'month'), 1, {
      ...base,
      discounts: [
        { coupon: { percent_off: 10, duration: 'forever' }, start: '2024-01-10' },
        { coupon: { percent_off: 50, duration: 'repeating', duration_in_months: 12 }, start: '2024-01-10' },
        { coupon: { amount_off: 1_000, currency: 'usd', duration: 'once' }, start: '2024-06-10' },
      ],
    });
    it.each([
      ['none', 10_000],
      ['forever', 9_000],
      ['recurring', 4_500],
      ['all', 3_500],
    ] as const)('%s → %i', (discountMode, expected) => {
      expect(mrr(s, DAY, { ...USD, discountMode })).toBe(expected);
    });

    it('reports which discounts applied and why', () => {
      const r = subscriptionMrr(s, DAY, USD);
      expect(r.discounts.map((d) => d.reason)).toEqual(['applied', 'applied', 'excluded_by_setting']);
      expect(r.grossMrrMinor).toBe(10_000);
    });
  });
});

describe('reporting currency', () => {
  it('converts the rounded MRR with the default USD rate into BRL', () => {
    const r = subscriptionMrr(subWith(price(10_000, 'year')), DAY);
    expect(r).toMatchObject({ mrrMinor: 833, currency: 'USD', reportingCurrency: 'BRL' });
    expect(r.reportingMrrMinor).toBe(Math.round((833 * 54_321) / 10_000)); // 4524.9 → 4525
  });

  it('throws a clear error on a missing rate', () => {
    const s = subWith({ ...price(1_000, 'month'), currency: 'eur' });
    expect(() => subscriptionMrr(s, DAY, DEFAULT_METRIC_SETTINGS)).toThrow(
      /Missing exchange rate for EUR → BRL/,
    );
  });
});

describe('subscriptionMrrSpans', () => {
  it('matches day-by-day evaluation', () => {
    const s = subWith(price(10_000, 'month'), 1, {
      start_date: '2024-01-31',
      trial_end: '2024-02-14',
      current_period_start: '2024-05-31',
      current_period_end: '2024-06-30',
      cancel_at_period_end: true,
      discounts: [
        { coupon: { percent_off: 25, duration: 'repeating', duration_in_months: 2 }, start: '2024-03-05' },
      ],
    });
    const from = '2024-01-01';
    const to = '2024-08-01';
    const spans = subscriptionMrrSpans(s, from, to, USD);
    for (let d = from; d < to; d = addOne(d)) {
      expect(mrrOnDay(spans, d), d).toBe(subscriptionMrr(s, d, USD).reportingMrrMinor);
    }
  });
});

describe('subscriptionMrrSpans (randomized, seeded)', () => {
  function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
  }
  const statuses = ['active', 'past_due', 'canceled', 'trialing', 'paused'] as const;
  const intervals = ['day', 'week', 'month', 'year'] as const;

  it('equals day-by-day evaluation for 150 random subscriptions under random settings', () => {
    const rand = prng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const day = (offset: number) => addDaysTo('2024-01-01', offset);
    for (let i = 0; i < 150; i++) {
      const start = Math.floor(rand() * 60);
      const cps = start + Math.floor(rand() * 90);
      const s: SubscriptionInput = {
        status: pick(statuses),
        start_date: day(start),
        items: [
          {
            price: price(100 + Math.floor(rand() * 50_000), pick(intervals), 1 + Math.floor(rand() * 3)),
            quantity: 1 + Math.floor(rand() * 4),
          },
        ],
        current_period_start: day(cps),
        current_period_end: day(cps + 5 + Math.floor(rand() * 40)), // sometimes shorter than the interval
        ...(rand() < 0.3 ? { ended_at: day(cps + Math.floor(rand() * 120)) } : {}),
        ...(rand() < 0.3 ? { trial_end: day(start + Math.floor(rand() * 20)) } : {}),
        ...(rand() < 0.3 ? { cancel_at_period_end: true, canceled_at: day(cps + 2) } : {}),
        ...(rand() < 0.3 ? { past_due_since: day(start + Math.floor(rand() * 60)) } : {}),
        discounts: [
          {
            coupon: {
              percent_off: 25,
              duration: 'repeating',
              duration_in_months: 1 + Math.floor(rand() * 3),
            },
            start: day(start + Math.floor(rand() * 60)),
          },
          {
            coupon: { amount_off: 500, currency: 'usd', duration: pick(['once', 'forever'] as const) },
            start: day(Math.floor(rand() * 150)),
          },
        ],
      };
      const settings: MetricSettings = {
        ...USD,
        discountMode: pick(['none', 'forever', 'recurring', 'all'] as const),
        cancelAtPeriodEndMode: pick(['period_end', 'immediately'] as const),
        pastDueChurnAfterDays: pick([null, 0, 10, 30]),
      };
      const from = '2023-12-15';
      const to = '2024-09-01';
      const spans = subscriptionMrrSpans(s, from, to, settings);
      for (let d = from; d < to; d = addOne(d)) {
        expect(mrrOnDay(spans, d), `sub ${i} on ${d}`).toBe(
          subscriptionMrr(s, d, settings).reportingMrrMinor,
        );
      }
    }
  });
});

function addDaysTo(d: string, n: number): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function addOne(d: string): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
