/**
 * A first backfill loads an empty mirror with rows in random key order. Every transaction then
 * rewrites each page its keys touch in every secondary index, once in SQLite's WAL and again at
 * the checkpoint: at 100k customers, 133 GB written for a 7 GB database. Building those indexes
 * once the rows are in sorts them instead (~18 s at 100k), and the backfill took 381 s instead
 * of 503 s. MariaDB gained nothing at 10k (its foreign keys need the customer indexes anyway),
 * so this is SQLite's alone.
 *
 * Each dropped index's own `CREATE INDEX` statement is kept in `deferred_indexes`, in the same
 * transaction as the drop, so whatever stops the load (a failure, a killed worker, a schema
 * migration) can put back exactly what was there.
 */
import { QueryTypes, type Sequelize } from 'sequelize';

/**
 * The secondary indexes of the large mirror tables that neither the sync's writes nor its
 * reads use: those are kept (stripe ids, an invoice's lines for drafts, the charge ↔ invoice
 * payment links). The ones dropped serve the admin app's pages and the analytics engine, which
 * waits while they are missing (see indexesDeferred).
 */
const DEFERRABLE: Record<string, readonly string[]> = {
  invoice_lines: ['idx_lines_subscription', 'idx_lines_customer', 'idx_lines_engine'],
  invoices: [
    'idx_invoices_customer',
    'idx_invoices_subscription',
    'idx_invoices_status',
    'idx_invoices_created',
    'idx_invoices_paid',
    'idx_invoices_engine',
  ],
  charges: ['idx_charges_customer', 'idx_charges_invoice', 'idx_charges_engine'],
  invoice_payments: ['idx_invoice_payments_invoice'],
  customer_activity: ['idx_customer_date', 'idx_type'],
};

/** The mirror holds none of the rows a first backfill loads. */
async function mirrorEmpty(sequelize: Sequelize): Promise<boolean> {
  const [row] = await sequelize.query<{ any: number }>(
    `SELECT ${Object.keys(DEFERRABLE)
      .map((table) => `EXISTS (SELECT 1 FROM ${table})`)
      .join(' OR ')} AS any`,
    { type: QueryTypes.SELECT },
  );
  return !Number(row?.any);
}

/** Whether indexes are deferred: a first backfill is loading, or one stopped before it ended. */
export async function indexesDeferred(sequelize: Sequelize): Promise<boolean> {
  if (sequelize.getDialect() !== 'sqlite') return false;
  const [row] = await sequelize.query<{ any: number }>(
    'SELECT EXISTS (SELECT 1 FROM deferred_indexes) AS any',
    { type: QueryTypes.SELECT },
  );
  return Boolean(Number(row?.any));
}

/**
 * Before a backfill: on SQLite, when the mirror is empty, drops the deferrable indexes. Returns
 * whether indexes are deferred now, which includes those an interrupted first backfill left for
 * its resumption; the caller restores them when its backfill ends.
 */
export async function deferIndexesWhileEmpty(sequelize: Sequelize): Promise<boolean> {
  if (sequelize.getDialect() !== 'sqlite') return false;
  if (await indexesDeferred(sequelize)) return true;
  if (!(await mirrorEmpty(sequelize))) return false;
  const names = Object.values(DEFERRABLE).flat();
  await sequelize.transaction(async (transaction) => {
    const present = await sequelize.query<{ name: string; sql: string }>(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN (${names.map(() => '?').join(', ')})`,
      { type: QueryTypes.SELECT, replacements: names, transaction },
    );
    for (const index of present) {
      await sequelize.query('INSERT INTO deferred_indexes (name, definition) VALUES (?, ?)', {
        replacements: [index.name, index.sql],
        transaction,
      });
      await sequelize.query(`DROP INDEX "${index.name}"`, { transaction });
    }
  });
  return true;
}

/**
 * Builds every deferred index again, each in its own transaction with the removal of its
 * record (a long CREATE INDEX holds SQLite's write lock; between two, other writers get in).
 * Returns how many it built.
 */
export async function restoreDeferredIndexes(sequelize: Sequelize): Promise<number> {
  if (sequelize.getDialect() !== 'sqlite') return 0;
  const [table] = await sequelize.query<{ n: number }>(
    "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'deferred_indexes'",
    { type: QueryTypes.SELECT },
  );
  // Before the migration that creates the table, nothing can have been deferred.
  if (!Number(table?.n)) return 0;
  const deferred = await sequelize.query<{ name: string; definition: string }>(
    'SELECT name, definition FROM deferred_indexes ORDER BY name',
    { type: QueryTypes.SELECT },
  );
  for (const index of deferred) {
    await sequelize.transaction(async (transaction) => {
      const [exists] = await sequelize.query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'index' AND name = ?",
        { type: QueryTypes.SELECT, replacements: [index.name], transaction },
      );
      if (!Number(exists?.n)) await sequelize.query(index.definition, { transaction });
      await sequelize.query('DELETE FROM deferred_indexes WHERE name = ?', {
        replacements: [index.name],
        transaction,
      });
    });
  }
  return deferred.length;
}
