export * from './analytics-engine.ts';
export { deferIndexesWhileEmpty, indexesDeferred, restoreDeferredIndexes } from './bulk-load.ts';
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
export { LIVE_SUBSCRIPTION_STATUSES, refreshCurrentPlans } from './current-plans.ts';
export {
  buildUpsert,
  type Dialect,
  dateBucket,
  enlargeSyncPageCache,
  type Granularity,
  jsonText,
  parseJson,
  Statements,
  toDate,
  type UpsertSpec,
  upsertRows,
} from './dialect.ts';
export { MIGRATIONS_TABLE, migrate, pendingMigrations } from './migrations/index.ts';
export { PLAN_DDL_MYSQL, PLAN_DDL_SQLITE, PLAN_TABLES } from './migrations/plan-ddl.ts';
export type * from './models.ts';
export * from './repositories/analytics.ts';
export * from './repositories/audit.ts';
export * from './repositories/auth.ts';
export * from './repositories/customers.ts';
export * from './repositories/live.ts';
export * from './repositories/segments.ts';
export * from './repositories/settings.ts';
export * from './repositories/sync.ts';
