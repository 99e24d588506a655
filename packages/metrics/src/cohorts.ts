/**
 * Cohort grid: a customer's cohort is the UTC month of their first MRR (a returning customer stays
 * in it). For each month since, measured at the end of that month (or at `asOf` for the month in
 * progress): the share of the cohort's customers active, and the cohort's MRR as a share of its
 * starting MRR (net: expansion can take it above 1).
 * Starting MRR = the sum of each customer's first MRR (the amount of their "new" movement).
 */
import type { CustomerSeries } from './account.ts';
import { addDays, addMonths, assertDay, type Day, minDay, monthKey, monthStart } from './dates.ts';
import { mrrOnDay, normalizeSpans } from './spans.ts';

export interface CohortCell {
  /** 0 = the cohort's own month. */
  monthIndex: number;
  /** 'YYYY-MM' */
  month: string;
  /** Day at whose end the cell is measured. */
  measuredOn: Day;
  activeCustomers: number;
  /** activeCustomers ÷ cohort size. */
  customerRetention: number;
  mrrMinor: number;
  /** mrrMinor ÷ starting MRR; null when starting MRR is 0. */
  mrrRetention: number | null;
}

export interface CohortRow {
  /** 'YYYY-MM' */
  cohort: string;
  customers: number;
  startingMrrMinor: number;
  cells: CohortCell[];
}

export function buildCohortGrid(customers: readonly CustomerSeries[], asOf: Day): CohortRow[] {
  assertDay(asOf);
  const byCohort = new Map<string, { spans: ReturnType<typeof normalizeSpans>; first: number }[]>();
  for (const c of customers) {
    const spans = normalizeSpans(c.spans);
    const first = spans[0];
    if (!first || first[0] > asOf) continue;
    const key = monthKey(first[0]);
    const list = byCohort.get(key) ?? [];
    list.push({ spans, first: first[2] });
    byCohort.set(key, list);
  }
  const lastMonth = monthStart(asOf);
  return [...byCohort.keys()].sort().map((cohort) => {
    const members = byCohort.get(cohort)!;
    const startingMrrMinor = members.reduce((a, m) => a + m.first, 0);
    const cells: CohortCell[] = [];
    for (let i = 0, m = `${cohort}-01`; m <= lastMonth; i++, m = addMonths(`${cohort}-01`, i)) {
      const measuredOn = minDay(addDays(addMonths(m, 1), -1), asOf);
      let active = 0;
      let mrr = 0;
      for (const member of members) {
        const v = mrrOnDay(member.spans, measuredOn);
        mrr += v;
        if (v > 0) active++;
      }
      cells.push({
        monthIndex: i,
        month: monthKey(m),
        measuredOn,
        activeCustomers: active,
        customerRetention: active / members.length,
        mrrMinor: mrr,
        mrrRetention: startingMrrMinor > 0 ? mrr / startingMrrMinor : null,
      });
    }
    return { cohort, customers: members.length, startingMrrMinor, cells };
  });
}
