import { floorDiv } from './rational.ts';
import { type MetricSettings, RATE_RE } from './settings.ts';

export class MissingRateError extends Error {
  constructor(
    readonly currency: string,
    readonly reportingCurrency: string,
  ) {
    super(
      `Missing exchange rate for ${currency} → ${reportingCurrency}: add rates.${currency} to the metric settings`,
    );
    this.name = 'MissingRateError';
  }
}

/** Parses a rate string into rate × 10⁴ as an exact integer. */
export function parseRate4(rate: string): bigint {
  if (typeof rate !== 'string' || !RATE_RE.test(rate)) {
    throw new RangeError(
      `Invalid exchange rate ${JSON.stringify(rate)}: expected a decimal string with at most 4 decimals`,
    );
  }
  const [int = '0', frac = ''] = rate.split('.');
  return BigInt(int) * 10_000n + BigInt(frac.padEnd(4, '0'));
}

/**
 * Converts an amount in minor units with a rate (units of the reporting currency per unit of the
 * source currency, ≤ 4 decimals): `Math.round(amountMinor × rate4 / 10000)`, computed exactly.
 * Both currencies are assumed to have the same minor-unit exponent; see `convertToReporting`.
 */
export function convertMinor(amountMinor: number, rate: string | undefined | null): number {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new RangeError(`convertMinor: amount must be an integer number of minor units, got ${amountMinor}`);
  }
  if (rate === undefined || rate === null) throw new RangeError('convertMinor: missing exchange rate');
  const rate4 = parseRate4(rate);
  return roundDiv(BigInt(amountMinor) * rate4, 10_000n);
}

/** Math.round(a / b) for b > 0, exact; throws if the result is not a safe integer. */
function roundDiv(a: bigint, b: bigint): number {
  const q = floorDiv(2n * a + b, 2n * b);
  if (q > BigInt(Number.MAX_SAFE_INTEGER) || q < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`Converted amount ${q} is not a safe integer`);
  }
  return Number(q);
}

/** Stripe's zero-decimal currencies (amounts are whole units). */
const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
/** Stripe's three-decimal currencies. */
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

export function minorUnitExponent(currency: string): number {
  const c = currency.toUpperCase();
  if (ZERO_DECIMAL.has(c)) return 0;
  if (THREE_DECIMAL.has(c)) return 3;
  return 2;
}

/**
 * Converts minor units of `currency` into minor units of the reporting currency with the rates in
 * `settings`. Identity for the reporting currency. Throws `MissingRateError` if no rate is set.
 * Adjusts for differing minor-unit exponents (e.g. JPY → BRL), rounding once.
 */
export function convertToReporting(
  amountMinor: number,
  currency: string,
  settings: Pick<MetricSettings, 'reportingCurrency' | 'rates'>,
): number {
  const from = currency.toUpperCase();
  const to = settings.reportingCurrency.toUpperCase();
  if (from === to) return amountMinor;
  const rate = settings.rates[from];
  if (rate === undefined) throw new MissingRateError(from, to);
  const shift = minorUnitExponent(to) - minorUnitExponent(from);
  if (shift === 0) return convertMinor(amountMinor, rate);
  if (!Number.isSafeInteger(amountMinor))
    throw new RangeError(`amount must be an integer, got ${amountMinor}`);
  const rate4 = parseRate4(rate);
  const num = BigInt(amountMinor) * rate4 * (shift > 0 ? 10n ** BigInt(shift) : 1n);
  const den = 10_000n * (shift < 0 ? 10n ** BigInt(-shift) : 1n);
  return roundDiv(num, den);
}
