import { describe, expect, it } from 'vitest';
import {
  accountLtv,
  arpa,
  arr,
  computeAccountLtv,
  computeAccountMetrics,
  computeAccountSeries,
  customerChurnRate,
  grossMrrChurnRate,
  netMrrChurnRate,
  netRevenueRetention,
  quickRatio,
  trailingMonthlyChurnRates,
  trialConversionRate,
} from './account.ts';
import { buildCohortGrid } from './cohorts.ts';
import { netRevenueCollected } from './revenue.ts';
import { normalizeMetricSettings } from './settings.ts';

const zero = { new: 0, expansion: 0, reactivation: 0, contraction: 0, churn: 0 };

describe('worked examples (docs/metrics.md)', () => {
  it('gross/net churn: start $100; churn $10, contraction $10, expansion $10 → gross 20 %, net 10 %', () => {
    const m = { ...zero, churn: 1_000, contraction: 1_000, expansion: 1_000 };
    expect(grossMrrChurnRate(m, 10_000)).toBeCloseTo(0.2, 12);
    expect(netMrrChurnRate(m, 10_000)).toBeCloseTo(0.1, 12);
    expect(netRevenueRetention(m, 10_000)).toBeCloseTo(0.9, 12);
  });

  it('ARPA: customers paying $1, $1, $3, $5, $5 → $3', () => {
    const paying = [100, 100, 300, 500, 500];
    expect(
      arpa(
        paying.reduce((a, b) => a + b, 0),
        paying.length,
      ),
    ).toBe(300);
  });

  it('LTV: ARPA $100, churn 5 % → $2,000', () => {
    expect(accountLtv(10_000, [0.05])).toBe(200_000);
    expect(accountLtv(10_000, [0.04, 0.06, 0.05, 0.05, 0.05, 0.05])).toBe(200_000);
  });

  it("the plan's LTV card: 24 months at R$299 → R$7,176 (net revenue collected)", () => {
    const invoices = Array.from({ length: 24 }, (_, i) => ({
      id: `in_${i}`,
      status: 'paid' as const,
      total: 29_900,
      currency: 'brl',
    }));
    expect(netRevenueCollected(invoices, [])).toMatchObject({ amountMinor: 717_600, currency: 'BRL' });
  });

  it("the plan's LTV card: 6 months at R$99 → R$594 (net revenue collected)", () => {
    const invoices = Array.from({ length: 6 }, () => ({
      status: 'paid' as const,
      total: 9_900,
      currency: 'BRL',
    }));
    expect(netRevenueCollected(invoices).amountMinor).toBe(59_400);
  });
});

describe('formulas and division by zero', () => {
  it('ARR = 12 × MRR; ARPA rounds and is null without customers', () => {
    expect(arr(12_500)).toBe(150_000);
    expect(arpa(1_000, 3)).toBe(333);
    expect(arpa(2_000, 3)).toBe(667);
    expect(arpa(0, 0)).toBeNull();
  });

  it('ratios are null when the denominator is 0', () => {
    expect(customerChurnRate(1, 0)).toBeNull();
    expect(grossMrrChurnRate({ churn: 5, contraction: 0 }, 0)).toBeNull();
    expect(netMrrChurnRate({ ...zero, churn: 5 }, 0)).toBeNull();
    expect(netRevenueRetention({ ...zero, churn: 5 }, 0)).toBeNull();
    expect(quickRatio({ ...zero, new: 100 })).toBeNull();
    expect(accountLtv(10_000, [0, 0])).toBeNull();
    expect(accountLtv(10_000, [null, null])).toBeNull();
    expect(accountLtv(null, [0.05])).toBeNull();
    expect(trialConversionRate([], '2024-01-01', '2024-02-01')).toBeNull();
  });

  it('quick ratio = (new + expansion + reactivation) ÷ (contraction + churn)', () => {
    expect(
      quickRatio({ new: 3_000, expansion: 1_000, reactivation: 0, contraction: 500, churn: 1_500 }),
    ).toBe(2);
  });

  it('net MRR churn is negative (NRR > 1) with net expansion', () => {
    const m = { ...zero, expansion: 2_000, churn: 500 };
    expect(netMrrChurnRate(m, 10_000)).toBeCloseTo(-0.15, 12);
    expect(netRevenueRetention(m, 10_000)).toBeCloseTo(1.15, 12);
  });

  it('LTV skips months with no active customers at start', () => {
    expect(accountLtv(10_000, [null, 0.1, null, 0.1])).toBe(100_000);
  });

  it('trial conversion counts trials that ended in [start, end)', () => {
    const trials = [
      { trialEnd: '2024-01-05', converted: true },
      { trialEnd: '2024-01-20', converted: false },
      { trialEnd: '2024-01-31', converted: true },
      { trialEnd: '2024-02-01', converted: false }, // next period
      { trialEnd: '2023-12-31', converted: true }, // previous period
    ];
    expect(trialConversionRate(trials, '2024-01-01', '2024-02-01')).toBeCloseTo(2 / 3, 12);
  });
});

describe('computeAccountMetrics', () => {
  const customers = [
    // active all along, expands mid-period
    {
      customerId: 'a',
      spans: [
        ['2023-11-01', '2024-01-10', 10_000],
        ['2024-01-10', null, 15_000],
      ] as const,
    },
    // churns in the period
    { customerId: 'b', spans: [['2023-12-01', '2024-01-20', 5_000]] as const },
    // new in the period
    { customerId: 'c', spans: [['2024-01-05', null, 3_000]] as const },
    // churned before, reactivates in the period
    {
      customerId: 'd',
      spans: [
        ['2023-06-01', '2023-09-01', 2_000],
        ['2024-01-25', null, 2_000],
      ] as const,
    },
    // contracts in the period
    {
      customerId: 'e',
      spans: [
        ['2023-10-01', '2024-01-15', 8_000],
        ['2024-01-15', null, 6_000],
      ] as const,
    },
  ];
  const m = computeAccountMetrics(customers, '2024-01-01', '2024-02-01');

  it('MRR, ARR, customers and ARPA at start/end', () => {
    expect(m).toMatchObject({
      mrrAtStart: 23_000,
      mrrAtEnd: 26_000,
      arrAtEnd: 312_000,
      activeCustomersAtStart: 3,
      activeCustomersAtEnd: 4,
      arpaAtEnd: 6_500,
      newCustomers: 1,
      churnedCustomers: 1,
    });
  });

  it('movement totals bridge MRR at start to MRR at end', () => {
    expect(m.movements).toMatchObject({
      new: 3_000,
      expansion: 5_000,
      reactivation: 2_000,
      contraction: 2_000,
      churn: 5_000,
    });
    expect(m.mrrAtStart + m.movements.net).toBe(m.mrrAtEnd);
  });

  it('rates', () => {
    expect(m.customerChurnRate).toBeCloseTo(1 / 3, 12);
    expect(m.grossMrrChurnRate).toBeCloseTo(7_000 / 23_000, 12);
    expect(m.netMrrChurnRate).toBeCloseTo(0, 12);
    expect(m.netRevenueRetention).toBeCloseTo(1, 12);
    expect(m.quickRatio).toBeCloseTo(10_000 / 7_000, 12);
  });

  it('rejects an empty period', () => {
    expect(() => computeAccountMetrics(customers, '2024-01-01', '2024-01-01')).toThrow(/Empty period/);
  });
});

describe('account LTV over the trailing 6 months', () => {
  // 20 customers at $100 from 2023-01-01; one churns on the 10th of each month Jan–Jun 2024.
  const customers = Array.from({ length: 20 }, (_, i) => ({
    customerId: `c${i}`,
    spans: [['2023-01-01', i < 6 ? `2024-0${i + 1}-10` : null, 10_000] as const],
  }));

  it('monthly churn rates are churned ÷ active at each month start', () => {
    const rates = trailingMonthlyChurnRates(customers, '2024-07-01');
    expect(rates.map((r) => r?.toFixed(6))).toEqual(
      [1 / 20, 1 / 19, 1 / 18, 1 / 17, 1 / 16, 1 / 15].map((r) => r.toFixed(6)),
    );
  });

  it('LTV = ARPA at end ÷ average monthly churn', () => {
    const avg = (1 / 20 + 1 / 19 + 1 / 18 + 1 / 17 + 1 / 16 + 1 / 15) / 6;
    expect(computeAccountLtv(customers, '2024-07-01')).toBe(Math.round(10_000 / avg));
  });
});

describe('cohort grid', () => {
  const customers = [
    { customerId: 'a', spans: [['2024-01-05', null, 10_000]] as const },
    {
      customerId: 'b',
      spans: [
        ['2024-01-20', '2024-02-10', 10_000],
        ['2024-04-01', null, 20_000], // returns: stays in the January cohort
      ] as const,
    },
    {
      customerId: 'c',
      spans: [
        ['2024-02-01', '2024-03-01', 5_000],
        ['2024-03-01', null, 7_500],
      ] as const,
    },
  ];
  const grid = buildCohortGrid(customers, '2024-04-15');

  it('cohort = UTC month of first MRR; starting MRR = sum of first MRR', () => {
    expect(grid.map((r) => [r.cohort, r.customers, r.startingMrrMinor])).toEqual([
      ['2024-01', 2, 20_000],
      ['2024-02', 1, 5_000],
    ]);
  });

  it('customer and MRR retention per month, measured at month end (asOf for the current month)', () => {
    const jan = grid[0]!;
    expect(jan.cells.map((c) => [c.month, c.measuredOn, c.customerRetention, c.mrrRetention])).toEqual([
      ['2024-01', '2024-01-31', 1, 1],
      ['2024-02', '2024-02-29', 0.5, 0.5],
      ['2024-03', '2024-03-31', 0.5, 0.5],
      ['2024-04', '2024-04-15', 1, 1.5], // the returning customer is back, at a higher MRR (net > 100 %)
    ]);
  });

  it('net MRR retention can exceed 100 % through expansion', () => {
    const feb = grid[1]!;
    expect(feb.cells.map((c) => c.mrrRetention)).toEqual([1, 1.5, 1.5]);
  });

  it('customers whose first MRR is after asOf are left out', () => {
    expect(buildCohortGrid(customers, '2024-01-10').map((r) => r.customers)).toEqual([1]);
  });
});

describe('netRevenueCollected', () => {
  it('excludes taxes, unpaid invoices and deducts refunds net of their tax share', () => {
    const r = netRevenueCollected(
      [
        { id: 'in_1', status: 'paid', total: 11_000, tax: 1_000, currency: 'BRL' },
        { id: 'in_2', status: 'paid', total: 10_000, currency: 'BRL' },
        { id: 'in_3', status: 'open', total: 10_000, currency: 'BRL' },
        { id: 'in_4', status: 'void', total: 10_000, currency: 'BRL' },
      ],
      [
        { amount: 5_500, currency: 'BRL', invoiceId: 'in_1' }, // half of in_1: net 5,000
        { amount: 1_000, currency: 'BRL' }, // unknown invoice: whole amount
        { amount: 9_999, currency: 'BRL', status: 'failed' },
      ],
    );
    expect(r.amountMinor).toBe(10_000 + 10_000 - 5_000 - 1_000);
  });

  it('converts other currencies into the reporting currency, keeping the originals', () => {
    const r = netRevenueCollected([
      { status: 'paid', total: 10_000, currency: 'usd' },
      { status: 'paid', total: 1_000, currency: 'brl' },
    ]);
    expect(r).toEqual({
      amountMinor: 54_321 + 1_000,
      currency: 'BRL',
      byCurrency: { USD: 10_000, BRL: 1_000 },
    });
    expect(() =>
      netRevenueCollected([{ status: 'paid', total: 1, currency: 'eur' }], [], normalizeMetricSettings()),
    ).toThrow(/Missing exchange rate for EUR/);
  });

  it('rejects non-integer amounts', () => {
    expect(() => netRevenueCollected([{ status: 'paid', total: 1.5, currency: 'BRL' }])).toThrow(/integers/);
    expect(() => netRevenueCollected([], [{ amount: -1, currency: 'BRL' }])).toThrow(/non-negative/);
  });
});

describe('computeAccountSeries', () => {
  it('one metrics object per bucket whose movements add up to the whole range', () => {
    const customers = [
      { customerId: 'a', spans: [['2024-01-03', '2024-02-20', 1_000]] as const },
      { customerId: 'b', spans: [['2024-01-20', null, 2_500]] as const },
    ];
    const weeks = computeAccountSeries(customers, '2024-01-01', '2024-03-01', 'week');
    expect(weeks[0]).toMatchObject({
      key: '2024-01-01',
      start: '2024-01-01',
      end: '2024-01-08',
      newCustomers: 1,
    });
    expect(weeks.at(-1)).toMatchObject({ key: '2024-02-26', end: '2024-03-01' });
    const whole = computeAccountMetrics(customers, '2024-01-01', '2024-03-01');
    expect(weeks.reduce((a, w) => a + w.movements.net, 0)).toBe(whole.movements.net);
    expect(weeks.reduce((a, w) => a + w.churnedCustomers, 0)).toBe(1);
    const months = computeAccountSeries(customers, '2024-01-01', '2024-03-01', 'month');
    expect(months.map((m) => [m.key, m.mrrAtEnd])).toEqual([
      ['2024-01-01', 3_500],
      ['2024-02-01', 2_500],
    ]);
  });
});
