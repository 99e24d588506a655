/**
 * Customer segments for account analytics: the customers of one currency, billing country or
 * metadata value. Every segmented read filters its customers `c` through `segmentSql`, so the
 * figures, the signups, the cohorts and the drill-down agree on who is in.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../connection.ts';
import { type Dialect, jsonText } from '../dialect.ts';
import { day, num } from './values.ts';

type Raw = Record<string, unknown>;

/** Which customers a segment holds; every given condition must match. */
export interface SegmentFilter {
  /** The customer's currency (ISO code, any case). */
  currency?: string;
  /** Billing address country (ISO 3166-1 alpha-2, any case). */
  country?: string;
  /** Customer metadata key = value (Stripe metadata, e.g. { key: 'plan_tier', value: 'clinic' }). */
  metadata?: { key: string; value: string };
}

export function isSegmented(filter: SegmentFilter | undefined): filter is SegmentFilter {
  return Boolean(filter && (filter.currency || filter.country || filter.metadata));
}

/**
 * ` AND …` conditions on customers `c` (empty for no segment). `currencyColumn` names where the
 * currency is read: movements carry the customer's currency even where Stripe's customer has none.
 */
export function segmentSql(
  dialect: Dialect,
  filter: SegmentFilter | undefined,
  currencyColumn = 'c.currency',
): { sql: string; replacements: Record<string, string> } {
  const where: string[] = [];
  const replacements: Record<string, string> = {};
  if (filter?.currency) {
    where.push(`UPPER(${currencyColumn}) = :segmentCurrency`);
    replacements.segmentCurrency = filter.currency.toUpperCase();
  }
  if (filter?.country) {
    where.push('UPPER(c.address_country) = :segmentCountry');
    replacements.segmentCountry = filter.country.toUpperCase();
  }
  if (filter?.metadata) {
    where.push(`${jsonText(dialect, 'c.metadata', filter.metadata.key)} = :segmentMetaValue`);
    replacements.segmentMetaValue = filter.metadata.value;
  }
  return { sql: where.map((w) => ` AND ${w}`).join(''), replacements };
}

/** One day of a segment: its state at the end of the day and its movements during it. */
export interface SegmentDay {
  date: string;
  /** Reporting currency, minor units. */
  mrr: number;
  activeCustomers: number;
  newCustomers: number;
  reactivatedCustomers: number;
  churnedCustomers: number;
  newMrr: number;
  expansionMrr: number;
  reactivationMrr: number;
  /** Magnitudes (positive). */
  contractionMrr: number;
  churnedMrr: number;
}

/**
 * Daily MRR, active customers and movements of a segment for the days [from, to), from the
 * engine's movements (levels at `from` summed in SQL, then one sweep), so it scales with the
 * number of days, not customers. The account-wide figures are in customer_analytics_daily.
 */
export async function segmentDailySeries(
  db: Database,
  filter: SegmentFilter,
  from: string,
  to: string,
): Promise<SegmentDay[]> {
  const segment = segmentSql(db.dialect, filter, 'm.currency');
  const replacements = { ...segment.replacements, from, to };
  const base = `FROM mrr_movements m JOIN customers c ON c.stripe_customer_id = m.stripe_customer_id WHERE 1 = 1${segment.sql}`;
  const [[levels], rows] = await Promise.all([
    db.sequelize.query<Raw>(
      `SELECT COALESCE(SUM(m.reporting_amount), 0) AS mrr,
              COALESCE(SUM(CASE WHEN m.movement_type IN ('new', 'reactivation') THEN 1 WHEN m.movement_type = 'churn' THEN -1 ELSE 0 END), 0) AS active
       ${base} AND m.movement_date < :from`,
      { type: QueryTypes.SELECT, replacements },
    ),
    db.sequelize.query<Raw>(
      `SELECT m.movement_date AS d, m.movement_type AS t, COUNT(*) AS n, SUM(m.reporting_amount) AS s
       ${base} AND m.movement_date >= :from AND m.movement_date < :to GROUP BY m.movement_date, m.movement_type`,
      { type: QueryTypes.SELECT, replacements },
    ),
  ]);
  const byDay = new Map<string, Raw[]>();
  for (const r of rows) {
    const d = day(r.d)!;
    byDay.set(d, [...(byDay.get(d) ?? []), r]);
  }
  let mrr = num(levels?.mrr);
  let active = num(levels?.active);
  const out: SegmentDay[] = [];
  for (let d = from; d < to; d = nextDay(d)) {
    const row: SegmentDay = {
      date: d,
      mrr: 0,
      activeCustomers: 0,
      newCustomers: 0,
      reactivatedCustomers: 0,
      churnedCustomers: 0,
      newMrr: 0,
      expansionMrr: 0,
      reactivationMrr: 0,
      contractionMrr: 0,
      churnedMrr: 0,
    };
    for (const r of byDay.get(d) ?? []) {
      const n = num(r.n);
      const s = num(r.s);
      mrr += s;
      switch (String(r.t)) {
        case 'new':
          row.newMrr += s;
          row.newCustomers += n;
          active += n;
          break;
        case 'reactivation':
          row.reactivationMrr += s;
          row.reactivatedCustomers += n;
          active += n;
          break;
        case 'expansion':
          row.expansionMrr += s;
          break;
        case 'contraction':
          row.contractionMrr -= s;
          break;
        case 'churn':
          row.churnedMrr -= s;
          row.churnedCustomers += n;
          active -= n;
          break;
      }
    }
    row.mrr = mrr;
    row.activeCustomers = active;
    out.push(row);
  }
  return out;
}

function nextDay(d: string): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
