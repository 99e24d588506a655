import { Sequelize, Transaction } from 'sequelize';
import {
  type DatabaseConfig,
  DatabaseConfigError,
  defaultDatabaseUrl,
  describeDatabase,
  parseDatabaseUrl,
} from './config.ts';
import { type Dialect, mysqlDriver, sqliteDriver } from './dialect.ts';
import { defineModels, type Models } from './models.ts';

export interface Database {
  sequelize: Sequelize;
  models: Models;
  dialect: Dialect;
  /** The URL it was opened with (secrets included): another thread opens its own connection from it. */
  url: string;
  config: DatabaseConfig;
  /** Human-readable target, without secrets. */
  label: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Log every SQL statement (for debugging). */
  logging?: boolean;
}

export function createDatabase(url: string = defaultDatabaseUrl(), options: DatabaseOptions = {}): Database {
  const config = parseDatabaseUrl(url);
  const logging = options.logging ? (sql: string) => console.debug(sql) : false;
  const sequelize =
    config.dialect === 'sqlite'
      ? new Sequelize({
          dialect: 'sqlite',
          dialectModule: sqliteDriver,
          storage: config.storage,
          logging,
          // Take the write lock at BEGIN: a deferred transaction that later upgrades can't wait for it.
          transactionType: Transaction.TYPES.IMMEDIATE,
        })
      : new Sequelize({
          dialect: 'mysql',
          dialectModule: mysqlDriver,
          host: config.host,
          port: config.port,
          username: config.user,
          password: config.password,
          database: config.database,
          logging,
          timezone: '+00:00',
          dialectOptions: {
            decimalNumbers: true,
            supportBigNumbers: true,
            bigNumberStrings: false,
            charset: 'utf8mb4',
            // Each prepared statement holds server memory until closed, and the server allows
            // ~16k in all: a connection keeps its 64 most recent (the sync's writes: Statements).
            maxPreparedStatements: 64,
          },
          pool: { max: 10, min: 0, idle: 10_000 },
        });
  return {
    sequelize,
    models: defineModels(sequelize),
    dialect: config.dialect,
    url,
    config,
    label: describeDatabase(config),
    close: () => sequelize.close(),
  };
}

/**
 * Turns a driver error into one line a person can act on. Returns null when the error is
 * not about reaching the database (a bug, which deserves its stack).
 */
export function describeConnectionError(error: unknown, config?: DatabaseConfig): string | null {
  if (error instanceof DatabaseConfigError) return error.message;
  const e = error as { name?: string; message?: string; original?: { code?: string; message?: string } };
  const code = e.original?.code ?? '';
  const where = config ? describeDatabase(config) : 'the database';
  const detail = e.original?.message ?? e.message ?? String(error);
  switch (e.name) {
    case 'SequelizeConnectionRefusedError':
      return `Cannot reach ${where}: connection refused (is the server running?)`;
    case 'SequelizeHostNotFoundError':
      return `Cannot reach ${where}: host not found`;
    case 'SequelizeAccessDeniedError':
      return `Access denied to ${where}: ${detail}`;
    case 'SequelizeConnectionTimedOutError':
      return `Cannot reach ${where}: connection timed out`;
    case 'SequelizeConnectionError':
    case 'SequelizeHostNotReachableError':
    case 'SequelizeInvalidConnectionError':
      if (code === 'ER_BAD_DB_ERROR') return `Database does not exist on ${where}: ${detail}`;
      return `Cannot open ${where}: ${detail}`;
    default:
      return null;
  }
}

/** MySQL only: creates the database named in the URL if the server lacks it. */
export async function ensureDatabaseExists(config: DatabaseConfig): Promise<void> {
  if (config.dialect !== 'mysql') return;
  const server = new Sequelize({
    dialect: 'mysql',
    dialectModule: mysqlDriver,
    host: config.host,
    port: config.port,
    username: config.user,
    password: config.password,
    logging: false,
  });
  try {
    await server.query(
      `CREATE DATABASE IF NOT EXISTS \`${config.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await server.close();
  }
}
