/**
 * Daily MRR series stored compactly as spans: `[startDay, endDay, mrr]` means the MRR in effect at
 * the end of every day d with startDay ≤ d < endDay (endDay exclusive; null = still running).
 * Days not covered by any span have MRR 0.
 */
import { addDays, addInterval, assertDay, billingPeriodIndex, type Day, daysBetween } from './dates.ts';
import { type SubscriptionInput, subscriptionBilling, subscriptionMrr } from './mrr.ts';
import { DEFAULT_METRIC_SETTINGS, type MetricSettings } from './settings.ts';

export type MrrSpan = readonly [start: Day, end: Day | null, mrrMinor: number];

/**
 * Validates, sorts and compacts spans: drops empty and zero spans, merges touching spans with the
 * same MRR. Throws on overlaps, invalid days or non-integer amounts.
 */
export function normalizeSpans(spans: readonly MrrSpan[]): MrrSpan[] {
  const sorted = [...spans]
    .map((s) => {
      const [start, end, mrr] = s;
      assertDay(start);
      if (end !== null) assertDay(end);
      if (!Number.isSafeInteger(mrr) || mrr < 0) {
        throw new RangeError(`Span MRR must be a non-negative integer, got ${mrr}`);
      }
      return s;
    })
    .filter(([start, end, mrr]) => mrr > 0 && (end === null || start < end))
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [Day, Day | null, number][] = [];
  for (const [start, end, mrr] of sorted) {
    const last = out[out.length - 1];
    if (last) {
      if (last[1] === null || last[1] > start) {
        throw new RangeError(`Overlapping MRR spans at ${start}`);
      }
      if (last[1] === start && last[2] === mrr) {
        last[1] = end;
        continue;
      }
    }
    out.push([start, end, mrr]);
  }
  return out;
}

/** MRR in effect at the end of `day`. */
export function mrrOnDay(spans: readonly MrrSpan[], day: Day): number {
  let total = 0;
  for (const [start, end, mrr] of spans) {
    if (start <= day && (end === null || day < end)) total += mrr;
  }
  return total;
}

/** Sums several (possibly overlapping) span series, e.g. a customer's subscriptions, into one. */
export function sumSpans(series: readonly (readonly MrrSpan[])[]): MrrSpan[] {
  const deltas = new Map<Day, number>();
  let open = 0;
  for (const spans of series) {
    for (const [start, end, mrr] of spans) {
      if (mrr === 0 || (end !== null && end <= start)) continue;
      deltas.set(start, (deltas.get(start) ?? 0) + mrr);
      if (end === null) open += mrr;
      else deltas.set(end, (deltas.get(end) ?? 0) - mrr);
    }
  }
  const days = [...deltas.keys()].sort();
  const out: MrrSpan[] = [];
  let level = 0;
  for (let i = 0; i < days.length; i++) {
    const day = days[i]!;
    level += deltas.get(day)!;
    const next = days[i + 1] ?? null;
    if (level > 0) out.push([day, next, level]);
  }
  // The open-ended tail must equal the open total (sanity: every closed span was closed).
  const tail = out[out.length - 1];
  if (open > 0 && (!tail || tail[1] !== null || tail[2] !== open)) {
    throw new Error('sumSpans: inconsistent open-ended spans');
  }
  return normalizeSpans(out);
}

/** Compacts a dense daily series ([day, mrr] for consecutive days) into spans ending at the last day + 1. */
export function spansFromDaily(values: readonly (readonly [Day, number])[]): MrrSpan[] {
  const out: MrrSpan[] = [];
  for (let i = 0; i < values.length; i++) {
    const [day, mrr] = values[i]!;
    const prev = values[i - 1];
    if (prev && daysBetween(prev[0], day) !== 1)
      throw new RangeError(`Daily series not consecutive at ${day}`);
    out.push([day, addDays(day, 1), mrr]);
  }
  return normalizeSpans(out);
}

/** Expands spans into one value per day of [start, end). */
export function dailySeries(spans: readonly MrrSpan[], start: Day, end: Day): [Day, number][] {
  const out: [Day, number][] = [];
  for (let d = start; d < end; d = addDays(d, 1)) out.push([d, mrrOnDay(spans, d)]);
  return out;
}

/**
 * The days on which a subscription's MRR can change inside [from, to): its lifecycle dates and,
 * when it has discounts, every billing period start (discounts switch at period starts).
 */
export function subscriptionChangeDays(
  sub: SubscriptionInput,
  from: Day,
  to: Day,
  settings: MetricSettings = DEFAULT_METRIC_SETTINGS,
): Day[] {
  const days = new Set<Day>([from]);
  const candidates = [
    sub.start_date,
    sub.ended_at,
    sub.trial_end,
    sub.cancel_at,
    sub.canceled_at,
    sub.current_period_start,
    sub.current_period_end,
  ];
  if (sub.past_due_since && settings.pastDueChurnAfterDays !== null) {
    candidates.push(addDays(sub.past_due_since, settings.pastDueChurnAfterDays));
  }
  for (const d of candidates) if (d) days.add(d);
  // Same anchors as `discountEvaluationDay`; extra candidate days only cost an evaluation.
  const anchors = [sub.current_period_start ?? sub.start_date, sub.current_period_end];
  if ((sub.discounts?.length ?? 0) > 0) {
    const { interval, intervalCount } = subscriptionBilling(sub);
    for (const anchor of anchors) {
      if (!anchor) continue;
      let k = billingPeriodIndex(anchor, interval, intervalCount, from);
      for (let d = addInterval(anchor, interval, intervalCount, k); d < to; ) {
        days.add(d);
        k++;
        d = addInterval(anchor, interval, intervalCount, k);
      }
    }
  }
  return [...days].filter((d) => d >= from && d < to).sort();
}

/**
 * The subscription's MRR in the REPORTING currency over [from, to) as spans (minor units).
 * Equivalent to evaluating `subscriptionMrr` on every day, but only evaluates change days.
 * `to` is the evaluation horizon (typically today + 1), not an end of the subscription: the last
 * span is left open (end null) so the horizon is never mistaken for churn. Call it again with a
 * later horizon to extend the series.
 */
export function subscriptionMrrSpans(
  sub: SubscriptionInput,
  from: Day,
  to: Day,
  settings: MetricSettings = DEFAULT_METRIC_SETTINGS,
): MrrSpan[] {
  const days = subscriptionChangeDays(sub, from, to, settings);
  const out: MrrSpan[] = [];
  for (let i = 0; i < days.length; i++) {
    const day = days[i]!;
    out.push([day, days[i + 1] ?? null, subscriptionMrr(sub, day, settings).reportingMrrMinor]);
  }
  return normalizeSpans(out);
}
