import path from 'node:path';

export type DatabaseConfig =
  | { dialect: 'sqlite'; storage: string }
  | { dialect: 'mysql'; host: string; port: number; user: string; password: string; database: string };

/** A configuration problem the user can fix; its message is one readable line. */
export class DatabaseConfigError extends Error {
  override name = 'DatabaseConfigError';
}

export function defaultDatabaseUrl(cwd = process.cwd()): string {
  return `sqlite:${path.join(cwd, 'data', 'medpro.sqlite')}`;
}

/**
 * Accepts `sqlite:<path>` (relative to the working directory), `sqlite::memory:`,
 * and `mysql://user:pass@host:port/database` (`mariadb://` is an alias).
 */
export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseConfig {
  const trimmed = url.trim();
  if (trimmed.startsWith('sqlite:')) {
    const rest = trimmed.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (rest === '')
      throw new DatabaseConfigError('DATABASE_URL "sqlite:" names no file (try sqlite:./data/medpro.sqlite)');
    return { dialect: 'sqlite', storage: rest === ':memory:' ? ':memory:' : path.resolve(cwd, rest) };
  }
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new DatabaseConfigError(
      `DATABASE_URL is not a valid URL: "${redact(trimmed)}" (expected mysql://user:password@host:3306/database or sqlite:./data/medpro.sqlite)`,
    );
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new DatabaseConfigError(
      `DATABASE_URL has unsupported scheme "${parsed.protocol.replace(/:$/, '')}" (use mysql:// or sqlite:)`,
    );
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!parsed.hostname)
    throw new DatabaseConfigError('DATABASE_URL names no host (mysql://user@host:3306/database)');
  if (!/^[A-Za-z0-9_$]+$/.test(database)) {
    throw new DatabaseConfigError(
      `DATABASE_URL names no valid database (got "${database}"; expected e.g. mysql://root@127.0.0.1:3306/medpro_admin)`,
    );
  }
  const port = parsed.port ? Number(parsed.port) : 3306;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new DatabaseConfigError(`DATABASE_URL has an invalid port "${parsed.port}"`);
  }
  return {
    dialect: 'mysql',
    host: parsed.hostname,
    port,
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

export function describeDatabase(config: DatabaseConfig): string {
  return config.dialect === 'sqlite'
    ? `SQLite ${config.storage}`
    : `MySQL ${config.user}@${config.host}:${config.port}/${config.database}`;
}
