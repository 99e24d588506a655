import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateBucket, parseJson, Statements, toDate, upsertRows } from './dialect.ts';
import { createTestDatabase, testDialects } from './testing.ts';

const dialects = await testDialects();

describe.each(dialects)('dialect helpers on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(() => t.destroy());

  const spec = {
    table: 'products',
    key: ['stripe_product_id'],
    update: ['name', 'raw'],
    version: 'source_version',
  };
  const row = (name: string, version: number) => ({
    stripe_product_id: 'prod_1',
    name,
    active: true,
    raw: { name },
    source_version: version,
  });
  const read = async () => {
    const [rows] = await t.db.sequelize.query(
      "SELECT name, raw, source_version FROM products WHERE stripe_product_id = 'prod_1'",
    );
    const r = rows[0] as { name: string; raw: unknown; source_version: number };
    return { ...r, raw: parseJson(r.raw), source_version: Number(r.source_version) };
  };

  it('inserts, then an older version never overwrites a newer one, and an equal version does', async () => {
    await upsertRows(t.db.sequelize, spec, [row('v2', 2000)]);
    expect(await read()).toEqual({ name: 'v2', raw: { name: 'v2' }, source_version: 2000 });
    await upsertRows(t.db.sequelize, spec, [row('v1', 1000)]);
    expect(await read()).toEqual({ name: 'v2', raw: { name: 'v2' }, source_version: 2000 });
    await upsertRows(t.db.sequelize, spec, [row('v2b', 2000)]);
    expect(await read()).toEqual({ name: 'v2b', raw: { name: 'v2b' }, source_version: 2000 });
    await upsertRows(t.db.sequelize, spec, [row('v3', 3000)]);
    expect(await read()).toEqual({ name: 'v3', raw: { name: 'v3' }, source_version: 3000 });
  });

  it('stores the same values inside a transaction (driver-bound on SQLite) as outside one', async () => {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const values = (id: string) => ({
      stripe_product_id: id,
      name: "O'Brien “Clínica”",
      active: false,
      raw: JSON.stringify({ n: 1, s: 'x' }),
      metadata: { tier: 'gold' },
      stripe_created_at: at,
      source_version: 1_764_000_000_123,
      created_at: at,
      updated_at: at,
    });
    const full = { ...spec, update: Object.keys(values('x')).filter((c) => c !== 'stripe_product_id') };
    await upsertRows(t.db.sequelize, full, [values('prod_out')]);
    await t.db.sequelize.transaction((transaction) =>
      upsertRows(t.db.sequelize, full, [values('prod_in')], { transaction }),
    );
    const [rows] = (await t.db.sequelize.query(
      "SELECT * FROM products WHERE stripe_product_id IN ('prod_out', 'prod_in') ORDER BY stripe_product_id DESC",
    )) as [Record<string, unknown>[], unknown];
    const [outside, inside] = rows.map(({ id: _, stripe_product_id: __, ...rest }) => rest);
    expect(inside).toEqual(outside);
    expect(toDate(outside?.stripe_created_at)?.getTime()).toBe(
      at.getTime() - (dialect === 'mysql' ? 678 : 0),
    );
    expect(Number(outside?.source_version)).toBe(1_764_000_000_123);
  });

  it('upserts many rows in batches, with quotes and unicode kept as data', async () => {
    const names = Array.from({ length: 1203 }, (_, i) => `Clínica “${i}” '); DROP TABLE products; --`);
    await upsertRows(
      t.db.sequelize,
      spec,
      names.map((name, i) => ({
        stripe_product_id: `prod_b${i}`,
        name,
        active: true,
        raw: null,
        source_version: 1,
      })),
      { batchSize: 250 },
    );
    const [rows] = await t.db.sequelize.query(
      "SELECT COUNT(*) AS n FROM products WHERE stripe_product_id LIKE 'prod_b%'",
    );
    expect(Number((rows[0] as { n: number }).n)).toBe(1203);
    const [one] = await t.db.sequelize.query("SELECT name FROM products WHERE stripe_product_id = 'prod_b7'");
    expect((one[0] as { name: string }).name).toBe(names[7]);
  });

  const product = (id: string, name: string) => ({
    stripe_product_id: id,
    name,
    active: true,
    raw: null,
    source_version: 1,
  });

  it('runs the queued statements in the order queued, with lists bound as lists', async () => {
    const names = await t.db.sequelize.transaction(async (transaction) => {
      const q = Statements.of(transaction);
      q.upsert(spec, [product('prod_q1', 'first'), product('prod_q2', "O'Brien")]);
      q.run('UPDATE products SET name = ? WHERE stripe_product_id IN (?)', [
        'renamed',
        ['prod_q1', 'prod_q2'],
      ]);
      q.upsert(spec, [{ ...product('prod_q2', 'last'), source_version: 2 }]);
      const rows = await q.all<{ id: string; name: string }>(
        'SELECT stripe_product_id AS id, name FROM products WHERE stripe_product_id IN (?) ORDER BY 1',
        [['prod_q1', 'prod_q2', 'prod_absent']],
      );
      await q.settle();
      return rows;
    });
    expect(names).toEqual([
      { id: 'prod_q1', name: 'renamed' },
      { id: 'prod_q2', name: 'last' },
    ]);
  });

  it('stops the queue at its first failure: nothing queued after it runs, settle() reports it', async () => {
    const failed = t.db.sequelize.transaction(async (transaction) => {
      const q = Statements.of(transaction);
      q.upsert(spec, [product('prod_f1', 'before')]);
      q.run('UPDATE no_such_table SET x = 1');
      q.upsert(spec, [product('prod_f2', 'after')]);
      await q.settle();
    });
    await expect(failed).rejects.toThrow(/no_such_table/);
    const [rows] = await t.db.sequelize.query(
      "SELECT stripe_product_id FROM products WHERE stripe_product_id IN ('prod_f1', 'prod_f2')",
    );
    expect(rows).toEqual([]);
  });

  it('abandons the queue of a transaction that fails elsewhere: nothing queued runs after its rollback', async () => {
    const failed = t.db.sequelize.transaction(async (transaction) => {
      const q = Statements.of(transaction);
      for (let i = 0; i < 20; i++) q.upsert(spec, [product(`prod_a${i}`, 'queued')]);
      const error = new Error('mapping failed');
      await q.abandon(error);
      throw error;
    });
    await expect(failed).rejects.toThrow('mapping failed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [rows] = await t.db.sequelize.query(
      "SELECT stripe_product_id FROM products WHERE stripe_product_id LIKE 'prod_a%'",
    );
    expect(rows).toEqual([]);
  });

  it('refuses an empty list instead of sending IN ()', async () => {
    await t.db.sequelize
      .transaction(async (transaction) => {
        const q = Statements.of(transaction);
        await expect(q.all('SELECT 1 FROM products WHERE stripe_product_id IN (?)', [[]])).rejects.toThrow(
          /empty list/,
        );
        await expect(q.settle()).rejects.toThrow(/empty list/);
      })
      .catch(() => {});
  });

  it('buckets UTC timestamps by day, ISO week (Monday) and month', async () => {
    await t.db.models.Product.create({
      stripe_product_id: 'prod_date',
      name: 'd',
      stripe_created_at: new Date('2026-03-05T23:30:00Z'),
    });
    const col = 'stripe_created_at';
    const [rows] = await t.db.sequelize.query(
      `SELECT ${dateBucket(dialect, col, 'day')} AS d, ${dateBucket(dialect, col, 'week')} AS w, ${dateBucket(dialect, col, 'month')} AS m FROM products WHERE stripe_product_id = 'prod_date'`,
    );
    const r = rows[0] as Record<string, unknown>;
    const asDay = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
    expect([asDay(r.d), asDay(r.w), asDay(r.m)]).toEqual(['2026-03-05', '2026-03-02', '2026-03-01']);
  });
});

describe('toDate', () => {
  it.each([
    ['2026-01-02 03:04:05.678 +00:00', '2026-01-02T03:04:05.678Z'],
    ['2026-01-02 03:04:05', '2026-01-02T03:04:05.000Z'],
    ['2026-01-02', '2026-01-02T00:00:00.000Z'],
  ])('reads SQLite text %s as UTC', (text, iso) => {
    expect(toDate(text)?.toISOString()).toBe(iso);
  });
  it('passes Dates through and maps empty to null', () => {
    const d = new Date();
    expect(toDate(d)).toBe(d);
    expect(toDate(null)).toBeNull();
  });
  it('refuses garbage loudly', () => {
    expect(() => toDate('yesterday-ish')).toThrow(/Unreadable date/);
  });
});
