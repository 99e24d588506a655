/**
 * The analytics engine's daily rows (`customer_analytics_daily`: state at the end of each UTC
 * day, movements during it) over a span of days, or the same figures of a customer segment
 * (summed from its customers' movements). A day the engine has not written yet carries the last
 * known state forward.
 */
import {
  dailyAnalytics,
  dailyAnalyticsAsOf,
  isSegmented,
  type SegmentDay,
  type SegmentFilter,
  segmentDailySeries,
} from '@medpro/db';
import {
  accountLtv,
  addDays,
  addMonths,
  arpa,
  customerChurnRate,
  type Day,
  grossMrrChurnRate,
  monthStart,
  netMrrChurnRate,
  netRevenueRetention,
  quickRatio,
} from '@medpro/metrics';
import type { Context } from './context.ts';

/** The segment fields of an analytics input (`segmentFields`) as a filter; undefined for the whole account. */
export function segmentOf(input: {
  product?: string | undefined;
  price?: string | undefined;
  currency?: string | undefined;
  country?: string | undefined;
  metadataKey?: string | undefined;
  metadataValue?: string | undefined;
}): SegmentFilter | undefined {
  const filter: SegmentFilter = {
    ...(input.product ? { product: input.product } : {}),
    ...(input.price ? { price: input.price } : {}),
    ...(input.currency ? { currency: input.currency } : {}),
    ...(input.country ? { country: input.country } : {}),
    ...(input.metadataKey && input.metadataValue
      ? { metadata: { key: input.metadataKey, value: input.metadataValue } }
      : {}),
  };
  return isSegmented(filter) ? filter : undefined;
}

type DayRow = SegmentDay & { reportingCurrency?: string | null };

/** Daily rows of a span of days, with "state at the end of day D" lookups that carry forward. */
export class DailySeries {
  private constructor(
    private readonly rows: DayRow[],
    private readonly before: DayRow | null,
  ) {}

  /** Rows for [from, end) plus the last row before `from`, for carried-forward state. */
  static async load(ctx: Context, from: Day, end: Day, segment?: SegmentFilter): Promise<DailySeries> {
    if (segment) {
      const [before = null, ...rows] = await segmentDailySeries(ctx.db, segment, addDays(from, -1), end);
      return new DailySeries(rows, before);
    }
    const [rows, before] = await Promise.all([
      dailyAnalytics(ctx.db, from, end),
      dailyAnalyticsAsOf(ctx.db, addDays(from, -1)),
    ]);
    return new DailySeries(rows, before);
  }

  /** State at the end of `on` (the latest row on or before it). */
  at(on: Day): DayRow | null {
    let found = this.before;
    for (const r of this.rows) {
      if (r.date > on) break;
      found = r;
    }
    return found;
  }

  /** Sums of the daily counts and movements over [from, end). */
  sum(from: Day, end: Day) {
    const t = {
      newCustomers: 0,
      churnedCustomers: 0,
      reactivatedCustomers: 0,
      new: 0,
      expansion: 0,
      reactivation: 0,
      contraction: 0,
      churn: 0,
    };
    for (const r of this.rows) {
      if (r.date < from || r.date >= end) continue;
      t.newCustomers += r.newCustomers;
      t.churnedCustomers += r.churnedCustomers;
      t.reactivatedCustomers += r.reactivatedCustomers;
      t.new += r.newMrr;
      t.expansion += r.expansionMrr;
      t.reactivation += r.reactivationMrr;
      t.contraction += r.contractionMrr;
      t.churn += r.churnedMrr;
    }
    return t;
  }

  currency(): string | null {
    return this.rows[this.rows.length - 1]?.reportingCurrency ?? this.before?.reportingCurrency ?? null;
  }
}

/** Figures of one period [from, end). */
export function periodFigures(series: DailySeries, from: Day, end: Day) {
  const start = series.at(addDays(from, -1));
  const last = series.at(addDays(end, -1));
  const s = series.sum(from, end);
  const mrrAtStart = start?.mrr ?? 0;
  const mrr = last?.mrr ?? 0;
  const activeAtStart = start?.activeCustomers ?? 0;
  const active = last?.activeCustomers ?? 0;
  return {
    asOf: last?.date ?? null,
    mrrAtStart,
    mrr,
    activeAtStart,
    active,
    ...s,
    net: s.new + s.expansion + s.reactivation - s.contraction - s.churn,
    churnRate: customerChurnRate(s.churnedCustomers, activeAtStart),
    grossMrrChurn: grossMrrChurnRate(s, mrrAtStart),
    netMrrChurn: netMrrChurnRate(s, mrrAtStart),
    nrr: netRevenueRetention(s, mrrAtStart),
    quickRatio: quickRatio(s),
    arpa: arpa(mrr, active),
  };
}

/** The first day `ltvAt(…, end)` reads: the start of the fifth month before the one holding `end − 1`. */
export function ltvWindowStart(end: Day): Day {
  return addMonths(monthStart(addDays(end, -1)), -5);
}

/**
 * Account LTV at the end of day `end − 1`: ARPA then ÷ the average monthly customer churn rate of
 * the 6 calendar months ending with that day's month, the last one cut at `end` (metrics.md).
 * The series must start on or before `ltvWindowStart(end)`.
 */
export function ltvAt(series: DailySeries, end: Day): number | null {
  const rates: (number | null)[] = [];
  for (let s = ltvWindowStart(end); s < end; s = addMonths(s, 1)) {
    const e = [addMonths(s, 1), end].sort()[0]!;
    rates.push(periodFigures(series, s, e).churnRate);
  }
  const last = series.at(addDays(end, -1));
  return accountLtv(arpa(last?.mrr ?? 0, last?.activeCustomers ?? 0), rates);
}
