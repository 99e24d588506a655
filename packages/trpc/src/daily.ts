/**
 * The analytics engine's daily rows (`customer_analytics_daily`: state at the end of each UTC
 * day, movements during it) over a span of days. A day the engine has not written yet carries
 * the last known state forward.
 */
import { type DailyAnalyticsRecord, dailyAnalytics, dailyAnalyticsAsOf } from '@medpro/db';
import {
  addDays,
  arpa,
  customerChurnRate,
  type Day,
  grossMrrChurnRate,
  netMrrChurnRate,
  netRevenueRetention,
  quickRatio,
} from '@medpro/metrics';
import type { Context } from './context.ts';

/** Daily rows of a span of days, with "state at the end of day D" lookups that carry forward. */
export class DailySeries {
  private constructor(
    private readonly rows: DailyAnalyticsRecord[],
    private readonly before: DailyAnalyticsRecord | null,
  ) {}

  /** Rows for [from, end) plus the last row before `from`, for carried-forward state. */
  static async load(ctx: Context, from: Day, end: Day): Promise<DailySeries> {
    const [rows, before] = await Promise.all([
      dailyAnalytics(ctx.db, from, end),
      dailyAnalyticsAsOf(ctx.db, addDays(from, -1)),
    ]);
    return new DailySeries(rows, before);
  }

  /** State at the end of `on` (the latest row on or before it). */
  at(on: Day): DailyAnalyticsRecord | null {
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
