import type { ModelAttributes, QueryInterface, Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import {
  PLAN_TABLE_ADDITIONS_V1,
  PLAN_TABLE_ADDITIONS_V2,
  PLAN_TABLE_ADDITIONS_V3,
  PLAN_TABLE_INDEXES_V1,
  PLAN_TABLE_INDEXES_V2,
  PLAN_TABLE_INDEXES_V3,
  TABLE_ADDITIONS_V4,
  TABLES_V1,
  TABLES_V2,
  type TableDefinition,
} from '../schema.ts';
import { PLAN_DDL_MYSQL, PLAN_DDL_SQLITE } from './plan-ddl.ts';

interface MigrationContext {
  sequelize: Sequelize;
  queryInterface: QueryInterface;
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
  const applied = await migrator(sequelize).up();
  return applied.map((m) => m.name);
}

export async function pendingMigrations(sequelize: Sequelize): Promise<string[]> {
  return (await migrator(sequelize).pending()).map((m) => m.name);
}
