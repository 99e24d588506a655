/**
 * A small, realistic account for router tests (and for anyone testing pages against the router):
 * customers in every state, their subscriptions, items, prices, invoices, payment methods,
 * metrics with factors, MRR spans, activity, movements, 90 days of daily analytics, sync runs,
 * webhook events, and one user plus one API token per role. Rows are written directly, as the
 * sync and the analytics engine would leave them.
 */
import type { Database } from '@medpro/db';
import { insertSession, refreshCurrentPlans } from '@medpro/db';
import { addDays } from '@medpro/metrics';
import { createApiToken, createUser } from '../auth/accounts.ts';
import { randomSecret, sha256 } from '../auth/crypto.ts';
import type { Principal, Role } from '../context.ts';

export const SEED_NOW = new Date('2025-03-31T12:00:00Z');
export const DAILY_FROM = '2025-01-01';
export const DAILY_DAYS = 90;
export const PASSWORD = 'correct horse battery staple';

const at = (iso: string) => new Date(iso);

export interface SeedCustomer {
  id: string;
  name: string | null;
  email: string;
  phone: string | null;
  line1: string | null;
  postalCode: string | null;
  country: string | null;
  currency: string;
  status: string;
  mrr: number;
  mrrReporting: number;
  ltv: number;
  health: number | null;
  risk: number | null;
  delinquent: boolean;
  created: string;
  firstMrr: string | null;
}

export const CUSTOMERS: SeedCustomer[] = [
  {
    id: 'cus_ana',
    name: 'Ana Souza',
    email: 'ana.souza@example.com',
    phone: '+55 11 98765-4321',
    line1: 'Rua das Flores 123',
    postalCode: '01000-000',
    country: 'BR',
    currency: 'brl',
    status: 'active',
    mrr: 34800,
    mrrReporting: 34800,
    ltv: 717600,
    health: 92,
    risk: 0.08,
    delinquent: false,
    created: '2023-01-15T10:00:00Z',
    firstMrr: '2023-01-15',
  },
  {
    id: 'cus_joao',
    name: 'João Lima',
    email: 'joao.lima@example.com',
    phone: '+55 21 91234-5678',
    line1: 'Av. Atlântica 500',
    postalCode: '22010-000',
    country: 'BR',
    currency: 'brl',
    status: 'past_due',
    mrr: 9900,
    mrrReporting: 9900,
    ltv: 59400,
    health: 35,
    risk: 0.71,
    delinquent: true,
    created: '2024-09-10T08:30:00Z',
    firstMrr: '2024-09-10',
  },
  {
    id: 'cus_clinic',
    name: '=HYPERLINK("https://evil.example","Clínica <b>São João</b>")',
    email: 'contato@clinica.example',
    phone: null,
    line1: null,
    postalCode: null,
    country: 'BR',
    currency: 'brl',
    status: 'active',
    mrr: 29900,
    mrrReporting: 29900,
    ltv: 149500,
    health: 64,
    risk: 0.3,
    delinquent: false,
    created: '2024-10-01T12:00:00Z',
    firstMrr: '2024-10-01',
  },
  {
    id: 'cus_usd',
    name: 'Acme Health Inc',
    email: 'billing@acme.example',
    phone: '+1 415 555 0100',
    line1: '1 Market St',
    postalCode: '94105',
    country: 'US',
    currency: 'usd',
    status: 'active',
    mrr: 10000,
    mrrReporting: 54321,
    ltv: 120000,
    health: 81,
    risk: 0.12,
    delinquent: false,
    created: '2025-01-20T09:00:00Z',
    firstMrr: '2025-01-20',
  },
  {
    id: 'cus_gone',
    name: 'Maria 100%_off',
    email: 'maria@example.com',
    phone: null,
    line1: null,
    postalCode: null,
    country: 'PT',
    currency: 'brl',
    status: 'canceled',
    mrr: 0,
    mrrReporting: 0,
    ltv: 29900,
    health: null,
    risk: null,
    delinquent: false,
    created: '2024-11-05T00:00:00Z',
    firstMrr: '2024-11-05',
  },
  {
    id: 'cus_erase',
    name: 'Erase Me',
    email: 'erase.me@example.com',
    phone: '+55 31 99999-0000',
    line1: 'Rua Secreta 1',
    postalCode: '30000-000',
    country: 'BR',
    currency: 'brl',
    status: 'active',
    mrr: 4900,
    mrrReporting: 4900,
    ltv: 9800,
    health: 70,
    risk: 0.2,
    delinquent: false,
    created: '2025-02-01T00:00:00Z',
    firstMrr: '2025-02-01',
  },
];

/** One daily analytics row per day from DAILY_FROM: deterministic, with every movement kind. */
export function dailyRow(i: number) {
  return {
    date: addDays(DAILY_FROM, i),
    reporting_currency: 'BRL',
    total_active_customers: 100 + Math.floor(i / 3),
    trialing_customers: 2,
    new_customers: i % 3 === 0 ? 2 : 0,
    churned_customers: i % 10 === 0 ? 1 : 0,
    reactivated_customers: i % 30 === 5 ? 1 : 0,
    mrr: 1_000_000 + i * 1_000,
    new_mrr: i % 3 === 0 ? 3_000 : 0,
    expansion_mrr: i % 5 === 0 ? 1_500 : 0,
    reactivation_mrr: i % 30 === 5 ? 2_000 : 0,
    contraction_mrr: i % 7 === 0 ? 500 : 0,
    churned_mrr: i % 10 === 0 ? 2_500 : 0,
    new_subscriptions: i % 3 === 0 ? 2 : 0,
    canceled_subscriptions: i % 10 === 0 ? 1 : 0,
    total_revenue: 0,
    average_revenue_per_customer: 0,
  };
}

export interface SeededAccount {
  users: Record<Role, { id: number; email: string }>;
  /** Plaintext API tokens per role, plus an embed token (allowed on EMBED_ORIGIN). */
  tokens: Record<Role | 'embed', string>;
  principals: Record<Role | 'embed', Principal>;
}

export const EMBED_ORIGIN = 'https://catalog.example.com';

export async function seedAccount(db: Database): Promise<SeededAccount> {
  const m = db.models;
  const now = SEED_NOW;
  await m.Product.bulkCreate([
    { stripe_product_id: 'prod_clinic', name: 'MedPro Clinic', active: true },
    { stripe_product_id: 'prod_ai', name: 'AI Assistant Add-on', active: true },
    { stripe_product_id: 'prod_storage', name: 'Storage Expansion', active: true },
  ]);
  await m.Price.bulkCreate([
    price('price_clinic_m', 'prod_clinic', 'brl', 29900, 'month'),
    price('price_ai_m', 'prod_ai', 'brl', 4900, 'month'),
    price('price_clinic_y', 'prod_clinic', 'brl', 358800, 'year'),
    price('price_ai_usd', 'prod_ai', 'usd', 10000, 'month'),
  ]);
  await m.Customer.bulkCreate(
    CUSTOMERS.map((c) => ({
      stripe_customer_id: c.id,
      email: c.email,
      name: c.name,
      phone: c.phone,
      address_line1: c.line1,
      address_city: c.line1 ? 'Cidade' : null,
      address_postal_code: c.postalCode,
      address_country: c.country,
      currency: c.currency,
      delinquent: c.delinquent,
      stripe_created_at: at(c.created),
      default_payment_method_id: c.id === 'cus_ana' ? 'pm_ana_visa' : null,
      metadata: { crm: `crm-${c.id}` },
      raw: { id: c.id, email: c.email, name: c.name },
      mrr: c.mrr,
      mrr_reporting: c.mrrReporting,
      subscription_status: c.status,
      active_subscription_count: c.mrr > 0 ? 1 : 0,
      lifetime_value: c.ltv,
      health_score: c.health,
      churn_risk_score: c.risk,
      first_mrr_date: c.firstMrr,
      metrics_updated_at: now,
    })),
  );
  const sub = (id: string, customer: string, status: string, extra: Record<string, unknown> = {}) => ({
    stripe_subscription_id: id,
    stripe_customer_id: customer,
    status,
    currency: 'brl',
    current_period_start: at('2025-03-15T00:00:00Z'),
    current_period_end: at('2025-04-15T00:00:00Z'),
    start_date: at('2024-01-15T00:00:00Z'),
    stripe_created_at: at('2024-01-15T00:00:00Z'),
    raw: { id, customer_email: 'x@example.com' },
    ...extra,
  });
  await m.CustomerSubscription.bulkCreate([
    sub('sub_ana', 'cus_ana', 'active'),
    sub('sub_joao', 'cus_joao', 'past_due', {
      stripe_price_id: 'price_clinic_m',
      stripe_product_id: 'prod_clinic',
    }),
    sub('sub_clinic', 'cus_clinic', 'active', { cancel_at_period_end: true }),
    sub('sub_usd', 'cus_usd', 'trialing', { currency: 'usd', trial_end: at('2025-04-05T00:00:00Z') }),
    sub('sub_gone', 'cus_gone', 'canceled', {
      ended_at: at('2025-02-05T00:00:00Z'),
      canceled_at: at('2025-01-20T00:00:00Z'),
    }),
    sub('sub_erase', 'cus_erase', 'active'),
  ]);
  await m.SubscriptionItem.bulkCreate([
    item('si_ana_clinic', 'sub_ana', 'price_clinic_m', 'prod_clinic', 1),
    item('si_ana_ai', 'sub_ana', 'price_ai_m', 'prod_ai', 1),
    item('si_clinic', 'sub_clinic', 'price_clinic_m', 'prod_clinic', 1),
    item('si_usd', 'sub_usd', 'price_ai_usd', 'prod_ai', 1),
    item('si_gone', 'sub_gone', 'price_clinic_m', 'prod_clinic', 1),
    item('si_erase', 'sub_erase', 'price_ai_m', 'prod_ai', 1),
  ]);
  await refreshCurrentPlans(db.sequelize, 'all');
  await m.PaymentMethod.bulkCreate([
    {
      stripe_payment_method_id: 'pm_ana_visa',
      stripe_customer_id: 'cus_ana',
      type: 'card',
      card_brand: 'visa',
      card_last4: '4242',
      card_exp_month: 12,
      card_exp_year: 2027,
      raw: { billing_details: { email: 'ana.souza@example.com' } },
    },
  ]);
  await m.Invoice.bulkCreate(
    ['2025-01-15', '2025-02-15', '2025-03-15'].map((d, i) => ({
      stripe_invoice_id: `in_ana_${i}`,
      stripe_customer_id: 'cus_ana',
      stripe_subscription_id: 'sub_ana',
      number: `ANA-000${i}`,
      status: 'paid',
      currency: 'brl',
      total: 34800,
      amount_paid: 34800,
      amount_due: 34800,
      stripe_created_at: at(`${d}T00:00:00Z`),
      paid_at: at(`${d}T01:00:00Z`),
      raw: { customer_email: 'ana.souza@example.com' },
    })),
  );
  await m.CustomerMetrics.bulkCreate(
    CUSTOMERS.filter((c) => c.health !== null).map((c) => ({
      stripe_customer_id: c.id,
      metric_date: '2025-03-31',
      total_revenue: c.ltv,
      lifetime_value: c.ltv,
      health_score: c.health,
      churn_risk_score: c.risk,
      mrr: c.mrr,
      mrr_reporting: c.mrrReporting,
      currency: c.currency.toUpperCase(),
      health_factors: [
        {
          factor: 'failed_payments',
          value: c.delinquent ? 2 : 0,
          impact: c.delinquent ? -30 : 0,
          label: 'Failed payments (90 days)',
        },
        { factor: 'tenure', value: 12, impact: 5, label: 'Tenure' },
        { factor: 'card_expiring', value: true, impact: -10, label: 'Card expires before renewal' },
        { factor: 'mrr_trend', value: -0.1, impact: -5, label: 'MRR trend' },
      ],
      churn_risk_factors: [
        { factor: 'delinquent', value: c.delinquent, impact: c.delinquent ? 1.2 : 0, label: 'Delinquent' },
      ],
    })),
  );
  await m.CustomerMrrSpan.bulkCreate([
    {
      stripe_customer_id: 'cus_ana',
      start_date: '2023-01-15',
      end_date: '2024-06-01',
      mrr: 29900,
      currency: 'BRL',
      mrr_reporting: 29900,
    },
    {
      stripe_customer_id: 'cus_ana',
      start_date: '2024-06-01',
      end_date: null,
      mrr: 34800,
      currency: 'BRL',
      mrr_reporting: 34800,
    },
    {
      stripe_customer_id: 'cus_joao',
      start_date: '2024-09-10',
      end_date: null,
      mrr: 9900,
      currency: 'BRL',
      mrr_reporting: 9900,
    },
    {
      stripe_customer_id: 'cus_clinic',
      start_date: '2024-10-01',
      end_date: null,
      mrr: 29900,
      currency: 'BRL',
      mrr_reporting: 29900,
    },
    {
      stripe_customer_id: 'cus_usd',
      start_date: '2025-01-20',
      end_date: null,
      mrr: 10000,
      currency: 'USD',
      mrr_reporting: 54321,
    },
    {
      stripe_customer_id: 'cus_gone',
      start_date: '2024-11-05',
      end_date: '2025-02-05',
      mrr: 29900,
      currency: 'BRL',
      mrr_reporting: 29900,
    },
    {
      stripe_customer_id: 'cus_erase',
      start_date: '2025-02-01',
      end_date: null,
      mrr: 4900,
      currency: 'BRL',
      mrr_reporting: 4900,
    },
  ]);
  await m.CustomerActivity.bulkCreate([
    ...Array.from({ length: 25 }, (_, i) => ({
      stripe_customer_id: 'cus_ana',
      activity_type: i % 2 ? 'payment_succeeded' : 'invoice_created',
      activity_date: at(`2025-03-${String(1 + i).padStart(2, '0')}T10:00:00Z`),
      description: `Pagamento de Ana Souza <ana.souza@example.com> #${i}`,
      metadata: { amount: 34800 } as Record<string, unknown>,
      source_id: `evt_ana_${i}`,
    })),
    {
      stripe_customer_id: 'cus_erase',
      activity_type: 'payment_succeeded',
      activity_date: at('2025-03-01T10:00:00Z'),
      description: 'Payment from Erase Me (erase.me@example.com)',
      metadata: { email: 'erase.me@example.com' },
      source_id: 'evt_erase_1',
    },
  ]);
  // Every customer's MRR history as movements, and the same by product and by plan as the engine
  // splits them (a customer's first MRR in a product or plan is new in it).
  const movements: [string, string, string, number, string, string?, number?][] = [
    ['2024-10-01', 'cus_ana', 'new', 29900, 'prod_clinic'],
    ['2025-03-10', 'cus_ana', 'expansion', 4900, 'prod_ai'],
    ['2024-10-15', 'cus_clinic', 'new', 29900, 'prod_clinic'],
    ['2024-11-01', 'cus_joao', 'new', 29700, 'prod_clinic'],
    ['2025-03-12', 'cus_joao', 'contraction', -19800, 'prod_clinic'],
    ['2024-11-05', 'cus_gone', 'new', 29900, 'prod_clinic'],
    ['2025-02-05', 'cus_gone', 'churn', -29900, 'prod_clinic'],
    ['2025-01-20', 'cus_usd', 'new', 54321, 'prod_ai', 'USD', 10000],
    ['2025-02-01', 'cus_erase', 'new', 4900, 'prod_ai'],
  ];
  await m.MrrMovement.bulkCreate(
    movements.map(([date, customer, type, reporting, , currency, amount]) =>
      movement(date, customer, type, reporting, currency, amount),
    ),
  );
  const split = (
    table: string,
    rows: [string, string, string, number, Record<string, string>, string?, number?][],
  ) =>
    db.sequelize.getQueryInterface().bulkInsert(
      table,
      rows.map(([date, customer, type, reporting, ids, currency, amount]) => {
        const m = movement(date, customer, type, reporting, currency, amount);
        return { ...m, ...ids, stripe_subscription_ids: JSON.stringify(m.stripe_subscription_ids) };
      }),
    );
  await split(
    'product_mrr_movements',
    movements.map(([date, customer, type, reporting, product, currency, amount]) => [
      date,
      customer,
      type === 'expansion' ? 'new' : type,
      reporting,
      { stripe_product_id: product },
      currency,
      amount,
    ]),
  );
  // By plan: João moved from the yearly clinic plan to the monthly one (a contraction of the
  // product, churn of one plan and new MRR in the other).
  const clinicM = { stripe_product_id: 'prod_clinic', stripe_price_id: 'price_clinic_m' };
  const clinicY = { stripe_product_id: 'prod_clinic', stripe_price_id: 'price_clinic_y' };
  const aiM = { stripe_product_id: 'prod_ai', stripe_price_id: 'price_ai_m' };
  await split('price_mrr_movements', [
    ['2024-10-01', 'cus_ana', 'new', 29900, clinicM],
    ['2025-03-10', 'cus_ana', 'new', 4900, aiM],
    ['2024-10-15', 'cus_clinic', 'new', 29900, clinicM],
    ['2024-11-01', 'cus_joao', 'new', 29700, clinicY],
    ['2025-03-12', 'cus_joao', 'churn', -29700, clinicY],
    ['2025-03-12', 'cus_joao', 'new', 9900, clinicM],
    ['2024-11-05', 'cus_gone', 'new', 29900, clinicM],
    ['2025-02-05', 'cus_gone', 'churn', -29900, clinicM],
    [
      '2025-01-20',
      'cus_usd',
      'new',
      54321,
      { stripe_product_id: 'prod_ai', stripe_price_id: 'price_ai_usd' },
      'USD',
      10000,
    ],
    ['2025-02-01', 'cus_erase', 'new', 4900, aiM],
  ]);
  await m.CustomerAnalyticsDaily.bulkCreate(Array.from({ length: DAILY_DAYS }, (_, i) => dailyRow(i)));
  await m.SyncRun.bulkCreate([
    {
      kind: 'full',
      status: 'succeeded',
      triggered_by: 'system',
      started_at: at('2025-03-30T00:00:00Z'),
      finished_at: at('2025-03-30T00:05:00Z'),
      progress: { customers: { done: 6, total: 6 } },
      requests: 12,
      objects: 40,
    },
    {
      kind: 'incremental',
      status: 'failed',
      triggered_by: 'system',
      started_at: at('2025-03-31T00:00:00Z'),
      finished_at: at('2025-03-31T00:01:00Z'),
      error: 'Stripe answered 500 three times',
      requests: 3,
      objects: 0,
    },
  ]);
  await m.StripeEvent.bulkCreate([
    event('evt_1', 'customer.updated', 'cus_ana', 'webhook', '2025-03-31T10:00:00Z', true),
    event(
      'evt_2',
      'invoice.paid',
      'in_ana_2',
      'webhook',
      '2025-03-31T11:00:00Z',
      false,
      'boom: invoice not found',
    ),
    event('evt_3', 'customer.updated', 'cus_erase', 'poll', '2025-03-31T11:30:00Z', true),
  ]);

  const users = {} as SeededAccount['users'];
  const tokens = {} as SeededAccount['tokens'];
  const principals = {} as SeededAccount['principals'];
  for (const role of ['admin', 'analyst', 'viewer'] as const) {
    const { user } = await createUser(
      db,
      { email: `${role}@medpro.test`, name: role, role, password: PASSWORD },
      now,
    );
    users[role] = { id: user.id, email: user.email };
    const { secret } = await createApiToken(
      db,
      {
        name: `${role}-token`,
        kind: 'api',
        role,
        allowedOrigins: [],
        expiresAt: null,
        createdByUserId: user.id,
      },
      now,
    );
    tokens[role] = secret;
    const sessionId = randomSecret();
    await insertSession(db, {
      idHash: sha256(sessionId),
      userId: user.id,
      expiresAt: new Date(now.getTime() + 86_400_000),
      ip: null,
      userAgent: null,
      now,
    });
    principals[role] = {
      type: 'user',
      userId: user.id,
      email: user.email,
      name: role,
      role,
      sessionIdHash: sha256(sessionId),
    };
  }
  await m.Setting.create({ key: 'widget_settings', value: { allowedOrigins: [EMBED_ORIGIN] } });
  const embed = await createApiToken(
    db,
    {
      name: 'catalog-embed',
      kind: 'embed',
      role: 'viewer',
      allowedOrigins: [EMBED_ORIGIN],
      expiresAt: new Date(now.getTime() + 30 * 86_400_000),
      createdByUserId: users.admin.id,
    },
    now,
  );
  tokens.embed = embed.secret;
  principals.embed = {
    type: 'token',
    tokenId: embed.token.id,
    name: embed.token.name,
    kind: 'embed',
    role: 'viewer',
    createdByUserId: users.admin.id,
  };
  return { users, tokens, principals };
}

function price(id: string, product: string, currency: string, amount: number, interval: string) {
  return {
    stripe_price_id: id,
    stripe_product_id: product,
    currency,
    unit_amount: amount,
    type: 'recurring',
    billing_scheme: 'per_unit',
    recurring_interval: interval,
    recurring_interval_count: 1,
    recurring_usage_type: 'licensed',
    nickname: `${product} ${interval}`,
  };
}

function item(id: string, sub: string, priceId: string, product: string, quantity: number) {
  return {
    stripe_subscription_item_id: id,
    stripe_subscription_id: sub,
    stripe_price_id: priceId,
    stripe_product_id: product,
    quantity,
  };
}

function movement(
  date: string,
  customer: string,
  type: string,
  reporting: number,
  currency = 'BRL',
  amount = reporting,
) {
  return {
    movement_date: date,
    stripe_customer_id: customer,
    movement_type: type,
    amount,
    currency,
    reporting_amount: reporting,
    reporting_currency: 'BRL',
    stripe_subscription_ids: [`sub_${customer.slice(4)}`],
  };
}

function event(
  id: string,
  type: string,
  object: string,
  source: string,
  received: string,
  processed: boolean,
  error?: string,
) {
  return {
    stripe_event_id: id,
    type,
    stripe_created: Math.floor(Date.parse(received) / 1000),
    object_id: object,
    object_type: object.split('_')[0],
    payload: { id, type, data: { object: { id: object, email: 'ana.souza@example.com' } } },
    source,
    received_at: at(received),
    processed_at: processed ? at(received) : null,
    attempts: error ? 2 : processed ? 1 : 0,
    last_error: error ?? null,
  };
}
