import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCurrentPlans } from '../current-plans.ts';
import { upsertRows } from '../dialect.ts';
import { createTestDatabase, testDialects } from '../testing.ts';
import { type CustomerFilter, iterateCustomers, listCustomers } from './customers.ts';

describe.each(await testDialects())('customer list product/price filter on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof createTestDatabase>>;

  /** The page's ids, checked against the stats and the export, which are built differently. */
  const matching = async (filter: CustomerFilter) => {
    const { items, stats } = await listCustomers(t.db, {
      ...filter,
      page: 1,
      limit: 100,
      sort: 'mrr',
      order: 'desc',
    });
    const ids = items.map((c) => c.stripeCustomerId).sort();
    expect(stats.total).toBe(ids.length);
    expect(stats.mrrReporting).toBe(items.reduce((sum, c) => sum + c.mrrReporting, 0));
    const exported: string[] = [];
    for await (const c of iterateCustomers(t.db, filter)) exported.push(c.stripeCustomerId);
    expect(exported.sort()).toEqual(ids);
    return ids;
  };

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    const qi = t.db.sequelize.getQueryInterface();
    const customer = (id: string, name: string, mrr: number, deleted = false) => ({
      stripe_customer_id: id,
      name,
      email: `${id}@example.com`,
      deleted,
      source_version: 1,
      mrr_reporting: mrr,
    });
    await upsertRows(t.db.sequelize, { table: 'customers', key: ['stripe_customer_id'], update: [] }, [
      customer('cus_item', 'Item Customer', 100),
      customer('cus_two', 'Two Subscriptions', 200),
      customer('cus_legacy', 'Legacy Plan Row', 300),
      customer('cus_canceled', 'Canceled', 400),
      customer('cus_removed', 'Removed Item', 500),
      customer('cus_deleted', 'Deleted Customer', 600, true),
      customer('cus_other', 'Other Product', 700),
    ]);
    const sub = (id: string, customerId: string, status: string, product: string | null = null) => ({
      stripe_subscription_id: id,
      stripe_customer_id: customerId,
      status,
      stripe_product_id: product,
      stripe_price_id: product ? `price_${product}` : null,
      cancel_at_period_end: false,
      source_version: 1,
    });
    await qi.bulkInsert('customer_subscriptions', [
      sub('sub_item', 'cus_item', 'active'),
      sub('sub_two_a', 'cus_two', 'past_due'),
      sub('sub_two_b', 'cus_two', 'trialing'),
      // The plan's own column only, no items (rows from before subscription_items existed).
      sub('sub_legacy', 'cus_legacy', 'active', 'prod_x'),
      sub('sub_canceled', 'cus_canceled', 'canceled'),
      sub('sub_removed', 'cus_removed', 'active'),
      sub('sub_deleted', 'cus_deleted', 'active'),
      sub('sub_other', 'cus_other', 'active'),
    ]);
    const item = (id: string, subscription: string, product: string, deleted = false) => ({
      stripe_subscription_item_id: id,
      stripe_subscription_id: subscription,
      stripe_product_id: product,
      stripe_price_id: `price_${product}`,
      quantity: 1,
      deleted,
      source_version: 1,
    });
    await qi.bulkInsert('subscription_items', [
      item('si_item', 'sub_item', 'prod_x'),
      item('si_two_a', 'sub_two_a', 'prod_x'),
      item('si_two_b', 'sub_two_b', 'prod_x'),
      item('si_canceled', 'sub_canceled', 'prod_x'),
      item('si_removed', 'sub_removed', 'prod_x', true),
      item('si_deleted', 'sub_deleted', 'prod_x'),
      item('si_other', 'sub_other', 'prod_y'),
    ]);
    await refreshCurrentPlans(t.db.sequelize, 'all');
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('finds customers with a live subscription to the product, by item or by the plan’s column, once each', async () => {
    expect(await matching({ productId: 'prod_x' })).toEqual(['cus_item', 'cus_legacy', 'cus_two']);
    expect(await matching({ priceId: 'price_prod_x' })).toEqual(['cus_item', 'cus_legacy', 'cus_two']);
    expect(await matching({ productId: 'prod_y' })).toEqual(['cus_other']);
    expect(await matching({ productId: 'prod_x', priceId: 'price_prod_y' })).toEqual([]);
    expect(await matching({ productId: 'prod_missing' })).toEqual([]);
  });

  it('combines with the other filters and with a search', async () => {
    expect(await matching({ productId: 'prod_x', minMrr: 200 })).toEqual(['cus_legacy', 'cus_two']);
    expect(await matching({ productId: 'prod_x', search: 'legacy' })).toEqual(['cus_legacy']);
    expect(await matching({ productId: 'prod_y', search: 'legacy' })).toEqual([]);
  });
});
