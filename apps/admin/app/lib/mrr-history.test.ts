import { describe, expect, it } from 'vitest';
import { mrrHistoryPoints } from './mrr-history';

describe('mrrHistoryPoints', () => {
  it('samples the first of each month and today, with 0 in gaps and after churn', () => {
    const spans = [
      { startDate: '2025-01-15', endDate: '2025-03-10', mrr: 9900, currency: 'brl', mrrReporting: 9900 },
      { startDate: '2025-04-20', endDate: null, mrr: 29900, currency: 'brl', mrrReporting: 29900 },
    ];
    expect(mrrHistoryPoints(spans, '2025-06-05', 'BRL')).toEqual({
      currency: 'brl',
      points: [
        { date: '2025-01-15', value: 9900 },
        { date: '2025-02-01', value: 9900 },
        { date: '2025-03-01', value: 9900 },
        { date: '2025-04-01', value: 0 },
        { date: '2025-05-01', value: 29900 },
        { date: '2025-06-01', value: 29900 },
        { date: '2025-06-05', value: 29900 },
      ],
    });
  });

  it('uses the reporting currency when the customer paid in more than one', () => {
    const spans = [
      { startDate: '2025-01-01', endDate: '2025-02-01', mrr: 1000, currency: 'usd', mrrReporting: 5000 },
      { startDate: '2025-02-01', endDate: null, mrr: 6000, currency: 'brl', mrrReporting: 6000 },
    ];
    const { currency, points } = mrrHistoryPoints(spans, '2025-02-10', 'BRL');
    expect(currency).toBe('BRL');
    expect(points.map((p) => p.value)).toEqual([5000, 6000, 6000]);
  });

  it('is empty for a customer who never had MRR', () => {
    expect(mrrHistoryPoints([], '2025-01-01', 'BRL')).toEqual({ currency: 'BRL', points: [] });
  });
});
