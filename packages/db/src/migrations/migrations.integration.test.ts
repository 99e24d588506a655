import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../connection.ts';
import { createEmptyTestDatabase, type TestDatabase, testDialects } from '../testing.ts';
import { migrate, pendingMigrations } from './index.ts';
import { PLAN_DDL_MYSQL, PLAN_DDL_SQLITE, PLAN_TABLES } from './plan-ddl.ts';

/** Column names of the plan's DDL, read from the DDL itself so the test can't drift from it. */
function planColumns(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const statement of PLAN_DDL_MYSQL) {
    const table = /CREATE TABLE IF NOT EXISTS (\w+)/.exec(statement)![1]!;
    out[table] = statement
      .split('\n')
      .slice(1)
      .map((line) => line.trim())
      .filter((line) => /^[a-z_0-9]+ [A-Z]/.test(line) && !/^(INDEX|UNIQUE|FOREIGN|PRIMARY)/.test(line))
      .map((line) => line.split(' ')[0]!);
  }
  return out;
}

const NEW_TABLES = [
  'products',
  'prices',
  'coupons',
  'subscription_items',
  'invoices',
  'invoice_lines',
  'payment_methods',
  'charges',
  'refunds',
  'stripe_events',
  'sync_runs',
  'sync_cursors',
  'mrr_movements',
  'users',
  'api_tokens',
  'audit_log',
  'settings',
  'customer_mrr_spans',
  'job_leases',
  'sessions',
  'invoice_payments',
];

async function tableNames(db: Database): Promise<string[]> {
  return (await db.sequelize.getQueryInterface().showAllTables()).map(String).sort();
}

/** Everything observable about the schema and the data, to compare before and after. */
async function snapshot(db: Database) {
  const qi = db.sequelize.getQueryInterface();
  const out: Record<string, unknown> = {};
  for (const table of await tableNames(db)) {
    const columns = await qi.describeTable(table);
    const indexes = ((await qi.showIndex(table)) as { name: string }[]).map((i) => i.name).sort();
    const [rows] = await db.sequelize.query(`SELECT * FROM ${table} ORDER BY 1`);
    out[table] = { columns, indexes, rows };
  }
  return out;
}

// The plan's section 7.1 test rows, plus a row in every other plan table.
const PLAN_ROWS = (now: string) => [
  `INSERT INTO customers (stripe_customer_id, email, name, created_at) VALUES
    ('cus_test1', 'test1@example.com', 'Test Customer 1', ${now}),
    ('cus_test2', 'test2@example.com', 'Test Customer 2', ${now})`,
  `INSERT INTO customer_subscriptions (stripe_subscription_id, stripe_customer_id, stripe_price_id, status, metadata, created_at)
    VALUES ('sub_test1', 'cus_test1', 'price_test', 'active', '{"legacy":"yes"}', ${now})`,
  `INSERT INTO customer_metrics (stripe_customer_id, metric_date, total_revenue, lifetime_value, churn_risk_score, health_score)
    VALUES ('cus_test1', '2025-07-21', 29900, 717600, 0.12, 85)`,
  `INSERT INTO customer_activity (stripe_customer_id, activity_type, activity_date, description)
    VALUES ('cus_test1', 'payment_succeeded', ${now}, 'Payment succeeded (R$ 299,00)')`,
  `INSERT INTO customer_analytics_daily (date, new_customers, total_active_customers, total_revenue)
    VALUES ('2025-07-21', 2, 2, 29900)`,
];

const dialects = await testDialects();

describe.each(dialects)('migrations on %s', (dialect) => {
  let target: TestDatabase;
  let db: Database;
  afterEach(async () => {
    await db?.close();
    await target?.destroy();
  });

  it('creates every table on a fresh database with the plan’s exact column names', async () => {
    target = await createEmptyTestDatabase(dialect);
    db = target.open();
    const applied = await migrate(db.sequelize);
    expect(applied.length).toBeGreaterThan(0);
    const tables = await tableNames(db);
    for (const t of [...PLAN_TABLES, ...NEW_TABLES]) expect(tables).toContain(t);
    const qi = db.sequelize.getQueryInterface();
    for (const [table, columns] of Object.entries(planColumns())) {
      const actual = Object.keys(await qi.describeTable(table));
      expect(columns.length).toBeGreaterThan(5);
      for (const c of columns) expect(actual, `${table}.${c}`).toContain(c);
    }
    expect(await pendingMigrations(db.sequelize)).toEqual([]);
  });

  it('adopts a database created with the plan’s DDL and rows, losing nothing, and a second run changes nothing', async () => {
    target = await createEmptyTestDatabase(dialect);
    db = target.open();
    const ddl = dialect === 'sqlite' ? PLAN_DDL_SQLITE : PLAN_DDL_MYSQL;
    for (const statement of ddl) await db.sequelize.query(statement);
    const now = dialect === 'sqlite' ? 'CURRENT_TIMESTAMP' : 'NOW()';
    for (const statement of PLAN_ROWS(now)) await db.sequelize.query(statement);
    const before = await snapshot(db);

    await migrate(db.sequelize);
    const after = await snapshot(db);
    // Every existing table keeps every column and every row, value for value.
    for (const [table, state] of Object.entries(before) as [string, { columns: object; rows: object[] }][]) {
      const now = after[table] as { columns: object; rows: Record<string, unknown>[] };
      for (const column of Object.keys(state.columns)) expect(Object.keys(now.columns)).toContain(column);
      expect(now.rows.length).toBe(state.rows.length);
      now.rows.forEach((row, i) => {
        expect(row).toMatchObject(state.rows[i] as Record<string, unknown>);
      });
    }
    for (const t of NEW_TABLES) expect(Object.keys(after)).toContain(t);

    expect(await migrate(db.sequelize)).toEqual([]);
    expect(await snapshot(db)).toEqual(after);
  });

  it('keeps the plan’s foreign keys: a subscription of an unknown customer is refused', async () => {
    target = await createEmptyTestDatabase(dialect);
    db = target.open();
    await migrate(db.sequelize);
    await expect(
      db.sequelize.query(
        "INSERT INTO customer_subscriptions (stripe_subscription_id, stripe_customer_id) VALUES ('sub_x', 'cus_missing')",
      ),
    ).rejects.toThrow();
  });
});
