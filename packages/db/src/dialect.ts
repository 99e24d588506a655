/**
 * Everything that differs between SQLite and MySQL/MariaDB lives here:
 * driver setup, date truncation, JSON access and upserts.
 */
import mysql2 from 'mysql2';
import { DatabaseError, QueryTypes, type Sequelize, type Transaction } from 'sequelize';
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

/**
 * SQL expression giving a date/time column as epoch milliseconds (a number): parsing SQLite's
 * date text in JavaScript dominated the analytics engine's reads.
 */
export function epochMs(dialect: Dialect, column: string): string {
  return dialect === 'sqlite'
    ? `CAST(ROUND(unixepoch(${column}, 'subsec') * 1000) AS INTEGER)`
    : `CAST(ROUND(UNIX_TIMESTAMP(${column}) * 1000) AS SIGNED)`;
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
  for (const row of rows) for (const c of columns) replacements.push(normalizeValue(dialect, row[c]));
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

/** A value as our writes store it: dates as the dialect's UTC text, objects as JSON. */
export function normalizeValue(dialect: Dialect, value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return dateText(dialect, value);
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return JSON.stringify(value);
  }
  return value;
}

/**
 * A date as the exact text Sequelize writes for it on our connections (UTC): SQLite
 * `YYYY-MM-DD HH:mm:ss.SSS +00:00`, MySQL `YYYY-MM-DD HH:mm:ss`. Sequelize formats each Date
 * through moment, which cost more than the rest of a bulk upsert's statement building. Dates
 * outside years 0–9999 (or invalid) are left as they are, and refused when bound.
 */
function dateText(dialect: Dialect, date: Date): Date | string {
  const year = date.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return date;
  const iso = date.toISOString();
  return dialect === 'sqlite'
    ? `${iso.slice(0, 10)} ${iso.slice(11, 23)} +00:00`
    : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Runs an upsert in batches (in the caller's transaction's statement queue when given). */
export async function upsertRows(
  sequelize: Sequelize,
  spec: UpsertSpec,
  rows: readonly Record<string, unknown>[],
  options: { transaction?: Transaction; batchSize?: number } = {},
): Promise<void> {
  if (options.transaction) {
    const statements = Statements.of(options.transaction);
    statements.upsert(spec, rows, options.batchSize);
    return statements.settle();
  }
  const dialect = sequelize.getDialect() as Dialect;
  const batchSize = options.batchSize ?? UPSERT_BATCH;
  for (let i = 0; i < rows.length; i += batchSize) {
    const { sql, replacements } = buildUpsert(dialect, spec, rows.slice(i, i + batchSize));
    // The type spares Sequelize lower-casing the whole statement (megabytes) to classify it.
    await sequelize.query(sql, { replacements, type: QueryTypes.INSERT });
  }
}

/** Rows per upsert statement. */
const UPSERT_BATCH = 500;

/** A statement ready to execute at its turn, or to be discarded. */
interface Prepared {
  execute<T>(method: 'run' | 'all'): Promise<T[]>;
  discard(): void;
}

/**
 * The statements of one transaction, sent to its connection one after another in the order
 * they were queued, each only once every one before it succeeded (a failed statement may have
 * ended the transaction, and what follows must not run outside it). SQLite's are bound on the
 * spot, so building and binding the next ones overlaps the database executing the current one,
 * where awaiting each statement made them take turns.
 * Values are bound, never spliced into the SQL: `?` placeholders, an array value expanding to a
 * list. Sequelize's own queries in the same transaction must wait for `settle()`.
 */
export class Statements {
  private static readonly byTransaction = new WeakMap<Transaction, Statements>();
  private tail: Promise<unknown> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  private constructor(
    readonly dialect: Dialect,
    readonly transaction: Transaction,
    private readonly prepare: (sql: string, values: unknown[]) => Prepared,
  ) {}

  /** The queue of a transaction (one per transaction, so every writer in it shares the order). */
  static of(transaction: Transaction): Statements {
    const known = Statements.byTransaction.get(transaction);
    if (known) return known;
    const connection = (transaction as unknown as { connection?: unknown }).connection;
    const statements =
      connection instanceof sqlite3.Database
        ? new Statements('sqlite', transaction, (sql, values) => prepareSqlite(connection, sql, values))
        : new Statements('mysql', transaction, (sql, values) =>
            prepareMysql(connection as MysqlConnection, sql, values),
          );
    Statements.byTransaction.set(transaction, statements);
    return statements;
  }

  /** Queues a statement; a failure surfaces at settle(). */
  run(sql: string, values: readonly unknown[] = []): void {
    this.enqueue(sql, values, 'run').catch(() => {});
  }

  /** Queues a query and resolves with its rows. */
  all<T>(sql: string, values: readonly unknown[] = []): Promise<T[]> {
    return this.enqueue<T>(sql, values, 'all');
  }

  /** Queues the upserts of `rows`, a few hundred rows per statement. */
  upsert(spec: UpsertSpec, rows: readonly Record<string, unknown>[], batchSize = UPSERT_BATCH): void {
    for (let i = 0; i < rows.length; i += batchSize) {
      const { sql, replacements } = buildUpsert(this.dialect, spec, rows.slice(i, i + batchSize));
      this.run(sql, replacements);
    }
  }

  /** Waits for everything queued so far; rejects with the first failure. */
  async settle(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure.error;
  }

  /**
   * For a transaction about to roll back: nothing queued runs any more, and this resolves once
   * the statement running (if any) is done, so none runs after the rollback, outside it.
   */
  async abandon(reason: unknown): Promise<void> {
    this.failure ??= { error: reason };
    await this.tail;
  }

  private enqueue<T>(sql: string, values: readonly unknown[], method: 'run' | 'all'): Promise<T[]> {
    let prepared: Prepared;
    try {
      const expanded = expandLists(sql, values);
      prepared = this.prepare(
        expanded.sql,
        expanded.values.map((v) => bindValue(this.dialect, v)),
      );
    } catch (error) {
      this.failure ??= { error };
      return Promise.reject(error);
    }
    const result = this.tail.then(() => {
      if (this.failure) {
        prepared.discard();
        throw new Error('skipped: an earlier statement of this transaction failed');
      }
      return prepared.execute<T>(method).catch((error: unknown) => {
        this.failure ??= { error };
        throw error;
      });
    });
    this.tail = result.catch(() => {});
    return result;
  }
}

/** `?` placeholders whose value is an array become one `?` per element (`IN (?)` lists). */
function expandLists(sql: string, values: readonly unknown[]): { sql: string; values: unknown[] } {
  if (!values.some(Array.isArray)) return { sql, values: [...values] };
  const flat: unknown[] = [];
  let i = 0;
  const text = sql.replace(/\?/g, () => {
    const value = values[i++];
    if (!Array.isArray(value)) {
      flat.push(value);
      return '?';
    }
    if (!value.length) throw new Error('an empty list cannot be bound: callers skip the statement');
    flat.push(...value);
    return value.map(() => '?').join(', ');
  });
  return { sql: text, values: flat };
}

/** A value as the driver binds it: dates as the dialect's UTC text, objects as JSON, booleans 1/0. */
function bindValue(dialect: Dialect, value: unknown): unknown {
  const normal = normalizeValue(dialect, value);
  if (typeof normal === 'boolean') return normal ? 1 : 0;
  if (normal instanceof Date) throw new RangeError(`Date out of the storable range: ${String(value)}`);
  return normal;
}

function prepareSqlite(connection: sqlite3.Database, sql: string, values: unknown[]): Prepared {
  // Prepared and bound now (the values converted on this thread): at its turn the statement
  // only executes. Both callbacks fire once, with null on success.
  let resolveReady: (error: Error | null) => void = () => {};
  const ready = new Promise<Error | null>((resolve) => {
    resolveReady = resolve;
  });
  const statement = connection.prepare(sql, (error: Error | null) => {
    if (error || !values.length) resolveReady(error);
  });
  if (values.length) statement.bind(values, resolveReady);
  return {
    async execute<T>(method: 'run' | 'all') {
      const early = await ready;
      return new Promise<T[]>((resolve, reject) => {
        const done = (error: Error | null, rows?: T[]) => {
          statement.finalize();
          if (error) reject(new DatabaseError(Object.assign(error, { sql })));
          else resolve(rows ?? []);
        };
        if (early) done(early);
        else if (method === 'all') statement.all(done);
        else statement.run((error: Error | null) => done(error));
      });
    },
    discard: () => statement.finalize(),
  };
}

/** What we use of a mysql2 connection (Sequelize's transaction holds one). */
interface MysqlConnection {
  format(sql: string, values: unknown[]): string;
  execute(sql: string, values: unknown[], callback: (error: Error | null, rows: unknown) => void): void;
  query(sql: string, callback: (error: Error | null, rows: unknown) => void): void;
}

/** The most placeholders one prepared statement may have (the protocol counts them in 16 bits). */
const MYSQL_MAX_PLACEHOLDERS = 65_535;

function prepareMysql(connection: MysqlConnection, sql: string, values: unknown[]): Prepared {
  return {
    execute: <T>(method: 'run' | 'all') =>
      new Promise<T[]>((resolve, reject) => {
        const done = (error: Error | null, rows: unknown) => {
          if (error) reject(new DatabaseError(Object.assign(error, { sql })));
          else resolve(Array.isArray(rows) ? (rows as T[]) : []);
        };
        // Writes go as prepared statements: their values travel in binary, where escaping them
        // into the SQL text (raw JSON above all) took half the writer's CPU and the server's
        // parsing more (10k on MariaDB: 51 s → 34 s). Reads keep the text protocol's decoding.
        if (method === 'run' && values.length && values.length <= MYSQL_MAX_PLACEHOLDERS)
          connection.execute(sql, values, done);
        else connection.query(values.length ? connection.format(sql, values) : sql, done);
      }),
    discard: () => {},
  };
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

/**
 * The customer search folds case and accents the same way on both dialects: each letter of
 * Latin-1 Supplement and Latin Extended-A maps to its base letter (NFKD without the marks, lower
 * case) — 'João' → 'joao' — and the rest is lower-cased. The table is built once here and
 * applied by SQL at write time (below) and by `foldSearchText` to the searched term, so what is
 * stored and what is looked for can't drift apart. Letters without a decomposition (ø, æ, ß, ł)
 * stay themselves on both sides.
 */
const SEARCH_FOLDS: readonly (readonly [string, string])[] = (() => {
  const folds: [string, string][] = [];
  for (let cp = 0xc0; cp <= 0x17f; cp++) {
    const ch = String.fromCodePoint(cp);
    const base = ch.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    // One character to one character, so folding never lengthens the text past its column.
    if (base !== ch && [...base].length === 1) folds.push([ch, base]);
  }
  return folds;
})();
const SEARCH_FOLD_MAP = new Map(SEARCH_FOLDS);

/** The searched term as the search column stores text (control characters dropped: they separate fields). */
export function foldSearchText(term: string): string {
  return [...term.normalize('NFC').replace(/\p{Cc}/gu, '')]
    .map((ch) => SEARCH_FOLD_MAP.get(ch) ?? ch)
    .join('')
    .toLowerCase();
}

/** Matching needs three characters for the trigram index; shorter terms are scanned. */
export const SEARCH_TRIGRAM_MIN = 3;

function searchFoldSql(dialect: Dialect, text: string): string {
  let sql = text;
  for (const [from, to] of SEARCH_FOLDS) sql = `REPLACE(${sql}, '${from}', '${to}')`;
  return dialect === 'sqlite' ? `lower(${sql})` : `LOWER(${sql})`;
}

/**
 * Name, email and Stripe id of a customer row (`row.` prefix: `new.` in a trigger, '' in a
 * generated column), folded and joined by char(1) so a term can't match across two fields.
 */
function customerSearchTextSql(dialect: Dialect, row: string): string {
  if (dialect === 'sqlite') {
    const text = `coalesce(${row}name, '') || char(1) || coalesce(${row}email, '') || char(1) || ${row}stripe_customer_id`;
    // The REPLACE chain costs ~32 µs a row (~3 s per 100k written); ASCII-only text (as many
    // bytes as characters) has nothing to fold but case.
    return `CASE WHEN length(${text}) = octet_length(${text}) THEN lower(${text}) ELSE ${searchFoldSql(dialect, text)} END`;
  }
  // REPLACE must compare bytes, whatever collation the plan's columns have.
  return searchFoldSql(
    dialect,
    `CONVERT(CONCAT_WS(CHAR(1 USING utf8mb4), ${row}name, ${row}email, ${row}stripe_customer_id) USING utf8mb4) COLLATE utf8mb4_bin`,
  );
}

/**
 * The customer search's DDL on SQLite: an FTS5 table with the trigram tokenizer (substring
 * MATCH from the index) holding each customer's folded text under the customer's id, kept by
 * triggers, so every writer (sync, erasure, loaders) keeps it current. MariaDB has no substring
 * index: see `mysqlCustomerSearchColumn`.
 */
export function sqliteCustomerSearchDdl(): string[] {
  const insert = `INSERT INTO customer_search (rowid, search_text) VALUES (new.id, ${customerSearchTextSql('sqlite', 'new.')});`;
  return [
    "CREATE VIRTUAL TABLE IF NOT EXISTS customer_search USING fts5(search_text, tokenize = 'trigram')",
    `CREATE TRIGGER IF NOT EXISTS customers_search_insert AFTER INSERT ON customers BEGIN ${insert} END`,
    `CREATE TRIGGER IF NOT EXISTS customers_search_update AFTER UPDATE OF name, email, stripe_customer_id ON customers
       WHEN new.name IS NOT old.name OR new.email IS NOT old.email OR new.stripe_customer_id IS NOT old.stripe_customer_id
       BEGIN DELETE FROM customer_search WHERE rowid = old.id; ${insert} END`,
    'CREATE TRIGGER IF NOT EXISTS customers_search_delete AFTER DELETE ON customers BEGIN DELETE FROM customer_search WHERE rowid = old.id; END',
    `INSERT INTO customer_search (rowid, search_text)
       SELECT id, ${customerSearchTextSql('sqlite', '')} FROM customers WHERE id NOT IN (SELECT rowid FROM customer_search)`,
  ];
}

/**
 * MySQL/MariaDB: a stored generated column with the same folded text, whose narrow index a
 * search scans (binary INSTR on short keys) instead of the wide rows. 767 characters: name,
 * email and id (255 each) plus two separators; 767 × 4 bytes fits InnoDB's 3072-byte index key.
 */
export function mysqlCustomerSearchColumn(): string {
  return `ALTER TABLE customers ADD COLUMN search_text VARCHAR(767) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
    AS (${customerSearchTextSql('mysql', '')}) STORED`;
}

/**
 * The same column as bytes (VARBINARY, the folded UTF-8 text): MariaDB's INSTR on a utf8mb4
 * string walks it character by character; on bytes it is a plain byte search, and a UTF-8 term can
 * only match at character boundaries. Scanning the index at 100k: ~70 -> ~20 ms (load 8).
 */
export function mysqlCustomerSearchBytes(): string {
  return `ALTER TABLE customers MODIFY search_text VARBINARY(3068)
    AS (CAST(${customerSearchTextSql('mysql', '')} AS BINARY)) STORED`;
}

/**
 * SELECT of the ids of customers whose name, email or Stripe id contains the folded term,
 * given as `:searchTerm` (and as `:searchMatch`, an FTS5 phrase, for SQLite's trigram index).
 */
export function customerSearchIdsSql(dialect: Dialect, folded: string): string {
  if (dialect === 'sqlite') {
    return [...folded].length >= SEARCH_TRIGRAM_MIN
      ? 'SELECT rowid AS id FROM customer_search WHERE customer_search MATCH :searchMatch'
      : 'SELECT rowid AS id FROM customer_search WHERE instr(search_text, :searchTerm) > 0';
  }
  return 'SELECT id FROM customers WHERE INSTR(search_text, :searchTerm) > 0';
}

/**
 * `table alias` read by primary key only, for a query driven by a known list of ids: SQLite's
 * planner otherwise prefers any index equality (e.g. on status) and scans it, checking each row
 * against the list. MySQL/MariaDB estimate the id list's range and take it by themselves.
 */
export function byPrimaryKey(dialect: Dialect, tableAlias: string): string {
  return dialect === 'sqlite' ? `${tableAlias} NOT INDEXED` : tableAlias;
}

/**
 * An inner join that reads its left side first: for a small driving set (a product's customers)
 * joined by primary key. Both planners otherwise start from an index on the other table's
 * filter (e.g. health) and probe the set for every row of it (MariaDB: 134 ms instead of 38).
 */
export function joinInOrder(dialect: Dialect): string {
  return dialect === 'sqlite' ? 'CROSS JOIN' : 'STRAIGHT_JOIN';
}

/**
 * `table` read through `index` on SQLite, whose planner (without statistics) prefers any equality
 * (e.g. `status = 'paid'`, most rows) over a narrow range on another index. MySQL/MariaDB keep
 * statistics and choose by themselves.
 */
export function preferIndex(dialect: Dialect, table: string, index: string): string {
  return dialect === 'sqlite' ? `${table} INDEXED BY ${index}` : table;
}

/**
 * An UPDATE of `columns` on the rows of `table` whose `key` is in a list of tuples, bound
 * positionally as [key, ...columns] per row: one statement joined to its values.
 */
export function updateFromValues(
  dialect: Dialect,
  table: string,
  key: string,
  columns: readonly string[],
  rows: number,
): string {
  const tuple = `(${['?', ...columns.map(() => '?')].join(', ')})`;
  if (dialect === 'sqlite') {
    return `WITH v(k, ${columns.join(', ')}) AS (VALUES ${Array.from({ length: rows }, () => tuple).join(', ')})
      UPDATE ${table} SET ${columns.map((c) => `${c} = v.${c}`).join(', ')} FROM v WHERE ${table}.${key} = v.k`;
  }
  const first = `SELECT ? AS k, ${columns.map((c) => `? AS ${c}`).join(', ')}`;
  const rest = `SELECT ${['?', ...columns.map(() => '?')].join(', ')}`;
  const values = [first, ...Array.from({ length: rows - 1 }, () => rest)].join(' UNION ALL ');
  return `UPDATE ${table} t JOIN (${values}) v ON t.${key} = v.k SET ${columns.map((c) => `t.${c} = v.${c}`).join(', ')}`;
}

/**
 * A larger SQLite page cache (64 MB, allocated as pages are touched) for a syncing process: on
 * the connection used outside transactions, and on each write transaction's own connection.
 * With SQLite's default 2 MB both re-read the same index pages; a 10k backfill took 38.7–41.6 s
 * instead of 34.1–34.3 s (sys time 18 s → 12 s; either connection alone gained nothing). Not set
 * on every connection: a full rebuild's threads each have one, and at 100k customers the
 * rebuild already peaks near 1 GB.
 */
export async function enlargeSyncPageCache(sequelize: Sequelize, transaction?: Transaction): Promise<void> {
  if (sequelize.getDialect() === 'sqlite')
    await sequelize.query('PRAGMA cache_size = -65536', transaction ? { transaction } : {});
}
