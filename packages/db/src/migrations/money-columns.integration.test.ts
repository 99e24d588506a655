import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_ADDITIONS_V4 } from '../schema.ts';
import { createTestDatabase, testDialects } from '../testing.ts';

const dialects = await testDialects();

describe.each(dialects)('money columns on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(() => t.destroy());

  it('gives every money column its own name (none collapses into another)', async () => {
    const qi = t.db.sequelize.getQueryInterface();
    for (const [table, columns] of Object.entries(TABLE_ADDITIONS_V4)) {
      const existing = Object.keys(await qi.describeTable(table));
      expect(existing, table).toEqual(expect.arrayContaining(Object.keys(columns)));
    }
    await t.db.models.Invoice.create({
      stripe_invoice_id: 'in_1',
      currency: 'brl',
      total: 100,
      amount_paid: 90,
    });
    const [row] = await t.db.sequelize.query('SELECT total, amount_paid FROM invoices');
    expect(row).toEqual([{ total: 100, amount_paid: 90 }]);
  });
});
