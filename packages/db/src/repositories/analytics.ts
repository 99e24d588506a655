/**
 * Reads of the analytics engine's output: `customer_analytics_daily` (one row per UTC day,
 * figures at the end of that day, in the reporting currency), `mrr_movements` and
 * `customer_mrr_spans`. The formulas on top live in @medpro/metrics and the router.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../connection.ts';
import { dateBucket, type Granularity, joinInOrder } from '../dialect.ts';
import { isPartSegment, movementTable, type SegmentFilter, segmentSql } from './segments.ts';
import { bool, day, num, parseJson, str } from './values.ts';

type Raw = Record<string, unknown>;

export interface DailyAnalyticsRecord {
  date: string;
  reportingCurrency: string | null;
  activeCustomers: number;
  trialingCustomers: number;
  newCustomers: number;
  churnedCustomers: number;
  reactivatedCustomers: number;
  newSubscriptions: number;
  canceledSubscriptions: number;
  mrr: number;
  /** Movement amounts as magnitudes (contraction and churn positive). */
  newMrr: number;
  expansionMrr: number;
  reactivationMrr: number;
  contractionMrr: number;
  churnedMrr: number;
}

function toDaily(r: Raw): DailyAnalyticsRecord {
  return {
    date: day(r.date)!,
    reportingCurrency: r.reporting_currency ? String(r.reporting_currency).toUpperCase() : null,
    activeCustomers: num(r.total_active_customers),
    trialingCustomers: num(r.trialing_customers),
    newCustomers: num(r.new_customers),
    churnedCustomers: num(r.churned_customers),
    reactivatedCustomers: num(r.reactivated_customers),
    newSubscriptions: num(r.new_subscriptions),
    canceledSubscriptions: num(r.canceled_subscriptions),
    mrr: num(r.mrr),
    newMrr: Math.abs(num(r.new_mrr)),
    expansionMrr: Math.abs(num(r.expansion_mrr)),
    reactivationMrr: Math.abs(num(r.reactivation_mrr)),
    contractionMrr: Math.abs(num(r.contraction_mrr)),
    churnedMrr: Math.abs(num(r.churned_mrr)),
  };
}

/** Daily rows for the days in [from, to), oldest first ('YYYY-MM-DD' bounds). */
export async function dailyAnalytics(
  db: Database,
  from: string,
  to: string,
): Promise<DailyAnalyticsRecord[]> {
  const rows = await db.sequelize.query<Raw>(
    'SELECT * FROM customer_analytics_daily WHERE date >= :from AND date < :to ORDER BY date',
    { type: QueryTypes.SELECT, replacements: { from, to } },
  );
  return rows.map(toDaily);
}

/** The latest daily row on or before `on`: the state at the end of that day. */
export async function dailyAnalyticsAsOf(db: Database, on: string): Promise<DailyAnalyticsRecord | null> {
  const [r] = await db.sequelize.query<Raw>(
    'SELECT * FROM customer_analytics_daily WHERE date <= :on ORDER BY date DESC LIMIT 1',
    { type: QueryTypes.SELECT, replacements: { on } },
  );
  return r ? toDaily(r) : null;
}

/**
 * Customers (not deleted) who signed up before each of `befores`, in that order: one scan of
 * the (deleted, stripe_created_at) index up to the latest bound, whatever the number of bounds
 * (the overview's two counts were two scans of ~100k entries at 100k customers).
 */
export async function countCustomersCreatedBefore(
  db: Database,
  befores: readonly Date[],
  segment?: SegmentFilter,
): Promise<number[]> {
  if (!befores.length) return [];
  const latest = new Date(Math.max(...befores.map((d) => d.getTime())));
  const seg = segmentSql(db.dialect, segment);
  const replacements: Record<string, unknown> = { ...seg.replacements, latest };
  const counts = befores.map((before, i) => {
    replacements[`before${i}`] = before;
    return `COUNT(CASE WHEN c.stripe_created_at < :before${i} THEN 1 END) AS n${i}`;
  });
  const [r] = await db.sequelize.query<Raw>(
    `SELECT ${counts.join(', ')} FROM customers c WHERE c.deleted = 0 AND c.stripe_created_at < :latest${seg.sql}`,
    { type: QueryTypes.SELECT, replacements },
  );
  return befores.map((_, i) => num(r?.[`n${i}`]));
}

/** Signups per bucket start ('YYYY-MM-DD') for signups in [from, to). */
export async function signupsByBucket(
  db: Database,
  from: Date,
  to: Date,
  granularity: Granularity,
  segment?: SegmentFilter,
): Promise<Map<string, number>> {
  const bucket = dateBucket(db.dialect, 'c.stripe_created_at', granularity);
  const seg = segmentSql(db.dialect, segment);
  const rows = await db.sequelize.query<Raw>(
    `SELECT ${bucket} AS bucket, COUNT(*) AS n FROM customers c
     WHERE c.deleted = 0 AND c.stripe_created_at >= :from AND c.stripe_created_at < :to${seg.sql} GROUP BY ${bucket}`,
    { type: QueryTypes.SELECT, replacements: { ...seg.replacements, from, to } },
  );
  return new Map(rows.map((r) => [day(r.bucket)!, num(r.n)]));
}

export interface CustomerSpans {
  customerId: string;
  spans: [start: string, end: string | null, mrrReporting: number][];
}

/**
 * MRR spans (reporting currency) of the customers whose first MRR day is in [from, to); of a
 * product or plan segment, their spans in it (summed from its movements) and first MRR in it.
 */
export async function cohortSpans(
  db: Database,
  from: string,
  to: string,
  segment?: SegmentFilter,
): Promise<CustomerSpans[]> {
  if (isPartSegment(segment)) return partCohortSpans(db, from, to, segment);
  const seg = segmentSql(db.dialect, segment);
  const rows = await db.sequelize.query<Raw>(
    `SELECT s.stripe_customer_id, s.start_date, s.end_date, s.mrr_reporting
     FROM customers c JOIN customer_mrr_spans s ON s.stripe_customer_id = c.stripe_customer_id
     WHERE c.first_mrr_date >= :from AND c.first_mrr_date < :to AND c.deleted = 0${seg.sql}
     ORDER BY s.stripe_customer_id, s.start_date`,
    { type: QueryTypes.SELECT, replacements: { ...seg.replacements, from, to } },
  );
  const byCustomer = new Map<string, CustomerSpans>();
  for (const r of rows) {
    const id = String(r.stripe_customer_id);
    let entry = byCustomer.get(id);
    if (!entry) {
      entry = { customerId: id, spans: [] };
      byCustomer.set(id, entry);
    }
    entry.spans.push([day(r.start_date)!, day(r.end_date), num(r.mrr_reporting)]);
  }
  return [...byCustomer.values()];
}

async function partCohortSpans(
  db: Database,
  from: string,
  to: string,
  segment: SegmentFilter,
): Promise<CustomerSpans[]> {
  const seg = segmentSql(db.dialect, segment, 'movements');
  const rows = await db.sequelize.query<Raw>(
    `SELECT m.stripe_customer_id, m.movement_date, SUM(m.reporting_amount) AS amount
     FROM ${movementTable(segment)} m JOIN customers c ON c.stripe_customer_id = m.stripe_customer_id
     WHERE c.deleted = 0${seg.sql}
     GROUP BY m.stripe_customer_id, m.movement_date ORDER BY m.stripe_customer_id, m.movement_date`,
    { type: QueryTypes.SELECT, replacements: seg.replacements },
  );
  const out: CustomerSpans[] = [];
  let current = null as CustomerSpans | null;
  let level = 0;
  for (const r of rows) {
    const id = String(r.stripe_customer_id);
    const date = day(r.movement_date)!;
    if (current?.customerId !== id) {
      current = { customerId: id, spans: [] };
      out.push(current);
      level = 0;
    }
    const open = current.spans[current.spans.length - 1];
    if (open && open[1] === null) open[1] = date;
    level += num(r.amount);
    if (level !== 0) current.spans.push([date, null, level]);
  }
  return out.filter((c) => {
    const first = c.spans[0]?.[0];
    return first !== undefined && first >= from && first < to;
  });
}

export interface StatusBreakdown {
  customers: { status: string; customers: number; mrrReporting: number }[];
  subscriptions: { status: string; subscriptions: number }[];
}

/** Current customers by their summary status, and subscriptions by Stripe status (of a segment's customers). */
export async function statusBreakdown(db: Database, segment?: SegmentFilter): Promise<StatusBreakdown> {
  const seg = segmentSql(db.dialect, segment);
  const customers = await db.sequelize.query<Raw>(
    `SELECT c.subscription_status AS status, COUNT(*) AS n, SUM(c.mrr_reporting) AS mrr
     FROM customers c WHERE c.deleted = 0${seg.sql} GROUP BY c.subscription_status ORDER BY COUNT(*) DESC`,
    { type: QueryTypes.SELECT, replacements: seg.replacements },
  );
  const subSeg = segmentSql(db.dialect, segment, 'subscriptions');
  const subscriptions = await db.sequelize.query<Raw>(
    `SELECT COALESCE(s.status, 'unknown') AS status, COUNT(*) AS n FROM customer_subscriptions s
     ${subSeg.sql ? `JOIN customers c ON c.stripe_customer_id = s.stripe_customer_id WHERE 1 = 1${subSeg.sql}` : ''}
     GROUP BY COALESCE(s.status, 'unknown') ORDER BY COUNT(*) DESC`,
    { type: QueryTypes.SELECT, replacements: subSeg.replacements },
  );
  return {
    customers: customers.map((r) => ({
      status: str(r.status) ?? 'none',
      customers: num(r.n),
      mrrReporting: num(r.mrr),
    })),
    subscriptions: subscriptions.map((r) => ({ status: String(r.status), subscriptions: num(r.n) })),
  };
}

export interface MovementRecord {
  date: string;
  stripeCustomerId: string;
  customerName: string | null;
  customerEmail: string | null;
  type: string;
  /** Signed change, customer's currency. */
  amount: number;
  currency: string;
  /** Signed change, reporting currency. */
  reportingAmount: number;
  reportingCurrency: string;
  stripeSubscriptionIds: string[];
}

/** The movements (and their customers) of one type, or all types, dated in [from, to). */
export async function listMovements(
  db: Database,
  q: { types?: string[]; from: string; to: string; page: number; limit: number; segment?: SegmentFilter },
): Promise<{ items: MovementRecord[]; total: number; reportingTotal: number }> {
  const seg = segmentSql(db.dialect, q.segment, 'movements');
  const table = movementTable(q.segment);
  const filter = `${q.types?.length ? 'AND m.movement_type IN (:types)' : ''}${seg.sql}`;
  const replacements = {
    ...seg.replacements,
    types: q.types ?? [],
    from: q.from,
    to: q.to,
    limit: q.limit,
    offset: (q.page - 1) * q.limit,
  };
  const rows = await db.sequelize.query<Raw>(
    `SELECT m.*, c.name AS customer_name, c.email AS customer_email FROM ${table} m
     LEFT JOIN customers c ON c.stripe_customer_id = m.stripe_customer_id
     WHERE m.movement_date >= :from AND m.movement_date < :to ${filter}
     ORDER BY m.movement_date DESC, ABS(m.reporting_amount) DESC, m.id DESC LIMIT :limit OFFSET :offset`,
    { type: QueryTypes.SELECT, replacements },
  );
  const [summary] = await db.sequelize.query<Raw>(
    `SELECT COUNT(*) AS n, SUM(m.reporting_amount) AS total FROM ${table} m
     ${seg.sql ? 'JOIN customers c ON c.stripe_customer_id = m.stripe_customer_id' : ''}
     WHERE m.movement_date >= :from AND m.movement_date < :to ${filter}`,
    { type: QueryTypes.SELECT, replacements },
  );
  return {
    total: num(summary?.n),
    reportingTotal: num(summary?.total),
    items: rows.map((r) => {
      const ids = parseJson<unknown>(r.stripe_subscription_ids);
      return {
        date: day(r.movement_date)!,
        stripeCustomerId: String(r.stripe_customer_id),
        customerName: str(r.customer_name),
        customerEmail: r.customer_email ? String(r.customer_email) : null,
        type: String(r.movement_type),
        amount: num(r.amount),
        currency: String(r.currency).toUpperCase(),
        reportingAmount: num(r.reporting_amount),
        reportingCurrency: String(r.reporting_currency).toUpperCase(),
        stripeSubscriptionIds: Array.isArray(ids) ? ids.map(String) : [],
      };
    }),
  };
}

export async function getProduct(
  db: Database,
  stripeProductId: string,
): Promise<{ stripeProductId: string; name: string | null; active: boolean } | null> {
  const [r] = await db.sequelize.query<Raw>(
    'SELECT stripe_product_id, name, active FROM products WHERE stripe_product_id = :id',
    { type: QueryTypes.SELECT, replacements: { id: stripeProductId } },
  );
  return r
    ? { stripeProductId: String(r.stripe_product_id), name: str(r.name), active: bool(r.active) }
    : null;
}

export interface PlanOption {
  stripePriceId: string;
  nickname: string | null;
  currency: string;
  /** Minor units; null for tiered prices. */
  unitAmount: number | null;
  interval: string;
  intervalCount: number;
  active: boolean;
}

/** The catalog's products for filter menus (active ones first, then by name), with their recurring prices (plans). */
export async function listProductOptions(
  db: Database,
): Promise<{ stripeProductId: string; name: string | null; active: boolean; plans: PlanOption[] }[]> {
  const [products, prices] = await Promise.all([
    db.sequelize.query<Raw>(
      `SELECT stripe_product_id, name, active FROM products WHERE deleted = 0
       ORDER BY active DESC, name, stripe_product_id LIMIT 500`,
      { type: QueryTypes.SELECT },
    ),
    db.sequelize.query<Raw>(
      `SELECT stripe_price_id, stripe_product_id, nickname, currency, unit_amount, recurring_interval,
              recurring_interval_count, active
       FROM prices WHERE deleted = 0 AND recurring_interval IS NOT NULL
       ORDER BY active DESC, recurring_interval, unit_amount, stripe_price_id LIMIT 5000`,
      { type: QueryTypes.SELECT },
    ),
  ]);
  const plans = new Map<string, PlanOption[]>();
  for (const r of prices) {
    const product = String(r.stripe_product_id);
    const list = plans.get(product) ?? [];
    list.push({
      stripePriceId: String(r.stripe_price_id),
      nickname: str(r.nickname),
      currency: String(r.currency),
      unitAmount: r.unit_amount === null ? null : num(r.unit_amount),
      interval: String(r.recurring_interval),
      intervalCount: num(r.recurring_interval_count) || 1,
      active: bool(r.active),
    });
    plans.set(product, list);
  }
  return products.map((r) => ({
    stripeProductId: String(r.stripe_product_id),
    name: str(r.name),
    active: bool(r.active),
    plans: plans.get(String(r.stripe_product_id)) ?? [],
  }));
}

/**
 * Trials that ended in [from, to) (a subscription canceled during its trial ends it then) and how
 * many became paying: a positive invoice line (after discounts) of a paid, open or uncollectible
 * invoice for a service period from the trial's end on, as the analytics engine counts MRR.
 */
export async function trialOutcomes(
  db: Database,
  from: Date,
  to: Date,
  segment?: SegmentFilter,
): Promise<{ ended: number; converted: number }> {
  const seg = segmentSql(db.dialect, segment, 'subscriptions');
  // `trial_end >= from` holds for every trial that ended in the range (one canceled during its
  // trial ended before trial_end): read from the trial_end index, then each one's customer.
  const [r] = await db.sequelize.query<Raw>(
    `SELECT COUNT(*) AS ended,
       COALESCE(SUM(CASE WHEN (s.ended_at IS NULL OR s.ended_at > s.trial_end) AND EXISTS (
         SELECT 1 FROM invoice_lines l JOIN invoices i ON i.stripe_invoice_id = l.stripe_invoice_id
         WHERE l.stripe_subscription_id = s.stripe_subscription_id AND l.period_start >= s.trial_end
           AND l.amount - COALESCE(l.discount_amount, 0) > 0 AND i.status IN ('paid', 'open', 'uncollectible')
       ) THEN 1 ELSE 0 END), 0) AS converted
     FROM customer_subscriptions s ${joinInOrder(db.dialect)} customers c ON c.stripe_customer_id = s.stripe_customer_id
     WHERE s.trial_end >= :from AND c.deleted = 0${seg.sql}
       AND COALESCE(CASE WHEN s.ended_at < s.trial_end THEN s.ended_at END, s.trial_end) >= :from
       AND COALESCE(CASE WHEN s.ended_at < s.trial_end THEN s.ended_at END, s.trial_end) < :to`,
    { type: QueryTypes.SELECT, replacements: { ...seg.replacements, from, to } },
  );
  return { ended: num(r?.ended), converted: num(r?.converted) };
}
