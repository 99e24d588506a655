/**
 * Everything that differs between SQLite and MySQL/MariaDB lives here:
 * driver setup, date truncation, JSON access and upserts.
 */
import mysql2 from 'mysql2';
import type { Sequelize, Transaction } from 'sequelize';
import sqlite3 from 'sqlite3';

export type Dialect = 'sqlite' | 'mysql';
export type Granularity = 'day' | 'week' | 'month';

/**
 * sqlite3 opens one connection per transaction; each needs a busy timeout so the
 * admin app and the worker can share a file, and WAL so readers never wait for writers.
 */
class PragmaDatabase extends sqlite3.Database {
  constructor(filename: string, mode: number, callback: (err: Error | null) => void) {
    super(filename, mode, (err) => {
      if (!err) {
        this.configure('busyTimeout', 15_000);
        if (filename !== ':memory:') this.run('PRAGMA journal_mode=WAL');
        this.run('PRAGMA synchronous=NORMAL');
      }
      callback(err);
    });
  }
}

export const sqliteDriver = { ...sqlite3, Database: PragmaDatabase };
export const mysqlDriver = mysql2;

/** SQL expression giving the UTC bucket start (YYYY-MM-DD) of a date/time column. */
export function dateBucket(dialect: Dialect, column: string, unit: Granularity): string {
  if (dialect === 'sqlite') {
    if (unit === 'day') return `date(${column})`;
    if (unit === 'week') return `date(${column}, '-6 days', 'weekday 1')`;
    return `strftime('%Y-%m-01', ${column})`;
  }
  if (unit === 'day') return `DATE(${column})`;
  if (unit === 'week') return `DATE_SUB(DATE(${column}), INTERVAL WEEKDAY(${column}) DAY)`;
  return `DATE_FORMAT(${column}, '%Y-%m-01')`;
}

/** SQL expression reading a top-level string field of a JSON column as text. */
export function jsonText(dialect: Dialect, column: string, key: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(key)) throw new Error(`Unsafe JSON key: ${key}`);
  return dialect === 'sqlite'
    ? `json_extract(${column}, '$."${key}"')`
    : `JSON_UNQUOTE(JSON_EXTRACT(${column}, '$."${key}"'))`;
}

/** MariaDB stores JSON as LONGTEXT and hands it back as a string; SQLite may too. */
export function parseJson<T>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value === '' ? null : (JSON.parse(value) as T);
  return value as T;
}

export interface UpsertSpec {
  table: string;
  /** Columns of the unique key the conflict is detected on. */
  key: readonly string[];
  /** Columns overwritten when the row exists. */
  update: readonly string[];
  /**
   * A monotonically increasing column: an existing row is only overwritten by a row whose
   * version is greater or equal, so an older copy of an object never replaces a newer one.
   */
  version?: string;
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
function quoteIdent(dialect: Dialect, name: string): string {
  if (!identifier.test(name)) throw new Error(`Unsafe identifier: ${name}`);
  return dialect === 'sqlite' ? `"${name}"` : `\`${name}\``;
}

/** Builds one multi-row upsert. Values are passed as replacements, never spliced in. */
export function buildUpsert(
  dialect: Dialect,
  spec: UpsertSpec,
  rows: readonly Record<string, unknown>[],
): { sql: string; replacements: unknown[] } {
  const first = rows[0];
  if (!first) throw new Error('buildUpsert needs at least one row');
  const columns = Object.keys(first);
  const q = (name: string) => quoteIdent(dialect, name);
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  const replacements: unknown[] = [];
  for (const row of rows) for (const c of columns) replacements.push(normalizeValue(row[c]));
  const values = rows.map(() => placeholders).join(', ');
  const insert = `INSERT INTO ${q(spec.table)} (${columns.map(q).join(', ')}) VALUES ${values}`;
  const updates = spec.update.filter((c) => c !== spec.version);
  if (dialect === 'sqlite') {
    const set = [...updates, ...(spec.version ? [spec.version] : [])].map(
      (c) => `${q(c)} = excluded.${q(c)}`,
    );
    const where = spec.version
      ? ` WHERE excluded.${q(spec.version)} >= ${q(spec.table)}.${q(spec.version)}`
      : '';
    const action = set.length ? `DO UPDATE SET ${set.join(', ')}${where}` : 'DO NOTHING';
    return { sql: `${insert} ON CONFLICT (${spec.key.map(q).join(', ')}) ${action}`, replacements };
  }
  // MySQL evaluates assignments left to right, so the version column is compared first and updated last.
  const v = spec.version ? q(spec.version) : null;
  const set = updates.map((c) =>
    v ? `${q(c)} = IF(VALUES(${v}) >= ${v}, VALUES(${q(c)}), ${q(c)})` : `${q(c)} = VALUES(${q(c)})`,
  );
  if (v) set.push(`${v} = GREATEST(${v}, VALUES(${v}))`);
  if (!set.length) set.push(`${q(spec.key[0]!)} = ${q(spec.key[0]!)}`);
  return { sql: `${insert} ON DUPLICATE KEY UPDATE ${set.join(', ')}`, replacements };
}

function normalizeValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    return JSON.stringify(value);
  }
  return value;
}

/** Runs an upsert in batches (inside the caller's transaction when given). */
export async function upsertRows(
  sequelize: Sequelize,
  spec: UpsertSpec,
  rows: readonly Record<string, unknown>[],
  options: { transaction?: Transaction; batchSize?: number } = {},
): Promise<void> {
  const dialect = sequelize.getDialect() as Dialect;
  const batchSize = options.batchSize ?? 500;
  for (let i = 0; i < rows.length; i += batchSize) {
    const { sql, replacements } = buildUpsert(dialect, spec, rows.slice(i, i + batchSize));
    await sequelize.query(sql, { replacements, transaction: options.transaction ?? null });
  }
}

/**
 * Raw queries return dates as Date (MySQL) or as text such as '2026-01-02 03:04:05.678 +00:00'
 * (SQLite); this reads either as a UTC Date.
 */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  const text = String(value).trim();
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? `${text}T00:00:00Z`
    : text
        .replace(' ', 'T')
        .replace(/ ?\+00:00$/, 'Z')
        .replace(/(\d)$/, '$1Z');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`Unreadable date from the database: ${text}`);
  return date;
}
