import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  billingPeriodStart,
  daysBetween,
  isDay,
  monthStart,
  periodBuckets,
  periodStart,
  toDay,
  weekStart,
} from './dates.ts';

describe('UTC day helpers', () => {
  it('addDays and daysBetween across month, year and leap day', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2024-03-10', '2024-03-01')).toBe(-9);
  });

  it('rejects invalid days', () => {
    expect(isDay('2024-02-30')).toBe(false);
    expect(isDay('2024-2-3')).toBe(false);
    expect(() => addDays('2024-13-01', 1)).toThrow(/Invalid day/);
  });

  it('toDay from unix seconds, Date and ISO strings is the UTC day', () => {
    expect(toDay(1_704_067_199)).toBe('2023-12-31'); // 23:59:59Z
    expect(toDay(1_704_067_200)).toBe('2024-01-01');
    expect(toDay(new Date('2024-01-01T02:00:00-03:00'))).toBe('2024-01-01');
    expect(toDay('2023-12-31T22:00:00-03:00')).toBe('2024-01-01');
    expect(() => toDay('nope')).toThrow(/Invalid timestamp/);
  });

  it('addMonths clamps to month end and keeps an anchor day', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2024-02-29', 1, 31)).toBe('2024-03-31');
    expect(addMonths('2024-01-15', -13)).toBe('2022-12-15');
  });

  it('monthStart and ISO weekStart (Monday)', () => {
    expect(monthStart('2024-06-15')).toBe('2024-06-01');
    expect(weekStart('2024-06-16')).toBe('2024-06-10'); // Sunday → Monday before
    expect(weekStart('2024-06-10')).toBe('2024-06-10');
    expect(weekStart('2024-01-02')).toBe('2024-01-01');
    expect(periodStart('2024-06-15', 'day')).toBe('2024-06-15');
  });

  it('periodBuckets: clipped buckets with stable keys', () => {
    expect(periodBuckets('2024-01-15', '2024-03-10', 'month')).toEqual([
      { key: '2024-01-01', start: '2024-01-15', end: '2024-02-01' },
      { key: '2024-02-01', start: '2024-02-01', end: '2024-03-01' },
      { key: '2024-03-01', start: '2024-03-01', end: '2024-03-10' },
    ]);
    expect(periodBuckets('2024-06-12', '2024-06-20', 'week').map((b) => b.key)).toEqual([
      '2024-06-10',
      '2024-06-17',
    ]);
    expect(periodBuckets('2024-06-12', '2024-06-15', 'day')).toHaveLength(3);
    expect(periodBuckets('2024-06-12', '2024-06-12', 'day')).toEqual([]);
  });

  it('billingPeriodStart steps from the anchor like Stripe (month-end anchors clamp)', () => {
    expect(billingPeriodStart('2024-01-31', 'month', 1, '2024-03-15')).toBe('2024-02-29');
    expect(billingPeriodStart('2024-01-31', 'month', 1, '2024-03-31')).toBe('2024-03-31');
    expect(billingPeriodStart('2024-01-31', 'month', 1, '2023-12-31')).toBe('2023-12-31');
    expect(billingPeriodStart('2024-01-01', 'week', 2, '2024-01-20')).toBe('2024-01-15');
    expect(billingPeriodStart('2024-02-29', 'year', 1, '2025-03-01')).toBe('2025-02-28');
  });
});
