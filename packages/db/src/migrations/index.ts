import { type ModelAttributes, type QueryInterface, QueryTypes, type Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { restoreDeferredIndexes } from '../bulk-load.ts';
import { refreshCurrentPlans } from '../current-plans.ts';
import { mysqlCustomerSearchBytes, mysqlCustomerSearchColumn, sqliteCustomerSearchDdl } from '../dialect.ts';
import {
  CUSTOMER_SEARCH_INDEXES_V10,
  PLAN_TABLE_ADDITIONS_V1,
  PLAN_TABLE_ADDITIONS_V2,
  PLAN_TABLE_ADDITIONS_V3,
  PLAN_TABLE_INDEXES_V1,
  PLAN_TABLE_INDEXES_V2,
  PLAN_TABLE_INDEXES_V3,
  SQLITE_INDEXES_V8,
  SQLITE_INDEXES_V9,
  TABLE_ADDITIONS_V4,
  TABLE_ADDITIONS_V5,
  TABLE_INDEXES_V5,
  TABLE_INDEXES_V6,
  TABLE_INDEXES_V7,
  TABLE_INDEXES_V11,
  TABLE_INDEXES_V12,
  TABLE_INDEXES_V13,
  TABLE_INDEXES_V14,
  TABLE_INDEXES_V15,
  TABLES_V1,
  TABLES_V2,
  TABLES_V3,
  TABLES_V4,
  TABLES_V5,
  TABLES_V6,
  TABLES_V7,
  type TableDefinition,
} from '../schema.ts';
import { PLAN_DDL_MYSQL, PLAN_DDL_SQLITE } from './plan-ddl.ts';

interface MigrationContext {
  sequelize: Sequelize;
  queryInterface: QueryInterface;
}

/** A migration that adds missing indexes, on every dialect or only the one named. */
function indexMigration(
  name: string,
  indexes: Record<string, NonNullable<TableDefinition['indexes']>>,
  only?: 'sqlite' | 'mysql',
) {
  return {
    name,
    async up({ context: { sequelize, queryInterface } }: { context: MigrationContext }) {
      if (only && sequelize.getDialect() !== only) return;
      for (const [table, list] of Object.entries(indexes))
        await addMissingIndexes(queryInterface, table, list);
    },
  };
}

/**
 * Every migration only adds what is missing, because production databases were created
 * by hand from the plan's DDL and hold rows: adopting one must keep every row and column.
 */
const MIGRATIONS = [
  {
    name: '0001-plan-tables',
    async up({ context: { sequelize } }: { context: MigrationContext }) {
      const ddl = sequelize.getDialect() === 'sqlite' ? PLAN_DDL_SQLITE : PLAN_DDL_MYSQL;
      for (const statement of ddl) await sequelize.query(statement);
    },
  },
  {
    name: '0002-mirror-and-product-tables',
    async up({ context: { queryInterface } }: { context: MigrationContext }) {
      await addMissingColumns(queryInterface, PLAN_TABLE_ADDITIONS_V1, PLAN_TABLE_INDEXES_V1);
      await createMissingTables(queryInterface, TABLES_V1);
    },
  },
  {
    name: '0003-analytics-read-models-leases-sessions',
    async up({ context: { queryInterface } }: { context: MigrationContext }) {
      await addMissingColumns(queryInterface, PLAN_TABLE_ADDITIONS_V2, PLAN_TABLE_INDEXES_V2);
      await createMissingTables(queryInterface, TABLES_V2);
    },
  },
  {
    name: '0004-customer-erasure-and-api-indexes',
    async up({ context: { queryInterface } }: { context: MigrationContext }) {
      await addMissingColumns(queryInterface, PLAN_TABLE_ADDITIONS_V3, PLAN_TABLE_INDEXES_V3);
    },
  },
  {
    name: '0005-money-columns',
    async up({ context: { queryInterface } }: { context: MigrationContext }) {
      await addMissingColumns(queryInterface, TABLE_ADDITIONS_V4, {});
    },
  },
  {
    name: '0006-case-sensitive-stripe-ids',
    async up({ context: { sequelize } }: { context: MigrationContext }) {
      if (sequelize.getDialect() === 'mysql') await binaryStripeIdColumns(sequelize);
    },
  },
  {
    // customer_activity.source_id holds Stripe ids (invoice, charge, refund, event): its unique
    // key with activity_type must tell 'in_…R' from 'in_…r', or replays merge two payments.
    name: '0007-case-sensitive-activity-source',
    async up({ context: { sequelize } }: { context: MigrationContext }) {
      if (sequelize.getDialect() === 'mysql')
        await sequelize.query(
          'ALTER TABLE customer_activity MODIFY source_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL',
        );
    },
  },
  indexMigration('0008-analytics-day-indexes', TABLE_INDEXES_V5),
  indexMigration('0009-api-list-indexes', TABLE_INDEXES_V6),
  indexMigration('0010-customer-list-sort-indexes', TABLE_INDEXES_V7),
  indexMigration('0011-customer-search-index', SQLITE_INDEXES_V8, 'sqlite'),
  indexMigration('0012-analytics-engine-covering-indexes', SQLITE_INDEXES_V9, 'sqlite'),
  {
    // Case- and accent-insensitive substring search at 100k customers (issue 6): an FTS5 trigram
    // index on SQLite, a narrow index of a folded generated column on MySQL/MariaDB (see dialect.ts).
    name: '0013-customer-search',
    async up({ context: { sequelize, queryInterface } }: { context: MigrationContext }) {
      if (sequelize.getDialect() === 'sqlite') {
        for (const statement of sqliteCustomerSearchDdl()) await sequelize.query(statement);
        // 0011's covering index served the LIKE scan this replaces; it only costs writes now.
        await sequelize.query('DROP INDEX IF EXISTS idx_customers_search');
        return;
      }
      if (!('search_text' in (await queryInterface.describeTable('customers')))) {
        await sequelize.query(mysqlCustomerSearchColumn());
      }
      await addMissingIndexes(queryInterface, 'customers', CUSTOMER_SEARCH_INDEXES_V10);
    },
  },
  indexMigration('0014-customer-product-filter-indexes', TABLE_INDEXES_V11),
  indexMigration('0015-live-data-version-index', TABLE_INDEXES_V12),
  {
    name: '0016-customer-search-bytes',
    async up({ context: { sequelize, queryInterface } }: { context: MigrationContext }) {
      if (sequelize.getDialect() === 'sqlite') return;
      const column = (await queryInterface.describeTable('customers')).search_text;
      if (column && !/binary/i.test(column.type)) await sequelize.query(mysqlCustomerSearchBytes());
    },
  },
  indexMigration('0017-cohort-covering-indexes', TABLE_INDEXES_V13),
  {
    // The search triggers skip the fold chain for ASCII-only text (same result, ~5× cheaper writes).
    name: '0018-customer-search-ascii-triggers',
    async up({ context: { sequelize } }: { context: MigrationContext }) {
      if (sequelize.getDialect() !== 'sqlite') return;
      for (const t of ['insert', 'update', 'delete'])
        await sequelize.query(`DROP TRIGGER IF EXISTS customers_search_${t}`);
      for (const statement of sqliteCustomerSearchDdl()) await sequelize.query(statement);
    },
  },
  {
    // Filled at once, so an adopted database filters by product before its first rebuild.
    name: '0019-customer-current-plans',
    async up({ context: { sequelize, queryInterface } }: { context: MigrationContext }) {
      await createMissingTables(queryInterface, TABLES_V3);
      if (sequelize.getDialect() === 'mysql') await binaryStripeIdColumns(sequelize);
      await refreshCurrentPlans(sequelize, 'all');
    },
  },
  indexMigration('0020-subscription-day-indexes', TABLE_INDEXES_V14),
  {
    // The engine fills it: forgetting the last rebuild's stamp makes the worker rebuild.
    name: '0021-product-mrr-movements',
    async up({ context: { sequelize, queryInterface } }: { context: MigrationContext }) {
      await createMissingTables(queryInterface, TABLES_V4);
      if (sequelize.getDialect() === 'mysql') await binaryStripeIdColumns(sequelize);
      await sequelize.query("DELETE FROM settings WHERE `key` = 'metric_settings_computed'");
    },
  },
  {
    // Plan segments: the worker rebuilds analytics on its next tick to fill the new table.
    name: '0022-price-mrr-movements',
    async up({ context: { sequelize, queryInterface } }: { context: MigrationContext }) {
      await addMissingColumns(queryInterface, TABLE_ADDITIONS_V5, {});
      await createMissingTables(queryInterface, TABLES_V5);
      if (sequelize.getDialect() === 'mysql') await binaryStripeIdColumns(sequelize);
      await sequelize.query("DELETE FROM settings WHERE `key` = 'metric_settings_computed'");
    },
  },
  {
    // Charges of an existing mirror get their invoice when the next reconciliation re-lists
    // invoices with their payments.
    name: '0023-invoice-payments',
    async up({ context: { sequelize, queryInterface } }: { context: MigrationContext }) {
      await createMissingTables(queryInterface, TABLES_V6);
      await addMissingColumns(queryInterface, {}, TABLE_INDEXES_V15);
      if (sequelize.getDialect() === 'mysql') await binaryStripeIdColumns(sequelize);
    },
  },
  {
    name: '0024-deferred-indexes',
    async up({ context: { queryInterface } }: { context: MigrationContext }) {
      await createMissingTables(queryInterface, TABLES_V7);
    },
  },
];

async function addMissingColumns(
  qi: QueryInterface,
  additions: Record<string, ModelAttributes>,
  indexes: Record<string, NonNullable<TableDefinition['indexes']>>,
) {
  for (const [table, columns] of Object.entries(additions)) {
    const existing = await qi.describeTable(table);
    for (const [column, spec] of Object.entries(columns)) {
      if (!(column in existing)) await qi.addColumn(table, column, spec);
    }
  }
  for (const [table, list] of Object.entries(indexes)) await addMissingIndexes(qi, table, list);
}

async function createMissingTables(qi: QueryInterface, tables: Record<string, TableDefinition>) {
  const existing = new Set((await qi.showAllTables()).map((t) => String(t).toLowerCase()));
  for (const [table, definition] of Object.entries(tables)) {
    if (!existing.has(table)) await qi.createTable(table, definition.attributes);
    await addMissingIndexes(qi, table, definition.indexes ?? []);
  }
}

async function addMissingIndexes(
  qi: QueryInterface,
  table: string,
  indexes: NonNullable<TableDefinition['indexes']>,
) {
  if (!indexes.length) return;
  const present = new Set(((await qi.showIndex(table)) as { name: string }[]).map((i) => i.name));
  for (const index of indexes) {
    if (!present.has(index.name)) {
      await qi.addIndex(table, index.fields, { name: index.name, unique: index.unique ?? false });
    }
  }
}

/**
 * Stripe ids are case-sensitive ('price_abC' ≠ 'price_abc'), but MySQL/MariaDB compare text
 * case-insensitively by default: unique keys then merge two objects into one row, and joins
 * match the wrong rows. Every Stripe id column gets a binary collation (SQLite is already exact).
 */
async function binaryStripeIdColumns(sequelize: Sequelize) {
  const columns = await sequelize.query<{ t: string; c: string; type: string; nullable: string }>(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type, IS_NULLABLE AS nullable
     FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = DATABASE() AND DATA_TYPE IN ('varchar', 'char')
       AND (COLUMN_NAME LIKE 'stripe\\_%\\_id' OR COLUMN_NAME = 'object_id')
       AND COLLATION_NAME <> 'utf8mb4_bin'`,
    { type: QueryTypes.SELECT },
  );
  if (!columns.length) return;
  // The plan's foreign keys (customer_metrics, customer_activity → customers) forbid changing
  // either side's collation: drop them, convert, and recreate them as they were.
  const fks = await sequelize.query<{ name: string; t: string; c: string; rt: string; rc: string }>(
    `SELECT CONSTRAINT_NAME AS name, TABLE_NAME AS t, COLUMN_NAME AS c,
            REFERENCED_TABLE_NAME AS rt, REFERENCED_COLUMN_NAME AS rc
     FROM information_schema.KEY_COLUMN_USAGE
     WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL`,
    { type: QueryTypes.SELECT },
  );
  const touched = new Set(columns.map((col) => `${col.t}.${col.c}`));
  const affected = fks.filter((fk) => touched.has(`${fk.t}.${fk.c}`) || touched.has(`${fk.rt}.${fk.rc}`));
  for (const fk of affected) await sequelize.query(`ALTER TABLE \`${fk.t}\` DROP FOREIGN KEY \`${fk.name}\``);
  // One ALTER per table: each ALTER rebuilds the table.
  const byTable = new Map<string, string[]>();
  for (const col of columns) {
    const clause = `MODIFY \`${col.c}\` ${col.type} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin ${col.nullable === 'YES' ? 'NULL' : 'NOT NULL'}`;
    byTable.set(col.t, [...(byTable.get(col.t) ?? []), clause]);
  }
  for (const [table, clauses] of byTable)
    await sequelize.query(`ALTER TABLE \`${table}\` ${clauses.join(', ')}`);
  for (const fk of affected) {
    await sequelize.query(
      `ALTER TABLE \`${fk.t}\` ADD CONSTRAINT \`${fk.name}\` FOREIGN KEY (\`${fk.c}\`) REFERENCES \`${fk.rt}\` (\`${fk.rc}\`)`,
    );
  }
}

export const MIGRATIONS_TABLE = 'schema_migrations';

function migrator(sequelize: Sequelize) {
  return new Umzug<MigrationContext>({
    migrations: MIGRATIONS,
    context: { sequelize, queryInterface: sequelize.getQueryInterface() },
    storage: new SequelizeStorage({ sequelize, tableName: MIGRATIONS_TABLE }),
    logger: undefined,
  });
}

/** Applies pending migrations; returns the names applied (empty when up to date). */
export async function migrate(sequelize: Sequelize): Promise<string[]> {
  const umzug = migrator(sequelize);
  // A migration may change an index a first backfill deferred: it finds the schema whole.
  if ((await umzug.pending()).length) await restoreDeferredIndexes(sequelize);
  const applied = await umzug.up();
  return applied.map((m) => m.name);
}

export async function pendingMigrations(sequelize: Sequelize): Promise<string[]> {
  return (await migrator(sequelize).pending()).map((m) => m.name);
}
