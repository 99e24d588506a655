/**
 * Metric settings: one documented default per rule, the common alternatives as options.
 * Plain TypeScript validation (no zod) so the package stays dependency-free.
 */

export type DiscountMode = 'none' | 'forever' | 'recurring' | 'all';
export type CancelAtPeriodEndMode = 'period_end' | 'immediately';

export interface MetricSettings {
  /** ISO 4217 code, upper case. Default 'BRL'. */
  reportingCurrency: string;
  /**
   * Decimal strings (≤ 4 decimals): how many units of the reporting currency one unit of the
   * key currency is worth. The reporting currency itself is always '1'.
   */
  rates: Readonly<Record<string, string>>;
  /** Treat `past_due` as churned after this many days. null = never (default). */
  pastDueChurnAfterDays: number | null;
  /** Which discounts reduce MRR. Default 'recurring' (forever + repeating while in force). */
  discountMode: DiscountMode;
  /** When a scheduled cancellation churns. Default 'period_end'. */
  cancelAtPeriodEndMode: CancelAtPeriodEndMode;
}

export const DEFAULT_METRIC_SETTINGS: Readonly<MetricSettings> = Object.freeze({
  reportingCurrency: 'BRL',
  rates: Object.freeze({ BRL: '1', USD: '5.4321' }),
  pastDueChurnAfterDays: null,
  discountMode: 'recurring',
  cancelAtPeriodEndMode: 'period_end',
});

export class MetricSettingsError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid metric settings: ${issues.join('; ')}`);
    this.name = 'MetricSettingsError';
  }
}

const DISCOUNT_MODES: readonly DiscountMode[] = ['none', 'forever', 'recurring', 'all'];
const CANCEL_MODES: readonly CancelAtPeriodEndMode[] = ['period_end', 'immediately'];
const CURRENCY_RE = /^[A-Za-z]{3}$/;
export const RATE_RE = /^\d{1,12}(\.\d{1,4})?$/;

export type SettingsValidation = { ok: true; value: MetricSettings } | { ok: false; issues: string[] };

/**
 * Validates a partial settings object (e.g. parsed JSON from the settings table) and fills in
 * defaults. Currency codes are upper-cased. If the reporting currency differs from the default
 * and no rates are given, the default rates are NOT reused (they are relative to BRL).
 */
export function validateMetricSettings(input: unknown): SettingsValidation {
  const issues: string[] = [];
  if (input === undefined || input === null) return { ok: true, value: cloneDefaults() };
  if (typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, issues: ['settings must be an object'] };
  }
  const raw = input as Record<string, unknown>;
  const known = new Set([
    'reportingCurrency',
    'rates',
    'pastDueChurnAfterDays',
    'discountMode',
    'cancelAtPeriodEndMode',
  ]);
  for (const key of Object.keys(raw)) if (!known.has(key)) issues.push(`unknown setting "${key}"`);

  let reportingCurrency = DEFAULT_METRIC_SETTINGS.reportingCurrency;
  if (raw.reportingCurrency !== undefined) {
    if (typeof raw.reportingCurrency === 'string' && CURRENCY_RE.test(raw.reportingCurrency)) {
      reportingCurrency = raw.reportingCurrency.toUpperCase();
    } else issues.push('reportingCurrency must be a 3-letter ISO currency code');
  }

  const rates: Record<string, string> = {};
  if (raw.rates !== undefined) {
    if (typeof raw.rates !== 'object' || raw.rates === null || Array.isArray(raw.rates)) {
      issues.push('rates must be an object of currency → decimal string');
    } else {
      for (const [code, rate] of Object.entries(raw.rates as Record<string, unknown>)) {
        if (!CURRENCY_RE.test(code)) {
          issues.push(`rates: "${code}" is not a 3-letter currency code`);
          continue;
        }
        if (typeof rate !== 'string' || !RATE_RE.test(rate) || /^0+(\.0+)?$/.test(rate)) {
          issues.push(`rates.${code} must be a positive decimal string with at most 4 decimals`);
          continue;
        }
        rates[code.toUpperCase()] = rate;
      }
    }
  } else if (reportingCurrency === DEFAULT_METRIC_SETTINGS.reportingCurrency) {
    Object.assign(rates, DEFAULT_METRIC_SETTINGS.rates);
  }
  const own = rates[reportingCurrency];
  if (own !== undefined && Number(own) !== 1) {
    issues.push(`rates.${reportingCurrency} must be 1 (it is the reporting currency)`);
  }
  rates[reportingCurrency] = '1';

  let pastDueChurnAfterDays = DEFAULT_METRIC_SETTINGS.pastDueChurnAfterDays;
  if (raw.pastDueChurnAfterDays !== undefined) {
    const v = raw.pastDueChurnAfterDays;
    if (v === null) pastDueChurnAfterDays = null;
    else if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 3650) pastDueChurnAfterDays = v;
    else issues.push('pastDueChurnAfterDays must be null or an integer number of days (0–3650)');
  }

  let discountMode = DEFAULT_METRIC_SETTINGS.discountMode;
  if (raw.discountMode !== undefined) {
    if (DISCOUNT_MODES.includes(raw.discountMode as DiscountMode))
      discountMode = raw.discountMode as DiscountMode;
    else issues.push(`discountMode must be one of ${DISCOUNT_MODES.join(', ')}`);
  }

  let cancelAtPeriodEndMode = DEFAULT_METRIC_SETTINGS.cancelAtPeriodEndMode;
  if (raw.cancelAtPeriodEndMode !== undefined) {
    if (CANCEL_MODES.includes(raw.cancelAtPeriodEndMode as CancelAtPeriodEndMode)) {
      cancelAtPeriodEndMode = raw.cancelAtPeriodEndMode as CancelAtPeriodEndMode;
    } else issues.push(`cancelAtPeriodEndMode must be one of ${CANCEL_MODES.join(', ')}`);
  }

  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: { reportingCurrency, rates, pastDueChurnAfterDays, discountMode, cancelAtPeriodEndMode },
  };
}

/** Like `validateMetricSettings` but throws `MetricSettingsError` on invalid input. */
export function normalizeMetricSettings(input?: unknown): MetricSettings {
  const result = validateMetricSettings(input);
  if (!result.ok) throw new MetricSettingsError(result.issues);
  return result.value;
}

function cloneDefaults(): MetricSettings {
  return { ...DEFAULT_METRIC_SETTINGS, rates: { ...DEFAULT_METRIC_SETTINGS.rates } };
}
