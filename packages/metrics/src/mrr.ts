/**
 * MRR of one subscription on one UTC day. Input field names follow Stripe's objects (snake_case)
 * so the worker maps rows/objects 1:1; timestamps are UTC days ('YYYY-MM-DD').
 */
import { convertToReporting } from './currency.ts';
import {
  addInterval,
  addMonths,
  assertDay,
  billingPeriodStart,
  type Day,
  daysBetween,
  type Interval,
} from './dates.ts';
import {
  add,
  isNegative,
  mul,
  parseDecimal,
  type Rational,
  rat,
  roundHalfUp,
  sub as subtract,
  ZERO,
} from './rational.ts';
import { DEFAULT_METRIC_SETTINGS, type MetricSettings } from './settings.ts';

export type SubscriptionStatus =
  | 'active'
  | 'past_due'
  | 'trialing'
  | 'incomplete'
  | 'incomplete_expired'
  | 'paused'
  | 'canceled'
  | 'unpaid';

export interface PriceTierInput {
  /** Inclusive upper bound of the tier; null = infinity (last tier). */
  up_to: number | null;
  unit_amount?: number | null;
  /** Minor units with decimals, e.g. '0.5'. Used when unit_amount is null. */
  unit_amount_decimal?: string | null;
  flat_amount?: number | null;
  flat_amount_decimal?: string | null;
}

export interface PriceInput {
  id?: string;
  /** Stripe product id (product MRR splits by it). */
  product?: string | null;
  currency: string;
  /** Minor units. */
  unit_amount?: number | null;
  /** Minor units as a decimal string (Stripe's `unit_amount_decimal`). Used when unit_amount is null. */
  unit_amount_decimal?: string | null;
  interval: Interval;
  /** Default 1. */
  interval_count?: number;
  /** Default 'licensed'. Metered items never count towards MRR. */
  usage_type?: 'licensed' | 'metered';
  /** Default 'per_unit'. */
  billing_scheme?: 'per_unit' | 'tiered';
  tiers_mode?: 'volume' | 'graduated' | null;
  tiers?: readonly PriceTierInput[] | null;
  /** Stripe's package pricing: quantity ÷ divide_by, rounded up or down, before the unit amount. */
  transform_quantity?: { divide_by: number; round: 'up' | 'down' } | null;
}

export interface SubscriptionItemInput {
  id?: string;
  price: PriceInput;
  /** Default 1. */
  quantity?: number | null;
}

export interface CouponInput {
  id?: string;
  /** Percent, e.g. 50 or '12.5'. */
  percent_off?: number | string | null;
  /** Minor units per invoice, in `currency`. */
  amount_off?: number | null;
  currency?: string | null;
  duration: 'once' | 'repeating' | 'forever';
  duration_in_months?: number | null;
}

export interface DiscountInput {
  id?: string;
  coupon: CouponInput;
  /** Day the discount was applied. */
  start: Day;
  /** Day the discount stops (exclusive). For `repeating` coupons Stripe sets it; else derived. */
  end?: Day | null;
}

export interface SubscriptionInput {
  id?: string;
  status: SubscriptionStatus;
  items: readonly SubscriptionItemInput[];
  discounts?: readonly DiscountInput[];
  /** MRR is 0 before this day. */
  start_date?: Day | null;
  /** Day the subscription ended: MRR 0 from this day on (churn dated that day). */
  ended_at?: Day | null;
  /** MRR is 0 (trialing) on days before this day. */
  trial_end?: Day | null;
  cancel_at_period_end?: boolean | null;
  /** A scheduled cancellation on a specific day (Stripe `cancel_at`). */
  cancel_at?: Day | null;
  /** Day the cancellation was requested (Stripe `canceled_at`). */
  canceled_at?: Day | null;
  current_period_start?: Day | null;
  /** Exclusive end of the current period. */
  current_period_end?: Day | null;
  /** First day the subscription was past_due (derived by the sync from the failing invoice). */
  past_due_since?: Day | null;
}

export type MrrState = 'counted' | 'not_counted' | 'churned';
export type MrrReason =
  | 'active'
  | 'past_due'
  | 'not_started'
  | 'trialing'
  | 'incomplete'
  | 'incomplete_expired'
  | 'paused'
  | 'canceled'
  | 'unpaid'
  | 'ended'
  | 'past_due_too_long'
  | 'cancel_at_period_end'
  | 'cancel_at'
  | 'cancellation_scheduled';

export interface AppliedDiscount {
  discountId?: string;
  couponId?: string;
  duration: CouponInput['duration'];
  applied: boolean;
  /** Why a discount did or did not reduce MRR. */
  reason: 'applied' | 'excluded_by_setting' | 'not_in_force';
}

export interface SubscriptionMrr {
  subscriptionId?: string;
  state: MrrState;
  reason: MrrReason;
  /** MRR in the subscription's currency, minor units, rounded once. */
  mrrMinor: number;
  currency: string;
  /** `mrrMinor` converted to the reporting currency. */
  reportingMrrMinor: number;
  reportingCurrency: string;
  /** Before discounts (rounded on its own; `grossMrrMinor − mrrMinor` is the discount's effect). */
  grossMrrMinor: number;
  discounts: AppliedDiscount[];
}

const COUNTED: ReadonlySet<SubscriptionStatus> = new Set(['active', 'past_due']);
const CHURNED: ReadonlySet<SubscriptionStatus> = new Set(['canceled', 'unpaid']);

/** Monthly factor of a billing interval as an exact fraction. */
export function monthlyFactor(interval: Interval, intervalCount = 1): Rational {
  if (!Number.isInteger(intervalCount) || intervalCount < 1) {
    throw new RangeError(`interval_count must be a positive integer, got ${intervalCount}`);
  }
  const c = BigInt(intervalCount);
  switch (interval) {
    case 'month':
      return rat(1n, c);
    case 'year':
      return rat(1n, 12n * c);
    case 'week':
      return rat(52n, 12n * c);
    case 'day':
      return rat(365n, 12n * c);
    default:
      throw new RangeError(`Unknown interval ${JSON.stringify(interval)}`);
  }
}

function amountOf(int: number | null | undefined, dec: string | null | undefined, what: string): Rational {
  if (int !== null && int !== undefined) {
    if (!Number.isSafeInteger(int))
      throw new RangeError(`${what} must be an integer (minor units), got ${int}`);
    return rat(int);
  }
  if (dec !== null && dec !== undefined) return parseDecimal(dec, what);
  return ZERO;
}

function effectiveQuantity(item: SubscriptionItemInput): number {
  const q = item.quantity ?? 1;
  if (!Number.isSafeInteger(q) || q < 0)
    throw new RangeError(`quantity must be a non-negative integer, got ${q}`);
  const t = item.price.transform_quantity;
  if (!t) return q;
  if (!Number.isInteger(t.divide_by) || t.divide_by < 1)
    throw new RangeError('transform_quantity.divide_by must be ≥ 1');
  return t.round === 'up' ? Math.ceil(q / t.divide_by) : Math.floor(q / t.divide_by);
}

/**
 * Amount per billing interval of one price for a quantity, exact, in minor units.
 * Tiered prices: `volume` charges every unit at the tier containing the quantity (plus that tier's
 * flat amount); `graduated` charges each tier's share at its own price plus the flat amount of every
 * tier reached. Quantity 0 is 0 (no flat amount).
 */
export function priceAmountForQuantity(price: PriceInput, quantity: number): Rational {
  if (quantity === 0) return ZERO;
  if ((price.billing_scheme ?? 'per_unit') === 'per_unit') {
    return mul(amountOf(price.unit_amount, price.unit_amount_decimal, 'unit_amount'), rat(quantity));
  }
  const tiers = price.tiers ?? [];
  if (tiers.length === 0) throw new RangeError(`Tiered price ${price.id ?? ''} has no tiers`);
  const mode = price.tiers_mode ?? 'volume';
  if (mode === 'volume') {
    const tier = tiers.find((t) => t.up_to === null || quantity <= t.up_to) ?? tiers[tiers.length - 1]!;
    const unit = amountOf(tier.unit_amount, tier.unit_amount_decimal, 'tier unit_amount');
    const flat = amountOf(tier.flat_amount, tier.flat_amount_decimal, 'tier flat_amount');
    return add(mul(unit, rat(quantity)), flat);
  }
  let total = ZERO;
  let previousUpTo = 0;
  for (const tier of tiers) {
    if (previousUpTo >= quantity) break;
    const upTo = tier.up_to === null ? quantity : Math.min(tier.up_to, quantity);
    const units = upTo - previousUpTo;
    if (units > 0) {
      const unit = amountOf(tier.unit_amount, tier.unit_amount_decimal, 'tier unit_amount');
      const flat = amountOf(tier.flat_amount, tier.flat_amount_decimal, 'tier flat_amount');
      total = add(total, add(mul(unit, rat(units)), flat));
    }
    previousUpTo = tier.up_to === null ? quantity : tier.up_to;
  }
  return total;
}

/** Exact monthly amount of one item (0 for metered), minor units. */
export function itemMonthlyAmount(item: SubscriptionItemInput): Rational {
  if ((item.price.usage_type ?? 'licensed') === 'metered') return ZERO;
  const perInterval = priceAmountForQuantity(item.price, effectiveQuantity(item));
  return mul(perInterval, monthlyFactor(item.price.interval, item.price.interval_count ?? 1));
}

/** Currency and billing interval of a subscription (taken from its items, which Stripe keeps uniform). */
export function subscriptionBilling(sub: SubscriptionInput): {
  currency: string;
  interval: Interval;
  intervalCount: number;
} {
  const first = sub.items.find((i) => (i.price.usage_type ?? 'licensed') === 'licensed') ?? sub.items[0];
  if (!first) throw new RangeError(`Subscription ${sub.id ?? ''} has no items`);
  const currency = first.price.currency.toUpperCase();
  for (const item of sub.items) {
    if (item.price.currency.toUpperCase() !== currency) {
      throw new RangeError(
        `Subscription ${sub.id ?? ''} mixes currencies ${currency} and ${item.price.currency}`,
      );
    }
  }
  return { currency, interval: first.price.interval, intervalCount: first.price.interval_count ?? 1 };
}

/**
 * The day at which discounts are evaluated for `day`: the start of the service period containing
 * it (a discount counts for a whole period iff it is in force at the period's start). Without
 * period information, `day` itself.
 */
export function discountEvaluationDay(sub: SubscriptionInput, day: Day): Day {
  const cps = sub.current_period_start ?? null;
  const cpe = sub.current_period_end ?? null;
  if (cps && cpe && cps <= day && day < cpe) return cps;
  // After the current period, periods continue from its end; before it, they step back from it.
  const anchor = cpe && day >= cpe ? cpe : (cps ?? sub.start_date ?? null);
  if (!anchor) return day;
  const { interval, intervalCount } = subscriptionBilling(sub);
  return billingPeriodStart(anchor, interval, intervalCount, day);
}

/** Exclusive end day of a discount, or null if open-ended. */
export function discountEnd(discount: DiscountInput, sub: SubscriptionInput): Day | null {
  if (discount.end) return discount.end;
  const c = discount.coupon;
  if (c.duration === 'repeating' && c.duration_in_months)
    return addMonths(discount.start, c.duration_in_months);
  if (c.duration === 'once') {
    const { interval, intervalCount } = subscriptionBilling(sub);
    return addInterval(discount.start, interval, intervalCount, 1);
  }
  return null;
}

function discountIncluded(duration: CouponInput['duration'], mode: MetricSettings['discountMode']): boolean {
  switch (mode) {
    case 'none':
      return false;
    case 'forever':
      return duration === 'forever';
    case 'recurring':
      return duration === 'forever' || duration === 'repeating';
    case 'all':
      return true;
  }
}

function zero(
  sub: SubscriptionInput,
  settings: MetricSettings,
  state: MrrState,
  reason: MrrReason,
  currency: string,
): SubscriptionMrr {
  return {
    ...(sub.id === undefined ? {} : { subscriptionId: sub.id }),
    state,
    reason,
    mrrMinor: 0,
    currency,
    reportingMrrMinor: 0,
    reportingCurrency: settings.reportingCurrency,
    grossMrrMinor: 0,
    discounts: [],
  };
}

/** Decides whether the subscription counts on `day`, before any amount is computed. */
export function subscriptionMrrState(
  sub: SubscriptionInput,
  day: Day,
  settings: MetricSettings = DEFAULT_METRIC_SETTINGS,
): { state: MrrState; reason: MrrReason } {
  if (sub.start_date && day < sub.start_date) return { state: 'not_counted', reason: 'not_started' };
  if (sub.ended_at && sub.ended_at <= day) return { state: 'churned', reason: 'ended' };
  // A canceled subscription evaluated before it ended was live then.
  const status: SubscriptionStatus = sub.status === 'canceled' && sub.ended_at ? 'active' : sub.status;
  if (COUNTED.has(status) && sub.trial_end && day < sub.trial_end) {
    return { state: 'not_counted', reason: 'trialing' };
  }
  if (CHURNED.has(status)) return { state: 'churned', reason: status as MrrReason };
  if (!COUNTED.has(status)) return { state: 'not_counted', reason: status as MrrReason };

  const n = settings.pastDueChurnAfterDays;
  if (
    status === 'past_due' &&
    n !== null &&
    sub.past_due_since &&
    daysBetween(sub.past_due_since, day) >= n
  ) {
    return { state: 'churned', reason: 'past_due_too_long' };
  }
  const scheduled = Boolean(sub.cancel_at_period_end) || Boolean(sub.cancel_at);
  if (scheduled && settings.cancelAtPeriodEndMode === 'immediately') {
    if (!sub.canceled_at || sub.canceled_at <= day)
      return { state: 'churned', reason: 'cancellation_scheduled' };
  }
  if (sub.cancel_at_period_end && sub.current_period_end && sub.current_period_end <= day) {
    return { state: 'churned', reason: 'cancel_at_period_end' };
  }
  if (sub.cancel_at && sub.cancel_at <= day) return { state: 'churned', reason: 'cancel_at' };
  return { state: 'counted', reason: status === 'past_due' ? 'past_due' : 'active' };
}

/**
 * Exact (unrounded) MRR of a subscription's items and discounts, ignoring status. Minor units.
 */
export function subscriptionMrrExact(
  sub: SubscriptionInput,
  day: Day,
  settings: MetricSettings = DEFAULT_METRIC_SETTINGS,
): { gross: Rational; net: Rational; discounts: AppliedDiscount[] } {
  const { currency, interval, intervalCount } = subscriptionBilling(sub);
  let gross = ZERO;
  for (const item of sub.items) gross = add(gross, itemMonthlyAmount(item));

  let net = gross;
  const applied: AppliedDiscount[] = [];
  const discounts = sub.discounts ?? [];
  const evalDay = discounts.length > 0 ? discountEvaluationDay(sub, day) : day;
  for (const discount of discounts) {
    const c = discount.coupon;
    const base = {
      ...(discount.id === undefined ? {} : { discountId: discount.id }),
      ...(c.id === undefined ? {} : { couponId: c.id }),
      duration: c.duration,
    };
    if (!discountIncluded(c.duration, settings.discountMode)) {
      applied.push({ ...base, applied: false, reason: 'excluded_by_setting' });
      continue;
    }
    const end = discountEnd(discount, sub);
    if (!(discount.start <= evalDay && (end === null || evalDay < end))) {
      applied.push({ ...base, applied: false, reason: 'not_in_force' });
      continue;
    }
    if (c.percent_off !== null && c.percent_off !== undefined) {
      const pct = parseDecimal(c.percent_off, 'percent_off');
      if (isNegative(pct) || pct.n > 100n * pct.d)
        throw new RangeError(`percent_off must be 0–100, got ${c.percent_off}`);
      net = mul(net, subtract(rat(1n), mul(pct, rat(1n, 100n))));
    } else if (c.amount_off !== null && c.amount_off !== undefined) {
      if (!c.currency || c.currency.toUpperCase() !== currency) {
        throw new RangeError(
          `Coupon ${c.id ?? ''} amount_off is in ${c.currency ?? '(no currency)'}, subscription is in ${currency}`,
        );
      }
      if (c.amount_off < 0) throw new RangeError(`amount_off must be ≥ 0, got ${c.amount_off}`);
      net = subtract(net, mul(rat(c.amount_off), monthlyFactor(interval, intervalCount)));
    }
    applied.push({ ...base, applied: true, reason: 'applied' });
  }
  if (isNegative(net)) net = ZERO;
  return { gross, net, discounts: applied };
}

/**
 * MRR of one subscription in effect at the END of UTC day `day`.
 * - counted for active and past_due; 0 for trialing/incomplete/incomplete_expired/paused;
 *   canceled/unpaid (and ended, expired past_due, reached cancellations) are churn.
 * - licensed items only, normalised to a month, discounts per `settings.discountMode`,
 *   computed exactly and rounded once (Math.round) to the minor unit; then converted.
 */
export function subscriptionMrr(
  sub: SubscriptionInput,
  day: Day,
  settings: MetricSettings = DEFAULT_METRIC_SETTINGS,
): SubscriptionMrr {
  assertDay(day);
  const { currency } = subscriptionBilling(sub);
  const { state, reason } = subscriptionMrrState(sub, day, settings);
  if (state !== 'counted') return zero(sub, settings, state, reason, currency);
  const { gross, net, discounts } = subscriptionMrrExact(sub, day, settings);
  const mrrMinor = roundHalfUp(net);
  return {
    ...(sub.id === undefined ? {} : { subscriptionId: sub.id }),
    state,
    reason,
    mrrMinor,
    currency,
    reportingMrrMinor: convertToReporting(mrrMinor, currency, settings),
    reportingCurrency: settings.reportingCurrency,
    grossMrrMinor: roundHalfUp(gross),
    discounts,
  };
}
