/**
 * The analytics engine's reads and writes (the computation itself lives in the worker and
 * @medpro/metrics). Inputs are read per chunk of customers; outputs are replaced per chunk in
 * one transaction, so a reader never sees a half-written customer and a rerun gives the same rows.
 *
 * Tables written (semantics in docs/decisions/006-analytics-engine.md):
 * - customer_mrr_spans: one row per customer and constant-MRR stretch [start_date, end_date).
 * - mrr_movements: one row per customer and day their MRR changed (signed amounts).
 * - product_mrr_movements: the same per customer and product, with the price when it was the
 *   only one; price_mrr_movements: per customer and price where a product had several (for
 *   product and plan segments; schema.ts, V5).
 * - customer_metrics: one row per customer and computation day (history rows are kept).
 * - customers.mrr … metrics_updated_at: the current figures, for the customer list.
 * - customer_current_plans: the products and prices each customer is on now (current-plans.ts).
 * - customer_analytics_daily: one row per UTC day from the first invoice to today.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from './connection.ts';
import { refreshCurrentPlans } from './current-plans.ts';
import {
  type Dialect,
  dateBucket,
  epochMs,
  normalizeValue,
  preferIndex,
  updateFromValues,
} from './dialect.ts';
import { bool, day, num, numOrNull, parseJson, str } from './repositories/values.ts';

type Raw = Record<string, unknown>;

/** A JSON path of a JSON column as text (SQLite and MariaDB). */
function jsonPath(dialect: Dialect, column: string, path: string): string {
  if (!/^\$[A-Za-z0-9_.[\]]*$/.test(path)) throw new Error(`Unsafe JSON path: ${path}`);
  return dialect === 'sqlite'
    ? `json_extract(${column}, '${path}')`
    : // MariaDB unquotes a JSON null to the text 'null'.
      `NULLIF(JSON_UNQUOTE(JSON_EXTRACT(${column}, '${path}')), 'null')`;
}

/** Epoch ms of a value read through `epochMs` (a number; MariaDB may hand back a numeric string). */
function ms(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : Number(value);
}

const secondsToMs = (value: unknown): number | null =>
  value === null || value === undefined ? null : num(value) * 1000;

export interface EnginePrice {
  id: string;
  currency: string;
  unitAmount: number | null;
  unitAmountDecimal: string | null;
  interval: string | null;
  intervalCount: number | null;
  usageType: string | null;
  billingScheme: string | null;
  tiersMode: string | null;
  tiers: unknown;
  productId: string | null;
}

export interface EngineCoupon {
  id: string;
  percentOff: string | null;
  amountOff: number | null;
  currency: string | null;
  duration: string;
  durationInMonths: number | null;
}

/** The price and coupon catalogs (small: loaded once per run). */
export async function loadCatalog(
  db: Database,
): Promise<{ prices: Map<string, EnginePrice>; coupons: Map<string, EngineCoupon> }> {
  const prices = await db.sequelize.query<Raw>('SELECT * FROM prices', { type: QueryTypes.SELECT });
  const coupons = await db.sequelize.query<Raw>('SELECT * FROM coupons', { type: QueryTypes.SELECT });
  return {
    prices: new Map(
      prices.map((r) => [
        String(r.stripe_price_id),
        {
          id: String(r.stripe_price_id),
          currency: String(r.currency),
          unitAmount: numOrNull(r.unit_amount),
          unitAmountDecimal: str(r.unit_amount_decimal),
          interval: str(r.recurring_interval),
          intervalCount: numOrNull(r.recurring_interval_count),
          usageType: str(r.recurring_usage_type),
          billingScheme: str(r.billing_scheme),
          tiersMode: str(r.tiers_mode),
          tiers: parseJson(r.tiers),
          productId: str(r.stripe_product_id),
        },
      ]),
    ),
    coupons: new Map(
      coupons.map((r) => [
        String(r.stripe_coupon_id),
        {
          id: String(r.stripe_coupon_id),
          percentOff: str(r.percent_off),
          amountOff: numOrNull(r.amount_off),
          currency: str(r.currency),
          duration: String(r.duration),
          durationInMonths: numOrNull(r.duration_in_months),
        },
      ]),
    ),
  };
}

/** The next `limit` customer ids after `after` (keyset pagination). */
export async function customerIdsAfter(db: Database, after: string | null, limit: number): Promise<string[]> {
  const rows = await db.sequelize.query<Raw>(
    `SELECT stripe_customer_id FROM customers ${after === null ? '' : 'WHERE stripe_customer_id > :after'}
     ORDER BY stripe_customer_id LIMIT :limit`,
    { type: QueryTypes.SELECT, replacements: { after, limit } },
  );
  return rows.map((r) => String(r.stripe_customer_id));
}

export interface EngineCustomer {
  id: string;
  currency: string | null;
  delinquent: boolean;
  defaultPaymentMethodId: string | null;
}

export interface EngineSubscription {
  id: string;
  customerId: string;
  status: string;
  currency: string | null;
  startMs: number | null;
  createdMs: number | null;
  trialStartMs: number | null;
  trialEndMs: number | null;
  endedMs: number | null;
  cancelAtMs: number | null;
  canceledAtMs: number | null;
  cancelAtPeriodEnd: boolean;
  currentPeriodStartMs: number | null;
  currentPeriodEndMs: number | null;
  productId: string | null;
}

export interface EngineItem {
  subscriptionId: string;
  itemId: string;
  priceId: string | null;
  quantity: number | null;
}

export interface EngineLine {
  subscriptionId: string;
  itemId: string;
  priceId: string | null;
  quantity: number | null;
  amount: number;
  proration: boolean;
  startMs: number;
  endMs: number;
  /** The Stripe discount behind the line's discount amount (coupon looked up via the invoice). */
  discountId: string | null;
  invoiceId: string;
}

export interface EngineInvoice {
  id: string;
  customerId: string;
  subscriptionId: string | null;
  status: string;
  currency: string;
  total: number;
  tax: number;
  amountPaid: number;
  paidMs: number | null;
  /** Set when Stripe marked it uncollectible. */
  uncollectibleMs: number | null;
}

export interface EngineCharge {
  id: string;
  customerId: string;
  invoiceId: string | null;
  status: string;
  paid: boolean;
  createdMs: number;
}

export interface EngineRefund {
  chargeId: string;
  customerId: string;
  invoiceId: string | null;
  amount: number;
  currency: string;
  status: string | null;
}

export interface EnginePaymentMethod {
  id: string;
  customerId: string;
  expMonth: number | null;
  expYear: number | null;
  createdMs: number | null;
}

export interface ChunkInputs {
  customers: EngineCustomer[];
  subscriptions: EngineSubscription[];
  items: EngineItem[];
  lines: EngineLine[];
  /** Discount id → coupon id, from the invoices' expanded `discounts`. */
  discountCoupons: Map<string, string>;
  invoices: EngineInvoice[];
  charges: EngineCharge[];
  refunds: EngineRefund[];
  paymentMethods: EnginePaymentMethod[];
}

/**
 * Like Promise.all, but settles every query before rejecting: no statement of a failed read is
 * still running on the connection when the caller reacts (closes it, ends its thread).
 */
async function allSettledOrThrow<T extends readonly unknown[]>(
  promises: {
    [K in keyof T]: Promise<T[K]>;
  },
): Promise<T> {
  const results = await Promise.allSettled(promises as readonly Promise<unknown>[]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * Everything the engine needs about these customers. The mirror tables' rows are wide (each
 * keeps Stripe's raw JSON), so every query here reads only columns that covering indexes hold
 * (see ENGINE_INDEXES in schema.ts) and touches raw JSON only for the few rows that need it
 * (discounted lines and invoices, uncollectible invoices): reading whole rows dominated rebuilds.
 */
export async function loadChunkInputs(db: Database, ids: readonly string[]): Promise<ChunkInputs> {
  const q = (sql: string) =>
    db.sequelize.query<Raw>(sql, { type: QueryTypes.SELECT, replacements: { ids: [...ids] } });
  const d = db.dialect;
  // Dates come back as epoch ms under their own names.
  const t = (column: string) => `${epochMs(d, column)} AS ${column}`;
  const lineColumns = `stripe_invoice_id, stripe_subscription_id, stripe_subscription_item_id, stripe_price_id,
    quantity, amount, proration, ${t('period_start')}, ${t('period_end')}`;
  const lineFilter = `stripe_customer_id IN (:ids) AND parent_type = 'subscription_item_details'`;
  const [
    customers,
    subs,
    items,
    plainLines,
    discountedLines,
    invoices,
    uncollectible,
    discounted,
    charges,
    refunds,
    pms,
  ] = await allSettledOrThrow([
    q(
      'SELECT stripe_customer_id, currency, delinquent, default_payment_method_id FROM customers WHERE stripe_customer_id IN (:ids)',
    ),
    q(`SELECT stripe_customer_id, stripe_subscription_id, status, currency, ${t('start_date')}, ${t('stripe_created_at')},
              ${t('trial_start')}, ${t('trial_end')}, ${t('ended_at')}, ${t('cancel_at')}, ${t('canceled_at')},
              cancel_at_period_end, ${t('current_period_start')}, ${t('current_period_end')}, stripe_product_id
         FROM customer_subscriptions WHERE stripe_customer_id IN (:ids)`),
    q(`SELECT si.stripe_subscription_id, si.stripe_subscription_item_id, si.stripe_price_id, si.quantity
         FROM customer_subscriptions s JOIN subscription_items si ON si.stripe_subscription_id = s.stripe_subscription_id
         WHERE s.stripe_customer_id IN (:ids) AND si.deleted = 0`),
    q(`SELECT ${lineColumns} FROM invoice_lines WHERE ${lineFilter} AND COALESCE(discount_amount, 0) = 0`),
    q(`SELECT ${lineColumns}, ${jsonPath(d, 'raw', '$.discount_amounts[0].discount')} AS discount_id
         FROM invoice_lines WHERE ${lineFilter} AND discount_amount <> 0`),
    q(`SELECT stripe_invoice_id, stripe_customer_id, stripe_subscription_id, status, currency, total, tax, amount_paid, ${t('paid_at')}
         FROM invoices WHERE stripe_customer_id IN (:ids)`),
    q(`SELECT stripe_invoice_id, ${jsonPath(d, 'raw', '$.status_transitions.marked_uncollectible_at')} AS uncollectible_at
         FROM invoices WHERE stripe_customer_id IN (:ids) AND status = 'uncollectible'`),
    q(`SELECT ${jsonPath(d, 'raw', '$.discounts')} AS discounts FROM invoices
         WHERE stripe_customer_id IN (:ids) AND total_discount_amount <> 0`),
    q(
      `SELECT stripe_charge_id, stripe_customer_id, stripe_invoice_id, status, paid, ${t('stripe_created_at')} FROM charges WHERE stripe_customer_id IN (:ids)`,
    ),
    q(`SELECT r.stripe_charge_id, c.stripe_customer_id, c.stripe_invoice_id, r.amount, r.currency, r.status
         FROM charges c JOIN refunds r ON r.stripe_charge_id = c.stripe_charge_id WHERE c.stripe_customer_id IN (:ids)`),
    q(`SELECT stripe_payment_method_id, stripe_customer_id, card_exp_month, card_exp_year, ${t('stripe_created_at')}
         FROM payment_methods WHERE stripe_customer_id IN (:ids) AND detached = 0`),
  ]);
  // Lines count toward history only on invoices that were (or may still be) collected.
  const billed = new Set(
    invoices
      .filter((r) => r.status === 'paid' || r.status === 'open' || r.status === 'uncollectible')
      .map((r) => String(r.stripe_invoice_id)),
  );
  const uncollectibleAt = new Map(
    uncollectible.map((r) => [String(r.stripe_invoice_id), r.uncollectible_at]),
  );
  const discountCoupons = new Map<string, string>();
  for (const r of discounted) {
    const list = parseJson<unknown[]>(r.discounts) ?? [];
    for (const entry of list) {
      // Only expanded discounts name their coupon (`source.coupon`, or `coupon` in older API versions).
      if (!entry || typeof entry !== 'object') continue;
      const e = entry as { id?: string; source?: { coupon?: unknown }; coupon?: unknown };
      const coupon = e.source?.coupon ?? e.coupon;
      const couponId = typeof coupon === 'string' ? coupon : (coupon as { id?: string } | undefined)?.id;
      if (e.id && couponId) discountCoupons.set(e.id, couponId);
    }
  }
  return {
    customers: customers.map((r) => ({
      id: String(r.stripe_customer_id),
      currency: str(r.currency),
      delinquent: bool(r.delinquent),
      defaultPaymentMethodId: str(r.default_payment_method_id),
    })),
    subscriptions: subs.map((r) => ({
      id: String(r.stripe_subscription_id),
      customerId: String(r.stripe_customer_id),
      status: String(r.status ?? 'incomplete'),
      currency: str(r.currency),
      startMs: ms(r.start_date),
      createdMs: ms(r.stripe_created_at),
      trialStartMs: ms(r.trial_start),
      trialEndMs: ms(r.trial_end),
      endedMs: ms(r.ended_at),
      cancelAtMs: ms(r.cancel_at),
      canceledAtMs: ms(r.canceled_at),
      cancelAtPeriodEnd: bool(r.cancel_at_period_end),
      currentPeriodStartMs: ms(r.current_period_start),
      currentPeriodEndMs: ms(r.current_period_end),
      productId: str(r.stripe_product_id),
    })),
    items: items.map((r) => ({
      subscriptionId: String(r.stripe_subscription_id),
      itemId: String(r.stripe_subscription_item_id),
      priceId: str(r.stripe_price_id),
      quantity: numOrNull(r.quantity),
    })),
    lines: [...plainLines, ...discountedLines].flatMap((r) => {
      const startMs = ms(r.period_start);
      const endMs = ms(r.period_end);
      if (startMs === null || endMs === null || !r.stripe_subscription_item_id) return [];
      if (!billed.has(String(r.stripe_invoice_id))) return [];
      return [
        {
          subscriptionId: String(r.stripe_subscription_id),
          itemId: String(r.stripe_subscription_item_id),
          priceId: str(r.stripe_price_id),
          quantity: numOrNull(r.quantity),
          amount: num(r.amount),
          proration: bool(r.proration),
          startMs,
          endMs,
          discountId: str(r.discount_id),
          invoiceId: String(r.stripe_invoice_id),
        },
      ];
    }),
    discountCoupons,
    invoices: invoices.map((r) => ({
      id: String(r.stripe_invoice_id),
      customerId: String(r.stripe_customer_id),
      subscriptionId: str(r.stripe_subscription_id),
      status: String(r.status ?? 'draft'),
      currency: String(r.currency),
      total: num(r.total),
      tax: num(r.tax),
      amountPaid: num(r.amount_paid),
      paidMs: ms(r.paid_at),
      uncollectibleMs: secondsToMs(uncollectibleAt.get(String(r.stripe_invoice_id))),
    })),
    charges: charges.map((r) => ({
      id: String(r.stripe_charge_id),
      customerId: String(r.stripe_customer_id),
      invoiceId: str(r.stripe_invoice_id),
      status: String(r.status ?? ''),
      paid: bool(r.paid),
      createdMs: ms(r.stripe_created_at) ?? 0,
    })),
    refunds: refunds.map((r) => ({
      chargeId: String(r.stripe_charge_id),
      customerId: String(r.stripe_customer_id),
      invoiceId: str(r.stripe_invoice_id),
      amount: num(r.amount),
      currency: String(r.currency),
      status: str(r.status),
    })),
    paymentMethods: pms.map((r) => ({
      id: String(r.stripe_payment_method_id),
      customerId: String(r.stripe_customer_id),
      expMonth: numOrNull(r.card_exp_month),
      expYear: numOrNull(r.card_exp_year),
      createdMs: ms(r.stripe_created_at),
    })),
  };
}

export interface SpanOut {
  customerId: string;
  start: string;
  end: string | null;
  mrr: number;
  currency: string;
  mrrReporting: number;
  subscriptionIds: string[];
}

export interface MovementOut {
  customerId: string;
  day: string;
  type: string;
  amount: number;
  currency: string;
  reportingAmount: number;
  reportingCurrency: string;
  subscriptionIds: string[];
}

/** A movement of one customer's MRR in one product (product MRR: @medpro/metrics products.ts). */
export interface ProductMovementOut extends MovementOut {
  /** '' when the price names no product. */
  productId: string;
  /** The one price of all the customer's MRR in the product; null when several (see priceMovements). */
  priceId: string | null;
}

export interface PriceMovementOut extends MovementOut {
  productId: string;
  /** '' for an inline price without an id. */
  priceId: string;
}

export interface CustomerFiguresOut {
  customerId: string;
  currency: string | null;
  mrr: number;
  mrrReporting: number;
  subscriptionStatus: string;
  subscriptionCount: number;
  activeSubscriptionCount: number;
  totalRevenue: number;
  lifetimeValue: number;
  averageOrderValue: number;
  lastPaymentAt: Date | null;
  healthScore: number;
  churnRiskScore: number;
  healthFactors: unknown;
  churnRiskFactors: unknown;
  firstMrrDate: string | null;
}

export interface ChunkResults {
  spans: SpanOut[];
  movements: MovementOut[];
  productMovements: ProductMovementOut[];
  /** Only for a customer's products that had several prices (schema.ts, V5). */
  priceMovements: PriceMovementOut[];
  figures: CustomerFiguresOut[];
}

/**
 * Runs a write transaction. The worker passes the sync's runner, which queues its own SQLite
 * transactions so the sync and the analytics of one process never contend for the write lock.
 */
export type TransactionRunner = (fn: (transaction: Transaction) => Promise<void>) => Promise<void>;

/**
 * Runs a large write with positional replacements. The query type is given so Sequelize does not
 * classify the statement by lower-casing its whole text (megabytes over a rebuild).
 */
async function write(db: Database, sql: string, values: unknown[], transaction: Transaction): Promise<void> {
  await db.sequelize.query(sql, {
    type: sql.startsWith('INSERT') ? QueryTypes.INSERT : QueryTypes.UPDATE,
    replacements: values.map((v) => normalizeValue(db.dialect, v)),
    transaction,
  });
}

async function insertMany(
  db: Database,
  table: string,
  columns: string[],
  rows: unknown[][],
  transaction: Transaction,
): Promise<void> {
  // Multi-row inserts; SQLite allows 32766 variables per statement, stay well under it.
  const perBatch = Math.max(1, Math.floor(5000 / columns.length));
  for (let i = 0; i < rows.length; i += perBatch) {
    const batch = rows.slice(i, i + perBatch);
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    await write(
      db,
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${batch.map(() => tuple).join(', ')}`,
      batch.flat(),
      transaction,
    );
  }
}

/** The columns the movement tables share (mrr_, product_ and price_mrr_movements), and a movement's values for them. */
const MOVEMENT_COLUMNS = [
  'movement_date',
  'stripe_customer_id',
  'movement_type',
  'amount',
  'currency',
  'reporting_amount',
  'reporting_currency',
  'stripe_subscription_ids',
];
const movementValues = (m: MovementOut): unknown[] => [
  m.day,
  m.customerId,
  m.type,
  m.amount,
  m.currency,
  m.reportingAmount,
  m.reportingCurrency,
  JSON.stringify(m.subscriptionIds),
];

/**
 * Replaces the engine's rows of these customers: spans and movements entirely, the
 * customer_metrics row of `metricDate`, the current figures on `customers`, and their current
 * plans unless `currentPlans` is false (a full rebuild refreshes them all at once, 3× cheaper).
 */
export async function writeChunkResults(
  db: Database,
  ids: readonly string[],
  results: ChunkResults,
  metricDate: string,
  now: Date,
  inTransaction: TransactionRunner = (fn) => db.sequelize.transaction(fn),
  currentPlans = true,
): Promise<void> {
  await inTransaction(async (transaction) => {
    const replacements = { ids: [...ids], metricDate };
    for (const table of [
      'customer_mrr_spans',
      'mrr_movements',
      'product_mrr_movements',
      'price_mrr_movements',
    ]) {
      await db.sequelize.query(`DELETE FROM ${table} WHERE stripe_customer_id IN (:ids)`, {
        replacements,
        transaction,
      });
    }
    await db.sequelize.query(
      'DELETE FROM customer_metrics WHERE stripe_customer_id IN (:ids) AND metric_date = :metricDate',
      {
        replacements,
        transaction,
      },
    );
    await insertMany(
      db,
      'customer_mrr_spans',
      [
        'stripe_customer_id',
        'start_date',
        'end_date',
        'mrr',
        'currency',
        'mrr_reporting',
        'stripe_subscription_ids',
      ],
      results.spans.map((s) => [
        s.customerId,
        s.start,
        s.end,
        s.mrr,
        s.currency,
        s.mrrReporting,
        JSON.stringify(s.subscriptionIds),
      ]),
      transaction,
    );
    await insertMany(
      db,
      'mrr_movements',
      [...MOVEMENT_COLUMNS, 'created_at'],
      results.movements.map((m) => [...movementValues(m), now]),
      transaction,
    );
    await insertMany(
      db,
      'product_mrr_movements',
      [...MOVEMENT_COLUMNS, 'stripe_product_id', 'stripe_price_id'],
      results.productMovements.map((m) => [...movementValues(m), m.productId, m.priceId]),
      transaction,
    );
    await insertMany(
      db,
      'price_mrr_movements',
      [...MOVEMENT_COLUMNS, 'stripe_product_id', 'stripe_price_id'],
      results.priceMovements.map((m) => [...movementValues(m), m.productId, m.priceId]),
      transaction,
    );
    await insertMany(
      db,
      'customer_metrics',
      [
        'stripe_customer_id',
        'metric_date',
        'total_revenue',
        'subscription_count',
        'active_subscription_count',
        'lifetime_value',
        'average_order_value',
        'last_payment_date',
        'churn_risk_score',
        'health_score',
        'mrr',
        'mrr_reporting',
        'currency',
        'health_factors',
        'churn_risk_factors',
        'created_at',
        'updated_at',
      ],
      results.figures.map((f) => [
        f.customerId,
        metricDate,
        f.totalRevenue,
        f.subscriptionCount,
        f.activeSubscriptionCount,
        f.lifetimeValue,
        f.averageOrderValue,
        f.lastPaymentAt,
        f.churnRiskScore,
        f.healthScore,
        f.mrr,
        f.mrrReporting,
        f.currency,
        JSON.stringify(f.healthFactors),
        JSON.stringify(f.churnRiskFactors),
        now,
        now,
      ]),
      transaction,
    );
    // One UPDATE per batch joined to the batch's values: a statement per customer dominated
    // large rebuilds, and a CASE per column on the id took 2–4× as long as this join.
    const columns: [string, (f: CustomerFiguresOut) => unknown][] = [
      ['mrr', (f) => f.mrr],
      ['mrr_reporting', (f) => f.mrrReporting],
      ['subscription_status', (f) => f.subscriptionStatus],
      ['active_subscription_count', (f) => f.activeSubscriptionCount],
      ['lifetime_value', (f) => f.lifetimeValue],
      ['health_score', (f) => f.healthScore],
      ['churn_risk_score', (f) => f.churnRiskScore],
      ['first_mrr_date', (f) => f.firstMrrDate],
      ['metrics_updated_at', () => now],
    ];
    const perBatch = 500;
    for (let i = 0; i < results.figures.length; i += perBatch) {
      const batch = results.figures.slice(i, i + perBatch);
      await write(
        db,
        updateFromValues(
          db.dialect,
          'customers',
          'stripe_customer_id',
          columns.map(([column]) => column),
          batch.length,
        ),
        batch.flatMap((f) => [f.customerId, ...columns.map(([, value]) => value(f))]),
        transaction,
      );
    }
    if (currentPlans) await refreshCurrentPlans(db.sequelize, ids, transaction);
  });
}

/** Per day: the sums the daily table is built from (all in the rows' own units). */
export interface DailyInputs {
  /** day → movement type → [count, Σ reporting_amount] */
  movements: Map<string, Map<string, [number, number]>>;
  /** day → currency → Σ (amount_paid − tax) of invoices paid that day */
  revenue: Map<string, Map<string, number>>;
  newSubscriptions: Map<string, number>;
  canceledSubscriptions: Map<string, number>;
  /** day → +n trials starting, −n trials ending (a sweep gives the count at each day's end) */
  trialDeltas: Map<string, number>;
  firstInvoiceDay: string | null;
}

function addTo<K>(map: Map<K, number>, key: K, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

/** Grouped by day in SQL, from `from` on (the whole history when null). */
export async function loadDailyInputs(db: Database, from: string | null): Promise<DailyInputs> {
  const d = db.dialect;
  const fromTs = from === null ? null : new Date(`${from}T00:00:00Z`);
  const q = (sql: string) =>
    db.sequelize.query<Raw>(sql, { type: QueryTypes.SELECT, replacements: { from, fromTs } });
  // On the raw column (not the day expression), so the indexes narrow an incremental update.
  const since = (col: string, param = ':fromTs') => (from === null ? '' : ` AND ${col} >= ${param}`);
  const trialEndCol = 'COALESCE(CASE WHEN ended_at < trial_end THEN ended_at END, trial_end)';
  const paidDay = dateBucket(d, 'paid_at', 'day');
  const startDay = dateBucket(d, 'start_date', 'day');
  const endDay = dateBucket(d, 'ended_at', 'day');
  const trialStart = dateBucket(d, 'trial_start', 'day');
  const trialEnd = dateBucket(d, trialEndCol, 'day');
  const [movements, revenue, created, canceled, trialsIn, trialsOut, first] = await Promise.all([
    q(`SELECT movement_date AS d, movement_type AS t, COUNT(*) AS n, SUM(reporting_amount) AS s FROM mrr_movements
       WHERE 1 = 1${since('movement_date', ':from')} GROUP BY movement_date, movement_type`),
    q(`SELECT ${paidDay} AS d, currency AS c, SUM(amount_paid - COALESCE(tax, 0)) AS s
       FROM ${from === null ? 'invoices' : preferIndex(d, 'invoices', 'idx_invoices_paid')}
       WHERE status = 'paid' AND paid_at IS NOT NULL${since('paid_at')} GROUP BY ${paidDay}, currency`),
    q(
      `SELECT ${startDay} AS d, COUNT(*) AS n FROM customer_subscriptions WHERE start_date IS NOT NULL${since('start_date')} GROUP BY ${startDay}`,
    ),
    q(
      `SELECT ${endDay} AS d, COUNT(*) AS n FROM customer_subscriptions WHERE ended_at IS NOT NULL${since('ended_at')} GROUP BY ${endDay}`,
    ),
    q(
      `SELECT ${trialStart} AS d, COUNT(*) AS n FROM customer_subscriptions WHERE trial_start IS NOT NULL AND trial_end IS NOT NULL${since('trial_start')} GROUP BY ${trialStart}`,
    ),
    q(
      // A trial that ended from a day on has trial_end from then on too (the index's range).
      `SELECT ${trialEnd} AS d, COUNT(*) AS n FROM customer_subscriptions WHERE trial_start IS NOT NULL AND trial_end IS NOT NULL${since('trial_end')}${since(trialEndCol)} GROUP BY ${trialEnd}`,
    ),
    q(`SELECT MIN(stripe_created_at) AS d FROM invoices`),
  ]);
  const out: DailyInputs = {
    movements: new Map(),
    revenue: new Map(),
    newSubscriptions: new Map(),
    canceledSubscriptions: new Map(),
    trialDeltas: new Map(),
    firstInvoiceDay: day(first[0]?.d),
  };
  for (const r of movements) {
    const key = day(r.d)!;
    const m = out.movements.get(key) ?? new Map<string, [number, number]>();
    out.movements.set(key, m);
    m.set(String(r.t), [num(r.n), num(r.s)]);
  }
  for (const r of revenue) {
    const key = day(r.d)!;
    const m = out.revenue.get(key) ?? new Map<string, number>();
    out.revenue.set(key, m);
    m.set(String(r.c).toUpperCase(), num(r.s));
  }
  for (const r of created) addTo(out.newSubscriptions, day(r.d)!, num(r.n));
  for (const r of canceled) addTo(out.canceledSubscriptions, day(r.d)!, num(r.n));
  for (const r of trialsIn) addTo(out.trialDeltas, day(r.d)!, num(r.n));
  for (const r of trialsOut) addTo(out.trialDeltas, day(r.d)!, -num(r.n));
  return out;
}

export interface DailyLevels {
  mrr: number;
  activeCustomers: number;
}

/**
 * Levels at the end of `day` as the stored daily row has them (rows before the first changed day
 * stay valid), or null when there is no row for that day.
 */
export async function storedLevels(
  db: Database,
  day: string,
): Promise<(DailyLevels & { trials: number }) | null> {
  const [r] = await db.sequelize.query<Raw>(
    'SELECT mrr, total_active_customers, trialing_customers FROM customer_analytics_daily WHERE date = :day',
    { type: QueryTypes.SELECT, replacements: { day } },
  );
  return r
    ? { mrr: num(r.mrr), activeCustomers: num(r.total_active_customers), trials: num(r.trialing_customers) }
    : null;
}

/** MRR and active customers at the end of the day before `from` (the sweep's starting levels). */
export async function levelsBefore(db: Database, from: string): Promise<DailyLevels> {
  const [r] = await db.sequelize.query<Raw>(
    `SELECT COALESCE(SUM(reporting_amount), 0) AS mrr,
            COALESCE(SUM(CASE WHEN movement_type IN ('new', 'reactivation') THEN 1 WHEN movement_type = 'churn' THEN -1 ELSE 0 END), 0) AS active
     FROM mrr_movements WHERE movement_date < :from`,
    { type: QueryTypes.SELECT, replacements: { from } },
  );
  return { mrr: num(r?.mrr), activeCustomers: num(r?.active) };
}

export interface DailyRowOut {
  date: string;
  newCustomers: number;
  churnedCustomers: number;
  reactivatedCustomers: number;
  activeCustomers: number;
  trialingCustomers: number;
  revenue: number;
  arpa: number;
  newSubscriptions: number;
  canceledSubscriptions: number;
  reportingCurrency: string;
  mrr: number;
  newMrr: number;
  expansionMrr: number;
  contractionMrr: number;
  churnedMrr: number;
  reactivationMrr: number;
}

/** Replaces the daily rows from `from` on (all rows when null) with `rows`. */
export async function writeDailyRows(
  db: Database,
  from: string | null,
  rows: readonly DailyRowOut[],
  now: Date,
  inTransaction: TransactionRunner = (fn) => db.sequelize.transaction(fn),
): Promise<void> {
  await inTransaction(async (transaction) => {
    await db.sequelize.query(
      `DELETE FROM customer_analytics_daily${from === null ? '' : ' WHERE date >= :from'}`,
      {
        replacements: { from },
        transaction,
      },
    );
    await insertMany(
      db,
      'customer_analytics_daily',
      [
        'date',
        'new_customers',
        'churned_customers',
        'total_active_customers',
        'total_revenue',
        'average_revenue_per_customer',
        'new_subscriptions',
        'canceled_subscriptions',
        'created_at',
        'reporting_currency',
        'mrr',
        'new_mrr',
        'expansion_mrr',
        'contraction_mrr',
        'churned_mrr',
        'reactivation_mrr',
        'reactivated_customers',
        'trialing_customers',
      ],
      rows.map((r) => [
        r.date,
        r.newCustomers,
        r.churnedCustomers,
        r.activeCustomers,
        r.revenue,
        r.arpa,
        r.newSubscriptions,
        r.canceledSubscriptions,
        now,
        r.reportingCurrency,
        r.mrr,
        r.newMrr,
        r.expansionMrr,
        r.contractionMrr,
        r.churnedMrr,
        r.reactivationMrr,
        r.reactivatedCustomers,
        r.trialingCustomers,
      ]),
      transaction,
    );
  });
}

/** Trials running at the end of the day before `from` (starting level of the trial sweep). */
export async function trialsRunningBefore(db: Database, from: string): Promise<number> {
  const d = db.dialect;
  const trialEnd = dateBucket(
    d,
    'COALESCE(CASE WHEN ended_at < trial_end THEN ended_at END, trial_end)',
    'day',
  );
  const [r] = await db.sequelize.query<Raw>(
    `SELECT COUNT(*) AS n FROM customer_subscriptions
     WHERE trial_start IS NOT NULL AND trial_end IS NOT NULL AND ${dateBucket(d, 'trial_start', 'day')} < :from AND ${trialEnd} >= :from`,
    { type: QueryTypes.SELECT, replacements: { from } },
  );
  return num(r?.n);
}

/** The earliest movement day of these customers (before the rewrite), to know which days to re-aggregate. */
export async function earliestMovementDay(db: Database, ids: readonly string[]): Promise<string | null> {
  const [r] = await db.sequelize.query<Raw>(
    'SELECT MIN(movement_date) AS d FROM mrr_movements WHERE stripe_customer_id IN (:ids)',
    { type: QueryTypes.SELECT, replacements: { ids: [...ids] } },
  );
  return day(r?.d);
}

/** The stored movements of these customers as comparable keys ('day|customer|type|amount|reporting'). */
export async function movementKeys(
  db: Database,
  ids: readonly string[],
): Promise<{ day: string; key: string }[]> {
  const rows = await db.sequelize.query<Raw>(
    `SELECT movement_date, stripe_customer_id, movement_type, amount, reporting_amount FROM mrr_movements
     WHERE stripe_customer_id IN (:ids)`,
    { type: QueryTypes.SELECT, replacements: { ids: [...ids] } },
  );
  return rows.map((r) => {
    const d = day(r.movement_date)!;
    return {
      day: d,
      key: `${d}|${r.stripe_customer_id}|${r.movement_type}|${num(r.amount)}|${num(r.reporting_amount)}`,
    };
  });
}
