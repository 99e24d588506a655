/**
 * MRR arithmetic of the simulator's ground truth, following the documented MRR rules:
 * licensed items only, normalised to one month, forever/repeating discounts applied,
 * rounded once (half up) after normalisation and discounts, never below zero.
 */
import type { Interval } from './time.ts';

export interface TierSpec {
  /** Inclusive upper bound of the tier, null for the last (infinite) tier. */
  upTo: number | null;
  unitAmount: number;
  flatAmount: number;
}

export interface PriceSpec {
  unitAmount: number | null;
  tiers: TierSpec[] | null;
  tiersMode: 'volume' | 'graduated' | null;
  usageType: 'licensed' | 'metered';
  interval: Interval;
  intervalCount: number;
}

export interface CouponSpec {
  percentOff: number | null;
  amountOff: number | null;
  duration: 'once' | 'repeating' | 'forever';
}

/** Amount in minor units billed for one interval for `qty` units of a licensed price. */
export function itemAmount(price: PriceSpec, qty: number): number {
  if (!price.tiers) return (price.unitAmount ?? 0) * qty;
  if (price.tiersMode === 'volume') {
    const tier =
      price.tiers.find((t) => t.upTo === null || qty <= t.upTo) ?? price.tiers[price.tiers.length - 1];
    if (!tier || qty === 0) return 0;
    return tier.unitAmount * qty + tier.flatAmount;
  }
  let total = 0;
  let prev = 0;
  for (const t of price.tiers) {
    if (qty <= prev) break;
    const upper = t.upTo === null ? qty : Math.min(qty, t.upTo);
    total += (upper - prev) * t.unitAmount + t.flatAmount;
    prev = upper;
    if (t.upTo === null) break;
  }
  return total;
}

/** Factor [num, den] that turns one interval's amount into one month's. */
export function monthlyFactor(interval: Interval, count: number): [number, number] {
  switch (interval) {
    case 'month':
      return [1, count];
    case 'year':
      return [1, 12 * count];
    case 'week':
      return [52, 12 * count];
    case 'day':
      return [365, 12 * count];
  }
}

/** Math.round(n / d) for integers n >= 0, d > 0, without floating point error. */
export function roundDiv(n: number, d: number): number {
  return Math.floor((2 * n + d) / (2 * d));
}

/**
 * MRR in minor units of a subscription whose licensed items are `items` (all on the same interval)
 * with `coupon` in force at the current period's start (null if none, or a `once` coupon).
 */
export function subscriptionMrr(
  items: readonly { price: PriceSpec; qty: number }[],
  coupon: CouponSpec | null,
): number {
  let licensed = 0;
  let interval: Interval = 'month';
  let count = 1;
  for (const it of items) {
    if (it.price.usageType !== 'licensed') continue;
    licensed += itemAmount(it.price, it.qty);
    interval = it.price.interval;
    count = it.price.intervalCount;
  }
  const [num, den] = monthlyFactor(interval, count);
  const active = coupon && coupon.duration !== 'once' ? coupon : null;
  const bp = active?.percentOff != null ? Math.round(active.percentOff * 100) : 0;
  const amountOff = active?.amountOff ?? 0;
  const scaled = licensed * (10_000 - bp) - amountOff * 10_000; // 10^4 x per-interval amount
  if (scaled <= 0) return 0;
  return roundDiv(scaled * num, 10_000 * den);
}

/** Exchange rates: how many units of the reporting currency (BRL) one unit of a currency is worth. */
export type Rates = Record<string, string>;

export const DEFAULT_RATES: Readonly<Rates> = Object.freeze({ BRL: '1', USD: '5.4321' });

/** Rate x 10^4 as an integer ("5.4321" -> 54321). Throws on more than 4 decimals. */
export function rate4(rate: string): number {
  const m = /^(\d+)(?:\.(\d{1,4}))?$/.exec(rate);
  if (!m) throw new Error(`invalid rate ${JSON.stringify(rate)} (at most 4 decimals)`);
  return Number(m[1]) * 10_000 + Number((m[2] ?? '').padEnd(4, '0'));
}

/** Converts an MRR in minor units of `currency` to the reporting currency: Math.round(mrr * rate4 / 10^4). */
export function convertMinor(mrrMinor: number, currency: string, rates: Rates): number {
  const r = rates[currency.toUpperCase()];
  if (r === undefined) throw new Error(`no rate for ${currency}`);
  return Math.round((mrrMinor * rate4(r)) / 10_000);
}
