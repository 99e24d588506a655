/**
 * Product MRR (metrics.md, "Segments"): a subscription's MRR split across the products of its
 * items in proportion to the items' undiscounted monthly amounts, so a subscription-level
 * discount spreads pro rata. Parts are rounded by largest remainder: they add up to the
 * subscription's MRR exactly, in its currency and in the reporting currency alike.
 */
import { itemMonthlyAmount, type SubscriptionItemInput } from './mrr.ts';
import { add, floorDiv, mul, type Rational, rat, ZERO } from './rational.ts';

export interface ProductShare {
  /** Stripe product id; '' when the price names none. */
  productId: string;
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

/** The subscription's MRR (`mrr`, `mrrReporting`) split by the products of `items`, by product id. */
export function splitByProduct(
  items: readonly SubscriptionItemInput[],
  mrr: number,
  mrrReporting: number,
): ProductShare[] {
  const weights = new Map<string, Rational>();
  for (const item of items) {
    const product = item.price.product ?? '';
    weights.set(product, add(weights.get(product) ?? ZERO, itemMonthlyAmount(item)));
  }
  const products = [...weights.keys()].sort();
  const w = products.map((p) => weights.get(p)!);
  const local = allocate(mrr, w);
  const reporting = allocate(mrrReporting, w);
  return products.map((productId, i) => ({ productId, mrr: local[i]!, mrrReporting: reporting[i]! }));
}
