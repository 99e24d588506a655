/** Fixture mode: an account dumped from the generator through the API is served back identically. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.ts';
import { all, client, NOW, raw } from './helpers.ts';

let source: Simulator;
let served: Simulator;

beforeAll(async () => {
  source = await startSimulator({ customers: 60, months: 6, seed: 8, now: NOW, port: 0 });
  const s = client(source);
  const subscriptions = await all(s.subscriptions.list({ status: 'all', limit: 100 }));
  for (const sub of subscriptions) {
    if (sub.items.has_more)
      sub.items.data = await all(s.subscriptionItems.list({ subscription: sub.id, limit: 100 }));
  }
  const invoices = await all(s.invoices.list({ limit: 100 }));
  for (const inv of invoices)
    if (inv.lines.has_more) inv.lines.data = await all(s.invoices.listLineItems(inv.id, { limit: 100 }));
  const customers = await all(s.customers.list({ limit: 100 }));
  const payment_methods = (
    await Promise.all(customers.map((c) => all(s.customers.listPaymentMethods(c.id))))
  ).flat();
  const fixture = {
    customers,
    products: await all(s.products.list({ limit: 100 })),
    prices: await all(s.prices.list({ limit: 100 })),
    coupons: await all(s.coupons.list({ limit: 100 })),
    subscriptions,
    invoices,
    payment_methods,
    charges: await all(s.charges.list({ limit: 100 })),
    refunds: await all(s.refunds.list({ limit: 100 })),
    events: await all(s.events.list({ limit: 100 })),
  };
  served = await startSimulator({ fixture: JSON.parse(JSON.stringify(fixture)), port: 0 });
});
afterAll(async () => {
  await source.stop();
  await served.stop();
});

describe('fixture mode', () => {
  it('serves the given objects with the same lists, filters and embedded paging', async () => {
    const a = client(source);
    const b = client(served);
    const paths = [
      '/v1/customers?limit=100',
      '/v1/subscriptions?status=all&limit=100',
      '/v1/subscriptions?status=active&limit=5',
      '/v1/invoices?limit=100',
      '/v1/invoices?status=paid&limit=100',
      '/v1/charges?limit=100',
      '/v1/prices?limit=100&active=false',
      '/v1/events?limit=100&type=invoice.paid',
    ];
    for (const path of paths) {
      const x = await raw(source, path);
      const y = await raw(served, path, served.secretKey);
      expect({ path, body: y.body }).toEqual({ path, body: x.body });
    }
    const sub = (await a.subscriptions.list({ status: 'all', limit: 100 })).data[0]!;
    expect(await b.subscriptions.retrieve(sub.id)).toEqual(await a.subscriptions.retrieve(sub.id));
    const customer = sub.customer as string;
    expect((await b.invoices.list({ customer })).data).toEqual((await a.invoices.list({ customer })).data);
    expect((await b.subscriptionItems.list({ subscription: sub.id })).data).toEqual(
      (await a.subscriptionItems.list({ subscription: sub.id })).data,
    );
    expect(served.groundTruth).toBeNull();
  });

  it('rejects a malformed fixture', async () => {
    await expect(
      startSimulator({ fixture: { customers: [{ object: 'customer' }] }, port: 0 }),
    ).rejects.toThrow(/no id/);
  });
});
