import { deferIndexesWhileEmpty, restoreDeferredIndexes } from '@medpro/db';
import { createTestDatabase, testDialects } from '@medpro/db/testing';
import { generateAccount } from '@medpro/stripe-sim';
import pino from 'pino';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsScheduler } from './schedule.ts';
import { loadSimulatorAccount } from './sim-loader.ts';

const NOW = '2026-11-20';

describe.each(await testDialects())('analytics schedule on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof createTestDatabase>>;
  const log = pino({ level: 'silent' });
  let clock = new Date(`${NOW}T10:00:00Z`);
  const count = async (sql: string) =>
    Number((await t.db.sequelize.query<{ n: unknown }>(sql, { type: QueryTypes.SELECT }))[0]?.n);

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await loadSimulatorAccount(t.db, generateAccount({ customers: 40, months: 6, seed: 3, now: NOW }));
  }, 60_000);
  afterAll(async () => {
    await t?.destroy();
  });

  it('rebuilds on the first tick, then only recomputes the customers the sync reported', async () => {
    const scheduler = new AnalyticsScheduler(t.db, log, 'test', () => clock);
    await scheduler.tick();
    expect(await count(`SELECT COUNT(*) AS n FROM customer_analytics_daily WHERE date = '${NOW}'`)).toBe(1);
    const metrics = await count('SELECT COUNT(*) AS n FROM customer_metrics');
    expect(metrics).toBeGreaterThan(0);

    const [sub] = await t.db.sequelize.query<{ id: string; customer: string }>(
      `SELECT stripe_subscription_id AS id, stripe_customer_id AS customer FROM customer_subscriptions
       WHERE status = 'active' ORDER BY stripe_subscription_id LIMIT 1`,
      { type: QueryTypes.SELECT },
    );
    await t.db.sequelize.query(
      `UPDATE customer_subscriptions SET status = 'canceled', ended_at = :ended WHERE stripe_subscription_id = :id`,
      { replacements: { ended: new Date(`${NOW}T09:00:00Z`), id: sub?.id } },
    );
    scheduler.customersChanged([sub!.customer]);
    await scheduler.tick();
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM mrr_movements WHERE stripe_customer_id = '${sub?.customer}' AND movement_date = '${NOW}' AND movement_type IN ('churn', 'contraction')`,
      ),
    ).toBe(1);
    // Same day, nothing queued: no rebuild (the snapshot rows stay the ones written).
    expect(await count('SELECT COUNT(*) AS n FROM customer_metrics')).toBe(metrics);

    clock = new Date('2026-11-21T00:05:00Z');
    await scheduler.tick();
    expect(await count(`SELECT COUNT(*) AS n FROM customer_analytics_daily WHERE date = '2026-11-21'`)).toBe(
      1,
    );
    // A new day keeps yesterday's customer_metrics rows and adds today's.
    expect(await count('SELECT COUNT(*) AS n FROM customer_metrics')).toBe(2 * metrics);
  }, 60_000);

  it.runIf(dialect === 'sqlite')(
    'waits while a first backfill has the indexes deferred, then computes what it loaded',
    async () => {
      const loading = await createTestDatabase(dialect);
      try {
        await deferIndexesWhileEmpty(loading.db.sequelize);
        await loadSimulatorAccount(
          loading.db,
          generateAccount({ customers: 5, months: 3, seed: 4, now: NOW }),
        );
        const scheduler = new AnalyticsScheduler(loading.db, log, 'test', () => clock);
        const daily = async () =>
          Number(
            (
              await loading.db.sequelize.query<{ n: unknown }>(
                'SELECT COUNT(*) AS n FROM customer_analytics_daily',
                { type: QueryTypes.SELECT },
              )
            )[0]?.n,
          );
        await scheduler.tick();
        expect(await daily()).toBe(0);
        await restoreDeferredIndexes(loading.db.sequelize);
        await scheduler.tick();
        expect(await daily()).toBeGreaterThan(0);
      } finally {
        await loading.destroy();
      }
    },
    60_000,
  );

  it('rebuilds when the metric settings version changes', async () => {
    const scheduler = new AnalyticsScheduler(t.db, log, 'test', () => clock);
    const before = await count('SELECT SUM(mrr) AS n FROM customer_analytics_daily');
    await t.db.models.Setting.create({ key: 'metric_settings', value: { discountMode: 'none' } });
    await t.db.models.Setting.create({ key: 'metric_settings_version', value: { version: 2 } });
    await scheduler.tick();
    const after = await count('SELECT SUM(mrr) AS n FROM customer_analytics_daily');
    expect(after).toBeGreaterThan(before);
  }, 60_000);
});
