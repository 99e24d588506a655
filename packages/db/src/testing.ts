/**
 * Test databases for every package's integration tests: a temporary SQLite file, and a
 * throwaway database on the MariaDB/MySQL server named by MYSQL_TEST_URL. Where no server
 * answers, MySQL tests skip with a loud message, unless REQUIRE_MYSQL=1 (as in CI), where
 * a missing server fails the run instead of silently skipping.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueryTypes, Sequelize } from 'sequelize';
import { parseDatabaseUrl } from './config.ts';
import { createDatabase, type Database } from './connection.ts';
import { mysqlDriver } from './dialect.ts';
import { migrate } from './migrations/index.ts';

export const MYSQL_TEST_URL = process.env.MYSQL_TEST_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const MYSQL_REQUIRED = process.env.REQUIRE_MYSQL === '1';

let mysqlProbe: Promise<string | null> | undefined;

/** null when the MySQL test server answers, otherwise why not. */
export function mysqlUnavailableReason(): Promise<string | null> {
  mysqlProbe ??= (async () => {
    const server = serverConnection();
    try {
      await server.authenticate();
      return null;
    } catch (error) {
      return (error as Error).message || String(error);
    } finally {
      await server.close();
    }
  })();
  return mysqlProbe;
}

function serverConnection(database?: string): Sequelize {
  const config = parseDatabaseUrl(MYSQL_TEST_URL);
  if (config.dialect !== 'mysql') throw new Error('MYSQL_TEST_URL must be a mysql:// URL');
  return new Sequelize({
    dialect: 'mysql',
    dialectModule: mysqlDriver,
    host: config.host,
    port: config.port,
    username: config.user,
    password: config.password,
    ...(database ? { database } : {}),
    logging: false,
  });
}

/**
 * Which dialects to run integration tests on. Call at module level: it decides between
 * running, skipping loudly, and failing when MySQL is required but missing.
 */
export async function testDialects(): Promise<('sqlite' | 'mysql')[]> {
  const reason = await mysqlUnavailableReason();
  if (reason === null) return ['sqlite', 'mysql'];
  if (MYSQL_REQUIRED)
    throw new Error(`REQUIRE_MYSQL=1 but MySQL at ${MYSQL_TEST_URL} is unreachable: ${reason}`);
  console.warn(
    `\n⚠️  SKIPPING MySQL/MariaDB tests: no server at ${MYSQL_TEST_URL} (${reason}). Set MYSQL_TEST_URL, or REQUIRE_MYSQL=1 to fail instead.\n`,
  );
  return ['sqlite'];
}

export interface TestDatabase {
  url: string;
  /** Opens a new connection to the test database (callers close it). */
  open(): Database;
  /** Removes the database and its files. */
  destroy(): Promise<void>;
}

/** An empty database of the given dialect, not migrated. */
export async function createEmptyTestDatabase(dialect: 'sqlite' | 'mysql'): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'medpro-test-'));
    const url = `sqlite:${path.join(dir, 'test.sqlite')}`;
    return {
      url,
      open: () => createDatabase(url),
      destroy: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `medpro_test_${randomBytes(5).toString('hex')}`;
  const server = serverConnection();
  await server.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await server.close();
  const base = new URL(MYSQL_TEST_URL);
  base.pathname = `/${name}`;
  const url = base.toString();
  return {
    url,
    open: () => createDatabase(url),
    destroy: async () => {
      const s = serverConnection();
      await s.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await s.close();
    },
  };
}

/** A migrated, empty database, and an open connection to it. */
export async function createTestDatabase(
  dialect: 'sqlite' | 'mysql',
): Promise<TestDatabase & { db: Database }> {
  const empty = await createEmptyTestDatabase(dialect);
  const db = empty.open();
  await migrate(db.sequelize);
  return {
    ...empty,
    db,
    destroy: async () => {
      await db.close();
      await empty.destroy();
    },
  };
}

/** Every index of the database with its definition (SQLite) or its columns in order (MySQL). */
export function indexDefinitions(sequelize: Sequelize): Promise<object[]> {
  return sequelize.getDialect() === 'sqlite'
    ? sequelize.query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
        {
          type: QueryTypes.SELECT,
        },
      )
    : sequelize.query(
        `SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME FROM information_schema.STATISTICS
         WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
        { type: QueryTypes.SELECT },
      );
}
