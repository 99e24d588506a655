/** The simulator through the official SDK: lists, pagination, filters, search, expand and errors. */
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeneratedAccount } from '../src/account.ts';
import { type Simulator, startSimulator } from '../src/index.ts';
import type { Kind } from '../src/model.ts';
import { all, client, NOW, raw } from './helpers.ts';

let sim: Simulator;
let stripe: Stripe;
let account: GeneratedAccount;

/** Ids the account lists for a kind, computed in-process (not through HTTP). */
function listedIds(kind: Kind, filter: (obj: Record<string, unknown>) => boolean = () => true): string[] {
  const store = account.store;
  const col = store.collection(kind);
  const asOf = store.clock();
  const out: string[] = [];
  const order = col.order();
  for (let p = 0; p < order.length; p++) {
    const i = order[p] ?? 0;
    if (col.listed(i, asOf) && filter(col.render(i, asOf) as Record<string, unknown>)) out.push(col.id(i));
  }
  return out;
}

function expectExactlyOnce(got: { id: string }[], expected: string[]) {
  const ids = got.map((x) => x.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual([...expected].sort());
}

beforeAll(async () => {
  sim = await startSimulator({ customers: 300, months: 14, seed: 11, now: NOW, port: 0 });
  stripe = client(sim);
  account = sim.account as GeneratedAccount;
});
afterAll(() => sim.stop());

describe('auto-pagination returns every object exactly once', () => {
  it('customers (deleted ones excluded), newest first', async () => {
    const got = await all(stripe.customers.list({ limit: 100 }));
    expectExactlyOnce(got, listedIds('customer'));
    for (let i = 1; i < got.length; i++) {
      const a = got[i - 1]!;
      const b = got[i]!;
      expect(a.created > b.created || (a.created === b.created && a.id > b.id)).toBe(true);
    }
    const deleted = listedIds('customer').length < account.data.customers.length;
    expect(deleted).toBe(true);
  });

  it('subscriptions with status=all, and the default excludes canceled', async () => {
    expectExactlyOnce(
      await all(stripe.subscriptions.list({ status: 'all', limit: 100 })),
      listedIds('subscription'),
    );
    const dflt = await all(stripe.subscriptions.list({ limit: 100 }));
    expectExactlyOnce(
      dflt,
      listedIds('subscription', (s) => s.status !== 'canceled'),
    );
    for (const status of [
      'active',
      'past_due',
      'unpaid',
      'canceled',
      'trialing',
      'incomplete_expired',
    ] as const) {
      const got = await all(stripe.subscriptions.list({ status, limit: 100 }));
      expectExactlyOnce(
        got,
        listedIds('subscription', (s) => s.status === status),
      );
    }
  });

  it('invoices, charges, refunds, events, products, prices, coupons, invoice payments', async () => {
    expectExactlyOnce(await all(stripe.invoices.list({ limit: 100 })), listedIds('invoice'));
    expectExactlyOnce(await all(stripe.charges.list({ limit: 100 })), listedIds('charge'));
    expectExactlyOnce(await all(stripe.refunds.list({ limit: 100 })), listedIds('refund'));
    expectExactlyOnce(await all(stripe.events.list({ limit: 100 })), listedIds('event'));
    expectExactlyOnce(await all(stripe.products.list({ limit: 3 })), listedIds('product'));
    expectExactlyOnce(await all(stripe.prices.list({ limit: 7 })), listedIds('price'));
    expectExactlyOnce(await all(stripe.coupons.list({ limit: 2 })), listedIds('coupon'));
    expectExactlyOnce(await all(stripe.invoicePayments.list({ limit: 100 })), listedIds('invoice_payment'));
    expect(listedIds('refund').length).toBeGreaterThan(0);
  });

  it('backwards with ending_before returns the same set', async () => {
    const forward = await all(stripe.invoices.list({ limit: 100 }));
    const oldest = forward.at(-1)!;
    const back = await all(stripe.invoices.list({ limit: 37, ending_before: oldest.id }));
    expect(back.map((x) => x.id)).toEqual(
      forward
        .slice(0, -1)
        .reverse()
        .map((x) => x.id),
    );
  });
});

describe('embedded lists of more than 10 entries', () => {
  it('subscription items page through /v1/subscription_items', async () => {
    const big = (await all(stripe.subscriptions.list({ status: 'all', limit: 100 }))).filter(
      (s) => s.items.has_more,
    );
    expect(big.length).toBeGreaterThan(0);
    for (const sub of big) {
      expect(sub.items.data).toHaveLength(10);
      expect(sub.items.url).toBe(`/v1/subscription_items?subscription=${sub.id}`);
      const everything = await all(stripe.subscriptionItems.list({ subscription: sub.id, limit: 100 }));
      expect(everything.length).toBeGreaterThan(10);
      expect(everything.slice(0, 10).map((i) => i.id)).toEqual(sub.items.data.map((i) => i.id));
      const rest = await stripe.subscriptionItems.list({
        subscription: sub.id,
        starting_after: sub.items.data[9]!.id,
        limit: 100,
      });
      expect(rest.data.map((i) => i.id)).toEqual(everything.slice(10).map((i) => i.id));
      expect(rest.has_more).toBe(false);
      for (const item of everything) {
        expect(item.current_period_end).toBeGreaterThan(item.current_period_start);
        expect(item.subscription).toBe(sub.id);
      }
    }
  });

  it('invoice lines page through /v1/invoices/:id/lines', async () => {
    const invoices = await all(stripe.invoices.list({ limit: 100 }));
    const big = invoices.filter((i) => i.lines.has_more);
    expect(big.length).toBeGreaterThan(0);
    const inv = big[0]!;
    const lines = await all(stripe.invoices.listLineItems(inv.id, { limit: 4 }));
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.slice(0, 10).map((l) => l.id)).toEqual(inv.lines.data.map((l) => l.id));
    expect(lines.reduce((s, l) => s + l.amount, 0)).toBe(inv.subtotal);
    const first = lines[0]!;
    expect(first.pricing?.price_details?.price).toMatch(/^price_/);
    expect(first.parent?.subscription_item_details?.subscription_item).toMatch(/^si_/);
    expect(first.period.end).toBeGreaterThan(first.period.start);
  });

  it('invoices reach their subscription via parent.subscription_details and their payments via invoice payments', async () => {
    const inv = (await stripe.invoices.list({ status: 'paid', limit: 20 })).data.find(
      (i) => i.amount_paid > 0,
    )!;
    const subId = inv.parent?.subscription_details?.subscription;
    expect(subId).toMatch(/^sub_/);
    const withPayments = await stripe.invoices.retrieve(inv.id, { expand: ['payments'] });
    const pay = withPayments.payments?.data[0];
    expect(pay?.status).toBe('paid');
    const pi = pay?.payment.payment_intent;
    const charges = await all(stripe.charges.list({ customer: inv.customer as string, limit: 100 }));
    const charge = charges.find((c) => c.payment_intent === pi && c.status === 'succeeded');
    expect(charge?.amount).toBe(inv.amount_paid);
    const byPi = await stripe.charges.list({ payment_intent: pi as string });
    expect(byPi.data.map((c) => c.id)).toContain(charge?.id);
    expect(byPi.data.every((c) => c.payment_intent === pi)).toBe(true);
    const refund = (await stripe.refunds.list({ limit: 1 })).data[0]!;
    const refundsByPi = await stripe.refunds.list({ payment_intent: refund.payment_intent as string });
    expect(refundsByPi.data.map((r) => r.id)).toContain(refund.id);
  });
});

describe('list parameters', () => {
  it('limit, starting_after and ending_before edge cases', async () => {
    const all10 = await stripe.customers.list({ limit: 10 });
    expect(all10.data).toHaveLength(10);
    expect(all10.has_more).toBe(true);
    expect(all10.url).toBe('/v1/customers');
    const one = await stripe.customers.list({ limit: 1 });
    expect(one.data[0]!.id).toBe(all10.data[0]!.id);
    const after = await stripe.customers.list({ limit: 3, starting_after: all10.data[4]!.id });
    expect(after.data.map((c) => c.id)).toEqual(all10.data.slice(5, 8).map((c) => c.id));
    const before = await stripe.customers.list({ limit: 3, ending_before: all10.data[4]!.id });
    expect(before.data.map((c) => c.id)).toEqual(all10.data.slice(1, 4).map((c) => c.id));
    expect(before.has_more).toBe(true);
    const newest = await stripe.customers.list({ ending_before: all10.data[0]!.id });
    expect(newest.data).toEqual([]);
    expect(newest.has_more).toBe(false);
    const everything = await all(stripe.customers.list({ limit: 100 }));
    const last = await stripe.customers.list({ starting_after: everything.at(-1)!.id });
    expect(last.data).toEqual([]);
    expect(last.has_more).toBe(false);
    const max = await stripe.customers.list({ limit: 100 });
    expect(max.data).toHaveLength(100);
  });

  it('created ranges and exact created', async () => {
    const everything = await all(stripe.customers.list({ limit: 100 }));
    const mid = everything[Math.floor(everything.length / 2)]!.created;
    const gte = await all(stripe.customers.list({ limit: 100, created: { gte: mid } }));
    expect(gte.map((c) => c.id).sort()).toEqual(
      everything
        .filter((c) => c.created >= mid)
        .map((c) => c.id)
        .sort(),
    );
    const lt = await all(stripe.customers.list({ limit: 100, created: { lt: mid, gt: mid - 90 * 86400 } }));
    expect(lt.map((c) => c.id).sort()).toEqual(
      everything
        .filter((c) => c.created < mid && c.created > mid - 90 * 86400)
        .map((c) => c.id)
        .sort(),
    );
    const exact = await stripe.customers.list({ created: mid });
    expect(exact.data.length).toBeGreaterThan(0);
    expect(exact.data.every((c) => c.created === mid)).toBe(true);
  });

  it('filters: customer, subscription, status, price, product, active, charge, type', async () => {
    const sub = (await stripe.subscriptions.list({ status: 'active', limit: 1 })).data[0]!;
    const customer = sub.customer as string;
    const bySub = await all(stripe.invoices.list({ subscription: sub.id, limit: 100 }));
    expect(bySub.length).toBeGreaterThan(0);
    expect(bySub.every((i) => i.parent?.subscription_details?.subscription === sub.id)).toBe(true);
    expectExactlyOnce(
      await all(stripe.invoices.list({ customer, limit: 100 })),
      listedIds('invoice', (i) => i.customer === customer),
    );
    expectExactlyOnce(
      await all(stripe.subscriptions.list({ customer, status: 'all' })),
      listedIds('subscription', (s) => s.customer === customer),
    );
    for (const status of ['paid', 'open', 'void', 'uncollectible', 'draft'] as const) {
      expectExactlyOnce(
        await all(stripe.invoices.list({ status, limit: 100 })),
        listedIds('invoice', (i) => i.status === status),
      );
    }
    const price = sub.items.data[0]!.price.id;
    const byPrice = await all(stripe.subscriptions.list({ price, limit: 100 }));
    expect(byPrice.length).toBeGreaterThan(0);
    expect(byPrice.every((s) => s.items.data.some((i) => i.price.id === price) || s.items.has_more)).toBe(
      true,
    );
    const product = sub.items.data[0]!.price.product as string;
    const prices = await all(stripe.prices.list({ product, limit: 100 }));
    expect(prices.length).toBeGreaterThan(0);
    expect(prices.every((p) => p.product === product)).toBe(true);
    const inactive = await all(stripe.prices.list({ active: false }));
    expect(inactive.length).toBeGreaterThan(0);
    expect(inactive.every((p) => !p.active)).toBe(true);
    expect((await all(stripe.prices.list({ active: true, limit: 100 }))).every((p) => p.active)).toBe(true);
    const refund = (await stripe.refunds.list({ limit: 1 })).data[0]!;
    const byCharge = await stripe.refunds.list({ charge: refund.charge as string });
    expect(byCharge.data.map((r) => r.id)).toContain(refund.id);
    const charges = await all(stripe.charges.list({ customer, limit: 100 }));
    expect(charges.length).toBeGreaterThan(0);
    expect(charges.every((c) => c.customer === customer)).toBe(true);
    const pms = await stripe.customers.listPaymentMethods(customer);
    expect(pms.data.length).toBeGreaterThan(0);
    const pm2 = await stripe.paymentMethods.list({ customer, type: 'card' });
    expect(pm2.data.map((p) => p.id)).toEqual(pms.data.map((p) => p.id));
    expect(pm2.data[0]!.card?.last4).toMatch(/^\d{4}$/);
  });

  it('events: type, types[], created filters, 30 days only, snapshots and previous_attributes', async () => {
    const paid = await all(stripe.events.list({ type: 'invoice.paid', limit: 100 }));
    expect(paid.length).toBeGreaterThan(0);
    expect(
      paid.every((e) => e.type === 'invoice.paid' && (e.data.object as Stripe.Invoice).status === 'paid'),
    ).toBe(true);
    const both = await all(
      stripe.events.list({ types: ['customer.created', 'customer.subscription.deleted'], limit: 100 }),
    );
    expect(new Set(both.map((e) => e.type))).toEqual(
      new Set(['customer.created', 'customer.subscription.deleted']),
    );
    const wildcard = await all(stripe.events.list({ type: 'customer.subscription.*', limit: 100 }));
    expect(wildcard.every((e) => e.type.startsWith('customer.subscription.'))).toBe(true);
    const everything = await all(stripe.events.list({ limit: 100 }));
    const nowTs = Date.parse(`${NOW}T23:59:59Z`) / 1000;
    expect(Math.min(...everything.map((e) => e.created))).toBeGreaterThan(nowTs - 30 * 86400);
    const cut = everything[20]!.created;
    const gt = await all(stripe.events.list({ created: { gt: cut }, limit: 100 }));
    expect(gt.map((e) => e.id).sort()).toEqual(
      everything
        .filter((e) => e.created > cut)
        .map((e) => e.id)
        .sort(),
    );
    const updated = everything.find((e) => e.type === 'customer.subscription.updated');
    expect(updated?.data.previous_attributes).toBeTypeOf('object');
    expect(Object.keys(updated?.data.previous_attributes ?? {}).length).toBeGreaterThan(0);
    expect(updated?.id).toMatch(/^evt_/);
    const retrieved = await stripe.events.retrieve(updated!.id);
    expect(retrieved).toEqual(updated);
    const types = new Set(everything.map((e) => e.type));
    for (const t of [
      'customer.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.payment_succeeded',
      'customer.subscription.created',
      'charge.succeeded',
      'payment_method.attached',
      'product.created',
      'price.created',
    ]) {
      expect(types).toContain(t);
    }
  });
});

describe('retrieve, deleted customers and errors', () => {
  it('deleted customers retrieve as {id, object, deleted}', async () => {
    const deleted = account.data.customers.find((c) => c.deletedAt !== null)!;
    const id = account.data.ids.customer.id(deleted.idx);
    expect(await stripe.customers.retrieve(id)).toMatchObject({ id, object: 'customer', deleted: true });
    const { body } = await raw(sim, `/v1/customers/${id}`);
    expect(body).toEqual({ id, object: 'customer', deleted: true });
  });

  it('401 without or with a wrong key', async () => {
    const none = await raw(sim, '/v1/customers', null);
    expect(none.status).toBe(401);
    expect(none.body.error?.type).toBe('invalid_request_error');
    expect(String(none.body.error?.message)).toMatch(/You did not provide an API key/);
    const wrong = client(sim, 'sk_test_sim_wrong_key_1234');
    await expect(wrong.customers.list()).rejects.toMatchObject({
      type: 'StripeAuthenticationError',
      statusCode: 401,
    });
    const bad = await raw(sim, '/v1/customers', 'sk_test_sim_wrong_key_1234');
    expect(String(bad.body.error?.message)).toMatch(/^Invalid API Key provided: sk_test_\**1234$/);
  });

  it('404 resource_missing', async () => {
    await expect(stripe.customers.retrieve('cus_nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
      message: "No such customer: 'cus_nope'",
    });
    await expect(stripe.subscriptions.retrieve('sub_nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    await expect(stripe.invoices.listLineItems('in_nope')).rejects.toMatchObject({ statusCode: 404 });
    const r = await raw(sim, '/v1/nothing_here');
    expect(r.status).toBe(404);
    expect(r.body.error?.type).toBe('invalid_request_error');
  });

  it('400 for bad parameters', async () => {
    const cases: [string, string, string][] = [
      ['/v1/customers?limit=abc', 'parameter_invalid_integer', 'limit'],
      ['/v1/customers?limit=0', 'parameter_invalid_integer', 'limit'],
      ['/v1/customers?limit=101', 'parameter_invalid_integer', 'limit'],
      ['/v1/customers?created[gte]=yesterday', 'parameter_invalid_integer', 'created[gte]'],
      ['/v1/customers?created[since]=1', 'parameter_unknown', 'created[since]'],
      ['/v1/customers?colour=blue', 'parameter_unknown', 'colour'],
      ['/v1/subscription_items', 'parameter_missing', 'subscription'],
      ['/v1/customers?starting_after=cus_a&ending_before=cus_b', 'parameters_exclusive', 'starting_after'],
    ];
    for (const [path, code, param] of cases) {
      const r = await raw(sim, path);
      expect({ path, status: r.status, code: r.body.error?.code, param: r.body.error?.param }).toEqual({
        path,
        status: 400,
        code,
        param,
      });
      expect(r.body.error?.type).toBe('invalid_request_error');
    }
    await expect(stripe.customers.list({ starting_after: 'cus_missing' })).rejects.toMatchObject({
      code: 'resource_missing',
      param: 'starting_after',
    });
    await expect(stripe.subscriptions.list({ status: 'bogus' as 'all' })).rejects.toMatchObject({
      statusCode: 400,
      param: 'status',
    });
  });
});

describe('expand', () => {
  it('expands data. prefixes and nested paths', async () => {
    const custs = await stripe.customers.list({
      limit: 30,
      expand: ['data.invoice_settings.default_payment_method'],
    });
    const withPm = custs.data.filter((c) => c.invoice_settings.default_payment_method !== null);
    expect(withPm.length).toBeGreaterThan(0);
    for (const c of withPm)
      expect((c.invoice_settings.default_payment_method as Stripe.PaymentMethod).object).toBe(
        'payment_method',
      );
    const subs = await stripe.subscriptions.list({
      limit: 10,
      expand: ['data.customer', 'data.latest_invoice', 'data.items.data.price'],
    });
    for (const s of subs.data) {
      expect((s.customer as Stripe.Customer).object).toBe('customer');
      expect((s.latest_invoice as Stripe.Invoice).object).toBe('invoice');
    }
    const one = await stripe.subscriptions.retrieve(subs.data[0]!.id, {
      expand: ['items.data.price.product', 'customer.invoice_settings.default_payment_method'],
    });
    expect((one.items.data[0]!.price.product as Stripe.Product).object).toBe('product');
    const inv = await stripe.invoices
      .list({ limit: 5, expand: ['data.lines.data.pricing.price_details.price'] })
      .catch((e: Error) => e);
    expect(inv).toBeInstanceOf(Error);
    const lines = await stripe.invoices.listLineItems((subs.data[0]!.latest_invoice as Stripe.Invoice).id, {
      expand: ['data.pricing.price_details.price'],
    });
    expect((lines.data[0]!.pricing!.price_details!.price as Stripe.Price).object).toBe('price');
    const discounted = await stripe.invoices.list({ limit: 100, expand: ['data.discounts'] });
    const d = discounted.data.flatMap((i) => i.discounts).find((x) => typeof x === 'object') as
      | Stripe.Discount
      | undefined;
    expect(d?.object).toBe('discount');
    expect(d ? d.source.coupon : null).toBeTypeOf('string');
  });

  it('rejects more than 4 levels like Stripe (data.items.data.price.product)', async () => {
    await expect(
      stripe.subscriptions.list({ expand: ['data.items.data.price.product'] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'property_expansion_max_depth',
      message: 'You cannot expand more than 4 levels of a property. Property: data.items.data.price.product',
    });
    await expect(stripe.customers.list({ expand: ['data.email'] })).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});

describe('customer search', () => {
  it('supports email, name~, metadata, created and AND/OR with paging', async () => {
    const everything = await all(stripe.customers.list({ limit: 100 }));
    const target = everything.find((c) => c.email && c.name)!;
    const byEmail = await stripe.customers.search({ query: `email:'${target.email}'` });
    expect(byEmail.object).toBe('search_result');
    expect(byEmail.data.map((c) => c.id)).toEqual([target.id]);
    const word = 'Clínica';
    const byName = await all(stripe.customers.search({ query: `name~'${word}'`, limit: 7 }));
    expectExactlyOnce(
      byName,
      everything.filter((c) => c.name?.toLowerCase().includes(word.toLowerCase())).map((c) => c.id),
    );
    const seg = await all(
      stripe.customers.search({
        query: `metadata['segment']:'hospital' AND created>${everything.at(-40)!.created}`,
      }),
    );
    expectExactlyOnce(
      seg,
      everything
        .filter((c) => c.metadata.segment === 'hospital' && c.created > everything.at(-40)!.created)
        .map((c) => c.id),
    );
    const or = await all(
      stripe.customers.search({
        query: `metadata['segment']:'hospital' OR metadata['segment']:'laboratorio'`,
      }),
    );
    expectExactlyOnce(
      or,
      everything
        .filter((c) => ['hospital', 'laboratorio'].includes(c.metadata.segment ?? ''))
        .map((c) => c.id),
    );
    const page = await stripe.customers.search({ query: `name~'${word}'`, limit: 2 });
    expect(page.has_more).toBe(true);
    expect(page.next_page).toBeTypeOf('string');
    const mixed = await raw(
      sim,
      `/v1/customers/search?query=${encodeURIComponent("name:'a' AND email:'b' OR name:'c'")}`,
    );
    expect(mixed.status).toBe(400);
  });

  it('serves odd but legal data untouched', async () => {
    const everything = await all(stripe.customers.list({ limit: 100 }));
    const names = everything.map((c) => c.name);
    expect(names).toContain('<script>alert(1)</script> Consultório');
    expect(names).toContain('Clínica São João — Dr. Müller');
    expect(names).toContain(null);
    expect(everything.some((c) => c.email === null)).toBe(true);
    expect(everything.some((c) => (c.metadata.notes ?? '').length === 500)).toBe(true);
  });
});

describe('stats', () => {
  it('counts requests at /_sim/stats', async () => {
    const before = sim.stats.requests;
    await stripe.customers.list({ limit: 1 });
    expect(sim.stats.requests).toBe(before + 1);
    const res = await fetch(`${sim.url}/_sim/stats`);
    const body = (await res.json()) as { requests: number };
    expect(body.requests).toBe(before + 1);
  });
});
