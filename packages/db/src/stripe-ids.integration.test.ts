import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertRows } from './dialect.ts';
import { createTestDatabase, testDialects } from './testing.ts';

describe.each(await testDialects())('Stripe ids on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('keeps ids that differ only in case apart (unique keys and joins)', async () => {
    const row = (id: string, currency: string) => ({
      stripe_price_id: id,
      currency,
      type: 'recurring',
      source_version: 1,
    });
    const spec = {
      table: 'prices',
      key: ['stripe_price_id'],
      update: ['currency'],
      version: 'source_version',
    };
    await upsertRows(t.db.sequelize, spec, [row('price_abC', 'usd'), row('price_abc', 'brl')]);
    const rows = await t.db.sequelize.query<{ stripe_price_id: string; currency: string }>(
      "SELECT stripe_price_id, currency FROM prices WHERE stripe_price_id = 'price_abc'",
      { type: QueryTypes.SELECT },
    );
    expect(rows).toEqual([{ stripe_price_id: 'price_abc', currency: 'brl' }]);
    const [count] = await t.db.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM prices', {
      type: QueryTypes.SELECT,
    });
    expect(Number(count?.n)).toBe(2);
  });

  it.runIf(dialect === 'mysql')(
    'gives every Stripe id column of every table a binary collation',
    async () => {
      const loose = await t.db.sequelize.query(
        `SELECT TABLE_NAME, COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = DATABASE() AND DATA_TYPE IN ('varchar', 'char')
         AND COLUMN_NAME LIKE 'stripe\\_%\\_id' AND COLLATION_NAME <> 'utf8mb4_bin'`,
        { type: QueryTypes.SELECT },
      );
      expect(loose).toEqual([]);
    },
  );
});
