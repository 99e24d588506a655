/**
 * Customer reads for the API: the filtered/sorted list with its stats, one customer's detail,
 * the export iterator and GDPR erasure. Every value reaches SQL as a replacement.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../connection.ts';
import { LIVE_SUBSCRIPTION_STATUSES } from '../current-plans.ts';
import { byPrimaryKey, customerSearchIdsSql, foldSearchText, joinInOrder } from '../dialect.ts';
import { bool, day, num, numOrNull, parseJson, str, toDate } from './values.ts';

export type HealthBand = 'good' | 'warning' | 'at_risk';
export type CustomerSortField = 'name' | 'created' | 'mrr' | 'health' | 'ltv';

export interface CustomerFilter {
  /** Matched anywhere in name, email and Stripe id. */
  search?: string;
  /** customers.subscription_status values. */
  statuses?: string[];
  healthBands?: HealthBand[];
  /** Inclusive bounds on MRR in the reporting currency, minor units. */
  minMrr?: number;
  maxMrr?: number;
  /** Customers with a live subscription to this product / price. */
  productId?: string;
  priceId?: string;
  currencies?: string[];
  countries?: string[];
  /** Signup (Stripe `created`) in [createdFrom, createdTo). */
  createdFrom?: Date;
  createdTo?: Date;
  delinquent?: boolean;
}

export interface CustomerListQuery extends CustomerFilter {
  page: number;
  limit: number;
  sort: CustomerSortField;
  order: 'asc' | 'desc';
}

export interface CustomerSummary {
  stripeCustomerId: string;
  /** null when Stripe has none (stored as '' because the plan keeps the column NOT NULL). */
  email: string | null;
  name: string | null;
  status: string;
  delinquent: boolean;
  /** The customer's own currency (of `customerMrr` and `lifetimeValue`). */
  currency: string | null;
  country: string | null;
  createdAt: Date | null;
  customerMrr: number;
  mrrReporting: number;
  lifetimeValue: number;
  healthScore: number | null;
  churnRiskScore: number | null;
  activeSubscriptions: number;
  firstMrrDate: string | null;
  erasedAt: Date | null;
}

export interface CustomerRecord extends CustomerSummary {
  id: number;
  phone: string | null;
  address: {
    line1: string | null;
    line2: string | null;
    city: string | null;
    state: string | null;
    postalCode: string | null;
    country: string | null;
  };
  balance: number;
  defaultPaymentMethodId: string | null;
  lastSyncAt: Date | null;
  metricsUpdatedAt: Date | null;
  /** Stripe metadata (string values); empty where the query did not read it. */
  metadata: Record<string, string>;
}

export interface CustomerStats {
  total: number;
  /** Customers with MRR > 0. */
  active: number;
  /** Health score below 50. */
  atRisk: number;
  mrrReporting: number;
}

const SUMMARY_COLUMNS = `c.id, c.stripe_customer_id, c.email, c.name, c.subscription_status, c.delinquent,
  c.currency, c.address_country, c.stripe_created_at, c.mrr, c.mrr_reporting, c.lifetime_value,
  c.health_score, c.churn_risk_score, c.active_subscription_count, c.first_mrr_date, c.erased_at`;

const SORT_COLUMNS: Record<CustomerSortField, string> = {
  name: 'c.name',
  created: 'c.stripe_created_at',
  mrr: 'c.mrr_reporting',
  health: 'c.health_score',
  ltv: 'c.lifetime_value',
};

/**
 * A search matching at most this many customers becomes a list of ids, so the page and the stats
 * read only those rows; a broader one stays a subquery (it then reads most rows anyway).
 */
const SEARCH_ID_LIST_MAX = 5000;

interface FilterSql {
  /** `customers c`, read by primary key when a search's id list drives the query. */
  from: string;
  /** Conditions on `c`, the product/price filter included. */
  where: string;
  replacements: Record<string, unknown>;
  /** What the stats read: `customers c`, or the filter's product customers joined to it. */
  statsFrom: string;
  /** `where` without the product/price condition, for `statsFrom`. */
  statsWhere: string;
}

async function filterSql(db: Database, filter: CustomerFilter): Promise<FilterSql> {
  const conditions = ['c.deleted = 0'];
  const replacements: Record<string, unknown> = {};
  let product: { exists: string; customers: string } | undefined;
  let searchIdList = false;
  const folded = filter.search ? foldSearchText(filter.search) : '';
  if (folded) {
    const search = {
      searchMatch: `"${folded.replaceAll('"', '""')}"`,
      searchTerm: folded,
    };
    const idsSql = customerSearchIdsSql(db.dialect, folded);
    const ids = await db.sequelize.query<Raw>(`${idsSql} LIMIT ${SEARCH_ID_LIST_MAX + 1}`, {
      type: QueryTypes.SELECT,
      replacements: search,
    });
    if (!ids.length) {
      conditions.push('1 = 0');
    } else if (ids.length <= SEARCH_ID_LIST_MAX) {
      replacements.searchIds = ids.map((r) => num(r.id));
      conditions.push('c.id IN (:searchIds)');
      searchIdList = true;
    } else {
      Object.assign(replacements, search);
      conditions.push(`c.id IN (${idsSql})`);
    }
  }
  if (filter.statuses?.length) {
    replacements.statuses = filter.statuses;
    conditions.push('c.subscription_status IN (:statuses)');
  }
  if (filter.healthBands?.length) {
    const bands: Record<HealthBand, string> = {
      good: 'c.health_score >= 80',
      warning: '(c.health_score >= 50 AND c.health_score < 80)',
      at_risk: 'c.health_score < 50',
    };
    conditions.push(`(${[...new Set(filter.healthBands)].map((b) => bands[b]).join(' OR ')})`);
  }
  if (filter.minMrr !== undefined) {
    replacements.minMrr = filter.minMrr;
    conditions.push('c.mrr_reporting >= :minMrr');
  }
  if (filter.maxMrr !== undefined) {
    replacements.maxMrr = filter.maxMrr;
    conditions.push('c.mrr_reporting <= :maxMrr');
  }
  if (filter.productId || filter.priceId) {
    const plan: string[] = [];
    if (filter.productId) {
      replacements.productId = filter.productId;
      plan.push('cp.stripe_product_id = :productId');
    }
    if (filter.priceId) {
      replacements.priceId = filter.priceId;
      plan.push('cp.stripe_price_id = :priceId');
    }
    // A page walks its sort index and probes each candidate (stopping at the limit); the stats
    // read every match, so they start from the plan's customers and look each one up once.
    product = {
      exists: `EXISTS (SELECT 1 FROM customer_current_plans cp WHERE cp.customer_id = c.id AND ${plan.join(' AND ')})`,
      customers: `SELECT DISTINCT cp.customer_id FROM customer_current_plans cp WHERE ${plan.join(' AND ')}`,
    };
  }
  if (filter.currencies?.length) {
    replacements.currencies = filter.currencies.map((c) => c.toLowerCase());
    conditions.push('LOWER(c.currency) IN (:currencies)');
  }
  if (filter.countries?.length) {
    replacements.countries = filter.countries.map((c) => c.toUpperCase());
    conditions.push('UPPER(c.address_country) IN (:countries)');
  }
  if (filter.createdFrom) {
    replacements.createdFrom = filter.createdFrom;
    conditions.push('c.stripe_created_at >= :createdFrom');
  }
  if (filter.createdTo) {
    replacements.createdTo = filter.createdTo;
    conditions.push('c.stripe_created_at < :createdTo');
  }
  if (filter.delinquent !== undefined) {
    conditions.push(filter.delinquent ? 'c.delinquent = 1' : 'c.delinquent = 0');
  }
  const where = conditions.join(' AND ');
  const from = searchIdList ? byPrimaryKey(db.dialect, 'customers c') : 'customers c';
  if (!product) return { from, where, replacements, statsFrom: from, statsWhere: where };
  // A search's id list is narrower than a product's customers: probe those few instead.
  if (searchIdList) {
    const all = `${where} AND ${product.exists}`;
    return { from, where: all, replacements, statsFrom: from, statsWhere: all };
  }
  return {
    from,
    where: `${where} AND ${product.exists}`,
    replacements,
    statsFrom: `(${product.customers}) p ${joinInOrder(db.dialect)} customers c ON c.id = p.customer_id`,
    statsWhere: where,
  };
}

type Raw = Record<string, unknown>;

function toSummary(r: Raw): CustomerSummary {
  return {
    stripeCustomerId: String(r.stripe_customer_id),
    email: r.email ? String(r.email) : null,
    name: str(r.name),
    status: str(r.subscription_status) ?? 'none',
    delinquent: bool(r.delinquent),
    currency: r.currency ? String(r.currency).toUpperCase() : null,
    country: str(r.address_country),
    createdAt: toDate(r.stripe_created_at),
    customerMrr: num(r.mrr),
    mrrReporting: num(r.mrr_reporting),
    lifetimeValue: num(r.lifetime_value),
    healthScore: numOrNull(r.health_score),
    churnRiskScore: numOrNull(r.churn_risk_score),
    activeSubscriptions: num(r.active_subscription_count),
    firstMrrDate: day(r.first_mrr_date),
    erasedAt: toDate(r.erased_at),
  };
}

/** One page of customers plus the stats cards over the whole filtered set. */
export async function listCustomers(
  db: Database,
  query: CustomerListQuery,
): Promise<{ items: CustomerSummary[]; stats: CustomerStats }> {
  const filterQuery = await filterSql(db, query);
  const { from, where, replacements } = filterQuery;
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  const order = `${SORT_COLUMNS[query.sort]} ${direction}, c.id ${direction}`;
  // The page's ids first, then their rows: skipping OFFSET rows then walks only the sort index
  // (which holds the id) instead of reading every skipped row (MariaDB read 19.6k rows for page 981).
  // The page and the stats run at once: on MySQL they take two pooled connections.
  const [rows, stats] = await Promise.all([
    db.sequelize.query<Raw>(
      `SELECT ${SUMMARY_COLUMNS}
     FROM (SELECT c.id FROM ${from} WHERE ${where} ORDER BY ${order} LIMIT :limit OFFSET :offset) page
     JOIN customers c ON c.id = page.id
     ORDER BY ${order}`,
      {
        type: QueryTypes.SELECT,
        replacements: { ...replacements, limit: query.limit, offset: (query.page - 1) * query.limit },
      },
    ),
    customerStats(db, filterQuery),
  ]);
  return { items: rows.map(toSummary), stats };
}

async function customerStats(db: Database, f: FilterSql): Promise<CustomerStats> {
  const [row] = await db.sequelize.query<Raw>(
    `SELECT COUNT(*) AS total,
       SUM(CASE WHEN c.mrr_reporting > 0 THEN 1 ELSE 0 END) AS active,
       SUM(CASE WHEN c.health_score < 50 THEN 1 ELSE 0 END) AS at_risk,
       SUM(c.mrr_reporting) AS mrr
     FROM ${f.statsFrom} WHERE ${f.statsWhere}`,
    { type: QueryTypes.SELECT, replacements: f.replacements },
  );
  return {
    total: num(row?.total),
    active: num(row?.active),
    atRisk: num(row?.at_risk),
    mrrReporting: num(row?.mrr),
  };
}

export async function getCustomer(db: Database, stripeCustomerId: string): Promise<CustomerRecord | null> {
  const [r] = await db.sequelize.query<Raw>(
    `SELECT ${SUMMARY_COLUMNS}, c.phone, c.address_line1, c.address_line2, c.address_city, c.address_state,
       c.address_postal_code, c.balance, c.default_payment_method_id, c.last_sync_at, c.metrics_updated_at,
       c.metadata
     FROM customers c WHERE c.stripe_customer_id = :id AND c.deleted = 0`,
    { type: QueryTypes.SELECT, replacements: { id: stripeCustomerId } },
  );
  return r ? toRecord(r) : null;
}

function toRecord(r: Raw): CustomerRecord {
  return {
    ...toSummary(r),
    id: num(r.id),
    phone: str(r.phone),
    address: {
      line1: str(r.address_line1),
      line2: str(r.address_line2),
      city: str(r.address_city),
      state: str(r.address_state),
      postalCode: str(r.address_postal_code),
      country: str(r.address_country),
    },
    balance: num(r.balance),
    defaultPaymentMethodId: str(r.default_payment_method_id),
    lastSyncAt: toDate(r.last_sync_at),
    metricsUpdatedAt: toDate(r.metrics_updated_at),
    metadata: stringMap(r.metadata),
  };
}

/** Stripe metadata is a string map; anything else stored there is shown as text. */
function stringMap(value: unknown): Record<string, string> {
  const parsed = parseJson<unknown>(value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  return Object.fromEntries(
    Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

/**
 * Every customer matching the filter, in id order, read in keyset batches so memory stays flat
 * however many rows there are (the export streams from this).
 */
export async function* iterateCustomers(
  db: Database,
  filter: CustomerFilter,
  batchSize = 1000,
): AsyncGenerator<CustomerRecord> {
  const { from, where, replacements } = await filterSql(db, filter);
  let after = 0;
  for (;;) {
    const rows = await db.sequelize.query<Raw>(
      `SELECT ${SUMMARY_COLUMNS}, c.phone, c.address_line1, c.address_line2, c.address_city, c.address_state,
         c.address_postal_code, c.balance, c.default_payment_method_id, c.last_sync_at, c.metrics_updated_at
       FROM ${from} WHERE ${where} AND c.id > :after ORDER BY c.id LIMIT :batch`,
      { type: QueryTypes.SELECT, replacements: { ...replacements, after, batch: batchSize } },
    );
    for (const r of rows) yield toRecord(r);
    if (rows.length < batchSize) return;
    after = num(rows[rows.length - 1]!.id);
  }
}

export interface PriceInfo {
  stripePriceId: string;
  currency: string;
  unitAmount: number | null;
  unitAmountDecimal: string | null;
  interval: string | null;
  intervalCount: number | null;
  usageType: string | null;
  billingScheme: string | null;
  tiersMode: string | null;
  tiers: unknown;
  nickname: string | null;
}

export interface SubscriptionItemRecord {
  stripeSubscriptionItemId: string | null;
  stripePriceId: string | null;
  stripeProductId: string | null;
  productName: string | null;
  quantity: number;
  price: PriceInfo | null;
}

export interface SubscriptionRecord {
  stripeSubscriptionId: string;
  stripeCustomerId: string;
  status: string | null;
  currency: string | null;
  startDate: Date | null;
  createdAt: Date | null;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  trialStart: Date | null;
  trialEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: Date | null;
  canceledAt: Date | null;
  endedAt: Date | null;
  items: SubscriptionItemRecord[];
}

/** A customer's subscriptions with their items and prices; `liveOnly` drops ended ones. */
export async function listCustomerSubscriptions(
  db: Database,
  stripeCustomerId: string,
  options: { liveOnly: boolean; limit: number },
): Promise<SubscriptionRecord[]> {
  const subs = await db.sequelize.query<Raw>(
    `SELECT * FROM customer_subscriptions
     WHERE stripe_customer_id = :id ${options.liveOnly ? 'AND status IN (:live) AND ended_at IS NULL' : ''}
     ORDER BY COALESCE(stripe_created_at, created_at) DESC, id DESC LIMIT :limit`,
    {
      type: QueryTypes.SELECT,
      replacements: { id: stripeCustomerId, live: LIVE_SUBSCRIPTION_STATUSES, limit: options.limit },
    },
  );
  return withItems(db, subs);
}

async function withItems(db: Database, subs: Raw[]): Promise<SubscriptionRecord[]> {
  if (!subs.length) return [];
  const items = await inChunks(
    subs.map((s) => String(s.stripe_subscription_id)),
    (ids) =>
      db.sequelize.query<Raw>(
        `SELECT i.stripe_subscription_item_id, i.stripe_subscription_id, i.stripe_price_id,
           COALESCE(i.stripe_product_id, p.stripe_product_id) AS stripe_product_id, i.quantity
         FROM subscription_items i LEFT JOIN prices p ON p.stripe_price_id = i.stripe_price_id
         WHERE i.stripe_subscription_id IN (:ids) AND i.deleted = 0 ORDER BY i.id`,
        { type: QueryTypes.SELECT, replacements: { ids } },
      ),
  );
  const itemsBySubscription = new Map<string, Raw[]>();
  for (const i of items) {
    const key = String(i.stripe_subscription_id);
    itemsBySubscription.set(key, [...(itemsBySubscription.get(key) ?? []), i]);
  }
  const priceIds = new Set<string>();
  for (const s of subs) if (s.stripe_price_id) priceIds.add(String(s.stripe_price_id));
  for (const i of items) if (i.stripe_price_id) priceIds.add(String(i.stripe_price_id));
  const prices = await inChunks([...priceIds], (ids) =>
    db.sequelize.query<Raw>('SELECT * FROM prices WHERE stripe_price_id IN (:ids)', {
      type: QueryTypes.SELECT,
      replacements: { ids },
    }),
  );
  const priceById = new Map(prices.map((p) => [String(p.stripe_price_id), p]));
  const productIds = new Set<string>();
  for (const s of subs) if (s.stripe_product_id) productIds.add(String(s.stripe_product_id));
  for (const i of items) if (i.stripe_product_id) productIds.add(String(i.stripe_product_id));
  for (const p of prices) if (p.stripe_product_id) productIds.add(String(p.stripe_product_id));
  const products = await inChunks([...productIds], (ids) =>
    db.sequelize.query<Raw>(
      'SELECT stripe_product_id, name FROM products WHERE stripe_product_id IN (:ids)',
      {
        type: QueryTypes.SELECT,
        replacements: { ids },
      },
    ),
  );
  const productName = new Map(products.map((p) => [String(p.stripe_product_id), str(p.name)]));

  const item = (priceId: unknown, productId: unknown, quantity: unknown, itemId: unknown) => {
    const p = priceId ? priceById.get(String(priceId)) : undefined;
    const product = str(productId) ?? str(p?.stripe_product_id);
    return {
      stripeSubscriptionItemId: str(itemId),
      stripePriceId: str(priceId),
      stripeProductId: product,
      productName: product ? (productName.get(product) ?? null) : null,
      quantity: quantity === null || quantity === undefined ? 1 : num(quantity),
      price: p ? toPrice(p) : null,
    };
  };

  return subs.map((s) => {
    const own = itemsBySubscription.get(String(s.stripe_subscription_id)) ?? [];
    return {
      stripeSubscriptionId: String(s.stripe_subscription_id),
      stripeCustomerId: String(s.stripe_customer_id),
      status: str(s.status),
      currency: s.currency ? String(s.currency).toUpperCase() : null,
      startDate: toDate(s.start_date),
      createdAt: toDate(s.stripe_created_at ?? s.created_at),
      currentPeriodStart: toDate(s.current_period_start),
      currentPeriodEnd: toDate(s.current_period_end),
      trialStart: toDate(s.trial_start),
      trialEnd: toDate(s.trial_end),
      cancelAtPeriodEnd: bool(s.cancel_at_period_end),
      cancelAt: toDate(s.cancel_at),
      canceledAt: toDate(s.canceled_at),
      endedAt: toDate(s.ended_at),
      // Rows adopted from the plan's schema have no items: their one price is on the subscription.
      items: own.length
        ? own.map((i) =>
            item(i.stripe_price_id, i.stripe_product_id, i.quantity, i.stripe_subscription_item_id),
          )
        : s.stripe_price_id
          ? [item(s.stripe_price_id, s.stripe_product_id, s.quantity, null)]
          : [],
    };
  });
}

/** Runs an `IN (:ids)` query in chunks, so thousands of ids never make one giant statement. */
async function inChunks<T>(
  ids: string[],
  query: (chunk: string[]) => Promise<T[]>,
  size = 1000,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += size) out.push(...(await query(ids.slice(i, i + size))));
  return out;
}

function toPrice(p: Raw): PriceInfo {
  return {
    stripePriceId: String(p.stripe_price_id),
    currency: String(p.currency).toUpperCase(),
    unitAmount: numOrNull(p.unit_amount),
    unitAmountDecimal: str(p.unit_amount_decimal),
    interval: str(p.recurring_interval),
    intervalCount: numOrNull(p.recurring_interval_count),
    usageType: str(p.recurring_usage_type),
    billingScheme: str(p.billing_scheme),
    tiersMode: str(p.tiers_mode),
    tiers: parseJson(p.tiers),
    nickname: str(p.nickname),
  };
}

export interface PaymentMethodRecord {
  stripePaymentMethodId: string;
  type: string;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
}

/** The default payment method, or else the newest attached one. */
export async function getPaymentMethod(
  db: Database,
  customer: Pick<CustomerRecord, 'stripeCustomerId' | 'defaultPaymentMethodId'>,
): Promise<PaymentMethodRecord | null> {
  const [r] = await db.sequelize.query<Raw>(
    `SELECT stripe_payment_method_id, type, card_brand, card_last4, card_exp_month, card_exp_year
     FROM payment_methods WHERE stripe_customer_id = :customer AND detached = 0
     ORDER BY CASE WHEN stripe_payment_method_id = :preferred THEN 0 ELSE 1 END,
       stripe_created_at DESC, id DESC LIMIT 1`,
    {
      type: QueryTypes.SELECT,
      replacements: { customer: customer.stripeCustomerId, preferred: customer.defaultPaymentMethodId ?? '' },
    },
  );
  if (!r) return null;
  return {
    stripePaymentMethodId: String(r.stripe_payment_method_id),
    type: String(r.type),
    brand: str(r.card_brand),
    last4: str(r.card_last4),
    expMonth: numOrNull(r.card_exp_month),
    expYear: numOrNull(r.card_exp_year),
  };
}

export interface ScoreFactorRecord {
  factor: string;
  value: number | string | boolean | null;
  impact: number;
  label: string;
}

export interface CustomerMetricsRecord {
  metricDate: string;
  totalRevenue: number;
  lifetimeValue: number;
  averageOrderValue: number;
  lastPaymentDate: Date | null;
  healthScore: number | null;
  churnRiskScore: number | null;
  healthFactors: ScoreFactorRecord[];
  churnRiskFactors: ScoreFactorRecord[];
}

export async function latestCustomerMetrics(
  db: Database,
  stripeCustomerId: string,
): Promise<CustomerMetricsRecord | null> {
  const [r] = await db.sequelize.query<Raw>(
    `SELECT * FROM customer_metrics WHERE stripe_customer_id = :id ORDER BY metric_date DESC LIMIT 1`,
    { type: QueryTypes.SELECT, replacements: { id: stripeCustomerId } },
  );
  if (!r) return null;
  return {
    metricDate: day(r.metric_date)!,
    totalRevenue: num(r.total_revenue),
    lifetimeValue: num(r.lifetime_value),
    averageOrderValue: num(r.average_order_value),
    lastPaymentDate: toDate(r.last_payment_date),
    healthScore: numOrNull(r.health_score),
    churnRiskScore: numOrNull(r.churn_risk_score),
    healthFactors: factors(r.health_factors),
    churnRiskFactors: factors(r.churn_risk_factors),
  };
}

function factors(value: unknown): ScoreFactorRecord[] {
  const list = parseJson<unknown[]>(value);
  if (!Array.isArray(list)) return [];
  return list.flatMap((f) => {
    if (typeof f !== 'object' || f === null) return [];
    const x = f as Record<string, unknown>;
    const v = x.value;
    return [
      {
        factor: String(x.factor ?? ''),
        value: typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : null,
        impact: Number(x.impact ?? 0),
        label: String(x.label ?? x.factor ?? ''),
      },
    ];
  });
}

export interface InvoiceRecord {
  stripeInvoiceId: string;
  number: string | null;
  status: string | null;
  currency: string;
  total: number;
  amountPaid: number;
  amountDue: number;
  createdAt: Date | null;
  paidAt: Date | null;
  periodStart: Date | null;
  periodEnd: Date | null;
}

export async function recentInvoices(
  db: Database,
  stripeCustomerId: string,
  limit: number,
): Promise<InvoiceRecord[]> {
  const rows = await db.sequelize.query<Raw>(
    `SELECT stripe_invoice_id, number, status, currency, total, amount_paid, amount_due, stripe_created_at,
       paid_at, period_start, period_end
     FROM invoices WHERE stripe_customer_id = :id ORDER BY stripe_created_at DESC, id DESC LIMIT :limit`,
    { type: QueryTypes.SELECT, replacements: { id: stripeCustomerId, limit } },
  );
  return rows.map((r) => ({
    stripeInvoiceId: String(r.stripe_invoice_id),
    number: str(r.number),
    status: str(r.status),
    currency: String(r.currency).toUpperCase(),
    total: num(r.total),
    amountPaid: num(r.amount_paid),
    amountDue: num(r.amount_due),
    createdAt: toDate(r.stripe_created_at),
    paidAt: toDate(r.paid_at),
    periodStart: toDate(r.period_start),
    periodEnd: toDate(r.period_end),
  }));
}

export interface MrrSpanRecord {
  startDate: string;
  endDate: string | null;
  mrr: number;
  currency: string;
  mrrReporting: number;
}

export async function customerMrrSpans(db: Database, stripeCustomerId: string): Promise<MrrSpanRecord[]> {
  const rows = await db.sequelize.query<Raw>(
    `SELECT start_date, end_date, mrr, currency, mrr_reporting FROM customer_mrr_spans
     WHERE stripe_customer_id = :id ORDER BY start_date`,
    { type: QueryTypes.SELECT, replacements: { id: stripeCustomerId } },
  );
  return rows.map((r) => ({
    startDate: day(r.start_date)!,
    endDate: day(r.end_date),
    mrr: num(r.mrr),
    currency: String(r.currency).toUpperCase(),
    mrrReporting: num(r.mrr_reporting),
  }));
}

export interface ActivityRecord {
  id: number;
  type: string | null;
  date: Date | null;
  description: string | null;
  metadata: unknown;
}

export async function listCustomerActivity(
  db: Database,
  stripeCustomerId: string,
  page: { page: number; limit: number },
): Promise<{ items: ActivityRecord[]; total: number }> {
  const replacements = { id: stripeCustomerId, limit: page.limit, offset: (page.page - 1) * page.limit };
  const rows = await db.sequelize.query<Raw>(
    `SELECT id, activity_type, activity_date, description, metadata FROM customer_activity
     WHERE stripe_customer_id = :id ORDER BY activity_date DESC, id DESC LIMIT :limit OFFSET :offset`,
    { type: QueryTypes.SELECT, replacements },
  );
  const [count] = await db.sequelize.query<Raw>(
    'SELECT COUNT(*) AS n FROM customer_activity WHERE stripe_customer_id = :id',
    { type: QueryTypes.SELECT, replacements },
  );
  return {
    total: num(count?.n),
    items: rows.map((r) => ({
      id: num(r.id),
      type: str(r.activity_type),
      date: toDate(r.activity_date),
      description: str(r.description),
      metadata: parseJson(r.metadata),
    })),
  };
}

/**
 * GDPR erasure: removes the customer's personal data from every row that holds it, keeping
 * ids, amounts and dates so the figures stay. `erased_at` tells the sync not to copy PII back.
 * Returns false when there is no such customer.
 */
export async function eraseCustomerPii(db: Database, stripeCustomerId: string, now: Date): Promise<boolean> {
  return db.sequelize.transaction(async (transaction) => {
    const [customer] = await db.sequelize.query<Raw>(
      'SELECT name, email FROM customers WHERE stripe_customer_id = :id',
      { type: QueryTypes.SELECT, replacements: { id: stripeCustomerId }, transaction },
    );
    if (!customer) return false;
    const run = (sql: string, replacements: Record<string, unknown> = {}) =>
      db.sequelize.query(sql, { replacements: { id: stripeCustomerId, ...replacements }, transaction });
    await run(
      `UPDATE customers SET email = '', name = NULL, description = NULL, phone = NULL, address_line1 = NULL,
         address_line2 = NULL, address_city = NULL, address_state = NULL, address_postal_code = NULL,
         metadata = NULL, raw = NULL, erased_at = :now, updated_at = :now
       WHERE stripe_customer_id = :id`,
      { now },
    );
    // Stripe's copies of the objects carry billing names, emails and addresses.
    for (const table of ['customer_subscriptions', 'invoices', 'payment_methods', 'charges']) {
      await run(`UPDATE ${table} SET raw = NULL WHERE stripe_customer_id = :id`);
    }
    await run('UPDATE customer_subscriptions SET metadata = NULL WHERE stripe_customer_id = :id');
    await run('UPDATE invoice_lines SET description = NULL, raw = NULL WHERE stripe_customer_id = :id');
    await run(
      `UPDATE stripe_events SET payload = :empty WHERE object_id = :id
         OR object_id IN (SELECT stripe_subscription_id FROM customer_subscriptions WHERE stripe_customer_id = :id)
         OR object_id IN (SELECT stripe_invoice_id FROM invoices WHERE stripe_customer_id = :id)
         OR object_id IN (SELECT stripe_charge_id FROM charges WHERE stripe_customer_id = :id)
         OR object_id IN (SELECT stripe_payment_method_id FROM payment_methods WHERE stripe_customer_id = :id)`,
      { empty: '{}' },
    );
    // Timeline texts may quote the name or email; the events themselves (types, dates) stay.
    const names = [customer.name, customer.email].filter(
      (v): v is string => typeof v === 'string' && v !== '',
    );
    const activities = await db.sequelize.query<Raw>(
      'SELECT id, description FROM customer_activity WHERE stripe_customer_id = :id',
      { type: QueryTypes.SELECT, replacements: { id: stripeCustomerId }, transaction },
    );
    for (const a of activities) {
      let text = str(a.description);
      for (const n of names) text = text?.split(n).join('[erased]') ?? null;
      await run('UPDATE customer_activity SET description = :text, metadata = NULL WHERE id = :aid', {
        text,
        aid: a.id,
      });
    }
    return true;
  });
}
