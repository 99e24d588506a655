/**
 * The API's read paths at scale: ctx.customers customers (with subscriptions, items, metrics,
 * MRR spans, invoices and two years of daily analytics) are bulk-inserted as the sync and the
 * analytics engine would leave them, then customers.list (search + filters), customers.get and
 * analytics.overview are called through createCaller, as the admin loaders do. Figures are
 * p50/p95/p99 of each call's latency (target: p95 < 50 ms, issue 6).
 */
import { refreshCurrentPlans } from '@medpro/db';
import { createTestDatabase } from '@medpro/db/testing';
import { addDays } from '@medpro/metrics';
import { createCaller, createContext, type Principal } from '@medpro/trpc';
import { type Figure, percentile, type Scenario } from '../harness.ts';

const TODAY = '2026-11-20';
const CALLS = 100;
const NAMES = ['Ana', 'Bruno', 'Carla', 'Diego', 'Elisa', 'Fábio', 'Gabriela', 'Heitor', 'Isabel', 'João'];
const SURNAMES = ['Souza', 'Lima', 'Costa', 'Pereira', 'Almeida', 'Ribeiro', 'Carvalho', 'Gomes'];
const STATUSES = ['active', 'active', 'active', 'active', 'past_due', 'trialing', 'canceled', 'none'];
const PRODUCTS = ['prod_clinic', 'prod_ai', 'prod_storage', 'prod_lab'];

/** A small deterministic PRNG (mulberry32), so every run seeds the same account. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bulk-inserts n customers with their rows (exported for ad-hoc query plans). */
export async function seedApiAccount(db: Awaited<ReturnType<typeof createTestDatabase>>['db'], n: number) {
  const qi = db.sequelize.getQueryInterface();
  const insert = async (table: string, rows: Record<string, unknown>[]) => {
    for (let i = 0; i < rows.length; i += 1000) await qi.bulkInsert(table, rows.slice(i, i + 1000));
  };
  const rnd = prng(7);
  await insert(
    'products',
    PRODUCTS.map((id) => ({
      stripe_product_id: id,
      name: id,
      active: true,
      deleted: false,
      source_version: 0,
    })),
  );
  const customers: Record<string, unknown>[] = [];
  const subs: Record<string, unknown>[] = [];
  const items: Record<string, unknown>[] = [];
  const metrics: Record<string, unknown>[] = [];
  const spans: Record<string, unknown>[] = [];
  const invoices: Record<string, unknown>[] = [];
  const now = new Date(`${TODAY}T12:00:00Z`);
  for (let i = 0; i < n; i++) {
    const id = `cus_${String(i).padStart(8, '0')}`;
    const status = STATUSES[i % STATUSES.length]!;
    const mrr = status === 'active' || status === 'past_due' ? 4900 + Math.floor(rnd() * 60) * 1000 : 0;
    const created = new Date(now.getTime() - Math.floor(rnd() * 1500) * 86_400_000);
    const health = status === 'none' ? null : Math.floor(rnd() * 101);
    const name = `${NAMES[i % NAMES.length]} ${SURNAMES[Math.floor(i / 10) % SURNAMES.length]} ${i}`;
    customers.push({
      stripe_customer_id: id,
      email: `${name.split(' ')[0]!.toLowerCase()}.${i}@clinica${i % 997}.example`,
      name,
      address_country: i % 5 === 0 ? 'PT' : 'BR',
      currency: 'brl',
      deleted: false,
      delinquent: status === 'past_due',
      balance: 0,
      stripe_created_at: created,
      source_version: 0,
      mrr,
      mrr_reporting: mrr,
      subscription_status: status,
      active_subscription_count: mrr > 0 ? 1 : 0,
      lifetime_value: mrr * Math.floor(rnd() * 30),
      health_score: health,
      churn_risk_score: health === null ? null : Math.round((1 - health / 100) * 100) / 100,
      first_mrr_date: created.toISOString().slice(0, 10),
      metrics_updated_at: now,
    });
    const subId = `sub_${i}`;
    // One in five started with a 14-day trial; a canceled one may have ended during it.
    const trialEnd = i % 5 === 0 ? new Date(created.getTime() + 14 * 86_400_000) : null;
    subs.push({
      stripe_subscription_id: subId,
      stripe_customer_id: id,
      trial_start: trialEnd ? created : null,
      trial_end: trialEnd,
      ended_at: trialEnd && status === 'canceled' ? new Date(created.getTime() + 7 * 86_400_000) : null,
      status: status === 'none' ? 'incomplete_expired' : status,
      currency: 'brl',
      cancel_at_period_end: false,
      current_period_start: now,
      current_period_end: new Date(now.getTime() + 30 * 86_400_000),
      source_version: 0,
    });
    items.push({
      stripe_subscription_item_id: `si_${i}`,
      stripe_subscription_id: subId,
      stripe_product_id: PRODUCTS[i % PRODUCTS.length],
      stripe_price_id: `price_${i % PRODUCTS.length}`,
      quantity: 1,
      deleted: false,
      source_version: 0,
    });
    metrics.push({
      stripe_customer_id: id,
      metric_date: TODAY,
      health_score: health,
      mrr,
      mrr_reporting: mrr,
      health_factors: JSON.stringify([{ factor: 'tenure', value: 1, impact: 5, label: 'Tenure' }]),
    });
    spans.push({
      stripe_customer_id: id,
      start_date: created.toISOString().slice(0, 10),
      end_date: null,
      mrr,
      currency: 'BRL',
      mrr_reporting: mrr,
    });
    for (let k = 0; k < 2; k++) {
      invoices.push({
        stripe_invoice_id: `in_${i}_${k}`,
        stripe_customer_id: id,
        stripe_subscription_id: subId,
        status: 'paid',
        currency: 'brl',
        total: mrr,
        amount_paid: mrr,
        stripe_created_at: new Date(now.getTime() - k * 30 * 86_400_000),
        source_version: 0,
      });
    }
  }
  await insert('customers', customers);
  await insert('customer_subscriptions', subs);
  await insert('subscription_items', items);
  await refreshCurrentPlans(db.sequelize, 'all');
  await insert('customer_metrics', metrics);
  await insert('customer_mrr_spans', spans);
  await insert('invoices', invoices);
  await insert(
    'customer_analytics_daily',
    Array.from({ length: 730 }, (_, d) => ({
      date: addDays(TODAY, d - 729),
      reporting_currency: 'BRL',
      total_active_customers: Math.floor(n * 0.6) + d,
      new_customers: d % 3,
      churned_customers: d % 5 === 0 ? 1 : 0,
      mrr: n * 20_000 + d * 1000,
      new_mrr: 3000,
      expansion_mrr: 1000,
      contraction_mrr: 500,
      churned_mrr: 700,
    })),
  );
}

/** Latency of `calls` sequential calls, in ms. */
async function measure(calls: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 5; i++) await fn(i); // warm-up: connections, statement caches
  const out: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

const TARGET = { op: '<' as const, value: 50, source: 'issue 6: p95' };

export const apiScenario: Scenario = {
  name: 'api',
  description: 'customers.list (search + filters), customers.get and analytics.overview via createCaller',
  async run(ctx) {
    const t = await createTestDatabase(ctx.db);
    try {
      const started = performance.now();
      await seedApiAccount(t.db, ctx.customers);
      ctx.log(`seeded ${ctx.customers} customers in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const analyst: Principal = {
        type: 'token',
        tokenId: 1,
        name: 'bench',
        kind: 'api',
        role: 'analyst',
        createdByUserId: null,
      };
      const caller = createCaller(
        createContext(t.db, analyst, { now: () => new Date(`${TODAY}T12:00:00Z`) }),
      );
      const rnd = prng(11);
      const cases: [string, (i: number) => Promise<unknown>][] = [
        [
          'customers.list search+status, by MRR',
          (i) =>
            caller.customers.list({
              search: `${NAMES[i % NAMES.length]!.toLowerCase()} ${SURNAMES[i % SURNAMES.length]!.toLowerCase()}`,
              status: ['active', 'past_due'],
              sort: 'mrr',
              page: 1 + (i % 3),
            }),
        ],
        [
          'customers.list product+health+country, by health',
          (i) =>
            caller.customers.list({
              product: PRODUCTS[i % PRODUCTS.length],
              health: ['at_risk'],
              country: ['BR'],
              sort: 'health',
              order: 'asc',
            }),
        ],
        [
          'customers.list no filter, by name, deep page',
          (i) => caller.customers.list({ sort: 'name', order: 'asc', page: 1 + (i % 50) * 20 }),
        ],
        [
          'customers.get',
          () =>
            caller.customers.get({ id: `cus_${String(Math.floor(rnd() * ctx.customers)).padStart(8, '0')}` }),
        ],
        ['analytics.overview 30 days', () => caller.analytics.overview({ to: TODAY })],
      ];
      const figures: Figure[] = [];
      const samples = new Map<string, number[][]>();
      for (let run = 0; run < ctx.runs; run++) {
        for (const [name, fn] of cases) {
          const latencies = await measure(CALLS, fn);
          samples.set(name, [...(samples.get(name) ?? []), latencies]);
        }
      }
      for (const [name, runs] of samples) {
        for (const p of [50, 95, 99]) {
          figures.push({
            name: `${name} p${p}`,
            unit: 'ms',
            samples: runs.map((r) => percentile(r, p)),
            ...(p === 95 ? { target: TARGET } : {}),
            note: `${CALLS} calls per run, ${ctx.db}`,
          });
        }
      }
      return figures;
    } finally {
      await t.destroy();
    }
  },
};
