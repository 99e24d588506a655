/**
 * Ground truth of a generated account: the MRR the simulator planned for every subscription,
 * as day spans, computed from the plan's change points (never from invoices).
 */
import type { AccountData } from './model.ts';
import { convertMinor, type Rates } from './mrr.ts';
import { DAY, dayString } from './time.ts';

/** [firstDay, endDay) with a constant MRR in minor units (end exclusive, UTC dates). */
export type Span = [string, string, number];

export interface GroundTruth {
  seed: number;
  now: string;
  firstDay: string;
  reportingCurrency: 'BRL';
  rates: Rates;
  customers: Record<string, { currency: string; spans: Span[] }>;
  subscriptions: Record<string, { customer: string; currency: string; spans: Span[] }>;
  /** Change points of the account MRR in BRL minor units, from firstDay through now. */
  accountMrr: [string, number][];
}

/** End-of-day MRR change points [dayIndex, value] from the plan's flat [ts, mrr, ...] points. */
export function dayChanges(points: readonly number[], lastDay: number): [number, number][] {
  const pts: [number, number][] = [];
  for (let i = 0; i + 1 < points.length; i += 2) pts.push([points[i] ?? 0, points[i + 1] ?? 0]);
  pts.sort((a, b) => a[0] - b[0]); // stable: same-second points keep their order
  // the value of a day is the last value set during it (MRR at the end of the day)
  const perDay: [number, number][] = [];
  for (const [ts, v] of pts) {
    const day = Math.floor(ts / DAY);
    if (day > lastDay) break;
    const last = perDay[perDay.length - 1];
    if (last && last[0] === day) last[1] = v;
    else perDay.push([day, v]);
  }
  // keep only days where the value changes (starting from 0)
  const out: [number, number][] = [];
  let cur = 0;
  for (const [day, v] of perDay) {
    if (v === cur) continue;
    out.push([day, v]);
    cur = v;
  }
  return out;
}

function toSpans(changes: [number, number][], lastDay: number): Span[] {
  const spans: Span[] = [];
  changes.forEach(([day, v], i) => {
    if (v === 0) return;
    const end = changes[i + 1]?.[0] ?? lastDay + 1;
    spans.push([dayString(day * DAY), dayString(end * DAY), v]);
  });
  return spans;
}

function sumChanges(lists: [number, number][][]): [number, number][] {
  const deltas = new Map<number, number>();
  for (const list of lists) {
    let prev = 0;
    for (const [day, v] of list) {
      deltas.set(day, (deltas.get(day) ?? 0) + v - prev);
      prev = v;
    }
  }
  const out: [number, number][] = [];
  let cur = 0;
  for (const day of [...deltas.keys()].sort((a, b) => a - b)) {
    cur += deltas.get(day) ?? 0;
    const last = out[out.length - 1];
    if (!last || last[1] !== cur) out.push([day, cur]);
  }
  return out;
}

export function buildGroundTruth(d: AccountData): GroundTruth {
  const lastDay = Math.floor(d.clock / DAY);
  const firstDayIdx = Math.floor(d.firstDay / DAY);
  const rates = d.options.rates;
  const subscriptions: GroundTruth['subscriptions'] = {};
  const perCustomer = new Map<number, [number, number][][]>();
  const converted: [number, number][][] = [];
  for (const sub of d.subscriptions) {
    const changes = dayChanges(sub.mrrPoints, lastDay);
    subscriptions[d.ids.subscription.id(sub.idx)] = {
      customer: d.ids.customer.id(sub.customer),
      currency: sub.currency,
      spans: toSpans(changes, lastDay),
    };
    const list = perCustomer.get(sub.customer);
    if (list) list.push(changes);
    else perCustomer.set(sub.customer, [changes]);
    converted.push(changes.map(([day, v]) => [day, convertMinor(v, sub.currency, rates)]));
  }
  const customers: GroundTruth['customers'] = {};
  for (const [c, lists] of perCustomer) {
    const cust = d.customers[c];
    customers[d.ids.customer.id(c)] = {
      currency: cust?.currency ?? 'brl',
      spans: toSpans(sumChanges(lists), lastDay),
    };
  }
  const total = sumChanges(converted);
  const accountMrr: [string, number][] = [[dayString(firstDayIdx * DAY), 0]];
  for (const [day, v] of total) {
    if (day < firstDayIdx) continue;
    const entry: [string, number] = [dayString(day * DAY), v];
    if (day === firstDayIdx) accountMrr[0] = entry;
    else if (accountMrr[accountMrr.length - 1]?.[1] !== v) accountMrr.push(entry);
  }
  return {
    seed: d.options.seed,
    now: dayString(d.clock),
    firstDay: dayString(d.firstDay),
    reportingCurrency: 'BRL',
    rates: { ...rates },
    customers,
    subscriptions,
    accountMrr,
  };
}
