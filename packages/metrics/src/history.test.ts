import { describe, expect, it } from 'vitest';
import {
  customerMovements,
  customerSpans,
  type HistoryLine,
  type HistorySubscription,
  subscriptionHistory,
} from './history.ts';
import type { CouponInput, PriceInput } from './mrr.ts';
import { DEFAULT_METRIC_SETTINGS } from './settings.ts';

const ms = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T10:00:00Z` : iso);
const gold: PriceInput = { id: 'gold', currency: 'usd', unit_amount: 5_000, interval: 'month' };
const silver: PriceInput = { id: 'silver', currency: 'usd', unit_amount: 3_000, interval: 'month' };
const yearly: PriceInput = { id: 'gold_y', currency: 'usd', unit_amount: 50_000, interval: 'year' };
const forever: CouponInput = { id: 'half', percent_off: 50, duration: 'forever' };
const once: CouponInput = { id: 'first', amount_off: 1_400, currency: 'usd', duration: 'once' };

function line(
  item: string,
  price: PriceInput,
  start: string,
  end: string,
  extra: Partial<HistoryLine> = {},
): HistoryLine {
  return {
    itemId: item,
    price,
    quantity: 1,
    startMs: ms(start),
    endMs: ms(end),
    proration: false,
    amount: price.unit_amount ?? 0,
    coupon: null,
    ...extra,
  };
}

const sub = (extra: Partial<HistorySubscription> = {}): HistorySubscription => ({
  id: 'sub_1',
  status: 'active',
  start_date: '2025-01-05',
  currentItems: [],
  ...extra,
});

const spansOf = (
  s: HistorySubscription,
  lines: HistoryLine[],
  horizon = '2025-04-01',
  settings = DEFAULT_METRIC_SETTINGS,
) =>
  subscriptionHistory(s, lines, horizon, settings).spans.map((x) => [x.start, x.end, x.mrr, x.mrrReporting]);

const monthly = (item: string, price: PriceInput, extra: Partial<HistoryLine> = {}) => [
  line(item, price, '2025-01-05', '2025-02-05', extra),
  line(item, price, '2025-02-05', '2025-03-05', extra),
  line(item, price, '2025-03-05', '2025-04-05', extra),
];

describe('subscriptionHistory', () => {
  it('turns consecutive period lines into one open span (price × quantity, not the amount paid)', () => {
    expect(spansOf(sub(), monthly('si_1', gold, { quantity: 2, amount: 1 }))).toEqual([
      ['2025-01-05', null, 10_000, 54_321],
    ]);
  });

  it('a proration starts the new price at the change day; the unused-time credit ends the old one', () => {
    const lines = [
      ...monthly('si_1', gold).slice(0, 2),
      line('si_1', gold, '2025-02-20T15:00:00Z', '2025-03-05', { proration: true, amount: -2_000 }),
      line('si_1', silver, '2025-02-20T15:00:00Z', '2025-03-05', { proration: true, amount: 1_200 }),
      line('si_1', silver, '2025-03-05', '2025-04-05'),
    ];
    expect(spansOf(sub(), lines).map((s) => s.slice(0, 3))).toEqual([
      ['2025-01-05', '2025-02-20', 5_000],
      ['2025-02-20', null, 3_000],
    ]);
  });

  it('a removed item (credit only) stops counting the day it was removed', () => {
    const lines = [
      ...monthly('si_1', gold).slice(0, 2),
      line('si_2', silver, '2025-02-05', '2025-03-05'),
      line('si_2', silver, '2025-02-10', '2025-03-05', { proration: true, amount: -2_500 }),
    ];
    expect(spansOf(sub({ ended_at: '2025-03-05' }), lines).map((s) => s.slice(0, 3))).toEqual([
      ['2025-01-05', '2025-02-05', 5_000],
      ['2025-02-05', '2025-02-10', 8_000],
      ['2025-02-10', '2025-03-05', 5_000],
    ]);
  });

  it('a forever coupon on the period lines reduces MRR; a once coupon does not (unless the setting says all)', () => {
    expect(spansOf(sub(), monthly('si_1', gold, { coupon: forever }))[0]?.[2]).toBe(2_500);
    const first = [
      line('si_1', gold, '2025-01-05', '2025-02-05', { coupon: once }),
      ...monthly('si_1', gold).slice(1),
    ];
    expect(spansOf(sub(), first).map((s) => s[2])).toEqual([5_000]);
    const all = { ...DEFAULT_METRIC_SETTINGS, discountMode: 'all' as const };
    expect(spansOf(sub(), first, '2025-04-01', all).map((s) => s.slice(0, 3))).toEqual([
      ['2025-01-05', '2025-02-05', 3_600],
      ['2025-02-05', null, 5_000],
    ]);
  });

  it('a metered line billed in arrears without the coupon does not end it early (gold 50 with half off → 25 until the coupon-less period)', () => {
    const usage: PriceInput = {
      id: 'calls',
      currency: 'usd',
      unit_amount: 10,
      interval: 'month',
      usage_type: 'metered',
    };
    // The March invoice has no coupon any more; its usage line bills February and comes first.
    const lines = [
      line('si_usage', usage, '2025-02-05', '2025-03-05', { quantity: 40 }),
      line('si_1', gold, '2025-01-05', '2025-02-05', { coupon: forever }),
      line('si_1', gold, '2025-02-05', '2025-03-05', { coupon: forever }),
      line('si_1', gold, '2025-03-05', '2025-04-05'),
    ];
    expect(spansOf(sub(), lines).map((s) => s.slice(0, 3))).toEqual([
      ['2025-01-05', '2025-03-05', 2_500],
      ['2025-03-05', null, 5_000],
    ]);
  });

  it('normalises yearly prices (500/yr → 41.67/mo)', () => {
    expect(spansOf(sub(), [line('si_1', yearly, '2025-01-05', '2026-01-05')])[0]?.[2]).toBe(4_167);
  });

  it('counts nothing during a trial, and from the trial end on', () => {
    const lines = [
      line('si_1', gold, '2025-01-05', '2025-01-19', { amount: 0 }),
      line('si_1', gold, '2025-01-19', '2025-02-19'),
    ];
    expect(spansOf(sub({ trial_end: '2025-01-19' }), lines, '2025-02-10').map((s) => s.slice(0, 3))).toEqual([
      ['2025-01-19', null, 5_000],
    ]);
  });

  it('a cancellation at period end churns at the end; unpaid churns the day it was marked', () => {
    const canceled = sub({
      status: 'canceled',
      ended_at: '2025-03-05',
      cancel_at: '2025-03-05',
      cancel_at_period_end: true,
      canceled_at: '2025-02-11',
    });
    expect(spansOf(canceled, monthly('si_1', gold).slice(0, 2)).map((s) => s.slice(0, 3))).toEqual([
      ['2025-01-05', '2025-03-05', 5_000],
    ]);
    const unpaid = sub({ status: 'unpaid', unpaid_since: '2025-03-26' });
    expect(spansOf(unpaid, monthly('si_1', gold)).map((s) => s.slice(0, 3))).toEqual([
      ['2025-01-05', '2025-03-26', 5_000],
    ]);
  });

  it('uses the current items where no invoice covers the days yet (a draft invoice)', () => {
    const s = sub({
      currentItems: [{ id: 'si_1', price: silver, quantity: 1 }],
      currentPeriodStartMs: ms('2025-02-05'),
    });
    expect(spansOf(s, monthly('si_1', gold).slice(0, 1)).map((x) => x.slice(0, 3))).toEqual([
      ['2025-01-05', '2025-02-05', 5_000],
      ['2025-02-05', null, 3_000],
    ]);
  });

  it('never counts an incomplete subscription, even with an open invoice', () => {
    expect(spansOf(sub({ status: 'incomplete' }), monthly('si_1', gold).slice(0, 1))).toEqual([]);
  });

  it('treats past_due as churned after N days only under that setting', () => {
    const s = sub({ status: 'past_due', past_due_since: '2025-03-05' });
    expect(spansOf(s, monthly('si_1', gold)).map((x) => x.slice(0, 3))).toEqual([
      ['2025-01-05', null, 5_000],
    ]);
    const n30 = { ...DEFAULT_METRIC_SETTINGS, pastDueChurnAfterDays: 10 };
    expect(spansOf(s, monthly('si_1', gold), '2025-04-01', n30).map((x) => x.slice(0, 3))).toEqual([
      ['2025-01-05', '2025-03-15', 5_000],
    ]);
  });
});

describe('customerSpans and customerMovements', () => {
  const h = (id: string, spans: [string, string | null, number, number][]) => ({
    subscriptionId: id,
    currency: 'USD',
    spans: spans.map(([start, end, mrr, mrrReporting]) => ({ start, end, mrr, mrrReporting })),
  });

  it('sums subscriptions per day and names the subscriptions behind each span', () => {
    const spans = customerSpans([
      h('a', [['2025-01-01', null, 100, 543]]),
      h('b', [['2025-02-01', '2025-03-01', 50, 272]]),
    ]);
    expect(spans).toEqual([
      { start: '2025-01-01', end: '2025-02-01', mrr: 100, mrrReporting: 543, subscriptionIds: ['a'] },
      { start: '2025-02-01', end: '2025-03-01', mrr: 150, mrrReporting: 815, subscriptionIds: ['a', 'b'] },
      { start: '2025-03-01', end: null, mrr: 100, mrrReporting: 543, subscriptionIds: ['a'] },
    ]);
  });

  it('classifies the lifecycle of metrics.md (new, expansion, contraction, churn, reactivation)', () => {
    const spans = customerSpans([
      h('gold', [['2025-01-01', '2025-06-01', 16_667, 16_667]]),
      h('silver', [['2025-02-01', '2025-03-01', 6_000, 6_000]]),
      h('gold_m', [['2025-09-01', null, 15_000, 15_000]]),
    ]);
    const moves = customerMovements(spans).map((m) => [m.day, m.type, m.amount, m.subscriptionIds.join()]);
    expect(moves).toEqual([
      ['2025-01-01', 'new', 16_667, 'gold'],
      ['2025-02-01', 'expansion', 6_000, 'silver'],
      ['2025-03-01', 'contraction', -6_000, 'silver'],
      ['2025-06-01', 'churn', -16_667, 'gold'],
      ['2025-09-01', 'reactivation', 15_000, 'gold_m'],
    ]);
  });

  it('a switch that keeps MRR equal is no movement; reporting amounts always add up to the reporting MRR', () => {
    const spans = customerSpans([
      h('m', [['2025-01-01', '2025-04-01', 10_000, 54_321]]),
      h('y', [['2025-04-01', null, 10_000, 54_321]]),
    ]);
    expect(customerMovements(spans).map((m) => m.type)).toEqual(['new']);
    // Two USD subscriptions whose per-subscription rounding differs from their sum's.
    const rounding = customerSpans([
      h('a', [['2025-01-01', '2025-02-01', 3, 16]]),
      h('b', [['2025-01-01', null, 2, 11]]),
      h('c', [['2025-02-01', null, 3, 16]]),
    ]);
    const moves = customerMovements(rounding);
    expect(moves.reduce((a, m) => a + m.reportingAmount, 0)).toBe(rounding.at(-1)?.mrrReporting);
  });
});

describe('subscriptionHistory by product and price', () => {
  const clinic: PriceInput = {
    id: 'clinic',
    product: 'prod_clinic',
    currency: 'brl',
    unit_amount: 20_000,
    interval: 'month',
  };
  const ai: PriceInput = {
    id: 'ai',
    product: 'prod_ai',
    currency: 'brl',
    unit_amount: 10_000,
    interval: 'month',
  };

  it('adds the AI add-on in February: clinic R$ 200 all along, AI R$ 100 from Feb 5; parts add up to the subscription', () => {
    const h = subscriptionHistory(
      sub(),
      [
        line('si_clinic', clinic, '2025-01-05', '2025-02-05'),
        line('si_clinic', clinic, '2025-02-05', '2025-03-05'),
        line('si_ai', ai, '2025-02-05', '2025-03-05'),
      ],
      '2025-03-01',
      DEFAULT_METRIC_SETTINGS,
    );
    expect(h.spans.map((s) => [s.start, s.end, s.mrr])).toEqual([
      ['2025-01-05', '2025-02-05', 20_000],
      ['2025-02-05', null, 30_000],
    ]);
    expect(
      h.prices.map((p) => [p.productId, p.priceId, p.spans.map((s) => [s.start, s.end, s.mrr])]),
    ).toEqual([
      ['prod_ai', 'ai', [['2025-02-05', null, 10_000]]],
      ['prod_clinic', 'clinic', [['2025-01-05', null, 20_000]]],
    ]);
  });

  it('moves the clinic plan from R$ 200 to R$ 350 (clinic 10) on Feb 5: the first price stops, the second starts, and their sum (the product) grows by R$ 150', () => {
    const clinic10: PriceInput = { ...clinic, id: 'clinic_10', unit_amount: 35_000 };
    const h = subscriptionHistory(
      sub(),
      [
        line('si_clinic', clinic, '2025-01-05', '2025-02-05'),
        line('si_clinic', clinic10, '2025-02-05', '2025-03-05'),
      ],
      '2025-03-01',
      DEFAULT_METRIC_SETTINGS,
    );
    expect(h.prices.map((p) => [p.priceId, p.spans.map((s) => [s.start, s.end, s.mrr])])).toEqual([
      ['clinic', [['2025-01-05', '2025-02-05', 20_000]]],
      ['clinic_10', [['2025-02-05', null, 35_000]]],
    ]);
    const product = customerSpans(h.prices.map((p) => ({ ...p, subscriptionId: h.subscriptionId })));
    expect(product.map((s) => [s.start, s.end, s.mrr, s.subscriptionIds])).toEqual([
      ['2025-01-05', '2025-02-05', 20_000, ['sub_1']],
      ['2025-02-05', null, 35_000, ['sub_1']],
    ]);
    expect(customerMovements(product).map((m) => [m.day, m.type, m.amount])).toEqual([
      ['2025-01-05', 'new', 20_000],
      ['2025-02-05', 'expansion', 15_000],
    ]);
  });
});
