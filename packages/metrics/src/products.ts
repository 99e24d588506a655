/**
 * Plan and product MRR (metrics.md, "Segments"): a subscription's MRR split across the prices of
 * its items in proportion to the items' undiscounted monthly amounts, so a subscription-level
 * discount spreads pro rata. Parts are rounded by largest remainder: they add up to the
 * subscription's MRR exactly, in its currency and in the reporting currency alike. A product's
 * part is the sum of its prices' parts (the engine adds them up), so prices and products both
 * partition the MRR.
 */
import { itemMonthlyAmount, type SubscriptionItemInput } from './mrr.ts';
import { add, floorDiv, mul, type Rational, rat, ZERO } from './rational.ts';

export interface PriceShare {
  /** Stripe product id; '' when the price names none. */
  productId: string;
  /** Stripe price id; '' for an inline price without one. */
  priceId: string;
  mrr: number;
  mrrReporting: number;
}

/**
 * Splits `total` (an integer ≥ 0) into parts proportional to `weights` that add up to it: each
 * part rounded down, then the remaining units to the largest remainders (earlier index on ties).
 * With no positive weight, everything goes to the first part.
 */
export function allocate(total: number, weights: readonly Rational[]): number[] {
  if (!weights.length) return [];
  let sum = ZERO;
  for (const w of weights) sum = add(sum, w);
  if (sum.n <= 0n) return weights.map((_, i) => (i === 0 ? total : 0));
  // part_i = total × w_i ÷ sum, exact; then floor and remainder (as fractions of the same kind).
  const exact = weights.map((w) => mul(mul(rat(total), w), rat(sum.d, sum.n)));
  const parts = exact.map((q) => floorDiv(q.n, q.d));
  let left = BigInt(total) - parts.reduce((a, b) => a + b, 0n);
  const order = exact
    .map((q, i) => ({ i, rest: rat(q.n - parts[i]! * q.d, q.d) }))
    .sort((a, b) => {
      const diff = b.rest.n * a.rest.d - a.rest.n * b.rest.d;
      return diff > 0n ? 1 : diff < 0n ? -1 : a.i - b.i;
    });
  for (const { i } of order) {
    if (left <= 0n) break;
    parts[i] = parts[i]! + 1n;
    left--;
  }
  return parts.map(Number);
}

/** One key per product and price, ordering parts by product, then price. */
export function priceKey(part: { productId: string; priceId: string }): string {
  return `${part.productId}\u0000${part.priceId}`;
}

/** The subscription's MRR (`mrr`, `mrrReporting`) split by the prices of `items`, ordered by product and price. */
export function splitByPrice(
  items: readonly SubscriptionItemInput[],
  mrr: number,
  mrrReporting: number,
): PriceShare[] {
  const weights = new Map<string, { productId: string; priceId: string; weight: Rational }>();
  for (const item of items) {
    const part = { productId: item.price.product ?? '', priceId: item.price.id ?? '' };
    const entry = weights.get(priceKey(part));
    if (entry) entry.weight = add(entry.weight, itemMonthlyAmount(item));
    else weights.set(priceKey(part), { ...part, weight: itemMonthlyAmount(item) });
  }
  const parts = [...weights].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, part]) => part);
  const w = parts.map((p) => p.weight);
  const local = allocate(mrr, w);
  const reporting = allocate(mrrReporting, w);
  return parts.map(({ productId, priceId }, i) => ({
    productId,
    priceId,
    mrr: local[i]!,
    mrrReporting: reporting[i]!,
  }));
}
