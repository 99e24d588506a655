import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, testDialects } from '../testing.ts';
import { cohortSpans } from './analytics.ts';

describe.each(await testDialects())('cohortSpans on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    const qi = t.db.sequelize.getQueryInterface();
    const customers = [
      ['cus_in', '2026-03-10', false],
      ['cus_edge', '2026-01-01', false],
      ['cus_before', '2025-12-31', false],
      ['cus_after', '2026-07-01', false],
      ['cus_deleted', '2026-03-10', true],
    ] as const;
    await qi.bulkInsert(
      'customers',
      customers.map(([id, first, deleted]) => ({
        stripe_customer_id: id,
        email: `${id}@example.com`,
        deleted,
        source_version: 1,
        first_mrr_date: first,
      })),
    );
    await qi.bulkInsert('customer_mrr_spans', [
      ...customers.map(([id, first]) => ({
        stripe_customer_id: id,
        start_date: first,
        end_date: '2026-05-01',
        mrr: 1000,
        currency: 'BRL',
        mrr_reporting: 1000,
      })),
      {
        stripe_customer_id: 'cus_in',
        start_date: '2026-05-01',
        end_date: null,
        mrr: 2000,
        currency: 'BRL',
        mrr_reporting: 2000,
      },
    ]);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.destroy();
  });

  it('returns the spans of live customers whose first MRR falls in [from, to), in order', async () => {
    const rows = await cohortSpans(t.db, '2026-01-01', '2026-07-01');
    expect(rows.sort((a, b) => a.customerId.localeCompare(b.customerId))).toEqual([
      { customerId: 'cus_edge', spans: [['2026-01-01', '2026-05-01', 1000]] },
      {
        customerId: 'cus_in',
        spans: [
          ['2026-03-10', '2026-05-01', 1000],
          ['2026-05-01', null, 2000],
        ],
      },
    ]);
  });

  it.runIf(dialect === 'sqlite')('reads customers and spans from covering indexes only', async () => {
    const spy = vi.spyOn(t.db.sequelize, 'query');
    await cohortSpans(t.db, '2026-01-01', '2026-07-01');
    const [sql, options] = spy.mock.calls[0] as [string, { replacements: Record<string, unknown> }];
    spy.mockRestore();
    const plan = await t.db.sequelize.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, {
      type: QueryTypes.SELECT,
      replacements: options.replacements,
    });
    const details = plan.map((p) => p.detail);
    expect(details).toContainEqual(
      expect.stringMatching(/^SEARCH c USING COVERING INDEX idx_customers_cohort_live/),
    );
    expect(details).toContainEqual(
      expect.stringMatching(/^SEARCH s USING COVERING INDEX idx_spans_customer_cover/),
    );
  });
});
