/**
 * Segments for account analytics: one product's or plan's MRR, and the customers of one currency,
 * billing country or metadata value. Every segmented read goes through `segmentSql`, so the
 * figures, signups, cohorts, statuses and the drill-down agree on what is in.
 *
 * A product (plan) segment reads each customer's part of the product (price) of each
 * subscription's MRR split across its items: product_mrr_movements, and for plans also
 * price_mrr_movements (schema.ts, V5). Its customers are those who ever had MRR in it, and its
 * trials those of subscriptions with an item of it.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../connection.ts';
import { type Dialect, jsonText } from '../dialect.ts';
import { day, num } from './values.ts';

type Raw = Record<string, unknown>;

/** Which customers a segment holds; every given condition must match. */
export interface SegmentFilter {
  /** Stripe product id: that product's MRR only. */
  product?: string;
  /** Stripe price id: that plan's MRR only. */
  price?: string;
  /** The customer's currency (ISO code, any case). */
  currency?: string;
  /** Billing address country (ISO 3166-1 alpha-2, any case). */
  country?: string;
  /** Customer metadata key = value (Stripe metadata, e.g. { key: 'plan_tier', value: 'clinic' }). */
  metadata?: { key: string; value: string };
}

export function isSegmented(filter: SegmentFilter | undefined): filter is SegmentFilter {
  return Boolean(
    filter && (filter.product || filter.price || filter.currency || filter.country || filter.metadata),
  );
}

/** Whether the segment holds a part of each customer's MRR (a product's or a plan's), not all of it. */
export function isPartSegment(filter: SegmentFilter | undefined): filter is SegmentFilter {
  return Boolean(filter?.product || filter?.price);
}

const PLAN_COLUMNS = `id, movement_date, stripe_customer_id, movement_type, amount, currency, reporting_amount,
  reporting_currency, stripe_subscription_ids, stripe_product_id, stripe_price_id`;

/**
 * Movements per customer and plan: a product's where one price made all of the customer's MRR
 * in it (they name it), and price_mrr_movements where several did.
 */
const PLAN_MOVEMENTS = `(SELECT ${PLAN_COLUMNS} FROM product_mrr_movements WHERE stripe_price_id IS NOT NULL
  UNION ALL SELECT ${PLAN_COLUMNS} FROM price_mrr_movements)`;

/** The movements a segment sums (a table or a subquery): the plan's or product's part of them for such a segment. */
export function movementTable(filter: SegmentFilter | undefined): string {
  return filter?.price ? PLAN_MOVEMENTS : filter?.product ? 'product_mrr_movements' : 'mrr_movements';
}

/**
 * ` AND …` conditions (empty for no segment) on customers `c`, joined by what the read is about:
 * - `customers`: customers alone;
 * - `movements`: movements `m` read from `movementTable(filter)` (they carry the customer's own
 *   currency, which Stripe's customer object leaves empty once deleted);
 * - `subscriptions`: subscriptions `s`, which a product (plan) segment holds when one of their items is of it.
 */
export function segmentSql(
  dialect: Dialect,
  filter: SegmentFilter | undefined,
  on: 'customers' | 'movements' | 'subscriptions' = 'customers',
): { sql: string; replacements: Record<string, string> } {
  const where: string[] = [];
  const replacements: Record<string, string> = {};
  if (filter?.product) {
    replacements.segmentProduct = filter.product;
    where.push(
      on === 'movements'
        ? 'm.stripe_product_id = :segmentProduct'
        : on === 'subscriptions'
          ? `(s.stripe_product_id = :segmentProduct OR EXISTS (SELECT 1 FROM subscription_items si
               WHERE si.stripe_subscription_id = s.stripe_subscription_id AND si.stripe_product_id = :segmentProduct))`
          : `EXISTS (SELECT 1 FROM product_mrr_movements pm
               WHERE pm.stripe_customer_id = c.stripe_customer_id AND pm.stripe_product_id = :segmentProduct)`,
    );
  }
  if (filter?.price) {
    replacements.segmentPrice = filter.price;
    // The price's product as well: it leads the plan's product rows to the product's index.
    const product = 'SELECT p.stripe_product_id FROM prices p WHERE p.stripe_price_id = :segmentPrice';
    where.push(
      on === 'movements'
        ? `m.stripe_price_id = :segmentPrice AND m.stripe_product_id = (${product})`
        : on === 'subscriptions'
          ? `(s.stripe_price_id = :segmentPrice OR EXISTS (SELECT 1 FROM subscription_items si
               WHERE si.stripe_subscription_id = s.stripe_subscription_id AND si.stripe_price_id = :segmentPrice))`
          : `(EXISTS (SELECT 1 FROM product_mrr_movements pm
                WHERE pm.stripe_customer_id = c.stripe_customer_id AND pm.stripe_product_id = (${product})
                  AND pm.stripe_price_id = :segmentPrice)
              OR EXISTS (SELECT 1 FROM price_mrr_movements pm
                WHERE pm.stripe_customer_id = c.stripe_customer_id AND pm.stripe_price_id = :segmentPrice))`,
    );
  }
  if (filter?.currency) {
    where.push(`UPPER(${on === 'movements' ? 'm' : 'c'}.currency) = :segmentCurrency`);
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
 * Daily MRR, active customers and movements of a segment for the days [from, to) (a product or
 * plan segment's active customers: those with MRR in it), from the
 * engine's movements (levels at `from` summed in SQL, then one sweep), so it scales with the
 * number of days, not customers. The account-wide figures are in customer_analytics_daily.
 */
export async function segmentDailySeries(
  db: Database,
  filter: SegmentFilter,
  from: string,
  to: string,
): Promise<SegmentDay[]> {
  const segment = segmentSql(db.dialect, filter, 'movements');
  const replacements = { ...segment.replacements, from, to };
  const base = `FROM ${movementTable(filter)} m JOIN customers c ON c.stripe_customer_id = m.stripe_customer_id WHERE 1 = 1${segment.sql}`;
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
    const list = byDay.get(d);
    if (list) list.push(r);
    else byDay.set(d, [r]);
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
