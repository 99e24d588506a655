import { describe, expect, it } from 'vitest';
import { addDays, type Day } from './dates.ts';
import { classifyMovement, type Movement, movementsFromSpans, summarizeMovements } from './movements.ts';
import type { PriceInput, SubscriptionInput } from './mrr.ts';
import { normalizeMetricSettings } from './settings.ts';
import {
  dailySeries,
  type MrrSpan,
  mrrOnDay,
  normalizeSpans,
  spansFromDaily,
  subscriptionMrrSpans,
  sumSpans,
} from './spans.ts';

const USD = normalizeMetricSettings({ reportingCurrency: 'USD' });

/** mulberry32: small seeded PRNG so randomized tests are reproducible. */
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

describe('classifyMovement', () => {
  it.each([
    [0, 100, false, 'new', 100],
    [0, 100, true, 'reactivation', 100],
    [100, 150, true, 'expansion', 50],
    [150, 100, true, 'contraction', 50],
    [100, 0, true, 'churn', 100],
    [100, 100, true, 'none', 0],
    [0, 0, false, 'none', 0],
  ] as const)('%i → %i (had MRR: %s) = %s %i', (prev, curr, had, type, amount) => {
    expect(classifyMovement(prev, curr, had)).toEqual({ type, amount });
  });

  it('rejects negative or fractional MRR', () => {
    expect(() => classifyMovement(-1, 0, false)).toThrow(/non-negative integer/);
    expect(() => classifyMovement(0, 1.5, false)).toThrow(/non-negative integer/);
  });
});

describe('movementsFromSpans', () => {
  it('dates movements on the first day with the new MRR, gaps are churn then reactivation', () => {
    const spans: MrrSpan[] = [
      ['2024-01-01', '2024-02-01', 100],
      ['2024-02-01', '2024-03-01', 150],
      ['2024-03-01', '2024-04-01', 120],
      ['2024-05-01', null, 120],
    ];
    expect(movementsFromSpans(spans).map((m) => [m.day, m.type, m.amount])).toEqual([
      ['2024-01-01', 'new', 100],
      ['2024-02-01', 'expansion', 50],
      ['2024-03-01', 'contraction', 30],
      ['2024-04-01', 'churn', 120],
      ['2024-05-01', 'reactivation', 120],
    ]);
  });

  it('hadMrrBefore turns the first span into a reactivation', () => {
    expect(movementsFromSpans([['2024-01-01', null, 5]], { hadMrrBefore: true })[0]?.type).toBe(
      'reactivation',
    );
  });

  it('rejects overlapping spans', () => {
    expect(() =>
      movementsFromSpans([
        ['2024-01-01', '2024-02-01', 1],
        ['2024-01-15', null, 1],
      ]),
    ).toThrow(/Overlapping/);
  });

  it('a plan switch keeping MRR equal (monthly $100 → yearly $1,200) is no movement', () => {
    const monthly: SubscriptionInput = {
      status: 'canceled',
      start_date: '2024-01-01',
      ended_at: '2024-05-01',
      items: [{ price: { currency: 'usd', unit_amount: 10_000, interval: 'month' } }],
    };
    const yearly: SubscriptionInput = {
      status: 'active',
      start_date: '2024-05-01',
      items: [{ price: { currency: 'usd', unit_amount: 120_000, interval: 'year' } }],
    };
    const spans = sumSpans([
      subscriptionMrrSpans(monthly, '2024-01-01', '2025-01-01', USD),
      subscriptionMrrSpans(yearly, '2024-01-01', '2025-01-01', USD),
    ]);
    expect(movementsFromSpans(spans).map((m) => m.type)).toEqual(['new']);
  });
});

describe('lifecycle example (Gold $50/mo or $500/yr; Silver $30/mo)', () => {
  const gold = (interval: 'month' | 'year'): PriceInput => ({
    currency: 'usd',
    unit_amount: interval === 'month' ? 5_000 : 50_000,
    interval,
  });
  const silver: PriceInput = { currency: 'usd', unit_amount: 3_000, interval: 'month' };
  const subs: SubscriptionInput[] = [
    {
      status: 'canceled',
      start_date: '2024-01-01',
      ended_at: '2025-01-01',
      items: [{ price: gold('year'), quantity: 4 }],
    },
    {
      status: 'canceled',
      start_date: '2024-03-01',
      ended_at: '2024-06-01',
      items: [{ price: silver, quantity: 2 }],
    },
    { status: 'active', start_date: '2025-04-01', items: [{ price: gold('month'), quantity: 3 }] },
  ];
  const spans = sumSpans(subs.map((s) => subscriptionMrrSpans(s, '2023-12-01', '2025-12-01', USD)));
  const movements = movementsFromSpans(spans);
  const find = (type: Movement['type']) => movements.find((m) => m.type === type);

  it('4 × Gold yearly → new $166.67', () => {
    expect(find('new')).toMatchObject({ day: '2024-01-01', amount: 16_667 });
  });
  it('add 2 × Silver monthly → expansion $60', () => {
    expect(find('expansion')).toMatchObject({ day: '2024-03-01', amount: 6_000 });
  });
  it('cancel Silver → contraction $60', () => {
    expect(find('contraction')).toMatchObject({ day: '2024-06-01', amount: 6_000 });
  });
  it('Gold ends → churn $166.67', () => {
    expect(find('churn')).toMatchObject({ day: '2025-01-01', amount: 16_667 });
  });
  it('later 3 × Gold monthly → reactivation $150', () => {
    expect(find('reactivation')).toMatchObject({ day: '2025-04-01', amount: 15_000 });
    expect(movements).toHaveLength(5);
  });
});

describe('MRR bridge property: MRR(end) − MRR(start) = new + expansion + reactivation − contraction − churn', () => {
  function randomSpans(rand: () => number, start: Day, days: number): MrrSpan[] {
    const values: [Day, number][] = [];
    let v = 0;
    for (let i = 0; i < days; i++) {
      const r = rand();
      if (r < 0.04) v = 0;
      else if (r < 0.1)
        v = Math.floor(rand() * 5) * 1_000; // sometimes 0, sometimes a new level
      else if (r < 0.14) v = Math.max(0, v + Math.floor((rand() - 0.5) * 3_000));
      values.push([addDays(start, i), v]);
    }
    return spansFromDaily(values);
  }

  it('holds for every window of 200 randomized customers (seeded)', () => {
    const rand = prng(20_240_615);
    const start = '2024-01-01';
    for (let c = 0; c < 200; c++) {
      const spans = randomSpans(rand, start, 120);
      const movements = movementsFromSpans(spans);
      for (let w = 0; w < 10; w++) {
        const a = Math.floor(rand() * 130) - 5;
        const b = a + 1 + Math.floor(rand() * 60);
        const ws = addDays(start, a);
        const we = addDays(start, b);
        const t = summarizeMovements(movements, ws, we);
        const delta = mrrOnDay(spans, addDays(we, -1)) - mrrOnDay(spans, addDays(ws, -1));
        expect(t.new + t.expansion + t.reactivation - t.contraction - t.churn).toBe(delta);
        expect(t.net).toBe(delta);
      }
    }
  });

  it('movementsFromSpans equals classifying the dense daily series day over day', () => {
    const rand = prng(7);
    for (let c = 0; c < 50; c++) {
      const spans = randomSpans(rand, '2024-01-01', 90);
      const daily = dailySeries(spans, '2023-12-31', '2024-04-05');
      const brute: [Day, string, number][] = [];
      let had = false;
      for (let i = 1; i < daily.length; i++) {
        const [, prev] = daily[i - 1]!;
        const [day, curr] = daily[i]!;
        if (prev > 0) had = true;
        const m = classifyMovement(prev, curr, had);
        if (m.type !== 'none') brute.push([day, m.type, m.amount]);
      }
      expect(movementsFromSpans(spans).map((m) => [m.day, m.type, m.amount])).toEqual(brute);
    }
  });
});

describe('span helpers', () => {
  it('sumSpans adds overlapping series and merges equal neighbours', () => {
    expect(
      sumSpans([
        [['2024-01-01', '2024-03-01', 100]],
        [
          ['2024-02-01', null, 50],
          ['2023-12-01', '2024-01-01', 100],
        ],
      ]),
    ).toEqual([
      ['2023-12-01', '2024-02-01', 100],
      ['2024-02-01', '2024-03-01', 150],
      ['2024-03-01', null, 50],
    ]);
  });

  it('normalizeSpans validates amounts and days', () => {
    expect(() => normalizeSpans([['2024-01-01', null, -5]])).toThrow(/non-negative integer/);
    expect(() => normalizeSpans([['2024-01-32', null, 5]])).toThrow(/Invalid day/);
    expect(normalizeSpans([['2024-01-01', '2024-01-01', 5]])).toEqual([]);
  });
});
