import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertRows } from '../dialect.ts';
import { createTestDatabase, testDialects } from '../testing.ts';
import { dataVersion } from './live.ts';
import { requestSyncRun } from './sync.ts';

const NOW = new Date('2026-11-20T12:00:00Z');

describe.each(await testDialects())('dataVersion on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof createTestDatabase>>;
  const sql = (query: string, replacements: Record<string, unknown> = {}) =>
    t.db.sequelize.query(query, { replacements });

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await upsertRows(
      t.db.sequelize,
      { table: 'customers', key: ['stripe_customer_id'], update: ['name', 'email'] },
      ['cus_a', 'cus_b'].map((id) => ({
        stripe_customer_id: id,
        name: id,
        email: `${id}@example.com`,
        deleted: false,
        source_version: 1,
      })),
    );
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('moves when metrics are recomputed, a run is queued, progresses or ends, and an event is processed', async () => {
    const versions = [await dataVersion(t.db)];
    const moved = async () => {
      const v = await dataVersion(t.db);
      expect(versions).not.toContain(v);
      versions.push(v);
    };
    await sql("UPDATE customers SET metrics_updated_at = :at WHERE stripe_customer_id = 'cus_a'", {
      at: NOW,
    });
    await moved();
    const { run } = await requestSyncRun(t.db, {
      kind: 'full',
      triggeredBy: 'test',
      now: NOW,
      staleBefore: new Date(0),
    });
    await moved();
    await sql("UPDATE sync_runs SET status = 'running', heartbeat_at = :at WHERE id = :id", {
      id: run.id,
      at: new Date(NOW.getTime() + 1000),
    });
    await moved();
    await sql('UPDATE sync_runs SET heartbeat_at = :at WHERE id = :id', {
      id: run.id,
      at: new Date(NOW.getTime() + 2000),
    });
    await moved();
    await sql("UPDATE sync_runs SET status = 'succeeded', finished_at = :at WHERE id = :id", {
      id: run.id,
      at: new Date(NOW.getTime() + 3000),
    });
    await moved();
    await t.db.sequelize.getQueryInterface().bulkInsert('stripe_events', [
      {
        stripe_event_id: 'evt_1',
        type: 'customer.updated',
        stripe_created: Math.floor(NOW.getTime() / 1000),
        livemode: false,
        payload: '{}',
        source: 'poll',
        received_at: NOW,
        processed_at: new Date(NOW.getTime() + 4000),
      },
    ]);
    await moved();
    // Nothing changed: the same version.
    expect(await dataVersion(t.db)).toBe(versions[versions.length - 1]);
  });

  it.runIf(dialect === 'sqlite')(
    'reads every part from an index, never scanning customers, events or runs',
    async () => {
      const plans = [
        'SELECT MAX(metrics_updated_at) FROM customers',
        'SELECT MAX(processed_at) FROM stripe_events',
        'SELECT MAX(id) FROM sync_runs',
        "SELECT id FROM sync_runs WHERE status IN ('queued', 'running')",
      ];
      for (const query of plans) {
        const rows = await t.db.sequelize.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`, {
          type: QueryTypes.SELECT,
        });
        const detail = rows.map((r) => r.detail).join('; ');
        // SEARCH: a seek into an index (or the rowid); SCAN would read every row.
        expect(detail, query).toMatch(/^SEARCH /);
        expect(detail, query).not.toMatch(/SCAN/);
      }
    },
  );
});
