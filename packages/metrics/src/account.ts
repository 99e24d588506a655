/**
 * Account-level formulas for a period [start, end). "At start" means the MRR in effect at the end
 * of the day before `start`; "at end" the MRR at the end of the day before `end` (the period's
 * last day). Every ratio returns null when its denominator is 0 (nothing to divide by — the UI
 * shows "—"), never Infinity or NaN. Ratios are plain fractions (0.1 = 10 %).
 */
import {
  addDays,
  addMonths,
  assertDay,
  type Day,
  type Granularity,
  minDay,
  monthStart,
  periodBuckets,
} from './dates.ts';
import {
  emptyMovementTotals,
  type Movement,
  type MovementTotals,
  movementsFromSpans,
  summarizeMovements,
} from './movements.ts';
import { type MrrSpan, mrrOnDay, normalizeSpans } from './spans.ts';

export function arr(mrrMinor: number): number {
  return 12 * mrrMinor;
}

/** ARPA = MRR ÷ active customers, rounded to the minor unit (Math.round); null without customers. */
export function arpa(mrrMinor: number, activeCustomers: number): number | null {
  if (activeCustomers <= 0) return null;
  return Math.round(mrrMinor / activeCustomers);
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Customers churned in the period ÷ active customers at start. */
export function customerChurnRate(churnedCustomers: number, activeCustomersAtStart: number): number | null {
  return ratio(churnedCustomers, activeCustomersAtStart);
}

type Amounts = Pick<MovementTotals, 'new' | 'expansion' | 'reactivation' | 'contraction' | 'churn'>;

/** (churn + contraction) ÷ MRR at start. */
export function grossMrrChurnRate(
  m: Pick<Amounts, 'churn' | 'contraction'>,
  mrrAtStart: number,
): number | null {
  return ratio(m.churn + m.contraction, mrrAtStart);
}

/** (churn + contraction − expansion − reactivation) ÷ MRR at start (negative = net expansion). */
export function netMrrChurnRate(
  m: Pick<Amounts, 'churn' | 'contraction' | 'expansion' | 'reactivation'>,
  mrrAtStart: number,
): number | null {
  return ratio(m.churn + m.contraction - m.expansion - m.reactivation, mrrAtStart);
}

/** NRR = 1 − net MRR churn. */
export function netRevenueRetention(
  m: Pick<Amounts, 'churn' | 'contraction' | 'expansion' | 'reactivation'>,
  mrrAtStart: number,
): number | null {
  const net = netMrrChurnRate(m, mrrAtStart);
  return net === null ? null : 1 - net;
}

/** (new + expansion + reactivation) ÷ (contraction + churn); null when nothing was lost. */
export function quickRatio(m: Amounts): number | null {
  return ratio(m.new + m.expansion + m.reactivation, m.contraction + m.churn);
}

/**
 * Account LTV = ARPA ÷ average monthly customer churn rate (months with a null rate are skipped).
 * Null when ARPA is null, there are no rates, or the average churn is 0 (LTV is unbounded).
 */
export function accountLtv(
  arpaMinor: number | null,
  monthlyCustomerChurnRates: readonly (number | null)[],
): number | null {
  if (arpaMinor === null) return null;
  const rates = monthlyCustomerChurnRates.filter((r): r is number => r !== null);
  if (rates.length === 0) return null;
  const avg = rates.reduce((a, b) => a + b, 0) / rates.length;
  return avg > 0 ? Math.round(arpaMinor / avg) : null;
}

export interface TrialInput {
  /** Day the trial ended (converted or not). */
  trialEnd: Day;
  /** Whether the subscription had MRR right after the trial. */
  converted: boolean;
}

/** Trials that ended in [start, end) and became paying ÷ trials that ended then. */
export function trialConversionRate(trials: readonly TrialInput[], start: Day, end: Day): number | null {
  let ended = 0;
  let converted = 0;
  for (const t of trials) {
    if (t.trialEnd < start || t.trialEnd >= end) continue;
    ended++;
    if (t.converted) converted++;
  }
  return ratio(converted, ended);
}

export interface CustomerSeries {
  customerId: string;
  /** Customer MRR in the reporting currency (sum of their subscriptions), as spans. */
  spans: readonly MrrSpan[];
  /** The customer had MRR before the first span (history cut off). */
  hadMrrBefore?: boolean;
}

export interface AccountPeriodMetrics {
  start: Day;
  end: Day;
  mrrAtStart: number;
  mrrAtEnd: number;
  arrAtEnd: number;
  activeCustomersAtStart: number;
  activeCustomersAtEnd: number;
  arpaAtEnd: number | null;
  /** Customers whose first-ever MRR is inside the period. */
  newCustomers: number;
  /** Distinct customers with a churn movement in the period. */
  churnedCustomers: number;
  movements: MovementTotals;
  customerChurnRate: number | null;
  grossMrrChurnRate: number | null;
  netMrrChurnRate: number | null;
  netRevenueRetention: number | null;
  quickRatio: number | null;
}

interface PreparedCustomer {
  customerId: string;
  spans: MrrSpan[];
  movements: Movement[];
}

function prepare(customers: readonly CustomerSeries[]): PreparedCustomer[] {
  return customers.map((c) => {
    const spans = normalizeSpans(c.spans);
    return {
      customerId: c.customerId,
      spans,
      movements: movementsFromSpans(spans, { hadMrrBefore: c.hadMrrBefore ?? false }),
    };
  });
}

function periodMetrics(prepared: readonly PreparedCustomer[], start: Day, end: Day): AccountPeriodMetrics {
  assertDay(start);
  assertDay(end);
  if (end <= start) throw new RangeError(`Empty period [${start}, ${end})`);
  const before = addDays(start, -1);
  const last = addDays(end, -1);
  let mrrAtStart = 0;
  let mrrAtEnd = 0;
  let activeCustomersAtStart = 0;
  let activeCustomersAtEnd = 0;
  let newCustomers = 0;
  let churnedCustomers = 0;
  const totals = emptyMovementTotals();
  for (const c of prepared) {
    const s = mrrOnDay(c.spans, before);
    const e = mrrOnDay(c.spans, last);
    mrrAtStart += s;
    mrrAtEnd += e;
    if (s > 0) activeCustomersAtStart++;
    if (e > 0) activeCustomersAtEnd++;
    const t = summarizeMovements(c.movements, start, end);
    if (t.counts.new > 0) newCustomers++;
    if (t.counts.churn > 0) churnedCustomers++;
    for (const k of ['new', 'expansion', 'reactivation', 'contraction', 'churn'] as const) {
      totals[k] += t[k];
      totals.counts[k] += t.counts[k];
    }
    totals.net += t.net;
  }
  return {
    start,
    end,
    mrrAtStart,
    mrrAtEnd,
    arrAtEnd: arr(mrrAtEnd),
    activeCustomersAtStart,
    activeCustomersAtEnd,
    arpaAtEnd: arpa(mrrAtEnd, activeCustomersAtEnd),
    newCustomers,
    churnedCustomers,
    movements: totals,
    customerChurnRate: customerChurnRate(churnedCustomers, activeCustomersAtStart),
    grossMrrChurnRate: grossMrrChurnRate(totals, mrrAtStart),
    netMrrChurnRate: netMrrChurnRate(totals, mrrAtStart),
    netRevenueRetention: netRevenueRetention(totals, mrrAtStart),
    quickRatio: quickRatio(totals),
  };
}

/** All period formulas over customers' MRR spans. */
export function computeAccountMetrics(
  customers: readonly CustomerSeries[],
  start: Day,
  end: Day,
): AccountPeriodMetrics {
  return periodMetrics(prepare(customers), start, end);
}

/**
 * `computeAccountMetrics` for each day/week/month bucket of [start, end) (buckets clipped to the
 * range, keyed by the calendar period start), preparing the customers' movements once.
 */
export function computeAccountSeries(
  customers: readonly CustomerSeries[],
  start: Day,
  end: Day,
  granularity: Granularity,
): (AccountPeriodMetrics & { key: Day })[] {
  const prepared = prepare(customers);
  return periodBuckets(start, end, granularity).map((b) => ({
    key: b.key,
    ...periodMetrics(prepared, b.start, b.end),
  }));
}

/**
 * Monthly customer churn rates of the 6 UTC months ending with the month that contains `end − 1`
 * (that last month is cut at `end`), oldest first.
 */
export function trailingMonthlyChurnRates(
  customers: readonly CustomerSeries[],
  end: Day,
  months = 6,
): (number | null)[] {
  const prepared = prepare(customers);
  const lastMonth = monthStart(addDays(end, -1));
  const out: (number | null)[] = [];
  for (let k = months - 1; k >= 0; k--) {
    const s = addMonths(lastMonth, -k);
    const e = minDay(addMonths(s, 1), end);
    out.push(periodMetrics(prepared, s, e).customerChurnRate);
  }
  return out;
}

/** Account LTV at `end`: ARPA at end ÷ the average of the trailing 6 monthly customer churn rates. */
export function computeAccountLtv(customers: readonly CustomerSeries[], end: Day): number | null {
  const lastDay = addDays(end, -1);
  const prepared = prepare(customers);
  let mrr = 0;
  let active = 0;
  for (const c of prepared) {
    const v = mrrOnDay(c.spans, lastDay);
    mrr += v;
    if (v > 0) active++;
  }
  return accountLtv(arpa(mrr, active), trailingMonthlyChurnRates(customers, end));
}
