/**
 * The Stripe sync against stripe-sim (in-process), on SQLite and MariaDB: complete and exact
 * backfill, request economy, resumption after kills, faults, ordering of events, leases.
 */

import { createDatabase, eraseCustomerPii, indexesDeferred, migrate } from '@medpro/db';
import { storeEvents } from '@medpro/db/stripe-inbox';
import { createTestDatabase, indexDefinitions, testDialects } from '@medpro/db/testing';
import { type Account, generateAccount, type Simulator, startSimulator } from '@medpro/stripe-sim';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeInvoice, INVOICE_EXPAND } from '../src/sync/backfill.ts';
import { dbDate } from '../src/sync/dbvalues.ts';
import { drainInbox } from '../src/sync/events.ts';
import { LeaseHeldError, newHolderId, runFull, runIncremental, type SyncDeps } from '../src/sync/index.ts';
import { type FullInvoice, writePage } from '../src/sync/store.ts';
import { count, dump, gatewayFor, quietLog, until } from './helpers.ts';

// `now` is left to the simulator (today): the 30-day event retention is judged by our clock.
const ACCOUNT = { customers: 150, months: 12, seed: 11 };
const T = 240_000;

async function listAll<T extends { id: string }>(
  list: (params: { limit: number; starting_after?: string }) => Promise<Stripe.ApiList<T>>,
) {
  const out: T[] = [];
  for (;;) {
    const page = await list({
      limit: 100,
      ...(out.length ? { starting_after: out[out.length - 1]!.id } : {}),
    });
    out.push(...page.data);
    if (!page.has_more) return out;
  }
}

const ms = (v: unknown) => dbDate(v)?.getTime() ?? null;
const sec = (v: number | null | undefined) => (v === null || v === undefined ? null : v * 1000);
const bool = (v: unknown) => v === true || v === 1 || v === '1';

describe.each(await testDialects())('Stripe sync on %s', (dialect) => {
  let sim: Simulator;
  // One account for every simulator of this block, so their objects are the same.
  let account: Account;
  beforeAll(async () => {
    account = generateAccount(ACCOUNT);
    sim = await startSimulator({ account, port: 0 });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  function deps(db: SyncDeps['db'], extra: Partial<SyncDeps> = {}): SyncDeps {
    return { db, gateway: gatewayFor(sim), log: quietLog, holder: newHolderId(), heartbeatMs: 200, ...extra };
  }

  it('mirrors every object with the right values, in about objects/100 requests', {
    timeout: T,
  }, async () => {
    const t = await createTestDatabase(dialect);
    try {
      const before = sim.stats.requests;
      const changed = new Set<string>();
      const run = await runFull(
        deps(t.db, {
          onCustomersChanged: (ids) => {
            for (const i of ids) changed.add(i);
          },
        }),
        {
          kind: 'full',
          triggeredBy: 'test',
        },
      );
      const requests = sim.stats.requests - before;
      expect(run.status).toBe('succeeded');
      expect(run.error).toBeNull();
      expect(run.progress?.types.invoices?.done).toBeGreaterThan(0);

      const stripe = gatewayFor(sim).stripe;
      const customers = await listAll((p) => stripe.customers.list(p));
      const subs = await listAll((p) => stripe.subscriptions.list({ ...p, status: 'all' }));
      const invoices = await listAll((p) => stripe.invoices.list({ ...p, expand: ['data.payments'] }));
      const invoicePayments = await listAll((p) => stripe.invoicePayments.list(p));
      const charges = await listAll((p) => stripe.charges.list(p));
      const refunds = await listAll((p) => stripe.refunds.list(p));
      const products = await listAll((p) => stripe.products.list(p));
      const prices = await listAll((p) => stripe.prices.list(p));
      const coupons = await listAll((p) => stripe.coupons.list(p));
      const lines: [Stripe.Invoice, Stripe.InvoiceLineItem][] = [];
      let linePages = 0;
      for (const inv of invoices) {
        let all = inv.lines.data;
        if (inv.lines.has_more) {
          linePages++;
          all = await listAll((p) => stripe.invoices.listLineItems(inv.id, p));
        }
        for (const l of all) lines.push([inv, l]);
      }
      const itemPages = subs.filter((s) => s.items.has_more).length;
      const paymentPages = invoices.filter((i) => i.payments?.has_more).length;

      // The request budget: one request per 100 objects and type, one partial page per range
      // (5 split types × 4 ranges + 3 catalogs, plus one per split of a range while walking),
      // the oldest-customer bisection (≤ 16), the newest-event read, the extra pages of long
      // embedded lists, and the deleted customers referenced by other objects (one retrieve each).
      const pages = [customers, subs, invoices, charges, refunds, products, prices, coupons].reduce(
        (n, list) => n + Math.ceil(list.length / 100),
        0,
      );
      const deletedReferenced = await count(t.db, 'customers', 'WHERE deleted = 1');
      const ranges = await count(t.db, 'sync_cursors', `WHERE scope = 'run:${run.id}'`);
      expect(ranges).toBeGreaterThanOrEqual(23);
      const budget = pages + ranges + 16 + 1 + linePages + itemPages + paymentPages + 2 * deletedReferenced;
      expect(requests).toBeGreaterThanOrEqual(pages);
      expect(requests).toBeLessThanOrEqual(budget);
      expect(requests).toBeLessThan(customers.length); // never a request per customer

      const rows = async (table: string, key: string) => {
        const [r] = (await t.db.sequelize.query(`SELECT * FROM ${table}`)) as [
          Record<string, unknown>[],
          unknown,
        ];
        return new Map(r.map((x) => [String(x[key]), x]));
      };

      const cRows = await rows('customers', 'stripe_customer_id');
      for (const c of customers) {
        const r = cRows.get(c.id)!;
        expect(r, c.id).toBeDefined();
        expect([r.email, r.name, Number(r.balance), bool(r.deleted), r.currency ?? null]).toEqual([
          c.email ?? '',
          c.name ?? null,
          c.balance,
          false,
          c.currency ?? null,
        ]);
        expect(ms(r.stripe_created_at)).toBe(sec(c.created));
        expect(r.default_payment_method_id ?? null).toBe(c.invoice_settings.default_payment_method ?? null);
        expect(changed.has(c.id)).toBe(true);
      }
      // Customers only referenced (deleted in Stripe) are kept and flagged.
      expect(cRows.size - customers.length).toBe(deletedReferenced);

      const sRows = await rows('customer_subscriptions', 'stripe_subscription_id');
      expect(sRows.size).toBe(subs.length);
      for (const s of subs) {
        const r = sRows.get(s.id)!;
        const primary =
          s.items.data.find((i) => i.price.recurring?.usage_type !== 'metered') ?? s.items.data[0]!;
        expect([r.stripe_customer_id, r.status, r.stripe_price_id, r.stripe_product_id, r.quantity]).toEqual([
          s.customer,
          s.status,
          primary.price.id,
          primary.price.product,
          primary.quantity ?? null,
        ]);
        expect([ms(r.current_period_start), ms(r.current_period_end)]).toEqual([
          sec(primary.current_period_start),
          sec(primary.current_period_end),
        ]);
        expect([ms(r.canceled_at), ms(r.ended_at), ms(r.trial_end)]).toEqual([
          sec(s.canceled_at),
          sec(s.ended_at),
          sec(s.trial_end),
        ]);
      }
      let expectedItems = 0;
      for (const s of subs)
        expectedItems += s.items.has_more
          ? (await listAll((p) => stripe.subscriptionItems.list({ ...p, subscription: s.id }))).length
          : s.items.data.length;
      expect(await count(t.db, 'subscription_items', 'WHERE deleted = 0')).toBe(expectedItems);

      const iRows = await rows('invoices', 'stripe_invoice_id');
      expect(iRows.size).toBe(invoices.length);
      for (const inv of invoices) {
        const r = iRows.get(inv.id)!;
        const sub = inv.parent?.subscription_details?.subscription ?? null;
        expect([
          r.stripe_customer_id,
          r.stripe_subscription_id,
          r.status,
          Number(r.total),
          Number(r.amount_paid),
        ]).toEqual([
          inv.customer,
          typeof sub === 'string' ? sub : (sub?.id ?? null),
          inv.status,
          inv.total,
          inv.amount_paid,
        ]);
        expect(ms(r.paid_at)).toBe(sec(inv.status_transitions.paid_at));
      }
      const lRows = await rows('invoice_lines', 'stripe_line_item_id');
      expect(lRows.size).toBe(lines.length);
      for (const [inv, l] of lines) {
        const r = lRows.get(l.id)!;
        const pd = l.pricing?.price_details;
        expect([
          r.stripe_invoice_id,
          r.stripe_price_id,
          r.stripe_product_id,
          Number(r.amount),
          r.stripe_subscription_item_id,
        ]).toEqual([
          inv.id,
          pd ? (typeof pd.price === 'string' ? pd.price : pd.price.id) : null,
          pd?.product ?? null,
          l.amount,
          l.parent?.subscription_item_details?.subscription_item ?? null,
        ]);
        expect([ms(r.period_start), ms(r.period_end)]).toEqual([sec(l.period.start), sec(l.period.end)]);
        expect(Number(r.discount_amount)).toBe((l.discount_amounts ?? []).reduce((a, d) => a + d.amount, 0));
      }

      const ipRows = await rows('invoice_payments', 'stripe_invoice_payment_id');
      expect(ipRows.size).toBe(invoicePayments.length);
      for (const p of invoicePayments) {
        const r = ipRows.get(p.id)!;
        expect([
          r.stripe_invoice_id,
          r.stripe_payment_intent_id,
          r.status,
          r.amount_paid === null ? null : Number(r.amount_paid),
          Number(r.amount_requested),
          ms(r.paid_at),
        ]).toEqual([
          p.invoice,
          p.payment.payment_intent ?? null,
          p.status,
          p.amount_paid,
          p.amount_requested,
          sec(p.status_transitions.paid_at),
        ]);
      }

      // A charge's invoice is the one whose payment names its payment intent.
      const invoiceOfIntent = new Map(
        invoicePayments.map((p) => [p.payment.payment_intent as string, p.invoice as string]),
      );
      const chRows = await rows('charges', 'stripe_charge_id');
      expect(chRows.size).toBe(charges.length);
      for (const c of charges) {
        const r = chRows.get(c.id)!;
        expect([
          r.stripe_customer_id,
          Number(r.amount),
          Number(r.amount_refunded),
          r.status,
          bool(r.paid),
          r.stripe_invoice_id,
        ]).toEqual([
          c.customer,
          c.amount,
          c.amount_refunded,
          c.status,
          c.paid,
          invoiceOfIntent.get(c.payment_intent as string) ?? null,
        ]);
      }
      expect(charges.filter((c) => invoiceOfIntent.has(c.payment_intent as string)).length).toBeGreaterThan(
        charges.length / 2,
      );
      const rRows = await rows('refunds', 'stripe_refund_id');
      expect(rRows.size).toBe(refunds.length);
      for (const rf of refunds)
        expect([rRows.get(rf.id)!.stripe_charge_id, Number(rRows.get(rf.id)!.amount)]).toEqual([
          rf.charge,
          rf.amount,
        ]);

      const pRows = await rows('prices', 'stripe_price_id');
      expect(pRows.size).toBe(prices.length);
      for (const p of prices) {
        const r = pRows.get(p.id)!;
        expect([
          r.stripe_product_id,
          r.unit_amount === null ? null : Number(r.unit_amount),
          r.unit_amount_decimal,
          r.recurring_interval,
        ]).toEqual([
          p.product,
          p.unit_amount,
          p.unit_amount_decimal === null ? null : String(p.unit_amount_decimal),
          p.recurring?.interval ?? null,
        ]);
      }
      expect(await count(t.db, 'products')).toBe(products.length);
      expect(await count(t.db, 'coupons')).toBe(coupons.length);

      // Activity: one payment entry per paid invoice with money, one failure per failed charge.
      const paid = invoices.filter(
        (i) => i.status === 'paid' && i.amount_paid > 0 && i.status_transitions.paid_at,
      ).length;
      expect(await count(t.db, 'customer_activity', "WHERE activity_type = 'payment_succeeded'")).toBe(paid);
      expect(await count(t.db, 'customer_activity', "WHERE activity_type = 'payment_failed'")).toBe(
        charges.filter((c) => c.status === 'failed').length,
      );

      // A second full sync changes nothing but versions.
      const first = await dump(t.db);
      await runFull(deps(t.db), { kind: 'reconcile', triggeredBy: 'test' });
      expect(await dump(t.db)).toEqual(first);
      const [[reconcile]] = (await t.db.sequelize.query(
        "SELECT * FROM sync_runs WHERE kind = 'reconcile'",
      )) as [[Record<string, unknown>], unknown];
      expect(reconcile.status).toBe('succeeded');
      const progress =
        typeof reconcile.progress === 'string' ? reconcile.progress : JSON.stringify(reconcile.progress);
      expect(progress).toContain('drift: 0 object(s) differed');
    } finally {
      await t.destroy();
    }
  });

  it.runIf(dialect === 'sqlite')(
    'backfills an in-memory database, which a writer thread cannot open',
    {
      timeout: T,
    },
    async () => {
      const reference = await createTestDatabase(dialect);
      const memory = createDatabase('sqlite::memory:');
      try {
        await migrate(memory.sequelize);
        await runFull(deps(reference.db), { kind: 'full', triggeredBy: 'test' });
        const run = await runFull(deps(memory), { kind: 'full', triggeredBy: 'test' });
        expect(run.status).toBe('succeeded');
        expect(await dump(memory)).toEqual(await dump(reference.db));
      } finally {
        await memory.close();
        await reference.destroy();
      }
    },
  );

  it('resumes a run stopped at random page boundaries and ends identical to an uninterrupted one', {
    timeout: T,
  }, async () => {
    // Large enough to take many batches: a run commits at most 128 pages at a time.
    const big = await startSimulator({ account: generateAccount({ ...ACCOUNT, customers: 600 }), port: 0 });
    const reference = await createTestDatabase(dialect);
    const t = await createTestDatabase(dialect);
    try {
      await runFull(deps(reference.db, { gateway: gatewayFor(big) }), { kind: 'full', triggeredBy: 'test' });
      let seed = 12345;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const schema = await indexDefinitions(t.db.sequelize);
      let runs = 0;
      for (;;) {
        runs++;
        const controller = new AbortController();
        const stopAfter = 1 + Math.floor(random() * 8);
        let pages = 0;
        const run = await runFull(
          deps(t.db, {
            gateway: gatewayFor(big),
            signal: controller.signal,
            onCustomersChanged: () => {
              if (++pages === stopAfter) controller.abort(new Error('killed'));
            },
          }),
          { kind: 'full', triggeredBy: 'test' },
        );
        if (run.status === 'succeeded') break;
        expect(run.status).toBe('interrupted');
        // The first backfill's indexes stay deferred for the run that resumes it (SQLite).
        expect(await indexesDeferred(t.db.sequelize)).toBe(dialect === 'sqlite');
      }
      expect(await indexesDeferred(t.db.sequelize)).toBe(false);
      expect(await indexDefinitions(t.db.sequelize)).toEqual(schema);
      expect(runs).toBeGreaterThan(2);
      // One run, resumed: no second run was started from scratch.
      expect(await count(t.db, 'sync_runs', "WHERE kind = 'full'")).toBe(1);
      expect(await dump(t.db)).toEqual(await dump(reference.db));
    } finally {
      await t.destroy();
      await reference.destroy();
      await big.stop();
    }
  });

  it('completes identically under a 429 storm with 5 % errors; records a run that cannot complete as failed', {
    timeout: T,
  }, async () => {
    const faulty = await startSimulator({
      account,
      port: 0,
      rateLimit: 10,
      errorRate: 0.05,
      faultSeed: 3,
    });
    const broken = await startSimulator({ account, port: 0, errorRate: 1 });
    const reference = await createTestDatabase(dialect);
    const t = await createTestDatabase(dialect);
    try {
      await runFull(deps(reference.db), { kind: 'full', triggeredBy: 'test' });
      const run = await runFull(
        deps(t.db, { gateway: gatewayFor(faulty, { maxAttempts: 12, maxDelayMs: 2000 }, 500) }),
        {
          kind: 'full',
          triggeredBy: 'test',
        },
      );
      expect(run.status).toBe('succeeded');
      expect(faulty.stats.byStatus['429'] ?? 0).toBeGreaterThan(0);
      expect(faulty.stats.byStatus['500'] ?? 0).toBeGreaterThan(0);
      expect(await dump(t.db)).toEqual(await dump(reference.db));

      const t2 = await createTestDatabase(dialect);
      try {
        const error = await runFull(deps(t2.db, { gateway: gatewayFor(broken, { maxAttempts: 3 }) }), {
          kind: 'full',
          triggeredBy: 'test',
        }).catch((e) => e);
        expect(error.message).toMatch(/Gave up .* after 3 attempts/);
        const [[failed]] = (await t2.db.sequelize.query('SELECT * FROM sync_runs')) as [
          [Record<string, unknown>],
          unknown,
        ];
        expect(failed.status).toBe('failed');
        expect(String(failed.error)).toMatch(/after 3 attempts: 500/);
      } finally {
        await t2.destroy();
      }
    } finally {
      await t.destroy();
      await reference.destroy();
      await faulty.stop();
      await broken.stop();
    }
  });

  it.runIf(dialect === 'sqlite')(
    'a first backfill that fails builds the indexes it deferred back, as they were',
    { timeout: T },
    async () => {
      const t = await createTestDatabase(dialect);
      try {
        const schema = await indexDefinitions(t.db.sequelize);
        const gateway = gatewayFor(sim);
        const call = gateway.call.bind(gateway);
        let deferredDuringRun: boolean | null = null;
        // Once a first page is committed, Stripe refuses for good (a 400 is not retried).
        gateway.call = async (what, fn, signal) => {
          if (deferredDuringRun !== null)
            throw Object.assign(new Error(`refused: ${what}`), { statusCode: 400 });
          return call(what, fn, signal);
        };
        const error = await runFull(
          deps(t.db, {
            gateway,
            onCustomersChanged: async () => {
              deferredDuringRun ??= await indexesDeferred(t.db.sequelize);
            },
          }),
          { kind: 'full', triggeredBy: 'test' },
        ).catch((e) => e);
        expect(error.message).toMatch(/refused/);
        expect(deferredDuringRun).toBe(true);
        expect(await indexesDeferred(t.db.sequelize)).toBe(false);
        expect(await indexDefinitions(t.db.sequelize)).toEqual(schema);
        expect(await count(t.db, 'sync_runs', "WHERE status = 'failed'")).toBe(1);
      } finally {
        await t.destroy();
      }
    },
  );

  it('links a charge to its invoice whichever of the two is written first', { timeout: T }, async () => {
    const stripe = gatewayFor(sim).stripe;
    const gateway = gatewayFor(sim);
    // An invoice paid after a failed attempt: two charges of one payment intent.
    const invoices = await listAll((p) => stripe.invoices.list({ ...p, status: 'paid' }));
    let picked: { invoice: FullInvoice; charges: Stripe.Charge[] } | null = null;
    for (const listed of invoices) {
      const invoice = await completeInvoice(
        gateway,
        await stripe.invoices.retrieve(listed.id, { expand: INVOICE_EXPAND }),
      );
      const intent = invoice.payments[0]?.payment.payment_intent as string | undefined;
      if (!intent) continue;
      const charges = (await stripe.charges.list({ payment_intent: intent })).data;
      if (charges.length > 1) {
        picked = { invoice, charges };
        break;
      }
    }
    expect(picked).not.toBeNull();
    const { invoice, charges } = picked!;
    expect(charges.length).toBeGreaterThan(1);
    const stamp = { version: Date.now(), now: new Date() };
    const linked = async (db: SyncDeps['db']) => {
      const [rows] = (await db.sequelize.query(
        'SELECT stripe_charge_id AS id, stripe_invoice_id AS invoice FROM charges ORDER BY stripe_charge_id',
      )) as [{ id: string; invoice: string | null }[], unknown];
      return rows;
    };
    const expected = charges
      .map((c) => ({ id: c.id, invoice: invoice.invoice.id }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const chargesFirst = await createTestDatabase(dialect);
    const invoiceFirst = await createTestDatabase(dialect);
    const outOfBand = await createTestDatabase(dialect);
    try {
      await writePage(chargesFirst.db, 'charges', charges, stamp);
      expect((await linked(chargesFirst.db)).every((r) => r.invoice === null)).toBe(true);
      await writePage(chargesFirst.db, 'invoices', [invoice], stamp);
      expect(await linked(chargesFirst.db)).toEqual(expected);

      await writePage(invoiceFirst.db, 'invoices', [invoice], stamp);
      await writePage(invoiceFirst.db, 'charges', charges, stamp);
      expect(await linked(invoiceFirst.db)).toEqual(expected);
      // A charge written again (a refund event, a reconciliation) keeps its invoice.
      await writePage(invoiceFirst.db, 'charges', charges, { ...stamp, version: stamp.version + 1 });
      expect(await linked(invoiceFirst.db)).toEqual(expected);

      // A payment recorded as a charge (paid out of band) names the charge, not an intent.
      const [first, ...rest] = [...charges].sort((a, b) => (a.id < b.id ? -1 : 1));
      const byCharge: FullInvoice = {
        ...invoice,
        payments: [{ ...invoice.payments[0]!, payment: { type: 'charge', charge: first!.id } }],
      };
      await writePage(outOfBand.db, 'charges', charges, stamp);
      await writePage(outOfBand.db, 'invoices', [byCharge], stamp);
      expect(await linked(outOfBand.db)).toEqual([
        { id: first!.id, invoice: invoice.invoice.id },
        ...rest.map((c) => ({ id: c.id, invoice: null })),
      ]);
    } finally {
      await chargesFirst.destroy();
      await invoiceFirst.destroy();
      await outOfBand.destroy();
    }
  });

  it('never copies personal data back into a customer erased under GDPR', { timeout: T }, async () => {
    const t = await createTestDatabase(dialect);
    try {
      await runFull(deps(t.db), { kind: 'full', triggeredBy: 'test' });
      const [[c]] = (await t.db.sequelize.query(
        "SELECT c.stripe_customer_id AS id FROM customers c JOIN customer_subscriptions s ON s.stripe_customer_id = c.stripe_customer_id WHERE c.email <> '' ORDER BY c.stripe_customer_id LIMIT 1",
      )) as [[{ id: string }], unknown];
      expect(await eraseCustomerPii(t.db, c.id, new Date())).toBe(true);
      await runFull(deps(t.db), { kind: 'reconcile', triggeredBy: 'test' });
      const [[after]] = (await t.db.sequelize.query(
        'SELECT email, name, phone, raw, erased_at FROM customers WHERE stripe_customer_id = :id',
        { replacements: { id: c.id } },
      )) as [[Record<string, unknown>], unknown];
      expect(after).toMatchObject({ email: '', name: null, phone: null, raw: null });
      expect(after.erased_at).not.toBeNull();
      expect(
        await count(
          t.db,
          'customer_subscriptions',
          `WHERE stripe_customer_id = '${c.id}' AND raw IS NOT NULL`,
        ),
      ).toBe(0);
      expect(
        await count(t.db, 'customer_subscriptions', `WHERE stripe_customer_id = '${c.id}'`),
      ).toBeGreaterThan(0);
    } finally {
      await t.destroy();
    }
  });

  it('two workers racing for a sync: only one runs it', { timeout: T }, async () => {
    const t = await createTestDatabase(dialect);
    try {
      const results = await Promise.allSettled([
        runFull(deps(t.db), { kind: 'full', triggeredBy: 'worker A' }),
        runFull(deps(t.db), { kind: 'full', triggeredBy: 'worker B' }),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(LeaseHeldError);
      expect(await count(t.db, 'sync_runs')).toBe(1);
    } finally {
      await t.destroy();
    }
  });
});

describe.each(await testDialects())('incremental sync on %s', (dialect) => {
  it("brings a live account's changes into the database through events", { timeout: T }, async () => {
    const sim = await startSimulator({ ...ACCOUNT, port: 0, live: true, liveIntervalMs: 3_600_000 });
    const t = await createTestDatabase(dialect);
    try {
      const d: SyncDeps = { db: t.db, gateway: gatewayFor(sim), log: quietLog, holder: newHolderId() };
      await runFull(d, { kind: 'full', triggeredBy: 'test' });
      let events = 0;
      for (let i = 0; i < 5; i++) events += sim.tick();
      expect(events).toBeGreaterThan(0);
      const stripe = d.gateway.stripe;
      const invoices = await listAll((p) => stripe.invoices.list(p));
      const customers = await listAll((p) => stripe.customers.list(p));
      const invoiceOfIntent = new Map(
        (await listAll((p) => stripe.invoicePayments.list(p))).map((p) => [
          p.payment.payment_intent as string,
          p.invoice as string,
        ]),
      );
      const charges = await listAll((p) => stripe.charges.list(p));
      const reached = await until(
        async () => {
          await runIncremental(d, { triggeredBy: 'test' });
          const [rows] = (await t.db.sequelize.query(
            'SELECT stripe_invoice_id AS id, status FROM invoices',
          )) as [{ id: string; status: string }[], unknown];
          const byId = new Map(rows.map((r) => [r.id, r.status]));
          const [cs] = (await t.db.sequelize.query(
            'SELECT stripe_customer_id AS id FROM customers WHERE deleted = 0',
          )) as [{ id: string }[], unknown];
          const live = new Set(cs.map((c) => c.id));
          const [chs] = (await t.db.sequelize.query(
            'SELECT stripe_charge_id AS id, stripe_invoice_id AS invoice FROM charges',
          )) as [{ id: string; invoice: string | null }[], unknown];
          const invoiceOf = new Map(chs.map((c) => [c.id, c.invoice]));
          return (
            invoices.every((i) => byId.get(i.id) === i.status) &&
            customers.every((c) => live.has(c.id)) &&
            charges.every(
              (c) => invoiceOf.get(c.id) === (invoiceOfIntent.get(c.payment_intent as string) ?? null),
            )
          );
        },
        60_000,
        200,
      );
      expect(reached).toBe(true);
    } finally {
      await t.destroy();
      await sim.stop();
    }
  });

  it('an invoice payment event re-fetches its invoice with its payments', { timeout: T }, async () => {
    const sim = await startSimulator({ ...ACCOUNT, port: 0 });
    const t = await createTestDatabase(dialect);
    try {
      const gateway = gatewayFor(sim);
      const [payment] = (await gateway.stripe.invoicePayments.list({ limit: 1, status: 'paid' })).data;
      const event = {
        id: 'evt_invoice_payment_1',
        object: 'event',
        type: 'invoice_payment.paid',
        created: payment!.created,
        api_version: null,
        livemode: false,
        data: { object: payment },
      } as unknown as Stripe.Event;
      await storeEvents(t.db, [event], 'webhook');
      const result = await drainInbox({ db: t.db, gateway, log: quietLog });
      expect(result).toMatchObject({ processed: 1, skipped: 0, failed: 0 });
      const [rows] = (await t.db.sequelize.query(
        'SELECT stripe_invoice_id AS invoice, status FROM invoice_payments WHERE stripe_invoice_payment_id = :id',
        { replacements: { id: payment!.id } },
      )) as [{ invoice: string; status: string }[], unknown];
      expect(rows).toEqual([{ invoice: payment!.invoice, status: 'paid' }]);
      expect(await count(t.db, 'invoices', `WHERE stripe_invoice_id = '${payment!.invoice}'`)).toBe(1);
    } finally {
      await t.destroy();
      await sim.stop();
    }
  });

  it('duplicated and reordered events give the same final state as in-order delivery', {
    timeout: T,
  }, async () => {
    const sim = await startSimulator({ ...ACCOUNT, port: 0, live: true, liveIntervalMs: 3_600_000 });
    const inOrder = await createTestDatabase(dialect);
    const shuffled = await createTestDatabase(dialect);
    try {
      const a: SyncDeps = { db: inOrder.db, gateway: gatewayFor(sim), log: quietLog, holder: newHolderId() };
      const b: SyncDeps = { ...a, db: shuffled.db, holder: newHolderId() };
      await runFull(a, { kind: 'full', triggeredBy: 'test' });
      await runFull(b, { kind: 'full', triggeredBy: 'test' });
      for (let i = 0; i < 6; i++) sim.tick();
      const [cursor] = (await a.gateway.stripe.events.list({ limit: 1 })).data;
      const events = await listAll((p) =>
        a.gateway.stripe.events.list({ ...p, created: { gte: cursor!.created - 20_000 } }),
      );
      expect(events.length).toBeGreaterThan(3);
      // In order, once each.
      await storeEvents(inOrder.db, [...events].reverse(), 'webhook');
      await drainInbox({ db: inOrder.db, gateway: a.gateway, log: quietLog });
      // Reversed, each twice, in separate deliveries and drains.
      let x = 7;
      const mixed = [...events, ...events].sort(() => {
        x = (x * 31 + 17) % 101;
        return (x % 3) - 1;
      });
      for (let i = 0; i < mixed.length; i += 5) {
        await storeEvents(shuffled.db, mixed.slice(i, i + 5), 'webhook');
        if (i % 10 === 0) await drainInbox({ db: shuffled.db, gateway: b.gateway, log: quietLog });
      }
      await drainInbox({ db: shuffled.db, gateway: b.gateway, log: quietLog });
      expect(await count(shuffled.db, 'stripe_events')).toBe(events.length);
      expect(await count(shuffled.db, 'stripe_events', 'WHERE processed_at IS NULL')).toBe(0);
      expect(await dump(shuffled.db)).toEqual(await dump(inOrder.db));
    } finally {
      await inOrder.destroy();
      await shuffled.destroy();
      await sim.stop();
    }
  });
});
