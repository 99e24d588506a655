import { describe, expect, it } from 'vitest';
import { convertMinor, convertToReporting, MissingRateError } from './currency.ts';
import {
  DEFAULT_METRIC_SETTINGS,
  MetricSettingsError,
  normalizeMetricSettings,
  validateMetricSettings,
} from './settings.ts';

describe('convertMinor', () => {
  it('Math.round(amount × rate4 / 10000): 833 USD cents × 5.4321 → 4525 BRL centavos', () => {
    expect(convertMinor(833, '5.4321')).toBe(4525); // 4524.9393
  });

  it('rounds halves up like Math.round, including negatives', () => {
    expect(convertMinor(1, '0.5')).toBe(1); // 0.5 → 1
    expect(convertMinor(-1, '0.5')).toBe(0); // −0.5 → −0 (Math.round)
    expect(convertMinor(3, '0.5')).toBe(2); // 1.5 → 2
    expect(convertMinor(-3, '0.5')).toBe(-1); // −1.5 → −1
  });

  it('is exact for large amounts (no float error)', () => {
    expect(convertMinor(9_007_199_254_740_991, '1')).toBe(9_007_199_254_740_991);
    expect(convertMinor(123_456_789_012, '5.4321')).toBe(670_629_623_592); // …592.0852
    expect(() => convertMinor(9_007_199_254_740_991, '5.4321')).toThrow(/safe integer/);
  });

  it('accepts integer and 1–4 decimal rates, rejects others', () => {
    expect(convertMinor(10_000, '2')).toBe(20_000);
    expect(convertMinor(10_000, '0.1')).toBe(1_000);
    for (const bad of ['5.43215', '1e3', '-1', '', ' 1', 'abc']) {
      expect(() => convertMinor(100, bad), bad).toThrow(/Invalid exchange rate/);
    }
  });

  it('throws on a missing rate and a non-integer amount', () => {
    expect(() => convertMinor(100, undefined)).toThrow(/missing exchange rate/);
    expect(() => convertMinor(1.5, '1')).toThrow(/integer/);
  });
});

describe('convertToReporting', () => {
  it('identity for the reporting currency, case-insensitive', () => {
    expect(convertToReporting(1234, 'brl', DEFAULT_METRIC_SETTINGS)).toBe(1234);
  });

  it('USD → BRL with the default rate', () => {
    expect(convertToReporting(10_000, 'usd', DEFAULT_METRIC_SETTINGS)).toBe(54_321);
  });

  it('adjusts for zero-decimal currencies (1000 JPY at 0.0365 → R$36.50)', () => {
    const s = normalizeMetricSettings({ rates: { BRL: '1', JPY: '0.0365' } });
    expect(convertToReporting(1_000, 'JPY', s)).toBe(3_650);
    const toJpy = normalizeMetricSettings({ reportingCurrency: 'JPY', rates: { BRL: '27.3973' } });
    expect(convertToReporting(3_650, 'BRL', toJpy)).toBe(1_000); // 36.50 × 27.3973 = 999.9 → 1000
  });

  it('MissingRateError names the currency pair', () => {
    expect(() => convertToReporting(1, 'EUR', DEFAULT_METRIC_SETTINGS)).toThrow(MissingRateError);
    expect(() => convertToReporting(1, 'EUR', DEFAULT_METRIC_SETTINGS)).toThrow('EUR → BRL');
  });
});

describe('metric settings', () => {
  it('defaults: BRL, USD 5.4321, past_due never churns, recurring discounts, churn at period end', () => {
    expect(normalizeMetricSettings()).toEqual({
      reportingCurrency: 'BRL',
      rates: { BRL: '1', USD: '5.4321' },
      pastDueChurnAfterDays: null,
      discountMode: 'recurring',
      cancelAtPeriodEndMode: 'period_end',
    });
  });

  it('accepts every alternative', () => {
    expect(
      normalizeMetricSettings({
        reportingCurrency: 'usd',
        rates: { brl: '0.1841' },
        pastDueChurnAfterDays: 30,
        discountMode: 'all',
        cancelAtPeriodEndMode: 'immediately',
      }),
    ).toEqual({
      reportingCurrency: 'USD',
      rates: { BRL: '0.1841', USD: '1' },
      pastDueChurnAfterDays: 30,
      discountMode: 'all',
      cancelAtPeriodEndMode: 'immediately',
    });
  });

  it('does not reuse the BRL-relative default rates for another reporting currency', () => {
    expect(normalizeMetricSettings({ reportingCurrency: 'USD' }).rates).toEqual({ USD: '1' });
  });

  it('collects every issue', () => {
    const r = validateMetricSettings({
      reportingCurrency: 'reais',
      rates: { USD: 5.4, BRL: '2', EURO: '1' },
      pastDueChurnAfterDays: -1,
      discountMode: 'some',
      cancelAtPeriodEndMode: 'later',
      extra: true,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual(
      expect.arrayContaining([
        'unknown setting "extra"',
        'reportingCurrency must be a 3-letter ISO currency code',
        'rates.USD must be a positive decimal string with at most 4 decimals',
        'rates.BRL must be 1 (it is the reporting currency)',
        'rates: "EURO" is not a 3-letter currency code',
        'pastDueChurnAfterDays must be null or an integer number of days (0–3650)',
        'discountMode must be one of none, forever, recurring, all',
        'cancelAtPeriodEndMode must be one of period_end, immediately',
      ]),
    );
  });

  it('normalize throws MetricSettingsError; non-objects are rejected', () => {
    expect(() => normalizeMetricSettings({ discountMode: 'x' })).toThrow(MetricSettingsError);
    expect(validateMetricSettings('BRL')).toEqual({ ok: false, issues: ['settings must be an object'] });
    expect(validateMetricSettings({ rates: { USD: '0' } }).ok).toBe(false);
  });

  it('DEFAULT_METRIC_SETTINGS is frozen', () => {
    expect(Object.isFrozen(DEFAULT_METRIC_SETTINGS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_METRIC_SETTINGS.rates)).toBe(true);
  });
});
