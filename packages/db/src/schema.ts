/**
 * Column definitions shared by the migrations and the models, so the two cannot drift.
 * A migration that ships must never change: later schema changes add new definitions
 * (and a new migration) instead of editing these.
 */
import { DataTypes, type ModelAttributes } from 'sequelize';

const { STRING, TEXT, INTEGER, BIGINT, BOOLEAN, DATE, DATEONLY, JSON: JSONTYPE } = DataTypes;

const id = { type: INTEGER, primaryKey: true, autoIncrement: true };
const stripeId = (unique = true) => ({ type: STRING(255), allowNull: false, unique });
/**
 * A fresh object per column: Sequelize writes the column name into the attribute object it is
 * given, so one shared object made every money column of a table collapse into the first name.
 */
const money = () => ({ type: BIGINT, allowNull: true });
/** The event/fetch time (ms) of the copy we hold; older copies never overwrite newer ones. */
const sourceVersion = { type: BIGINT, allowNull: false, defaultValue: 0 };
const timestamps = {
  created_at: { type: DATE, allowNull: true },
  updated_at: { type: DATE, allowNull: true },
};

export interface TableDefinition {
  attributes: ModelAttributes;
  indexes?: { name: string; fields: string[]; unique?: boolean }[];
}

/** Columns added to the plan's tables (all nullable or defaulted, so existing rows stay valid). */
export const PLAN_TABLE_ADDITIONS_V1: Record<string, ModelAttributes> = {
  customers: {
    default_payment_method_id: { type: STRING(255), allowNull: true },
    raw: { type: JSONTYPE, allowNull: true },
    source_version: sourceVersion,
  },
  customer_subscriptions: {
    quantity: { type: INTEGER, allowNull: true },
    currency: { type: STRING(3), allowNull: true },
    collection_method: { type: STRING(30), allowNull: true },
    cancel_at: { type: DATE, allowNull: true },
    start_date: { type: DATE, allowNull: true },
    stripe_created_at: { type: DATE, allowNull: true },
    latest_invoice_id: { type: STRING(255), allowNull: true },
    raw: { type: JSONTYPE, allowNull: true },
    source_version: sourceVersion,
  },
  customer_activity: {
    // Which Stripe object or event produced the entry, so replays do not duplicate it.
    source_id: { type: STRING(255), allowNull: true },
  },
};

export const PLAN_TABLE_INDEXES_V1: Record<string, { name: string; fields: string[]; unique?: boolean }[]> = {
  customer_activity: [{ name: 'uniq_activity_source', fields: ['source_id', 'activity_type'], unique: true }],
};

export const TABLES_V1: Record<string, TableDefinition> = {
  products: {
    attributes: {
      id,
      stripe_product_id: stripeId(),
      name: { type: STRING(255), allowNull: true },
      description: { type: TEXT, allowNull: true },
      active: { type: BOOLEAN, allowNull: false, defaultValue: true },
      metadata: { type: JSONTYPE, allowNull: true },
      deleted: { type: BOOLEAN, allowNull: false, defaultValue: false },
      stripe_created_at: { type: DATE, allowNull: true },
      raw: { type: JSONTYPE, allowNull: true },
      source_version: sourceVersion,
      ...timestamps,
    },
  },
  prices: {
    attributes: {
      id,
      stripe_price_id: stripeId(),
      stripe_product_id: { type: STRING(255), allowNull: true },
      active: { type: BOOLEAN, allowNull: false, defaultValue: true },
      currency: { type: STRING(3), allowNull: false },
      unit_amount: money(),
      unit_amount_decimal: { type: STRING(64), allowNull: true },
      type: { type: STRING(20), allowNull: false },
      billing_scheme: { type: STRING(20), allowNull: true },
      recurring_interval: { type: STRING(10), allowNull: true },
      recurring_interval_count: { type: INTEGER, allowNull: true },
      recurring_usage_type: { type: STRING(20), allowNull: true },
      tiers_mode: { type: STRING(20), allowNull: true },
      tiers: { type: JSONTYPE, allowNull: true },
      nickname: { type: STRING(255), allowNull: true },
      lookup_key: { type: STRING(255), allowNull: true },
      metadata: { type: JSONTYPE, allowNull: true },
      deleted: { type: BOOLEAN, allowNull: false, defaultValue: false },
      stripe_created_at: { type: DATE, allowNull: true },
      raw: { type: JSONTYPE, allowNull: true },
      source_version: sourceVersion,
      ...timestamps,
    },
    indexes: [{ name: 'idx_prices_product', fields: ['stripe_product_id'] }],
  },
  coupons: {
    attributes: {
      id,
      stripe_coupon_id: stripeId(),
      name: { type: STRING(255), allowNull: true },
      percent_off: { type: STRING(32), allowNull: true },
      amount_off: money(),
      currency: { type: STRING(3), allowNull: true },
      duration: { type: STRING(20), allowNull: false },
      duration_in_months: { type: INTEGER, allowNull: true },
      valid: { type: BOOLEAN, allowNull: false, defaultValue: true },
      deleted: { type: BOOLEAN, allowNull: false, defaultValue: false },
      stripe_created_at: { type: DATE, allowNull: true },
      raw: { type: JSONTYPE, allowNull: true },
      source_version: sourceVersion,
      ...timestamps,
    },
  },
  subscription_items: {
    attributes: {
      id,
      stripe_subscription_item_id: stripeId(),
      stripe_subscription_id: { type: STRING(255), allowNull: false },
      stripe_price_id: { type: STRING(255), allowNull: true },
      stripe_product_id: { type: STRING(255), allowNull: true },
      quantity: { type: INTEGER, allowNull: true },
      current_period_start: { type: DATE, allowNull: true },
      current_period_end: { type: DATE, allowNull: true },
      deleted: { type: BOOLEAN, allowNull: false, defaultValue: false },
      stripe_created_at: { type: DATE, allowNull: true },
      raw: { type: JSONTYPE, allowNull: true },
      source_version: sourceVersion,
      ...timestamps,
    },
    indexes: [
      { name: 'idx_items_subscription', fields: ['stripe_subscription_id'] },
      { name: 'idx_items_price', fields: ['stripe_price_id'] },
    ],
  },
  invoices: {
    attributes: {
      id,
      stripe_invoice_id: stripeId(),
      stripe_customer_id: { type: STRING(255), allowNull: true },
      stripe_subscription_id: { type: STRING(255), allowNull: true },
      number: { type: STRING(64), allowNull: true },
      status: { type: STRING(20), allowNull: true },
      billing_reason: { type: STRING(40), allowNull: true },
      collection_method: { type: STRING(30), allowNull: true },
      currency: { type: STRING(3), allowNull: false },
      subtotal: money(),
      total: money(),
      tax: money(),
      total_discount_amount: money(),
      amount_due: money(),
      amount_paid: money(),
      amount_remaining: money(),
      attempt_count: { type: INTEGER, allowNull: true },
      period_start: { type: DATE, allowNull: true },
      period_end: { type: DATE, allowNull: true },
      stripe_created_at: { type: DATE, allowNull: true },
      finalized_at: { type: DATE, allowNull: true },
      paid_at: { type: DATE, allowNull: true },
      due_date: { type: DATE, allowNull: true },
      raw: { type: JSONTYPE, allowNull: true },
      source_version: sourceVersion,
      ...timestamps,
    },
    indexes: [
      { name: 'idx_invoices_customer', fields: ['stripe_customer_id', 'stripe_created_at'] },
      { name: 'idx_invoices_subscription', fields: ['stripe_subscription_id'] },
      { name: 'idx_invoices_status', fields: ['status'] },
      { name: 'idx_invoices_created', fields: ['stripe_created_at'] },
    ],
  },
  invoice_lines: {
    attributes: {
      id,
      stripe_line_item_id: stripeId(),
      stripe_invoice_id: { type: STRING(255), allowNull: false },
      stripe_customer_id: { type: STRING(255), allowNull: true },
      stripe_subscription_id: { type: STRING(255), allowNull: true },
      stripe_subscription_item_id: { type: STRING(255), allowNull: true },
      stripe_price_id: { type: STRING(255), allowNull: true },
      stripe_product_id: { type: STRING(255), allowNull: true },
      parent_type: { type: STRING(40), allowNull: true },
      proration: { type: BOOLEAN, allowNull: false, defaultValue: false },
      quantity: { type: INTEGER, allowNull: true },
      amount: money(),
      currency: { type: STRING(3), allowNull: false },
      discount_amount: money(),
      period_start: { type: DATE, allowNull: true },
      period_end: { type: DATE, allowNull: true },
      description: { type: TEXT, allowNull: true },
      raw: { type: JSONTYPE, allowNull: true },
      ...timestamps,
    },
    indexes: [
      { name: 'idx_lines_invoice', fields: ['stripe_invoice_id'] },
      { name: 'idx_lines_subscription', fields: ['stripe_subscription_id', 'period_start'] },
      { name: 'idx_lines_customer', fields: ['stripe_customer_id'] },
    ],
  },
  payment_methods: {
    attributes: {
      id,
      stripe_payment_method_id: stripeId(),
      stripe_customer_id: { type: STRING(255), allowNull: true },
      type: { type: STRING(40), allowNull: false },
      card_brand: { type: STRING(40), allowNull: true },
      card_last4: { type: STRING(4), allowNull: true },
      card_exp_month: { type: INTEGER, allowNull: true },
      card_exp_year: { type: INTEGER, allowNull: true },
      card_funding: { type: STRING(20), allowNull: true },
      detached: { type: BOOLEAN, allowNull: false, defaultValue: false },
      stripe_created_at: { type: DATE, allowNull: true },
      raw: { type: JSONTYPE, allowNull: true },
      source_version: sourceVersion,
      ...timestamps,
    },
    indexes: [{ name: 'idx_pm_customer', fields: ['stripe_customer_id'] }],
  },
  charges: {
    attributes: {
      id,
      stripe_charge_id: stripeId(),
      stripe_customer_id: { type: STRING(255), allowNull: true },
      stripe_payment_intent_id: { type: STRING(255), allowNull: true },
      stripe_invoice_id: { type: STRING(255), allowNull: true },
      amount: money(),
      amount_captured: money(),
      amount_refunded: money(),
      currency: { type: STRING(3), allowNull: false },
      status: { type: STRING(20), allowNull: true },
      paid: { type: BOOLEAN, allowNull: false, defaultValue: false },
      refunded: { type: BOOLEAN, allowNull: false, defaultValue: false },
      failure_code: { type: STRING(64), allowNull: true },
      failure_message: { type: TEXT, allowNull: true },
      stripe_created_at: { type: DATE, allowNull: true },
      raw: { type: JSONTYPE, allowNull: true },
      source_version: sourceVersion,
      ...timestamps,
    },
    indexes: [
      { name: 'idx_charges_customer', fields: ['stripe_customer_id', 'stripe_created_at'] },
      { name: 'idx_charges_invoice', fields: ['stripe_invoice_id'] },
    ],
  },
  refunds: {
    attributes: {
      id,
      stripe_refund_id: stripeId(),
      stripe_charge_id: { type: STRING(255), allowNull: true },
      stripe_payment_intent_id: { type: STRING(255), allowNull: true },
      amount: money(),
      currency: { type: STRING(3), allowNull: false },
      status: { type: STRING(20), allowNull: true },
      reason: { type: STRING(64), allowNull: true },
      stripe_created_at: { type: DATE, allowNull: true },
      raw: { type: JSONTYPE, allowNull: true },
      source_version: sourceVersion,
      ...timestamps,
    },
    indexes: [{ name: 'idx_refunds_charge', fields: ['stripe_charge_id'] }],
  },
  stripe_events: {
    attributes: {
      id,
      stripe_event_id: stripeId(),
      type: { type: STRING(100), allowNull: false },
      api_version: { type: STRING(40), allowNull: true },
      /** Stripe's `created`, unix seconds: the order events are processed in. */
      stripe_created: { type: BIGINT, allowNull: false },
      object_id: { type: STRING(255), allowNull: true },
      object_type: { type: STRING(60), allowNull: true },
      livemode: { type: BOOLEAN, allowNull: false, defaultValue: false },
      payload: { type: JSONTYPE, allowNull: false },
      /** 'webhook' or 'poll': how the event reached us. */
      source: { type: STRING(10), allowNull: false },
      received_at: { type: DATE, allowNull: false },
      processed_at: { type: DATE, allowNull: true },
      attempts: { type: INTEGER, allowNull: false, defaultValue: 0 },
      last_error: { type: TEXT, allowNull: true },
    },
    indexes: [
      { name: 'idx_events_pending', fields: ['processed_at', 'stripe_created'] },
      { name: 'idx_events_object', fields: ['object_id'] },
      { name: 'idx_events_type', fields: ['type'] },
    ],
  },
  sync_runs: {
    attributes: {
      id,
      /** full | incremental | reconcile */
      kind: { type: STRING(20), allowNull: false },
      /** running | succeeded | failed | interrupted */
      status: { type: STRING(20), allowNull: false },
      triggered_by: { type: STRING(255), allowNull: true },
      started_at: { type: DATE, allowNull: false },
      finished_at: { type: DATE, allowNull: true },
      heartbeat_at: { type: DATE, allowNull: true },
      error: { type: TEXT, allowNull: true },
      /** Per object type: done, estimated total, rate. */
      progress: { type: JSONTYPE, allowNull: true },
      requests: { type: INTEGER, allowNull: false, defaultValue: 0 },
      objects: { type: INTEGER, allowNull: false, defaultValue: 0 },
      ...timestamps,
    },
    indexes: [{ name: 'idx_sync_runs_status', fields: ['status', 'started_at'] }],
  },
  sync_cursors: {
    attributes: {
      id,
      /** Which cursor family this is, e.g. `run:42` for a backfill, `events` for event polling. */
      scope: { type: STRING(64), allowNull: false },
      object_type: { type: STRING(60), allowNull: false },
      /** The `created` range [range_start, range_end) in unix seconds this cursor walks. */
      range_start: { type: BIGINT, allowNull: false, defaultValue: 0 },
      range_end: { type: BIGINT, allowNull: true },
      starting_after: { type: STRING(255), allowNull: true },
      done: { type: BOOLEAN, allowNull: false, defaultValue: false },
      fetched: { type: INTEGER, allowNull: false, defaultValue: 0 },
      ...timestamps,
    },
    indexes: [{ name: 'uniq_sync_cursor', fields: ['scope', 'object_type', 'range_start'], unique: true }],
  },
  mrr_movements: {
    attributes: {
      id,
      movement_date: { type: DATEONLY, allowNull: false },
      stripe_customer_id: { type: STRING(255), allowNull: false },
      /** new | expansion | contraction | churn | reactivation */
      movement_type: { type: STRING(20), allowNull: false },
      /** Signed change in the customer's currency, minor units. */
      amount: { type: BIGINT, allowNull: false },
      currency: { type: STRING(3), allowNull: false },
      reporting_amount: { type: BIGINT, allowNull: false },
      reporting_currency: { type: STRING(3), allowNull: false },
      stripe_subscription_ids: { type: JSONTYPE, allowNull: true },
      created_at: { type: DATE, allowNull: true },
    },
    indexes: [
      { name: 'idx_movements_date', fields: ['movement_date', 'movement_type'] },
      { name: 'idx_movements_customer', fields: ['stripe_customer_id', 'movement_date'] },
    ],
  },
  users: {
    attributes: {
      id,
      email: { type: STRING(255), allowNull: false, unique: true },
      name: { type: STRING(255), allowNull: true },
      password_hash: { type: STRING(255), allowNull: true },
      /** admin | analyst | viewer */
      role: { type: STRING(20), allowNull: false },
      disabled_at: { type: DATE, allowNull: true },
      last_login_at: { type: DATE, allowNull: true },
      ...timestamps,
    },
  },
  api_tokens: {
    attributes: {
      id,
      name: { type: STRING(255), allowNull: false },
      /** api (REST/tRPC integrations) | embed (read-only widgets) */
      kind: { type: STRING(10), allowNull: false, defaultValue: 'api' },
      role: { type: STRING(20), allowNull: false },
      /** The first characters of the token, to recognise it in lists; the rest is only hashed. */
      token_prefix: { type: STRING(24), allowNull: false },
      token_hash: { type: STRING(128), allowNull: false, unique: true },
      allowed_origins: { type: JSONTYPE, allowNull: true },
      expires_at: { type: DATE, allowNull: true },
      revoked_at: { type: DATE, allowNull: true },
      last_used_at: { type: DATE, allowNull: true },
      created_by_user_id: { type: INTEGER, allowNull: true },
      ...timestamps,
    },
  },
  audit_log: {
    attributes: {
      id,
      actor_user_id: { type: INTEGER, allowNull: true },
      /** Who, readable: a user's email, `token:<name>`, or `system`. */
      actor: { type: STRING(255), allowNull: false },
      action: { type: STRING(64), allowNull: false },
      target: { type: STRING(255), allowNull: true },
      details: { type: JSONTYPE, allowNull: true },
      ip: { type: STRING(64), allowNull: true },
      user_agent: { type: STRING(255), allowNull: true },
      created_at: { type: DATE, allowNull: false },
    },
    indexes: [
      { name: 'idx_audit_created', fields: ['created_at'] },
      { name: 'idx_audit_action', fields: ['action', 'created_at'] },
    ],
  },
  settings: {
    attributes: {
      key: { type: STRING(100), primaryKey: true },
      value: { type: JSONTYPE, allowNull: false },
      updated_by: { type: STRING(255), allowNull: true },
      ...timestamps,
    },
  },
};

/**
 * V2: what the analytics engine computes, stored where reads are cheap.
 * `customers` gets the customer's *current* figures (denormalised from customer_metrics and
 * the MRR history) so the customer list can filter and sort 100k rows on indexes.
 */
export const PLAN_TABLE_ADDITIONS_V2: Record<string, ModelAttributes> = {
  customers: {
    /** Current MRR in the customer's currency and in the reporting currency, minor units. */
    mrr: { type: BIGINT, allowNull: false, defaultValue: 0 },
    mrr_reporting: { type: BIGINT, allowNull: false, defaultValue: 0 },
    /** The customer's most significant subscription status: active, past_due, trialing, canceled, none. */
    subscription_status: { type: STRING(20), allowNull: false, defaultValue: 'none' },
    active_subscription_count: { type: INTEGER, allowNull: false, defaultValue: 0 },
    lifetime_value: { type: BIGINT, allowNull: false, defaultValue: 0 },
    health_score: { type: INTEGER, allowNull: true },
    churn_risk_score: { type: DataTypes.DECIMAL(3, 2), allowNull: true },
    /** The day of the customer's first MRR (their cohort), UTC. */
    first_mrr_date: { type: DATEONLY, allowNull: true },
    metrics_updated_at: { type: DATE, allowNull: true },
  },
  customer_metrics: {
    mrr: { type: BIGINT, allowNull: false, defaultValue: 0 },
    mrr_reporting: { type: BIGINT, allowNull: false, defaultValue: 0 },
    currency: { type: STRING(3), allowNull: true },
    /** [{factor, value, impact, label}] behind health_score and churn_risk_score, so the UI can say why. */
    health_factors: { type: JSONTYPE, allowNull: true },
    churn_risk_factors: { type: JSONTYPE, allowNull: true },
  },
  customer_analytics_daily: {
    reporting_currency: { type: STRING(3), allowNull: true },
    mrr: { type: BIGINT, allowNull: false, defaultValue: 0 },
    new_mrr: { type: BIGINT, allowNull: false, defaultValue: 0 },
    expansion_mrr: { type: BIGINT, allowNull: false, defaultValue: 0 },
    contraction_mrr: { type: BIGINT, allowNull: false, defaultValue: 0 },
    churned_mrr: { type: BIGINT, allowNull: false, defaultValue: 0 },
    reactivation_mrr: { type: BIGINT, allowNull: false, defaultValue: 0 },
    reactivated_customers: { type: INTEGER, allowNull: false, defaultValue: 0 },
    trialing_customers: { type: INTEGER, allowNull: false, defaultValue: 0 },
  },
};

export const PLAN_TABLE_INDEXES_V2: Record<string, { name: string; fields: string[]; unique?: boolean }[]> = {
  customers: [
    { name: 'idx_customers_status', fields: ['subscription_status', 'mrr_reporting'] },
    { name: 'idx_customers_mrr', fields: ['mrr_reporting'] },
    { name: 'idx_customers_health', fields: ['health_score'] },
    { name: 'idx_customers_cohort', fields: ['first_mrr_date'] },
    { name: 'idx_customers_name', fields: ['name'] },
  ],
};

export const TABLES_V2: Record<string, TableDefinition> = {
  /**
   * A customer's MRR history as spans of constant MRR: [start_date, end_date) with
   * end_date NULL while open. One row per customer and subscription change, not per day.
   */
  customer_mrr_spans: {
    attributes: {
      id,
      stripe_customer_id: { type: STRING(255), allowNull: false },
      start_date: { type: DATEONLY, allowNull: false },
      end_date: { type: DATEONLY, allowNull: true },
      mrr: { type: BIGINT, allowNull: false },
      currency: { type: STRING(3), allowNull: false },
      mrr_reporting: { type: BIGINT, allowNull: false },
      /** The subscriptions contributing to this span, for "explain this number". */
      stripe_subscription_ids: { type: JSONTYPE, allowNull: true },
    },
    indexes: [
      { name: 'idx_spans_customer', fields: ['stripe_customer_id', 'start_date'] },
      { name: 'idx_spans_dates', fields: ['start_date', 'end_date'] },
    ],
  },
  /** Leases so that several workers never run the same job at once; expired leases are taken over. */
  job_leases: {
    attributes: {
      name: { type: STRING(100), primaryKey: true },
      holder: { type: STRING(255), allowNull: false },
      expires_at: { type: DATE, allowNull: false },
      ...timestamps,
    },
  },
  /** Server-side sessions of the admin app (the cookie holds only a random id). */
  sessions: {
    attributes: {
      id: { type: STRING(64), primaryKey: true },
      user_id: { type: INTEGER, allowNull: false },
      expires_at: { type: DATE, allowNull: false },
      ip: { type: STRING(64), allowNull: true },
      user_agent: { type: STRING(255), allowNull: true },
      ...timestamps,
    },
    indexes: [{ name: 'idx_sessions_user', fields: ['user_id'] }],
  },
};

/** V3: the API's needs. */
export const PLAN_TABLE_ADDITIONS_V3: Record<string, ModelAttributes> = {
  customers: {
    /** Set by a GDPR erasure: PII was removed and must not be copied back from Stripe by the sync. */
    erased_at: { type: DATE, allowNull: true },
  },
};

export const PLAN_TABLE_INDEXES_V3: Record<string, { name: string; fields: string[]; unique?: boolean }[]> =
  {};

/** V4: the money columns that databases migrated before `money()` became a factory lack. */
export const TABLE_ADDITIONS_V4: Record<string, ModelAttributes> = {
  prices: { unit_amount: money() },
  coupons: { amount_off: money() },
  invoices: {
    subtotal: money(),
    total: money(),
    tax: money(),
    total_discount_amount: money(),
    amount_due: money(),
    amount_paid: money(),
    amount_remaining: money(),
  },
  invoice_lines: { amount: money(), discount_amount: money() },
  charges: { amount: money(), amount_captured: money(), amount_refunded: money() },
  refunds: { amount: money() },
};

/** V5: what the analytics engine's incremental updates read by day. */
export const TABLE_INDEXES_V5: Record<string, { name: string; fields: string[]; unique?: boolean }[]> = {
  /** Revenue collected per day (customer_analytics_daily.total_revenue) re-summed from a day on. */
  invoices: [{ name: 'idx_invoices_paid', fields: ['paid_at'] }],
};

/** V6: what the API's customer list and overview need at 100k customers (`npm run bench -- --only api`). */
export const TABLE_INDEXES_V6: Record<string, { name: string; fields: string[]; unique?: boolean }[]> = {
  customers: [
    /** Customers signed up before a day (overview, growth) without reading the rows. */
    { name: 'idx_customers_deleted_created', fields: ['deleted', 'stripe_created_at'] },
    /** The list's stats cards (count, active, at risk, MRR) from the index alone. */
    {
      name: 'idx_customers_stats',
      fields: ['deleted', 'subscription_status', 'mrr_reporting', 'health_score'],
    },
  ],
  /** Customers on a product: items by product, then their subscriptions. */
  subscription_items: [
    { name: 'idx_items_product', fields: ['stripe_product_id', 'stripe_subscription_id'] },
  ],
};

/**
 * V7: the customer list's sort orders within `deleted = 0`, so a page is read in index order
 * (SQLite otherwise picked the deleted/created index and sorted all 100k rows for every page).
 */
export const TABLE_INDEXES_V7: Record<string, { name: string; fields: string[]; unique?: boolean }[]> = {
  customers: [
    { name: 'idx_customers_list_name', fields: ['deleted', 'name'] },
    { name: 'idx_customers_list_mrr', fields: ['deleted', 'mrr_reporting'] },
    { name: 'idx_customers_list_health', fields: ['deleted', 'health_score'] },
    { name: 'idx_customers_list_ltv', fields: ['deleted', 'lifetime_value'] },
  ],
};

/**
 * V8 (SQLite only): the customer search reads name, email and Stripe id with `LIKE '%…%'`, which
 * no index can seek; this narrow covering index is scanned instead of the wide rows (the list's
 * stats over a search at 100k: ~300 ms -> ~50 ms). MariaDB refuses it (3072-byte key limit with
 * three utf8mb4 VARCHAR(255) columns).
 */
export const SQLITE_INDEXES_V8: Record<string, { name: string; fields: string[]; unique?: boolean }[]> = {
  customers: [
    {
      name: 'idx_customers_search',
      fields: [
        'deleted',
        'subscription_status',
        'name',
        'email',
        'stripe_customer_id',
        'mrr_reporting',
        'health_score',
      ],
    },
  ],
};

/**
 * V9 (SQLite only): covering indexes for the analytics engine's per-customer reads. The mirror
 * rows are wide (Stripe's raw JSON rides along), so reading a few columns of every invoice, line
 * and charge of a customer chunk used to pull whole rows page by page; these indexes hold the
 * columns the engine reads (`loadChunkInputs`). MariaDB refuses them (3072-byte key limit with
 * utf8mb4 VARCHAR(255) ids); its rows keep long JSON off-page anyway.
 */
export const SQLITE_INDEXES_V9: Record<string, { name: string; fields: string[]; unique?: boolean }[]> = {
  invoice_lines: [
    {
      name: 'idx_lines_engine',
      fields: [
        'stripe_customer_id',
        'parent_type',
        'discount_amount',
        'stripe_invoice_id',
        'stripe_subscription_id',
        'stripe_subscription_item_id',
        'stripe_price_id',
        'quantity',
        'amount',
        'proration',
        'period_start',
        'period_end',
      ],
    },
  ],
  invoices: [
    {
      name: 'idx_invoices_engine',
      fields: [
        'stripe_customer_id',
        'status',
        'total_discount_amount',
        'stripe_invoice_id',
        'stripe_subscription_id',
        'currency',
        'total',
        'tax',
        'amount_paid',
        'paid_at',
      ],
    },
  ],
  charges: [
    {
      name: 'idx_charges_engine',
      fields: [
        'stripe_customer_id',
        'stripe_charge_id',
        'stripe_invoice_id',
        'status',
        'paid',
        'stripe_created_at',
      ],
    },
  ],
  customer_subscriptions: [
    {
      name: 'idx_subscriptions_engine',
      fields: [
        'stripe_customer_id',
        'stripe_subscription_id',
        'status',
        'currency',
        'start_date',
        'stripe_created_at',
        'trial_start',
        'trial_end',
        'ended_at',
        'cancel_at',
        'canceled_at',
        'cancel_at_period_end',
        'current_period_start',
        'current_period_end',
        'stripe_product_id',
      ],
    },
  ],
  subscription_items: [
    {
      name: 'idx_items_engine',
      fields: [
        'stripe_subscription_id',
        'deleted',
        'stripe_subscription_item_id',
        'stripe_price_id',
        'quantity',
      ],
    },
  ],
};

/**
 * V10 (MySQL/MariaDB): the index the customer search scans, on the folded `customers.search_text`
 * generated column (dialect.ts `mysqlCustomerSearchColumn`; SQLite has an FTS5 table instead).
 */
export const CUSTOMER_SEARCH_INDEXES_V10: { name: string; fields: string[] }[] = [
  { name: 'idx_customers_search_text', fields: ['search_text'] },
];

/**
 * V11: the customer list's product/price filter at 100k customers, from covering indexes: the
 * stats start from a product's (or price's) live subscriptions and items and reach their customers
 * without reading subscription or item rows; a page probes each candidate customer the same way.
 */
export const TABLE_INDEXES_V11: Record<string, { name: string; fields: string[] }[]> = {
  subscription_items: [
    { name: 'idx_items_product_live', fields: ['stripe_product_id', 'deleted', 'stripe_subscription_id'] },
    { name: 'idx_items_price_live', fields: ['stripe_price_id', 'deleted', 'stripe_subscription_id'] },
  ],
  customer_subscriptions: [
    { name: 'idx_subscriptions_member', fields: ['stripe_subscription_id', 'status', 'stripe_customer_id'] },
    { name: 'idx_subscriptions_product_live', fields: ['stripe_product_id', 'status', 'stripe_customer_id'] },
    { name: 'idx_subscriptions_price_live', fields: ['stripe_price_id', 'status', 'stripe_customer_id'] },
  ],
};

/**
 * V12: the admin app's live channel polls `dataVersion` every 1.5 s per open page; the newest
 * metrics stamp must come from an index, not a scan of every customer (100k: a full scan per poll).
 */
export const TABLE_INDEXES_V12: Record<string, { name: string; fields: string[] }[]> = {
  customers: [{ name: 'idx_customers_metrics_updated', fields: ['metrics_updated_at'] }],
};

/**
 * V13: the cohort grid of /analytics reads the live customers whose first MRR falls in a range,
 * then each one's MRR spans. At 100k customers SQLite drove it from an index on `deleted` alone
 * and read every customer row and span row (~300 ms); from these covering indexes it reads
 * neither (~80 ms).
 */
export const TABLE_INDEXES_V13: Record<string, { name: string; fields: string[] }[]> = {
  customers: [
    { name: 'idx_customers_cohort_live', fields: ['deleted', 'first_mrr_date', 'stripe_customer_id'] },
  ],
  customer_mrr_spans: [
    {
      name: 'idx_spans_customer_cover',
      fields: ['stripe_customer_id', 'start_date', 'end_date', 'mrr_reporting'],
    },
  ],
};

/**
 * V3: the products and prices each customer is on now (a live subscription has the plan's own
 * product/price or an item of it), kept by the analytics engine with the customer's other current
 * figures. The customer list's product filter reads it by integer id: deriving it per request
 * from subscriptions and items took 60 ms on SQLite and 225 ms on MariaDB at 100k customers.
 */
export const TABLES_V3: Record<string, TableDefinition> = {
  customer_current_plans: {
    attributes: {
      id,
      customer_id: { type: INTEGER, allowNull: false },
      stripe_product_id: { type: STRING(255), allowNull: true },
      stripe_price_id: { type: STRING(255), allowNull: true },
    },
    indexes: [
      { name: 'idx_current_plans_product', fields: ['stripe_product_id', 'customer_id'] },
      { name: 'idx_current_plans_price', fields: ['stripe_price_id', 'customer_id'] },
      { name: 'idx_current_plans_customer', fields: ['customer_id'] },
    ],
  },
};

/**
 * V14: reads of subscriptions from a day on — the overview's trial conversion, and an incremental
 * update's re-summed daily counts (started, ended, trials), which otherwise scanned every subscription.
 */
export const TABLE_INDEXES_V14: Record<string, { name: string; fields: string[] }[]> = {
  customer_subscriptions: [
    { name: 'idx_subscriptions_trial_end', fields: ['trial_end', 'ended_at'] },
    { name: 'idx_subscriptions_start', fields: ['start_date'] },
    { name: 'idx_subscriptions_ended', fields: ['ended_at'] },
    { name: 'idx_subscriptions_trial_start', fields: ['trial_start', 'trial_end'] },
  ],
};

/**
 * V4: movements of each customer's MRR in each product (a subscription's MRR split across its
 * items' products pro rata, @medpro/metrics products.ts), so account figures can be segmented by
 * product: per day and product they add up to mrr_movements.
 */
export const TABLES_V4: Record<string, TableDefinition> = {
  product_mrr_movements: {
    attributes: {
      id,
      movement_date: { type: DATEONLY, allowNull: false },
      stripe_customer_id: { type: STRING(255), allowNull: false },
      stripe_product_id: { type: STRING(255), allowNull: false },
      movement_type: { type: STRING(20), allowNull: false },
      amount: { type: BIGINT, allowNull: false },
      currency: { type: STRING(3), allowNull: false },
      reporting_amount: { type: BIGINT, allowNull: false },
      reporting_currency: { type: STRING(3), allowNull: false },
      stripe_subscription_ids: { type: JSONTYPE, allowNull: true },
    },
    indexes: [
      // Narrow: a rebuild writes every row through both (wider ones cost 4 s at 100k customers).
      { name: 'idx_product_movements_product', fields: ['stripe_product_id', 'movement_date'] },
      { name: 'idx_product_movements_customer', fields: ['stripe_customer_id', 'stripe_product_id'] },
    ],
  },
};

/**
 * V5: plan segments. A customer's movements in a product carry the price (plan) when one price
 * made all of their MRR in that product (nearly always), so the plan's movements are those rows.
 * Where several did (a move from the yearly to the monthly plan, two plans at once), the
 * product's rows carry none and price_mrr_movements holds the movements per price: a move
 * within a product is churn of one plan and new MRR in the other there, an expansion or
 * contraction of the product. Either way a product's plans add up to it, day by day.
 */
export const TABLE_ADDITIONS_V5: Record<string, ModelAttributes> = {
  product_mrr_movements: { stripe_price_id: { type: STRING(255), allowNull: true } },
};

export const TABLES_V5: Record<string, TableDefinition> = {
  price_mrr_movements: {
    attributes: {
      id,
      movement_date: { type: DATEONLY, allowNull: false },
      stripe_customer_id: { type: STRING(255), allowNull: false },
      stripe_product_id: { type: STRING(255), allowNull: false },
      stripe_price_id: { type: STRING(255), allowNull: false },
      movement_type: { type: STRING(20), allowNull: false },
      amount: { type: BIGINT, allowNull: false },
      currency: { type: STRING(3), allowNull: false },
      reporting_amount: { type: BIGINT, allowNull: false },
      reporting_currency: { type: STRING(3), allowNull: false },
      stripe_subscription_ids: { type: JSONTYPE, allowNull: true },
    },
    indexes: [
      { name: 'idx_price_movements_price', fields: ['stripe_price_id', 'movement_date'] },
      { name: 'idx_price_movements_customer', fields: ['stripe_customer_id', 'stripe_price_id'] },
    ],
  },
};

/**
 * V6: invoice payments, the pinned API's link between an invoice and the payments that pay it
 * (a charge no longer names its invoice). The sync links charges.stripe_invoice_id through them
 * by payment intent (or by charge, for payments recorded as one), whichever is written first.
 * Every field is a column; no raw copy: the invoice's own raw holds its payments as listed.
 */
export const TABLES_V6: Record<string, TableDefinition> = {
  invoice_payments: {
    attributes: {
      id,
      stripe_invoice_payment_id: stripeId(),
      stripe_invoice_id: { type: STRING(255), allowNull: false },
      stripe_payment_intent_id: { type: STRING(255), allowNull: true },
      stripe_charge_id: { type: STRING(255), allowNull: true },
      status: { type: STRING(20), allowNull: false },
      is_default: { type: BOOLEAN, allowNull: false, defaultValue: false },
      amount_requested: money(),
      amount_paid: money(),
      currency: { type: STRING(3), allowNull: false },
      paid_at: { type: DATE, allowNull: true },
      canceled_at: { type: DATE, allowNull: true },
      stripe_created_at: { type: DATE, allowNull: true },
      source_version: sourceVersion,
      ...timestamps,
    },
    indexes: [
      { name: 'idx_invoice_payments_invoice', fields: ['stripe_invoice_id'] },
      { name: 'idx_invoice_payments_intent', fields: ['stripe_payment_intent_id'] },
      { name: 'idx_invoice_payments_charge', fields: ['stripe_charge_id'] },
    ],
  },
};

export const TABLE_INDEXES_V15: Record<string, { name: string; fields: string[] }[]> = {
  charges: [{ name: 'idx_charges_payment_intent', fields: ['stripe_payment_intent_id'] }],
};

/** The indexes a first SQLite backfill builds after loading, with their definitions (bulk-load.ts). */
export const TABLES_V7: Record<string, TableDefinition> = {
  deferred_indexes: {
    attributes: {
      name: { type: STRING(255), primaryKey: true },
      definition: { type: TEXT, allowNull: false },
    },
  },
};
