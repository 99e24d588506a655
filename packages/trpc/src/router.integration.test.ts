/**
 * Every procedure of the router, table-driven: 401 without credentials, 403 for a role (or token
 * kind) that may not, 400 with field errors on bad input, and the right data otherwise. A new
 * procedure without an entry in CASES fails the suite.
 */
import type { Database } from '@medpro/db';
import { createTestDatabase, testDialects } from '@medpro/db/testing';
import { addDays } from '@medpro/metrics';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError, z } from 'zod';
import { sha256 } from './auth/crypto.ts';
import { createContext, type Principal } from './context.ts';
import { AppError } from './errors.ts';
import { procedureDefs } from './introspect.ts';
import { createCaller } from './root.ts';
import { callProcedure } from './testing/call.ts';
import {
  CUSTOMERS,
  dailyRow,
  EMBED_ORIGIN,
  PASSWORD,
  SEED_NOW,
  type SeededAccount,
  seedAccount,
} from './testing/seed.ts';

type Access = 'public' | 'user' | 'viewer' | 'analyst' | 'admin' | 'widget';
type Data = Record<string, unknown>;
interface Env {
  db: Database;
  seed: SeededAccount;
  targets: { roleUser: number; disableUser: number; token: number };
}
interface Case {
  access: Access;
  valid: unknown | ((env: Env) => unknown);
  bad: unknown;
  /** The field the bad input must be reported on (absent for input-less procedures). */
  badField?: string;
  check(data: Data, env: Env): void | Promise<void>;
}

const sum = (from: number, to: number, f: (r: ReturnType<typeof dailyRow>) => number) => {
  let t = 0;
  for (let i = from; i <= to; i++) t += f(dailyRow(i));
  return t;
};
const DAY = (i: number) => addDays('2025-01-01', i);

const CASES: Record<string, Case> = {
  'customers.list': {
    access: 'viewer',
    valid: { search: 'souza', sort: 'mrr' },
    bad: { limit: 1000 },
    badField: 'limit',
    check: (d) => {
      expect(d).toMatchObject({ total: 1, page: 1, limit: 20, totalPages: 1, currency: 'BRL' });
      expect(d.customers).toEqual([
        expect.objectContaining({
          stripeCustomerId: 'cus_ana',
          email: 'a***@example.com',
          name: 'Ana Souza',
          status: 'active',
          mrr: 34800,
          lifetimeValue: 717600,
          healthScore: 92,
          healthBand: 'good',
          activeSubscriptions: 1,
        }),
      ]);
      expect(d.stats).toEqual({ total: 1, active: 1, atRisk: 0, mrr: 34800 });
    },
  },
  'customers.get': {
    access: 'viewer',
    valid: { id: 'cus_ana' },
    bad: { id: '' },
    badField: 'id',
    check: (d) => {
      const x = d as {
        customer: Data;
        subscriptions: { items: { monthlyAmount: number }[]; monthlyAmount: number; renewsAt: Date }[];
        paymentMethod: Data;
        metrics: { healthFactors: unknown[] };
        invoices: unknown[];
        mrrHistory: unknown[];
      };
      expect(x.customer).toMatchObject({
        email: 'a***@example.com',
        phone: '***21',
        address: { line1: '***' },
        metadata: { crm: 'crm-cus_ana' },
      });
      expect(x.subscriptions).toHaveLength(1);
      expect(x.subscriptions[0]!.items.map((i) => i.monthlyAmount)).toEqual([29900, 4900]);
      expect(x.subscriptions[0]!.monthlyAmount).toBe(34800);
      expect(x.subscriptions[0]!.renewsAt).toEqual(new Date('2025-04-15T00:00:00Z'));
      expect(x.paymentMethod).toEqual({
        type: 'card',
        brand: 'visa',
        last4: '4242',
        expMonth: 12,
        expYear: 2027,
      });
      expect(x.metrics.healthFactors).toHaveLength(4);
      expect(x.invoices).toHaveLength(3);
      expect(x.mrrHistory).toEqual([
        { startDate: '2023-01-15', endDate: '2024-06-01', mrr: 29900, currency: 'BRL', mrrReporting: 29900 },
        { startDate: '2024-06-01', endDate: null, mrr: 34800, currency: 'BRL', mrrReporting: 34800 },
      ]);
    },
  },
  'customers.subscriptions': {
    access: 'viewer',
    valid: { id: 'cus_gone' },
    bad: { id: 'cus_gone', status: 'ended' },
    badField: 'status',
    check: (d) => {
      expect(d.subscriptions).toEqual([
        expect.objectContaining({ stripeSubscriptionId: 'sub_gone', status: 'canceled', renewsAt: null }),
      ]);
    },
  },
  'customers.activity': {
    access: 'viewer',
    valid: { id: 'cus_ana', page: 2, limit: 10 },
    bad: { id: 'cus_ana', page: 0 },
    badField: 'page',
    check: (d) => {
      expect(d).toMatchObject({ total: 25, page: 2, totalPages: 3 });
      const items = d.activities as { description: string }[];
      expect(items).toHaveLength(10);
      // Newest first: page 2 starts at the 11th newest (#14).
      expect(items[0]!.description).toBe('Pagamento de Ana Souza <a***@example.com> #14');
    },
  },
  'customers.export': {
    access: 'analyst',
    valid: { country: ['br'] },
    bad: { mrrMin: -1 },
    badField: 'mrrMin',
    check: (d) => {
      const lines = String(d.csv).trimEnd().split('\r\n');
      expect(lines[0]).toMatch(/^stripe_customer_id,name,email,phone,/);
      expect(lines).toHaveLength(1 + CUSTOMERS.filter((c) => c.country === 'BR').length);
      // Formula-looking text is neutralised and quoted; data stays data.
      expect(lines.find((l) => l.startsWith('cus_clinic'))).toContain(
        `"'=HYPERLINK(""https://evil.example"",""Clínica <b>São João</b>"")"`,
      );
      expect(lines.find((l) => l.startsWith('cus_ana'))).toContain('ana.souza@example.com');
    },
  },
  'customers.products': {
    access: 'viewer',
    valid: {},
    bad: { active: true },
    check: (d) => {
      expect((d as unknown as Data[]).map((p) => p.name)).toEqual([
        'AI Assistant Add-on',
        'MedPro Clinic',
        'Storage Expansion',
      ]);
    },
  },
  'customers.erase': {
    access: 'admin',
    valid: { id: 'cus_erase' },
    bad: { id: 'not an id' },
    badField: 'id',
    check: async (d, { db }) => {
      expect(d).toMatchObject({ stripeCustomerId: 'cus_erase', erasedAt: SEED_NOW });
      const row = await db.models.Customer.findOne({ where: { stripe_customer_id: 'cus_erase' }, raw: true });
      expect(row).toMatchObject({ email: '', name: null, phone: null, address_line1: null, raw: null });
      expect(Number((row as unknown as Data).mrr)).toBe(4900);
      const activity = await db.models.CustomerActivity.findOne({
        where: { stripe_customer_id: 'cus_erase' },
        attributes: ['description', 'metadata'],
        raw: true,
      });
      expect(activity).toEqual({ description: 'Payment from [erased] ([erased])', metadata: null });
    },
  },
  'analytics.overview': {
    access: 'viewer',
    valid: { from: '2025-03-02', to: '2025-03-31' },
    bad: { from: '2025-13-01' },
    badField: 'from',
    check: (d) => {
      const mrrAtStart = dailyRow(59).mrr;
      const net =
        sum(60, 89, (r) => r.churned_mrr + r.contraction_mrr) -
        sum(60, 89, (r) => r.expansion_mrr + r.reactivation_mrr);
      expect(d).toMatchObject({
        from: '2025-03-02',
        to: '2025-03-31',
        currency: 'BRL',
        asOf: '2025-03-31',
        totalCustomers: 6,
        activeCustomers: dailyRow(89).total_active_customers,
        newCustomers: sum(60, 89, (r) => r.new_customers),
        newCustomers30d: sum(60, 89, (r) => r.new_customers),
        mrr: dailyRow(89).mrr,
        arr: 12 * dailyRow(89).mrr,
        churnRate: sum(60, 89, (r) => r.churned_customers) / dailyRow(59).total_active_customers,
        arpa: Math.round(dailyRow(89).mrr / dailyRow(89).total_active_customers),
        previous: { from: '2025-01-31', to: '2025-03-01', mrr: dailyRow(59).mrr, totalCustomers: 6 },
      });
      expect(d.nrr).toBeCloseTo(1 - net / mrrAtStart, 12);
      expect(d.change).toMatchObject({ mrr: { absolute: dailyRow(89).mrr - dailyRow(59).mrr } });
      // LTV: ARPA ÷ mean monthly churn of Oct–Mar; the daily rows start in January, so only
      // February (from Jan 31's actives) and March (from Feb 28's) have a rate.
      const february = sum(31, 58, (r) => r.churned_customers) / dailyRow(30).total_active_customers;
      const march = sum(59, 89, (r) => r.churned_customers) / dailyRow(58).total_active_customers;
      expect(d.ltv).toBe(Math.round((d.arpa as number) / ((february + march) / 2)));
      // The only trial (USD) ends in April.
      expect(d.trialConversion).toBeNull();
    },
  },
  'analytics.growth': {
    access: 'viewer',
    valid: { from: '2025-01-01', to: '2025-03-31', granularity: 'month' },
    bad: { granularity: 'year' },
    badField: 'granularity',
    check: (d) => {
      const points = d.points as Data[];
      expect(points.map((p) => p.period)).toEqual(['2025-01-01', '2025-02-01', '2025-03-01']);
      expect(points[0]).toMatchObject({
        from: '2025-01-01',
        to: '2025-01-31',
        signups: 1,
        totalCustomers: 5,
        newCustomers: sum(0, 30, (r) => r.new_customers),
        churnedCustomers: sum(0, 30, (r) => r.churned_customers),
        activeCustomers: dailyRow(30).total_active_customers,
      });
      expect(points[1]).toMatchObject({ signups: 1, totalCustomers: 6 });
    },
  },
  'analytics.revenue': {
    access: 'viewer',
    valid: { from: '2025-01-01', to: '2025-03-31', granularity: 'month' },
    bad: { to: 'yesterday' },
    badField: 'to',
    check: (d) => {
      const totals = d.totals as Data;
      const gain = sum(0, 89, (r) => r.new_mrr + r.expansion_mrr + r.reactivation_mrr);
      const loss = sum(0, 89, (r) => r.contraction_mrr + r.churned_mrr);
      expect(totals).toMatchObject({ mrr: dailyRow(89).mrr, net: gain - loss, quickRatio: gain / loss });
      expect((d.points as Data[])[1]).toMatchObject({
        mrrAtStart: dailyRow(30).mrr,
        mrr: dailyRow(58).mrr,
        new: sum(31, 58, (r) => r.new_mrr),
      });
    },
  },
  'analytics.churn': {
    access: 'viewer',
    valid: { from: '2025-02-01', to: '2025-03-31', granularity: 'month' },
    bad: { from: '2025-03-31', to: '2025-02-01' },
    badField: 'from',
    check: (d) => {
      expect(d.totals).toMatchObject({
        activeCustomersAtStart: dailyRow(30).total_active_customers,
        churnedCustomers: sum(31, 89, (r) => r.churned_customers),
        customerChurnRate: sum(31, 89, (r) => r.churned_customers) / dailyRow(30).total_active_customers,
        grossMrrChurnRate: sum(31, 89, (r) => r.churned_mrr + r.contraction_mrr) / dailyRow(30).mrr,
      });
      expect(d.points).toHaveLength(2);
    },
  },
  'analytics.cohorts': {
    access: 'viewer',
    valid: { from: '2024-09', to: '2025-02' },
    bad: { from: '2025-1' },
    badField: 'from',
    check: (d) => {
      const cohorts = d.cohorts as {
        cohort: string;
        customers: number;
        startingMrr: number;
        cells: Data[];
      }[];
      expect(cohorts.map((c) => c.cohort)).toEqual(['2024-09', '2024-10', '2024-11', '2025-01', '2025-02']);
      const gone = cohorts.find((c) => c.cohort === '2024-11')!;
      expect(gone).toMatchObject({ customers: 1, startingMrr: 29900 });
      expect(gone.cells.find((c) => c.month === '2025-01')).toMatchObject({
        activeCustomers: 1,
        customerRetention: 1,
      });
      expect(gone.cells.find((c) => c.month === '2025-02')).toMatchObject({
        activeCustomers: 0,
        mrrRetention: 0,
      });
    },
  },
  'analytics.statusBreakdown': {
    access: 'viewer',
    valid: {},
    bad: { unexpected: true },
    check: (d) => {
      expect(d.customers).toEqual(
        expect.arrayContaining([
          { status: 'active', customers: 4, mrr: 34800 + 29900 + 54321 + 4900 },
          { status: 'past_due', customers: 1, mrr: 9900 },
          { status: 'canceled', customers: 1, mrr: 0 },
        ]),
      );
      expect(d.subscriptions).toEqual(expect.arrayContaining([{ status: 'trialing', subscriptions: 1 }]));
    },
  },
  'analytics.movements': {
    access: 'viewer',
    valid: { type: 'churn', from: '2025-02-01', to: '2025-02-28' },
    bad: { type: 'downgrade' },
    badField: 'type',
    check: (d) => {
      expect(d).toMatchObject({ total: 1, netAmount: -29900, currency: 'BRL' });
      expect(d.movements).toEqual([
        expect.objectContaining({
          date: '2025-02-05',
          type: 'churn',
          stripeCustomerId: 'cus_gone',
          customerEmail: 'm***@example.com',
          reportingAmount: -29900,
        }),
      ]);
    },
  },
  'sync.start': {
    access: 'analyst',
    valid: { kind: 'full' },
    bad: { kind: 'everything' },
    badField: 'kind',
    check: (d) => {
      expect(d.run).toMatchObject({ kind: 'full', status: 'queued', triggeredBy: 'analyst@medpro.test' });
    },
  },
  'sync.status': {
    access: 'viewer',
    valid: {},
    bad: { verbose: 1 },
    check: (d) => {
      expect(d.latest).toMatchObject({ kind: expect.any(String) });
    },
  },
  'sync.history': {
    access: 'viewer',
    valid: { status: ['failed'] },
    bad: { limit: 0 },
    badField: 'limit',
    check: (d) => {
      expect(d).toMatchObject({ total: 1 });
      expect(d.runs).toEqual([
        expect.objectContaining({ status: 'failed', error: 'Stripe answered 500 three times' }),
      ]);
    },
  },
  'sync.webhookHealth': {
    access: 'viewer',
    valid: {},
    bad: { x: 1 },
    check: (d) => {
      expect(d).toEqual({
        lastReceivedAt: new Date('2025-03-31T11:00:00Z'),
        lastPolledAt: new Date('2025-03-31T11:30:00Z'),
        receivedLast24h: 2,
        pending: 1,
        failing: 1,
        lastError: 'boom: invoice not found',
        lastErrorEventId: 'evt_2',
        signatureFailures: 0,
        lastSignatureFailureAt: null,
        lastSignatureFailureReason: null,
      });
    },
  },
  'sync.dataVersion': {
    access: 'viewer',
    valid: {},
    bad: { since: 1 },
    check: (d) => {
      // events processed | newest run id | queued/running runs (id:status:heartbeat) | metrics computed
      const [events, runs, active, metrics] = String(d.version).split('|');
      expect(events).toBe('2025-03-31T11:30:00.000Z');
      expect(Number(runs)).toBeGreaterThanOrEqual(2);
      expect(active).toMatch(/^(\d+:(queued|running):\d{4}-\d{2}-\d{2}T[^,]+(,|$))*$/);
      expect(metrics).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    },
  },
  'widgets.mrrSummary': {
    access: 'widget',
    valid: { from: '2025-03-03', to: '2025-03-30', granularity: 'week' },
    bad: { granularity: 'hour' },
    badField: 'granularity',
    check: (d) => {
      expect(d).toMatchObject({
        mrr: dailyRow(88).mrr,
        previousMrr: dailyRow(60).mrr,
        change: { absolute: dailyRow(88).mrr - dailyRow(60).mrr },
        product: null,
      });
      expect(d.series).toEqual(
        [0, 7, 14, 21].map((k) => ({ period: DAY(61 + k), mrr: dailyRow(67 + k).mrr })),
      );
    },
  },
  'widgets.customerHealth': {
    access: 'widget',
    valid: { id: 'cus_joao' },
    bad: { id: 'cus joao' },
    badField: 'id',
    check: (d) => {
      expect(d).toMatchObject({ healthScore: 35, healthBand: 'at_risk', churnRiskScore: 0.71, mrr: 9900 });
      expect((d.topFactors as Data[]).map((f) => f.factor)).toEqual([
        'failed_payments',
        'card_expiring',
        'mrr_trend',
      ]);
    },
  },
  'widgets.atRiskCustomers': {
    access: 'widget',
    valid: { product: 'prod_clinic' },
    bad: { product: 'prod clinic', limit: 500 },
    badField: 'limit',
    check: (d) => {
      expect(d).toMatchObject({ productName: 'MedPro Clinic', total: 1 });
      expect(d.customers).toEqual([
        {
          stripeCustomerId: 'cus_joao',
          name: 'João Lima',
          email: 'j***@example.com',
          healthScore: 35,
          churnRiskScore: 0.71,
          mrr: 9900,
        },
      ]);
    },
  },
  'auth.signIn': {
    access: 'public',
    valid: { email: ' Admin@MedPro.test ', password: PASSWORD },
    bad: { email: 'nobody', password: PASSWORD },
    badField: 'email',
    check: (d) => {
      expect(d.user).toMatchObject({ email: 'admin@medpro.test', role: 'admin', disabled: false });
    },
  },
  'auth.signOut': {
    access: 'user',
    valid: {},
    bad: { everywhere: 'yes' },
    check: (d) => expect(d).toEqual({ signedOut: true }),
  },
  'auth.me': {
    access: 'viewer',
    valid: {},
    bad: { who: 1 },
    check: (d) => expect(d).toMatchObject({ type: 'user', role: 'viewer', token: null }),
  },
  'auth.changePassword': {
    access: 'user',
    valid: { currentPassword: PASSWORD, newPassword: 'a much longer new passphrase' },
    bad: { currentPassword: PASSWORD, newPassword: 'short' },
    badField: 'newPassword',
    check: (d) => expect(d).toEqual({ changed: true }),
  },
  'admin.users.list': {
    access: 'admin',
    valid: {},
    bad: { all: true },
    check: (d) => {
      expect((d.users as Data[]).map((u) => u.email)).toEqual(expect.arrayContaining(['admin@medpro.test']));
    },
  },
  'admin.users.create': {
    access: 'admin',
    valid: { email: 'new.analyst@medpro.test', role: 'analyst' },
    bad: { email: 'new@medpro.test', role: 'owner' },
    badField: 'role',
    check: (d) => {
      expect(d.user).toMatchObject({ email: 'new.analyst@medpro.test', role: 'analyst' });
      expect(String(d.generatedPassword).length).toBeGreaterThanOrEqual(12);
    },
  },
  'admin.users.setRole': {
    access: 'admin',
    valid: ({ targets }: Env) => ({ id: targets.roleUser, role: 'analyst' }),
    bad: { id: -1, role: 'analyst' },
    badField: 'id',
    check: (d) => expect(d.user).toMatchObject({ role: 'analyst' }),
  },
  'admin.users.setDisabled': {
    access: 'admin',
    valid: ({ targets }: Env) => ({ id: targets.disableUser, disabled: true }),
    bad: { id: 1, disabled: 'yes' },
    badField: 'disabled',
    check: (d) => expect(d.user).toMatchObject({ disabled: true }),
  },
  'admin.tokens.list': {
    access: 'admin',
    valid: {},
    bad: { kind: 'api' },
    check: (d) => {
      const tokens = d.tokens as Data[];
      expect(tokens.map((t) => t.name)).toEqual(expect.arrayContaining(['viewer-token', 'catalog-embed']));
      expect(tokens.find((t) => t.name === 'catalog-embed')).toMatchObject({
        kind: 'embed',
        role: 'viewer',
        active: true,
      });
    },
  },
  'admin.tokens.create': {
    access: 'admin',
    valid: { name: 'CI', kind: 'api', role: 'analyst', expiresInDays: 30 },
    bad: { name: 'widget', kind: 'embed' },
    badField: 'allowedOrigins',
    check: (d) => {
      expect(String(d.secret)).toMatch(/^mp_[A-Za-z0-9_-]{43}$/);
      expect(d.token).toMatchObject({
        name: 'CI',
        kind: 'api',
        role: 'analyst',
        prefix: String(d.secret).slice(0, 12),
      });
    },
  },
  'admin.tokens.revoke': {
    access: 'admin',
    valid: ({ targets }: Env) => ({ id: targets.token }),
    bad: { id: 'one' },
    badField: 'id',
    check: (d) => expect(d.token).toMatchObject({ active: false, revokedAt: SEED_NOW }),
  },
  'admin.settings.get': {
    access: 'viewer',
    valid: {},
    bad: { keys: ['x'] },
    check: (d) => {
      expect(d).toMatchObject({
        metrics: { reportingCurrency: 'BRL', discountMode: 'recurring' },
        metricsVersion: { version: 0 },
        widgets: { allowedOrigins: [EMBED_ORIGIN] },
      });
    },
  },
  'admin.settings.display': {
    access: 'viewer',
    valid: {},
    bad: { locale: 'en-US' },
    check: (d) => expect(d).toEqual({ locale: 'pt-BR', timeZone: 'America/Sao_Paulo' }),
  },
  'admin.settings.update': {
    access: 'admin',
    valid: { metrics: { pastDueChurnAfterDays: 30, rates: { BRL: '1', USD: '5.5' } } },
    bad: { metrics: { discountMode: 'weird' } },
    badField: 'metrics',
    check: (d) => {
      expect(d).toMatchObject({
        metrics: { pastDueChurnAfterDays: 30, rates: { BRL: '1', USD: '5.5' } },
        metricsVersion: { version: 1, changedBy: 'admin@medpro.test' },
      });
    },
  },
  'admin.audit.list': {
    access: 'admin',
    valid: { action: ['customers.export'] },
    bad: { action: ['DROP TABLE'] },
    badField: 'action',
    check: (d) => {
      expect(d.entries).toEqual([
        expect.objectContaining({
          actor: 'analyst@medpro.test',
          action: 'customers.export',
          ip: '203.0.113.9',
        }),
      ]);
    },
  },
};

const call = callProcedure;

async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; fields: Record<string, string[]> }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    const cause = (error as TRPCError).cause;
    const fields =
      cause instanceof ZodError
        ? (z.flattenError(cause).fieldErrors as Record<string, string[]>)
        : cause instanceof AppError
          ? (cause.fields ?? {})
          : {};
    return { code: (error as TRPCError).code, fields };
  }
  throw new Error('expected the call to fail');
}

const RANK = { viewer: 0, analyst: 1, admin: 2 } as const;

it('has a test case for every procedure of the router, and no case for a procedure that is gone', () => {
  expect(Object.keys(CASES).sort()).toEqual(Object.keys(procedureDefs()).sort());
});

const dialects = await testDialects();

describe.each(dialects)('the router on %s', (dialect) => {
  let env: Env;
  let destroy: () => Promise<void>;
  /** Every successful response, for the PII and secrets scans at the end. */
  const viewerResponses: string[] = [];
  const allResponses: string[] = [];

  const ctxFor = (principal: Principal | null) =>
    createContext(env.db, principal, {
      now: () => SEED_NOW,
      client: { ip: '203.0.113.9', userAgent: 'vitest' },
    });

  beforeAll(async () => {
    const t = await createTestDatabase(dialect);
    destroy = t.destroy;
    const seed = await seedAccount(t.db);
    const admin = createCaller(createContext(t.db, seed.principals.admin, { now: () => SEED_NOW }));
    const roleUser = await admin.admin.users.create({ email: 'role.target@medpro.test', role: 'viewer' });
    const disableUser = await admin.admin.users.create({
      email: 'disable.target@medpro.test',
      role: 'viewer',
    });
    const token = await admin.admin.tokens.create({ name: 'to-revoke', kind: 'api', role: 'viewer' });
    env = {
      db: t.db,
      seed,
      targets: { roleUser: roleUser.user.id, disableUser: disableUser.user.id, token: token.token.id },
    };
  });
  afterAll(() => destroy?.());

  describe.each(Object.entries(CASES))('%s', (path, c) => {
    const allowed = (): Principal | null => {
      const p = env.seed.principals;
      if (c.access === 'public') return null;
      if (c.access === 'user' || c.access === 'widget') return p.viewer;
      return p[c.access];
    };

    it.skipIf(c.access === 'public')('answers 401 without credentials', async () => {
      const valid = typeof c.valid === 'function' ? c.valid(env) : c.valid;
      expect((await failure(call(ctxFor(null), path, valid))).code).toBe('UNAUTHORIZED');
    });

    it.skipIf(c.access === 'public' || c.access === 'widget')(
      'answers 403 to the roles and token kinds that may not',
      async () => {
        const valid = typeof c.valid === 'function' ? c.valid(env) : c.valid;
        const p = env.seed.principals;
        const refused: Principal[] = [p.embed];
        if (c.access === 'analyst' || c.access === 'admin') {
          refused.push(
            ...(['viewer', 'analyst'] as const)
              .filter((r) => RANK[r] < RANK[c.access as 'admin'])
              .map((r) => p[r]),
          );
        }
        if (c.access === 'user') {
          refused.push({
            type: 'token',
            tokenId: 1,
            name: 'viewer-token',
            kind: 'api',
            role: 'admin',
            createdByUserId: null,
          });
        }
        for (const principal of refused) {
          expect((await failure(call(ctxFor(principal), path, valid))).code, `${principal.role}`).toBe(
            'FORBIDDEN',
          );
        }
      },
    );

    it('answers 400 with field errors to bad input', async () => {
      const result = await failure(call(ctxFor(allowed()), path, c.bad));
      expect(result.code).toBe('BAD_REQUEST');
      if (c.badField) expect(Object.keys(result.fields)).toContain(c.badField);
    });

    it('answers with the right data', async () => {
      const principal = allowed();
      const valid = typeof c.valid === 'function' ? c.valid(env) : c.valid;
      const data = await call(ctxFor(principal), path, valid);
      await c.check(data, env);
      const text = JSON.stringify(data);
      allResponses.push(text);
      if (principal?.role === 'viewer') viewerResponses.push(text);
    });
  });

  it('lets embed tokens read the widgets, masked like viewers', async () => {
    const data = await call(ctxFor(env.seed.principals.embed), 'widgets.atRiskCustomers', {
      product: 'prod_clinic',
    });
    expect(JSON.stringify(data)).toContain('j***@example.com');
    expect(JSON.stringify(data)).not.toContain('joao.lima@example.com');
  });

  it('shows analysts the contact data viewers only see masked', async () => {
    const data = await call(ctxFor(env.seed.principals.analyst), 'customers.get', { id: 'cus_joao' });
    expect(data.customer).toMatchObject({ email: 'joao.lima@example.com', phone: '+55 21 91234-5678' });
  });

  it('never shows a viewer unmasked contact data', () => {
    expect(viewerResponses.length).toBeGreaterThan(15);
    const pii = CUSTOMERS.flatMap((c) => [c.email, c.phone, c.line1, c.postalCode]).filter(
      (v): v is string => !!v,
    );
    for (const text of viewerResponses) for (const value of pii) expect(text).not.toContain(value);
  });

  it('never answers with a password hash, token hash, session hash or stored token', async () => {
    const secrets = [
      'scrypt$',
      ...Object.values(env.seed.tokens),
      ...Object.values(env.seed.tokens).map(sha256),
      ...Object.values(env.seed.principals).flatMap((p) =>
        p.type === 'user' && p.sessionIdHash ? [p.sessionIdHash] : [],
      ),
    ];
    expect(allResponses.length).toBe(Object.keys(CASES).length);
    for (const text of allResponses) for (const s of secrets) expect(text).not.toContain(s);
  });

  it("reads a product's MRR for the MRR widget from the engine's product movements, as the analytics do", async () => {
    const range = { product: 'prod_ai', from: '2025-03-01', to: '2025-03-31', granularity: 'month' };
    const d = await call(ctxFor(env.seed.principals.embed), 'widgets.mrrSummary', range);
    // AI: cus_usd (54,321) since Jan 20 and cus_erase (4,900) since Feb 1; cus_ana's +4,900 on Mar 10.
    expect(d).toMatchObject({ product: 'prod_ai', mrr: 64121, previousMrr: 59221 });
    expect(d.series).toEqual([{ period: '2025-03-01', mrr: 64121 }]);
    const overview = await call(ctxFor(env.seed.principals.viewer), 'analytics.overview', range);
    expect(overview).toMatchObject({ mrr: 64121, previous: { mrr: 59221 } });
  });

  it('answers 404 for an unknown customer or product', async () => {
    const ctx = ctxFor(env.seed.principals.viewer);
    for (const [path, input] of [
      ['customers.get', { id: 'cus_missing' }],
      ['customers.subscriptions', { id: 'cus_missing' }],
      ['customers.activity', { id: 'cus_missing' }],
      ['widgets.customerHealth', { id: 'cus_missing' }],
      ['widgets.atRiskCustomers', { product: 'prod_missing' }],
      ['widgets.mrrSummary', { product: 'prod_missing' }],
    ] as const) {
      expect((await failure(call(ctx, path, input))).code, path).toBe('NOT_FOUND');
    }
    expect(
      (await failure(call(ctxFor(env.seed.principals.admin), 'customers.erase', { id: 'cus_missing' }))).code,
    ).toBe('NOT_FOUND');
  });

  it('filters and sorts the customer list on every documented field', async () => {
    const ctx = ctxFor(env.seed.principals.analyst);
    const ids = async (input: Data) =>
      ((await call(ctx, 'customers.list', input)).customers as Data[]).map((c) => c.stripeCustomerId);
    expect(await ids({ status: ['past_due', 'canceled'], sort: 'name', order: 'asc' })).toEqual([
      'cus_joao',
      'cus_gone',
    ]);
    expect(await ids({ health: ['at_risk'] })).toEqual(['cus_joao']);
    expect(await ids({ health: ['good'], sort: 'health', order: 'desc' })).toEqual(['cus_ana', 'cus_usd']);
    expect(await ids({ mrrMin: 9900, mrrMax: 30000, sort: 'mrr', order: 'asc' })).toEqual([
      'cus_joao',
      'cus_clinic',
    ]);
    expect(await ids({ product: 'prod_ai', sort: 'ltv' })).toEqual(['cus_ana', 'cus_usd', 'cus_erase']);
    expect(await ids({ price: 'price_clinic_m', sort: 'name', order: 'asc' })).toEqual([
      'cus_clinic',
      'cus_ana',
      'cus_joao',
    ]);
    expect(await ids({ currency: ['USD'] })).toEqual(['cus_usd']);
    expect(await ids({ country: ['pt'] })).toEqual(['cus_gone']);
    expect(
      await ids({ dateFrom: '2024-10-01', dateTo: '2024-11-05', sort: 'created', order: 'asc' }),
    ).toEqual(['cus_clinic', 'cus_gone']);
    expect(await ids({ delinquent: true })).toEqual(['cus_joao']);
    expect(await ids({ search: 'us_us' })).toEqual(['cus_usd']);
  });

  it('limits account analytics to a customer segment (currency, country, metadata, product, plan)', async () => {
    const ctx = ctxFor(env.seed.principals.viewer);
    const range = { from: '2025-01-01', to: '2025-03-31', granularity: 'month' };
    // cus_usd's only movement: new on 2025-01-20, 54,321 in the reporting currency.
    const usd = { ...range, currency: 'usd' };
    expect(await call(ctx, 'analytics.overview', usd)).toMatchObject({
      mrr: 54321,
      activeCustomers: 1,
      newCustomers: 1,
      totalCustomers: 1,
      churnedCustomers: 0,
      currency: 'BRL',
    });
    const revenue = await call(ctx, 'analytics.revenue', usd);
    expect(revenue.totals).toMatchObject({ mrrAtStart: 0, mrr: 54321, new: 54321, churn: 0, net: 54321 });
    expect((revenue.points as Data[]).map((p) => p.mrr)).toEqual([54321, 54321, 54321]);
    const growth = await call(ctx, 'analytics.growth', usd);
    expect((growth.points as Data[]).map((p) => p.totalCustomers)).toEqual([1, 1, 1]);
    const byMetadata = { ...range, metadataKey: 'crm', metadataValue: 'crm-cus_usd' };
    expect(await call(ctx, 'analytics.churn', byMetadata)).toEqual(await call(ctx, 'analytics.churn', usd));
    expect(
      await call(ctx, 'analytics.movements', { from: '2025-01-01', to: '2025-03-31', country: 'us' }),
    ).toMatchObject({
      total: 1,
      netAmount: 54321,
      movements: [expect.objectContaining({ stripeCustomerId: 'cus_usd' })],
    });
    expect(await call(ctx, 'analytics.statusBreakdown', { currency: 'USD' })).toMatchObject({
      customers: [{ status: 'active', customers: 1 }],
      subscriptions: [{ status: 'trialing', subscriptions: 1 }],
    });
    expect(
      (await call(ctx, 'analytics.cohorts', { from: '2024-09', to: '2025-02', country: 'US' })).cohorts,
    ).toEqual([expect.objectContaining({ cohort: '2025-01', customers: 1 })]);
    // A product segment: that product's part of each customer's MRR.
    const clinic = { ...range, product: 'prod_clinic' };
    expect((await call(ctx, 'analytics.revenue', clinic)).totals).toMatchObject({
      contraction: 19800,
      churn: 29900,
      net: -49700,
    });
    expect(
      await call(ctx, 'analytics.movements', {
        from: '2025-01-01',
        to: '2025-03-31',
        product: 'prod_clinic',
      }),
    ).toMatchObject({
      total: 2,
      netAmount: -49700,
    });
    const ai = await call(ctx, 'analytics.overview', { ...range, product: 'prod_ai' });
    // cus_ana's AI add-on makes her a new AI customer in March (an expansion of her MRR overall).
    expect(ai).toMatchObject({ mrr: 64121, newCustomers: 3, totalCustomers: 3 });
    expect(
      (await call(ctx, 'analytics.cohorts', { from: '2024-09', to: '2025-02', product: 'prod_ai' })).cohorts,
    ).toEqual([
      expect.objectContaining({ cohort: '2025-01', customers: 1, startingMrr: 54321 }),
      expect.objectContaining({ cohort: '2025-02', customers: 1, startingMrr: 4900 }),
    ]);
    // Plan segments: João's move from the yearly clinic plan to the monthly one is churn in one
    // and new MRR in the other; together they are the product's contraction.
    const monthly = await call(ctx, 'analytics.revenue', { ...range, price: 'price_clinic_m' });
    expect(monthly.totals).toMatchObject({ mrr: 69700, new: 9900, churn: 29900, net: -20000 });
    const yearly = await call(ctx, 'analytics.revenue', { ...range, price: 'price_clinic_y' });
    expect(yearly.totals).toMatchObject({ mrrAtStart: 29700, mrr: 0, churn: 29700, net: -29700 });
    expect(
      await call(ctx, 'analytics.overview', { ...range, product: 'prod_clinic', price: 'price_clinic_m' }),
    ).toMatchObject({ mrr: 69700, activeCustomers: 3 });
    expect(
      await call(ctx, 'analytics.overview', { ...range, product: 'prod_ai', price: 'price_clinic_m' }),
    ).toMatchObject({ mrr: 0, activeCustomers: 0 });
    expect(
      await call(ctx, 'analytics.movements', {
        from: '2025-03-01',
        to: '2025-03-31',
        price: 'price_clinic_y',
      }),
    ).toMatchObject({ total: 1, movements: [expect.objectContaining({ stripeCustomerId: 'cus_joao' })] });
    const nobody = await call(ctx, 'analytics.overview', { ...range, country: 'ZZ' });
    expect(nobody).toMatchObject({ mrr: 0, activeCustomers: 0, totalCustomers: 0, arpa: null, ltv: null });
  });

  it('refuses a malformed segment with field errors', async () => {
    const ctx = ctxFor(env.seed.principals.viewer);
    for (const [input, field] of [
      [{ currency: 'reais' }, 'currency'],
      [{ country: 'BRA' }, 'country'],
      [{ product: 'prod ai' }, 'product'],
      [{ price: "price_1' OR '1'='1" }, 'price'],
      [{ metadataKey: 'crm' }, 'metadataValue'],
      [{ metadataValue: 'x' }, 'metadataKey'],
      [{ metadataKey: "crm') OR 1=1 --", metadataValue: 'x' }, 'metadataKey'],
    ] as const) {
      const error = await failure(call(ctx, 'analytics.overview', input));
      expect(error.code).toBe('BAD_REQUEST');
      expect(Object.keys(error.fields), JSON.stringify(input)).toEqual([field]);
    }
  });

  it('treats LIKE wildcards and SQL in the search as plain text', async () => {
    const ctx = ctxFor(env.seed.principals.analyst);
    const total = async (search: string) => (await call(ctx, 'customers.list', { search })).total;
    expect(await total('100%_')).toBe(1);
    expect(await total('%')).toBe(1);
    expect(await total('%_o')).toBe(1);
    expect(await total("' OR 1=1 --")).toBe(0);
    expect(await total('\\')).toBe(0);
  });

  it('refuses a second sync while one is queued, and lets exactly one of two racing requests through', async () => {
    const ctx = ctxFor(env.seed.principals.analyst);
    const conflict = await failure(call(ctx, 'sync.start', {}));
    expect(conflict.code).toBe('CONFLICT');
    await env.db.sequelize.query("UPDATE sync_runs SET status = 'succeeded' WHERE status = 'queued'");
    const results = await Promise.allSettled([call(ctx, 'sync.start', {}), call(ctx, 'sync.start', {})]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      ((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as TRPCError).code,
    ).toBe('CONFLICT');
    const status = await call(ctx, 'sync.status', {});
    expect(status.active).toMatchObject({ status: 'queued', kind: 'incremental' });
  });

  it('keeps at least one active admin', async () => {
    const ctx = ctxFor(env.seed.principals.admin);
    const admin = env.seed.users.admin.id;
    expect((await failure(call(ctx, 'admin.users.setRole', { id: admin, role: 'viewer' }))).code).toBe(
      'CONFLICT',
    );
    expect((await failure(call(ctx, 'admin.users.setDisabled', { id: admin, disabled: true }))).code).toBe(
      'CONFLICT',
    );
  });

  it('validates metric settings with @medpro/metrics and bumps the version only on a change', async () => {
    const ctx = ctxFor(env.seed.principals.admin);
    const before = (await call(ctx, 'admin.settings.get', {})).metricsVersion as { version: number };
    const refused = await failure(call(ctx, 'admin.settings.update', { metrics: { rates: { BRL: '2' } } }));
    expect(refused).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { metrics: [expect.stringMatching(/rates\.BRL must be 1/)] },
    });
    const same = await call(ctx, 'admin.settings.update', { widgets: { allowedOrigins: [EMBED_ORIGIN] } });
    expect(same.metricsVersion).toMatchObject({ version: before.version });
    const changed = await call(ctx, 'admin.settings.update', { metrics: { discountMode: 'all' } });
    expect(changed.metricsVersion).toMatchObject({ version: before.version + 1 });
    const badOrigin = await failure(
      call(ctx, 'admin.settings.update', { widgets: { allowedOrigins: ['https://x.com/path'] } }),
    );
    expect(badOrigin.code).toBe('BAD_REQUEST');
  });

  it('refuses a currency that is not ISO 4217, or a new reporting currency without rates, and keeps the rules', async () => {
    const ctx = ctxFor(env.seed.principals.admin);
    const before = await call(ctx, 'admin.settings.get', {});
    // Zod issues are flattened to their top-level key here (the app maps their full paths).
    const typo = await failure(call(ctx, 'admin.settings.update', { metrics: { reportingCurrency: 'REA' } }));
    expect(typo).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { metrics: [expect.stringMatching(/ISO 4217/)] },
    });
    const badRate = await failure(
      call(ctx, 'admin.settings.update', { metrics: { rates: { BRL: '1', XYZ: '2' } } }),
    );
    expect(badRate.fields).toEqual({ metrics: [expect.stringMatching(/ISO 4217/)] });
    // BRL figures could not be converted into USD: the rates into USD must come with the change.
    const noRates = await failure(
      call(ctx, 'admin.settings.update', { metrics: { reportingCurrency: 'usd' } }),
    );
    expect(noRates).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { 'metrics.rates': [expect.stringMatching(/Missing rates into USD for BRL/)] },
    });
    expect(await call(ctx, 'admin.settings.get', {})).toEqual(before);
    const changed = await call(ctx, 'admin.settings.update', {
      metrics: { reportingCurrency: 'USD', rates: { BRL: '0.19' } },
    });
    expect(changed.metrics).toMatchObject({ reportingCurrency: 'USD', rates: { BRL: '0.19', USD: '1' } });
    expect(changed.metricsVersion).toMatchObject({
      version: (before.metricsVersion as { version: number }).version + 1,
    });
    await call(ctx, 'admin.settings.update', { metrics: before.metrics as Data });
  });

  it('stores the display locale and time zone, refusing unknown ones', async () => {
    const admin = ctxFor(env.seed.principals.admin);
    for (const display of [
      { locale: 'fr-FR', timeZone: 'UTC' },
      { locale: 'en-US', timeZone: 'Mars/Olympus' },
    ]) {
      expect((await failure(call(admin, 'admin.settings.update', { display }))).code).toBe('BAD_REQUEST');
    }
    expect(await call(admin, 'admin.settings.display', {})).toEqual({
      locale: 'pt-BR',
      timeZone: 'America/Sao_Paulo',
    });
    const saved = await call(admin, 'admin.settings.update', {
      display: { locale: 'en-US', timeZone: 'America/New_York' },
    });
    expect(saved.display).toEqual({ locale: 'en-US', timeZone: 'America/New_York' });
    expect(await call(ctxFor(env.seed.principals.viewer), 'admin.settings.display', {})).toEqual({
      locale: 'en-US',
      timeZone: 'America/New_York',
    });
    await call(admin, 'admin.settings.update', {
      display: { locale: 'pt-BR', timeZone: 'America/Sao_Paulo' },
    });
  });

  it('records who did what, from where, in the audit log', async () => {
    const ctx = ctxFor(env.seed.principals.admin);
    const { entries } = (await call(ctx, 'admin.audit.list', { limit: 100 })) as { entries: Data[] };
    const actions = entries.map((e) => e.action);
    for (const action of [
      'auth.sign_in',
      'sync.start',
      'customers.export',
      'customers.erase',
      'users.create',
      'users.set_role',
      'users.disable',
      'tokens.create',
      'tokens.revoke',
      'settings.update',
    ]) {
      expect(actions, action).toContain(action);
    }
    expect(entries.find((e) => e.action === 'customers.erase')).toMatchObject({
      actor: 'admin@medpro.test',
      target: 'cus_erase',
      ip: '203.0.113.9',
      userAgent: 'vitest',
    });
  });
});
