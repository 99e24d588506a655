import { DataTypes, type Model, type ModelAttributes, type ModelStatic, type Sequelize } from 'sequelize';
import {
  PLAN_TABLE_ADDITIONS_V1,
  PLAN_TABLE_ADDITIONS_V2,
  PLAN_TABLE_ADDITIONS_V3,
  TABLES_V1,
  TABLES_V2,
} from './schema.ts';

const { STRING, TEXT, INTEGER, BOOLEAN, DATE, DATEONLY, DECIMAL, JSON: JSONTYPE } = DataTypes;
type Json = unknown;

// Row shapes: what a query returns with `raw: true` (dates as Date, JSON parsed by the model getters).
export interface CustomerRow {
  id: number;
  stripe_customer_id: string;
  /** The plan keeps email NOT NULL; a Stripe customer without an email is stored as ''. */
  email: string;
  name: string | null;
  description: string | null;
  phone: string | null;
  address_line1: string | null;
  address_line2: string | null;
  address_city: string | null;
  address_state: string | null;
  address_postal_code: string | null;
  address_country: string | null;
  metadata: Record<string, string> | null;
  created_at: Date | null;
  updated_at: Date | null;
  stripe_created_at: Date | null;
  currency: string | null;
  deleted: boolean;
  delinquent: boolean;
  balance: number;
  last_sync_at: Date | null;
  default_payment_method_id: string | null;
  raw: Json;
  source_version: number;
  // Current figures, kept by the analytics engine.
  mrr: number;
  mrr_reporting: number;
  subscription_status: 'active' | 'past_due' | 'trialing' | 'canceled' | 'none' | string;
  active_subscription_count: number;
  lifetime_value: number;
  health_score: number | null;
  churn_risk_score: number | null;
  first_mrr_date: string | null;
  metrics_updated_at: Date | null;
  /** Set by a GDPR erasure; the sync must not copy PII back. */
  erased_at: Date | null;
}

export interface CustomerSubscriptionRow {
  id: number;
  stripe_subscription_id: string;
  stripe_customer_id: string;
  stripe_price_id: string | null;
  stripe_product_id: string | null;
  status: string | null;
  current_period_start: Date | null;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
  canceled_at: Date | null;
  ended_at: Date | null;
  trial_start: Date | null;
  trial_end: Date | null;
  metadata: Record<string, string> | null;
  created_at: Date | null;
  updated_at: Date | null;
  quantity: number | null;
  currency: string | null;
  collection_method: string | null;
  cancel_at: Date | null;
  start_date: Date | null;
  stripe_created_at: Date | null;
  latest_invoice_id: string | null;
  raw: Json;
  source_version: number;
}

export interface CustomerMetricsRow {
  id: number;
  stripe_customer_id: string;
  metric_date: string;
  total_revenue: number;
  subscription_count: number;
  active_subscription_count: number;
  lifetime_value: number;
  average_order_value: number;
  last_payment_date: Date | null;
  churn_risk_score: number | null;
  health_score: number | null;
  created_at: Date | null;
  updated_at: Date | null;
  mrr: number;
  mrr_reporting: number;
  currency: string | null;
  health_factors: ScoreFactor[] | null;
  churn_risk_factors: ScoreFactor[] | null;
}

/** One factor behind a health or churn-risk score, as stored for "why". */
export interface ScoreFactor {
  factor: string;
  value: number | string | boolean | null;
  impact: number;
  label: string;
}

export interface CustomerActivityRow {
  id: number;
  stripe_customer_id: string;
  activity_type: string | null;
  activity_date: Date | null;
  description: string | null;
  metadata: Json;
  created_at: Date | null;
  source_id: string | null;
}

export interface CustomerAnalyticsDailyRow {
  id: number;
  date: string;
  new_customers: number;
  churned_customers: number;
  total_active_customers: number;
  total_revenue: number;
  average_revenue_per_customer: number;
  new_subscriptions: number;
  canceled_subscriptions: number;
  created_at: Date | null;
  reporting_currency: string | null;
  mrr: number;
  new_mrr: number;
  expansion_mrr: number;
  contraction_mrr: number;
  churned_mrr: number;
  reactivation_mrr: number;
  reactivated_customers: number;
  trialing_customers: number;
}

export interface CustomerMrrSpanRow {
  id: number;
  stripe_customer_id: string;
  start_date: string;
  end_date: string | null;
  mrr: number;
  currency: string;
  mrr_reporting: number;
  stripe_subscription_ids: string[] | null;
}

export interface SessionRow {
  id: string;
  user_id: number;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
  created_at: Date | null;
  updated_at: Date | null;
}

export interface UserRow {
  id: number;
  email: string;
  name: string | null;
  password_hash: string | null;
  role: string;
  disabled_at: Date | null;
  last_login_at: Date | null;
  created_at: Date | null;
  updated_at: Date | null;
}

export interface ApiTokenRow {
  id: number;
  name: string;
  kind: string;
  role: string;
  token_prefix: string;
  token_hash: string;
  allowed_origins: string[] | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  created_by_user_id: number | null;
  created_at: Date | null;
  updated_at: Date | null;
}

export interface SyncRunRow {
  id: number;
  kind: string;
  status: string;
  triggered_by: string | null;
  started_at: Date;
  finished_at: Date | null;
  heartbeat_at: Date | null;
  error: string | null;
  progress: Json;
  requests: number;
  objects: number;
  created_at: Date | null;
  updated_at: Date | null;
}

export interface SettingRow {
  key: string;
  value: Json;
  updated_by: string | null;
  created_at: Date | null;
  updated_at: Date | null;
}

/** A model whose rows are plain objects of shape T. */
export type TableModel<T extends object> = ModelStatic<Model<T, Partial<T>>>;

/** JSON columns read back as strings on MariaDB; parse them in one place. */
function withJsonGetters(attributes: ModelAttributes): ModelAttributes {
  const out: ModelAttributes = {};
  for (const [name, spec] of Object.entries(attributes)) {
    const isJson = typeof spec === 'object' && spec !== null && 'type' in spec && spec.type === JSONTYPE;
    out[name] = isJson
      ? {
          ...spec,
          get(this: Model) {
            const value = this.getDataValue(name);
            return typeof value === 'string' && value !== '' ? JSON.parse(value) : value;
          },
        }
      : spec;
  }
  return out;
}

const planAttributes = {
  customers: {
    id: { type: INTEGER, primaryKey: true, autoIncrement: true },
    stripe_customer_id: { type: STRING(255), allowNull: false, unique: true },
    email: { type: STRING(255), allowNull: false },
    name: STRING(255),
    description: TEXT,
    phone: STRING(50),
    address_line1: STRING(255),
    address_line2: STRING(255),
    address_city: STRING(100),
    address_state: STRING(100),
    address_postal_code: STRING(20),
    address_country: STRING(2),
    metadata: { type: JSONTYPE },
    created_at: DATE,
    updated_at: DATE,
    stripe_created_at: DATE,
    currency: STRING(3),
    deleted: { type: BOOLEAN, defaultValue: false },
    delinquent: { type: BOOLEAN, defaultValue: false },
    balance: { type: INTEGER, defaultValue: 0 },
    last_sync_at: DATE,
    ...PLAN_TABLE_ADDITIONS_V1.customers,
    ...PLAN_TABLE_ADDITIONS_V2.customers,
    ...PLAN_TABLE_ADDITIONS_V3.customers,
  },
  customer_subscriptions: {
    id: { type: INTEGER, primaryKey: true, autoIncrement: true },
    stripe_subscription_id: { type: STRING(255), allowNull: false, unique: true },
    stripe_customer_id: { type: STRING(255), allowNull: false },
    stripe_price_id: STRING(255),
    stripe_product_id: STRING(255),
    status: STRING(50),
    current_period_start: DATE,
    current_period_end: DATE,
    cancel_at_period_end: { type: BOOLEAN, defaultValue: false },
    canceled_at: DATE,
    ended_at: DATE,
    trial_start: DATE,
    trial_end: DATE,
    metadata: { type: JSONTYPE },
    created_at: DATE,
    updated_at: DATE,
    ...PLAN_TABLE_ADDITIONS_V1.customer_subscriptions,
  },
  customer_metrics: {
    id: { type: INTEGER, primaryKey: true, autoIncrement: true },
    stripe_customer_id: { type: STRING(255), allowNull: false },
    metric_date: { type: DATEONLY, allowNull: false },
    total_revenue: { type: INTEGER, defaultValue: 0 },
    subscription_count: { type: INTEGER, defaultValue: 0 },
    active_subscription_count: { type: INTEGER, defaultValue: 0 },
    lifetime_value: { type: INTEGER, defaultValue: 0 },
    average_order_value: { type: INTEGER, defaultValue: 0 },
    last_payment_date: DATE,
    churn_risk_score: DECIMAL(3, 2),
    health_score: INTEGER,
    created_at: DATE,
    updated_at: DATE,
    ...PLAN_TABLE_ADDITIONS_V2.customer_metrics,
  },
  customer_activity: {
    id: { type: INTEGER, primaryKey: true, autoIncrement: true },
    stripe_customer_id: { type: STRING(255), allowNull: false },
    activity_type: STRING(50),
    activity_date: DATE,
    description: TEXT,
    metadata: { type: JSONTYPE },
    created_at: DATE,
    ...PLAN_TABLE_ADDITIONS_V1.customer_activity,
  },
  customer_analytics_daily: {
    id: { type: INTEGER, primaryKey: true, autoIncrement: true },
    date: { type: DATEONLY, allowNull: false },
    new_customers: { type: INTEGER, defaultValue: 0 },
    churned_customers: { type: INTEGER, defaultValue: 0 },
    total_active_customers: { type: INTEGER, defaultValue: 0 },
    total_revenue: { type: INTEGER, defaultValue: 0 },
    average_revenue_per_customer: { type: INTEGER, defaultValue: 0 },
    new_subscriptions: { type: INTEGER, defaultValue: 0 },
    canceled_subscriptions: { type: INTEGER, defaultValue: 0 },
    created_at: DATE,
    ...PLAN_TABLE_ADDITIONS_V2.customer_analytics_daily,
  },
} satisfies Record<string, ModelAttributes>;

function define<T extends object>(
  sequelize: Sequelize,
  table: string,
  attributes: ModelAttributes,
): TableModel<T> {
  const hasUpdatedAt = 'updated_at' in attributes;
  const hasCreatedAt = 'created_at' in attributes;
  return sequelize.define(table, withJsonGetters(attributes), {
    tableName: table,
    underscored: true,
    timestamps: hasCreatedAt || hasUpdatedAt,
    createdAt: hasCreatedAt ? 'created_at' : false,
    updatedAt: hasUpdatedAt ? 'updated_at' : false,
  }) as unknown as TableModel<T>;
}

type AnyRow = Record<string, unknown>;

export function defineModels(sequelize: Sequelize) {
  const t = (name: string) => (TABLES_V1[name] ?? TABLES_V2[name])!.attributes;
  return {
    Customer: define<CustomerRow>(sequelize, 'customers', planAttributes.customers),
    CustomerSubscription: define<CustomerSubscriptionRow>(
      sequelize,
      'customer_subscriptions',
      planAttributes.customer_subscriptions,
    ),
    CustomerMetrics: define<CustomerMetricsRow>(
      sequelize,
      'customer_metrics',
      planAttributes.customer_metrics,
    ),
    CustomerActivity: define<CustomerActivityRow>(
      sequelize,
      'customer_activity',
      planAttributes.customer_activity,
    ),
    CustomerAnalyticsDaily: define<CustomerAnalyticsDailyRow>(
      sequelize,
      'customer_analytics_daily',
      planAttributes.customer_analytics_daily,
    ),
    Product: define<AnyRow>(sequelize, 'products', t('products')),
    Price: define<AnyRow>(sequelize, 'prices', t('prices')),
    Coupon: define<AnyRow>(sequelize, 'coupons', t('coupons')),
    SubscriptionItem: define<AnyRow>(sequelize, 'subscription_items', t('subscription_items')),
    Invoice: define<AnyRow>(sequelize, 'invoices', t('invoices')),
    InvoiceLine: define<AnyRow>(sequelize, 'invoice_lines', t('invoice_lines')),
    PaymentMethod: define<AnyRow>(sequelize, 'payment_methods', t('payment_methods')),
    Charge: define<AnyRow>(sequelize, 'charges', t('charges')),
    Refund: define<AnyRow>(sequelize, 'refunds', t('refunds')),
    StripeEvent: define<AnyRow>(sequelize, 'stripe_events', t('stripe_events')),
    SyncRun: define<SyncRunRow>(sequelize, 'sync_runs', t('sync_runs')),
    SyncCursor: define<AnyRow>(sequelize, 'sync_cursors', t('sync_cursors')),
    MrrMovement: define<AnyRow>(sequelize, 'mrr_movements', t('mrr_movements')),
    User: define<UserRow>(sequelize, 'users', t('users')),
    ApiToken: define<ApiTokenRow>(sequelize, 'api_tokens', t('api_tokens')),
    AuditLog: define<AnyRow>(sequelize, 'audit_log', t('audit_log')),
    Setting: define<SettingRow>(sequelize, 'settings', t('settings')),
    CustomerMrrSpan: define<CustomerMrrSpanRow>(sequelize, 'customer_mrr_spans', t('customer_mrr_spans')),
    JobLease: define<AnyRow>(sequelize, 'job_leases', t('job_leases')),
    Session: define<SessionRow>(sequelize, 'sessions', t('sessions')),
  };
}

export type Models = ReturnType<typeof defineModels>;
