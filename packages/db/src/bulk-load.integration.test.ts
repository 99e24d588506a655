import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deferIndexesWhileEmpty, indexesDeferred, restoreDeferredIndexes } from './bulk-load.ts';
import { MIGRATIONS_TABLE, migrate } from './migrations/index.ts';
import { createTestDatabase, indexDefinitions, testDialects } from './testing.ts';

const dialects = await testDialects();

describe.each(dialects)('deferred indexes on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
  });
  afterEach(() => t.destroy());

  const indexes = () => indexDefinitions(t.db.sequelize);

  it.runIf(dialect === 'sqlite')(
    'drops 15 indexes of an empty mirror, then builds them back exactly as they were',
    async () => {
      const before = (await indexes()) as { name: string }[];
      expect(await deferIndexesWhileEmpty(t.db.sequelize)).toBe(true);
      const during = (await indexes()) as { name: string }[];
      expect(before.length - during.length).toBe(15);
      expect(during.map((i) => i.name)).not.toContain('idx_lines_engine');
      // The sync's own lookups stay.
      expect(during.map((i) => i.name)).toEqual(
        expect.arrayContaining([
          'idx_lines_invoice',
          'idx_charges_payment_intent',
          'idx_invoice_payments_intent',
        ]),
      );
      expect(await indexesDeferred(t.db.sequelize)).toBe(true);
      // A resumed backfill finds them still deferred.
      expect(await deferIndexesWhileEmpty(t.db.sequelize)).toBe(true);
      expect(await indexes()).toEqual(during);

      expect(await restoreDeferredIndexes(t.db.sequelize)).toBe(15);
      expect(await indexes()).toEqual(before);
      expect(await indexesDeferred(t.db.sequelize)).toBe(false);
      expect(await restoreDeferredIndexes(t.db.sequelize)).toBe(0);
    },
  );

  it('leaves the indexes of a mirror that holds rows alone', async () => {
    const before = await indexes();
    await t.db.sequelize.query(
      `INSERT INTO invoice_payments (stripe_invoice_payment_id, stripe_invoice_id, status, is_default, currency, source_version)
       VALUES ('inpay_1', 'in_1', 'paid', 1, 'brl', 1)`,
    );
    expect(await deferIndexesWhileEmpty(t.db.sequelize)).toBe(false);
    expect(await indexes()).toEqual(before);
    expect(await indexesDeferred(t.db.sequelize)).toBe(false);
  });

  it.runIf(dialect === 'mysql')('never defers on MySQL, where it gained nothing', async () => {
    const before = await indexes();
    expect(await deferIndexesWhileEmpty(t.db.sequelize)).toBe(false);
    expect(await indexes()).toEqual(before);
    expect(await restoreDeferredIndexes(t.db.sequelize)).toBe(0);
  });

  it.runIf(dialect === 'sqlite')('builds deferred indexes before a pending migration runs', async () => {
    const before = await indexes();
    await deferIndexesWhileEmpty(t.db.sequelize);
    await t.db.sequelize.query(`DELETE FROM ${MIGRATIONS_TABLE} WHERE name = '0024-deferred-indexes'`);
    expect(await migrate(t.db.sequelize)).toEqual(['0024-deferred-indexes']);
    expect(await indexes()).toEqual(before);
    expect(await indexesDeferred(t.db.sequelize)).toBe(false);
  });
});
