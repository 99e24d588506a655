/**
 * MRR history of a subscription rebuilt from its invoice lines (metrics.md, "History").
 *
 * Every paid, open or uncollectible invoice line of a subscription item says: from `startMs` to
 * `endMs` this item was billed at `price` × `quantity`. Proration lines mark mid-period changes:
 * a "remaining time" line starts the new price/quantity at its period start, an "unused time"
 * line (negative amount) ends the old one there. The coupon on the period's regular lines is the
 * discount in force at the period's start, so it counts for the whole period.
 * The subscription's own current fields (status, trial, end, cancellation) are applied on top via
 * `subscriptionMrr`, so every status/discount/setting rule lives in one place (mrr.ts).
 */
import { addDays, type Day, toDay } from './dates.ts';
import {
  type CouponInput,
  type PriceInput,
  type SubscriptionInput,
  type SubscriptionItemInput,
  subscriptionMrr,
  subscriptionMrrState,
} from './mrr.ts';
import { type PriceShare, priceKey, splitByPrice } from './products.ts';
import { DEFAULT_METRIC_SETTINGS, type MetricSettings } from './settings.ts';

export interface HistoryLine {
  itemId: string;
  price: PriceInput;
  quantity: number;
  /** Service period [startMs, endMs), epoch milliseconds. */
  startMs: number;
  endMs: number;
  proration: boolean;
  /** Line amount before discounts, minor units: negative for "unused time" credits. */
  amount: number;
  /** The coupon behind the line's discount, if any. */
  coupon: CouponInput | null;
}

export interface HistorySubscription
  extends Omit<SubscriptionInput, 'items' | 'discounts' | 'current_period_start' | 'current_period_end'> {
  id: string;
  /** Current items, used for days no invoice line covers yet (e.g. a period whose invoice is a draft). */
  currentItems: readonly SubscriptionItemInput[];
  /** Start of the current period (epoch ms); current items apply from here on. */
  currentPeriodStartMs?: number | null;
  /** Day the subscription became `unpaid` (MRR 0 from then on), when it is unpaid now. */
  unpaid_since?: Day | null;
}

export interface HistorySpan {
  start: Day;
  /** Exclusive; null = still in effect at the horizon. */
  end: Day | null;
  /** In the subscription's currency, minor units. */
  mrr: number;
  /** In the reporting currency, minor units (converted per subscription, rounded once). */
  mrrReporting: number;
}

export interface SubscriptionHistory {
  subscriptionId: string;
  currency: string;
  spans: HistorySpan[];
  /**
   * The same history split by price (plan; products.ts), ordered by product and price: each
   * day's parts add up to `spans`, and a product's part is the sum of its prices'.
   */
  prices: { productId: string; priceId: string; spans: HistorySpan[] }[];
}

/** Appends [day, end) at these amounts: extends the last span when equal, skips zero. */
function extendSpans(
  spans: HistorySpan[],
  day: Day,
  end: Day | null,
  mrr: number,
  mrrReporting: number,
): void {
  const last = spans[spans.length - 1];
  if (last && last.end === day && last.mrr === mrr && last.mrrReporting === mrrReporting) {
    last.end = end;
  } else if (mrr > 0 || mrrReporting > 0) {
    spans.push({ start: day, end, mrr, mrrReporting });
  }
}

const DAY_MS = 86_400_000;
const EPOCH: Day = '1970-01-01';
const FOREVER: Day = '9999-12-31';

const dayNames = new Map<number, Day>();

/** The UTC day of an epoch-ms instant (memoised: rebuilds ask for the same few hundred days millions of times). */
function dayOfMs(msValue: number): Day {
  const index = Math.floor(msValue / DAY_MS);
  let name = dayNames.get(index);
  if (name === undefined) {
    name = toDay(new Date(index * DAY_MS));
    dayNames.set(index, name);
  }
  return name;
}

function dayEndMs(day: Day): number {
  return Date.parse(`${day}T00:00:00Z`) + DAY_MS - 1;
}

/** The line in force for one item at instant t: latest start wins; a credit never beats a charge that starts with it. */
function lineAt(lines: readonly HistoryLine[], t: number): HistoryLine | null {
  let best: HistoryLine | null = null;
  for (const l of lines) {
    if (l.startMs > t || t >= l.endMs) continue;
    if (
      !best ||
      l.startMs > best.startMs ||
      (l.startMs === best.startMs && best.proration && best.amount < 0 && !(l.proration && l.amount < 0))
    ) {
      best = l;
    }
  }
  return best;
}

/**
 * The subscription's MRR as spans over [first line day, horizon), one evaluation per change day.
 * `horizon` is exclusive (today + 1): the last span stays open (end null).
 */
export function subscriptionHistory(
  sub: HistorySubscription,
  lines: readonly HistoryLine[],
  horizon: Day,
  settings: MetricSettings = DEFAULT_METRIC_SETTINGS,
): SubscriptionHistory {
  const byItem = new Map<string, HistoryLine[]>();
  for (const l of lines) {
    const list = byItem.get(l.itemId);
    if (list) list.push(l);
    else byItem.set(l.itemId, [l]);
  }
  // The lines that tell which coupon was in force for a period: metered usage is billed in
  // arrears, on the next period's invoice, so its line carries that invoice's discount, not this one's.
  const regular = lines.filter((l) => !l.proration && l.price.usage_type !== 'metered');
  const currentFrom = sub.currentPeriodStartMs ?? null;

  const days = new Set<Day>();
  for (const l of lines) {
    days.add(dayOfMs(l.startMs));
    days.add(dayOfMs(l.endMs));
  }
  if (currentFrom !== null) days.add(dayOfMs(currentFrom));
  for (const d of [
    sub.start_date,
    sub.trial_end,
    sub.ended_at,
    sub.cancel_at,
    sub.canceled_at,
    sub.unpaid_since,
  ]) {
    if (d) days.add(d);
  }
  if (sub.past_due_since && settings.pastDueChurnAfterDays !== null) {
    days.add(addDays(sub.past_due_since, settings.pastDueChurnAfterDays));
  }
  const sorted = [...days].filter((d) => d < horizon).sort();

  // `unpaid` is evaluated as the live status it had before; the unpaid day ends it below.
  const status = sub.status === 'unpaid' ? 'active' : sub.status;
  const spans: HistorySpan[] = [];
  // Every price seen so far gets each later period, at 0 when it has no share in it.
  const priceSpans = new Map<string, { productId: string; priceId: string; spans: HistorySpan[] }>();
  const amounts = new Map<
    string,
    { currency: string; mrr: number; mrrReporting: number; prices: PriceShare[] }
  >();
  let currency =
    sub.currentItems[0]?.price.currency.toUpperCase() ?? lines[0]?.price.currency.toUpperCase() ?? '';
  for (let i = 0; i < sorted.length; i++) {
    const day = sorted[i]!;
    const end = sorted[i + 1] ?? null;
    const t = dayEndMs(day);
    let mrr = 0;
    let mrrReporting = 0;
    let prices: PriceShare[] = [];
    if (!(sub.unpaid_since && sub.unpaid_since <= day)) {
      const items: SubscriptionItemInput[] = [];
      let covered = false;
      for (const itemLines of byItem.values()) {
        const l = lineAt(itemLines, t);
        if (!l) continue;
        covered = true;
        if (l.proration && l.amount < 0) continue;
        items.push({ id: l.itemId, price: l.price, quantity: l.quantity });
      }
      let coupon: CouponInput | null = null;
      if (covered) {
        const period = lineAt(regular, t);
        coupon = period?.coupon ?? null;
      } else if (currentFrom !== null && currentFrom <= t) {
        items.push(...sub.currentItems);
      }
      if (items.length > 0) {
        const input: SubscriptionInput = {
          ...sub,
          status,
          items,
          // The line tells the coupon was in force for this period: it applies (per the discount setting) all along.
          discounts: coupon ? [{ coupon, start: EPOCH, end: FOREVER }] : [],
        };
        // The amount only depends on the items and the coupon (always in force here): evaluate it
        // once per combination; whether it counts on this day is the cheap state check.
        if (subscriptionMrrState(input, day, settings).state === 'counted') {
          const key = `${coupon?.id ?? ''}|${items.map((x) => `${x.id}:${x.price.id ?? JSON.stringify(x.price)}:${x.quantity}`).join(',')}`;
          let amount = amounts.get(key);
          if (!amount) {
            const r = subscriptionMrr(input, day, settings);
            amount = {
              currency: r.currency,
              mrr: r.mrrMinor,
              mrrReporting: r.reportingMrrMinor,
              prices: splitByPrice(items, r.mrrMinor, r.reportingMrrMinor),
            };
            amounts.set(key, amount);
          }
          currency = amount.currency;
          mrr = amount.mrr;
          mrrReporting = amount.mrrReporting;
          prices = amount.prices;
        }
      }
    }
    extendSpans(spans, day, end, mrr, mrrReporting);
    for (const p of prices) {
      const key = priceKey(p);
      if (!priceSpans.has(key))
        priceSpans.set(key, { productId: p.productId, priceId: p.priceId, spans: [] });
    }
    for (const [key, part] of priceSpans) {
      const share = prices.find((p) => priceKey(p) === key);
      extendSpans(part.spans, day, end, share?.mrr ?? 0, share?.mrrReporting ?? 0);
    }
  }
  return {
    subscriptionId: sub.id,
    currency,
    spans,
    prices: [...priceSpans]
      .filter(([, part]) => part.spans.length > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, part]) => part),
  };
}

export interface CustomerSpan extends HistorySpan {
  subscriptionIds: string[];
}

/**
 * Sums a customer's subscription histories (or parts of them, such as their prices of one
 * product) into customer spans (MRR and reporting MRR), merged where equal.
 */
export function customerSpans(
  histories: readonly Pick<SubscriptionHistory, 'subscriptionId' | 'spans'>[],
): CustomerSpan[] {
  const days = new Set<Day>();
  for (const h of histories) {
    for (const s of h.spans) {
      days.add(s.start);
      if (s.end) days.add(s.end);
    }
  }
  const sorted = [...days].sort();
  const out: CustomerSpan[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const day = sorted[i]!;
    let mrr = 0;
    let mrrReporting = 0;
    const ids: string[] = [];
    for (const h of histories) {
      const s = h.spans.find((x) => x.start <= day && (x.end === null || day < x.end));
      if (!s) continue;
      mrr += s.mrr;
      mrrReporting += s.mrrReporting;
      // Parts of one subscription (its prices) name it once.
      if (!ids.includes(h.subscriptionId)) ids.push(h.subscriptionId);
    }
    const end = sorted[i + 1] ?? null;
    const last = out[out.length - 1];
    if (
      last &&
      last.end === day &&
      last.mrr === mrr &&
      last.mrrReporting === mrrReporting &&
      sameIds(last.subscriptionIds, ids)
    ) {
      last.end = end;
    } else if (mrr > 0 || mrrReporting > 0) {
      out.push({ start: day, end, mrr, mrrReporting, subscriptionIds: ids.sort() });
    }
  }
  return out;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sb = [...b].sort();
  return a.every((x, i) => x === sb[i]);
}

export interface CustomerMovement {
  day: Day;
  type: 'new' | 'reactivation' | 'expansion' | 'contraction' | 'churn';
  /** Signed change in the customer's currency. */
  amount: number;
  /** Signed change in the reporting currency (so movements always sum to the reporting MRR). */
  reportingAmount: number;
  subscriptionIds: string[];
}

/**
 * Day-over-day movements of a customer's spans. The type follows the customer's own currency
 * (metrics.md); the reporting amount is the exact change of the reporting MRR, so that
 * MRR(end) − MRR(start) = Σ reporting amounts holds to the minor unit.
 */
export function customerMovements(spans: readonly CustomerSpan[]): CustomerMovement[] {
  const out: CustomerMovement[] = [];
  let prev = { mrr: 0, rep: 0, ids: [] as string[] };
  let had = false;
  const points: { day: Day; mrr: number; rep: number; ids: string[] }[] = [];
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    points.push({ day: s.start, mrr: s.mrr, rep: s.mrrReporting, ids: s.subscriptionIds });
    const next = spans[i + 1];
    if (s.end !== null && (!next || next.start !== s.end))
      points.push({ day: s.end, mrr: 0, rep: 0, ids: [] });
  }
  for (const p of points) {
    const dm = p.mrr - prev.mrr;
    const dr = p.rep - prev.rep;
    if (dm !== 0 || dr !== 0) {
      let type: CustomerMovement['type'];
      if (prev.mrr === 0 && p.mrr > 0) type = had ? 'reactivation' : 'new';
      else if (p.mrr === 0 && prev.mrr > 0) type = 'churn';
      else if (dm > 0 || (dm === 0 && dr > 0)) type = 'expansion';
      else type = 'contraction';
      // The subscriptions that started or stopped counting; if none did, those that changed amount.
      const changed = [
        ...prev.ids.filter((id) => !p.ids.includes(id)),
        ...p.ids.filter((id) => !prev.ids.includes(id)),
      ];
      const ids = changed.length > 0 ? changed : p.ids.length > 0 ? p.ids : prev.ids;
      out.push({ day: p.day, type, amount: dm, reportingAmount: dr, subscriptionIds: [...ids].sort() });
    }
    if (prev.mrr > 0) had = true;
    prev = p;
  }
  return out;
}
