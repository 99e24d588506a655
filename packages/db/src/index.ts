export {
  type DatabaseConfig,
  DatabaseConfigError,
  defaultDatabaseUrl,
  parseDatabaseUrl,
  redact,
} from './config.ts';
export {
  createDatabase,
  type Database,
  describeConnectionError,
  ensureDatabaseExists,
} from './connection.ts';
export {
  buildUpsert,
  type Dialect,
  dateBucket,
  type Granularity,
  jsonText,
  parseJson,
  type UpsertSpec,
  upsertRows,
} from './dialect.ts';
export { MIGRATIONS_TABLE, migrate, pendingMigrations } from './migrations/index.ts';
export { PLAN_DDL_MYSQL, PLAN_DDL_SQLITE, PLAN_TABLES } from './migrations/plan-ddl.ts';
export type * from './models.ts';
export { type CustomerListItem, type CustomerListQuery, listCustomers } from './repositories/customers.ts';
