/**
 * Writes Stripe objects into the mirror tables: one transaction per page, bulk upserts guarded
 * by `source_version` (an older copy never overwrites a newer one), customer placeholders
 * before anything that references a customer, activity entries beside the objects.
 */
import type { Database, UpsertSpec } from '@medpro/db';
import { enlargeSyncPageCache, upsertRows } from '@medpro/db';
import type Stripe from 'stripe';
import { chargeActivity, invoiceActivity, refundActivity, subscriptionActivity } from './activity.ts';
import {
  chargeRow,
  couponRow,
  customerRow,
  expandedDefaultPaymentMethod,
  idOf,
  invoiceLineRow,
  invoicePaymentRow,
  invoiceRow,
  paymentMethodRow,
  priceRow,
  productRow,
  type Row,
  refundRow,
  type Stamp,
  subscriptionItemRow,
  subscriptionRow,
} from './mappers.ts';

/** The transaction type of @medpro/db (a Sequelize transaction). */
export type Tx = NonNullable<NonNullable<Parameters<typeof upsertRows>[3]>['transaction']>;

const V = 'source_version';

function spec(table: string, key: string, row: Row): UpsertSpec {
  return {
    table,
    key: [key],
    update: Object.keys(row).filter((c) => c !== key && c !== 'created_at'),
    version: V,
  };
}

async function upsert(db: Database, table: string, key: string, rows: Row[], transaction: Tx): Promise<void> {
  const first = rows[0];
  if (!first) return;
  await upsertRows(db.sequelize, spec(table, key, first), rows, { transaction });
}

/** Dialect-specific MySQL deadlocks/lock waits and SQLite busy errors are worth one more try. */
function isTransientDbError(error: unknown): boolean {
  const e = error as { name?: string; original?: { code?: string; errno?: number } };
  const code = e.original?.code ?? '';
  return (
    code === 'ER_LOCK_DEADLOCK' ||
    code === 'ER_LOCK_WAIT_TIMEOUT' ||
    code === 'SQLITE_BUSY' ||
    e.name === 'SequelizeTimeoutError'
  );
}

/**
 * SQLite has one writer at a time, and concurrent transactions on separate connections of one
 * process fail instead of waiting: a process serialises its own SQLite transactions here.
 */
const sqliteWriters = new WeakMap<Database, Promise<unknown>>();

/** Runs `fn` in a transaction, retrying a few times on deadlocks and busy databases. */
export async function inTransaction<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (db.dialect !== 'sqlite') return transactionWithRetry(db, fn);
  const previous = sqliteWriters.get(db) ?? Promise.resolve();
  const mine = previous.catch(() => {}).then(() => transactionWithRetry(db, fn));
  sqliteWriters.set(db, mine);
  return mine;
}

async function transactionWithRetry<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.sequelize.transaction((tx) => fn(tx as Tx));
    } catch (error) {
      if (attempt >= 5 || !isTransientDbError(error)) throw error;
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt * Math.random()));
    }
  }
}

/**
 * Customer ids known to have a row in a transaction (ensured or written in it): a batch's pages
 * and their activity name the same customers again and again. A retried transaction is a new one.
 */
const ensuredIn = new WeakMap<Tx, Set<string>>();
function ensured(tx: Tx): Set<string> {
  const known = ensuredIn.get(tx) ?? new Set<string>();
  ensuredIn.set(tx, known);
  return known;
}

/**
 * Makes sure a customers row exists for each id, so rows with a foreign key to customers can
 * be written before the customer itself is synced. A placeholder has source_version 0 and
 * email '': any real copy of the customer overwrites it, and it never overwrites one.
 */
export async function ensureCustomers(
  db: Database,
  ids: Iterable<string | null>,
  now: Date,
  transaction: Tx,
) {
  const known = ensured(transaction);
  const unique = [...new Set([...ids].filter((x): x is string => !!x && !known.has(x)))].sort();
  if (!unique.length) return;
  for (const id of unique) known.add(id);
  const rows = unique.map((id) => ({
    stripe_customer_id: id,
    email: '',
    deleted: false,
    source_version: 0,
    created_at: now,
    updated_at: now,
  }));
  await upsertRows(db.sequelize, { table: 'customers', key: ['stripe_customer_id'], update: [] }, rows, {
    transaction,
  });
}

export async function insertActivity(db: Database, rows: Row[], now: Date, transaction: Tx) {
  if (!rows.length) return;
  await ensureCustomers(
    db,
    rows.map((r) => r.stripe_customer_id as string),
    now,
    transaction,
  );
  // Insert-or-ignore on (source_id, activity_type): replays never add a second entry.
  await upsertRows(
    db.sequelize,
    { table: 'customer_activity', key: ['source_id', 'activity_type'], update: [] },
    rows.map((r) => ({ ...r, created_at: now })),
    { transaction },
  );
}

/** Counts objects whose stored copy differed from Stripe's (for reconciliation). */
export interface DriftCounter {
  count(type: string, n: number): void;
}

/** Stable JSON for comparing a stored `raw` with a fresh object. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

async function countDrift(
  db: Database,
  table: string,
  key: string,
  rows: Row[],
  transaction: Tx,
): Promise<number> {
  const ids = rows.map((r) => r[key] as string);
  const [stored] = (await db.sequelize.query(
    `SELECT ${key} AS id, raw FROM ${table} WHERE ${key} IN (:ids)`,
    {
      replacements: { ids },
      transaction,
    },
  )) as [{ id: string; raw: unknown }[], unknown];
  const byId = new Map(stored.map((r) => [r.id, typeof r.raw === 'string' ? JSON.parse(r.raw) : r.raw]));
  let drift = 0;
  for (const row of rows) {
    const before = byId.get(row[key] as string);
    if (before === undefined || canonical(before) !== canonical(JSON.parse(row.raw as string))) drift++;
  }
  return drift;
}

export interface WriteResult {
  /** Customer ids whose data changed, for the analytics hook. */
  customers: Set<string>;
}

export interface WriteOptions {
  drift?: DriftCounter | undefined;
  /** Runs inside the page's transaction, after the rows (e.g. saving the cursor). */
  alsoInTransaction?: ((tx: Tx) => Promise<void>) | undefined;
  /**
   * SQLite: this commit does not checkpoint the WAL (copy it into the database file, which
   * every commit of megabytes did, inside the writer's critical path); the caller must
   * checkpoint from another connection (see checkpoint()).
   */
  deferCheckpoint?: boolean;
}

/** SQLite: copies the WAL into the database as far as readers and writers allow, without blocking them. */
export async function checkpoint(db: Database): Promise<void> {
  if (db.dialect === 'sqlite') await db.sequelize.query('PRAGMA wal_checkpoint(PASSIVE)');
}

export type ObjectType =
  | 'products'
  | 'prices'
  | 'coupons'
  | 'customers'
  | 'subscriptions'
  | 'invoices'
  | 'charges'
  | 'refunds'
  | 'payment_methods';

/** A subscription with all its items (the embedded list paged to its end by the caller). */
export interface FullSubscription {
  subscription: Stripe.Subscription;
  items: Stripe.SubscriptionItem[];
}

/** An invoice with all its lines and payments. */
export interface FullInvoice {
  invoice: Stripe.Invoice;
  lines: Stripe.InvoiceLineItem[];
  payments: Stripe.InvoicePayment[];
}

export type PageOf = {
  products: Stripe.Product | Stripe.DeletedProduct;
  prices: Stripe.Price;
  coupons: Stripe.Coupon;
  customers: Stripe.Customer | Stripe.DeletedCustomer;
  subscriptions: FullSubscription;
  invoices: FullInvoice;
  charges: Stripe.Charge;
  refunds: Stripe.Refund;
  payment_methods: Stripe.PaymentMethod;
};

/** Writes one page of objects of one type, in one transaction. */
export async function writePage<T extends ObjectType>(
  db: Database,
  type: T,
  objects: readonly PageOf[T][],
  stamp: Stamp,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const [result] = await writePages(db, [{ type, objects, stamp }], options);
  return result!;
}

/** One page for writePages: objects of one type, stamped with the version of their request. */
export interface PageWrite<T extends ObjectType = ObjectType> {
  type: T;
  objects: readonly PageOf[T][];
  stamp: Stamp;
}

/**
 * Writes several pages in one transaction (each with its own version), then `alsoInTransaction`.
 * Committing a batch at once saves a transaction per page, which bounds SQLite's single writer.
 */
export async function writePages(
  db: Database,
  pages: readonly PageWrite[],
  options: WriteOptions = {},
): Promise<WriteResult[]> {
  let results: WriteResult[] = [];
  await inTransaction(db, async (tx) => {
    // A retried transaction starts over, so do the results.
    // Set on this transaction's own connection (Sequelize opens one per SQLite transaction).
    if (options.deferCheckpoint && db.dialect === 'sqlite')
      await db.sequelize.query('PRAGMA wal_autocheckpoint = 0', { transaction: tx });
    await enlargeSyncPageCache(db.sequelize, tx);
    results = pages.map(() => ({ customers: new Set<string>() }));
    const now = pages[0]?.stamp.now ?? new Date();
    // One statement each for the batch, not one per page: the customers rows point to, and
    // the activity entries (many pages name the same customers).
    await ensureCustomers(db, pages.flatMap(referencedCustomers), now, tx);
    const touched = new Set<string>();
    const activity: Row[] = [];
    for (const [i, page] of pages.entries()) {
      if (!page.objects.length) continue;
      const customers = results[i]!.customers;
      await writeObjects(db, page.type, page.objects, page.stamp, tx, customers, options.drift, activity);
      for (const c of customers) touched.add(c);
    }
    await insertActivity(db, activity, now, tx);
    await keepErased(db, touched, tx);
    await options.alsoInTransaction?.(tx);
  });
  return results;
}

/** Customers a page's rows point to (foreign keys): subscriptions, invoices, payment methods. */
function referencedCustomers(page: PageWrite): (string | null)[] {
  switch (page.type) {
    case 'subscriptions':
      return (page.objects as readonly FullSubscription[]).map(({ subscription }) =>
        idOf(subscription.customer),
      );
    case 'invoices':
      return (page.objects as readonly FullInvoice[]).map(({ invoice }) => idOf(invoice.customer));
    case 'payment_methods':
      return (page.objects as readonly Stripe.PaymentMethod[]).map((pm) => idOf(pm.customer));
    default:
      return [];
  }
}

async function writeObjects<T extends ObjectType>(
  db: Database,
  type: T,
  objects: readonly unknown[],
  s: Stamp,
  tx: Tx,
  changed: Set<string>,
  drift: DriftCounter | undefined,
  activity: Row[],
): Promise<void> {
  const measure = async (table: string, key: string, rows: Row[]) => {
    if (drift && rows.length) drift.count(type, await countDrift(db, table, key, rows, tx));
  };
  switch (type) {
    case 'products': {
      const list = objects as readonly PageOf['products'][];
      const live = list.filter((p): p is Stripe.Product => !p.deleted).map((p) => productRow(p, s));
      await measure('products', 'stripe_product_id', live);
      await upsert(db, 'products', 'stripe_product_id', live, tx);
      const gone = list.filter((p) => p.deleted).map((p) => productRow(p, s));
      await upsert(db, 'products', 'stripe_product_id', gone, tx);
      return;
    }
    case 'prices': {
      const rows = (objects as readonly Stripe.Price[]).map((p) => priceRow(p, s));
      await measure('prices', 'stripe_price_id', rows);
      return upsert(db, 'prices', 'stripe_price_id', rows, tx);
    }
    case 'coupons': {
      const rows = (objects as readonly Stripe.Coupon[]).map((c) => couponRow(c, s));
      await measure('coupons', 'stripe_coupon_id', rows);
      return upsert(db, 'coupons', 'stripe_coupon_id', rows, tx);
    }
    case 'customers': {
      const list = objects as readonly PageOf['customers'][];
      const live = list.filter((c): c is Stripe.Customer => !c.deleted);
      const rows = live.map((c) => customerRow(c, s));
      await measure('customers', 'stripe_customer_id', rows);
      await upsert(db, 'customers', 'stripe_customer_id', rows, tx);
      for (const c of live) ensured(tx).add(c.id);
      const pms = live.map(expandedDefaultPaymentMethod).filter((pm): pm is Stripe.PaymentMethod => !!pm);
      await upsert(
        db,
        'payment_methods',
        'stripe_payment_method_id',
        pms.map((pm) => paymentMethodRow(pm, s)),
        tx,
      );
      const deleted = list.filter((c) => c.deleted).map((c) => c.id);
      await markCustomersDeleted(db, deleted, s, tx);
      for (const c of list) changed.add(c.id);
      return;
    }
    case 'payment_methods': {
      const list = objects as readonly Stripe.PaymentMethod[];
      await ensureCustomers(
        db,
        list.map((pm) => idOf(pm.customer)),
        s.now,
        tx,
      );
      await upsert(
        db,
        'payment_methods',
        'stripe_payment_method_id',
        list.map((pm) => paymentMethodRow(pm, s)),
        tx,
      );
      for (const pm of list) {
        const c = idOf(pm.customer);
        if (c) changed.add(c);
      }
      return;
    }
    case 'subscriptions': {
      const list = objects as readonly FullSubscription[];
      const rows = list.map(({ subscription, items }) => subscriptionRow(subscription, items, s));
      await measure('customer_subscriptions', 'stripe_subscription_id', rows);
      await ensureCustomers(
        db,
        rows.map((r) => r.stripe_customer_id as string),
        s.now,
        tx,
      );
      await upsert(db, 'customer_subscriptions', 'stripe_subscription_id', rows, tx);
      const itemRows = list.flatMap(({ items }) => items.map((i) => subscriptionItemRow(i, s)));
      await upsert(db, 'subscription_items', 'stripe_subscription_item_id', itemRows, tx);
      // Items no longer on their subscription are marked deleted (unless a newer copy says
      // otherwise): one statement for the page, as an item id belongs to one subscription.
      const itemIds = list.flatMap(({ items }) => items.map((i) => i.id));
      await db.sequelize.query(
        `UPDATE subscription_items SET deleted = :yes, source_version = :v, updated_at = :now
         WHERE stripe_subscription_id IN (:subs) AND source_version <= :v AND deleted = :no
         ${itemIds.length ? 'AND stripe_subscription_item_id NOT IN (:ids)' : ''}`,
        {
          replacements: {
            yes: true,
            no: false,
            v: s.version,
            now: s.now,
            subs: list.map(({ subscription }) => subscription.id),
            ids: itemIds,
          },
          transaction: tx,
        },
      );
      activity.push(...list.flatMap(({ subscription, items }) => subscriptionActivity(subscription, items)));
      for (const r of rows) changed.add(r.stripe_customer_id as string);
      return;
    }
    case 'invoices': {
      const list = objects as readonly FullInvoice[];
      const rows = list.map(({ invoice }) => invoiceRow(invoice, s));
      await measure('invoices', 'stripe_invoice_id', rows);
      await ensureCustomers(
        db,
        rows.map((r) => r.stripe_customer_id as string),
        s.now,
        tx,
      );
      await upsert(db, 'invoices', 'stripe_invoice_id', rows, tx);
      // Lines have no version of their own: they are written only with an invoice copy that won.
      const ids = list.map(({ invoice }) => invoice.id);
      const [current] = (await db.sequelize.query(
        'SELECT stripe_invoice_id AS id, source_version AS v FROM invoices WHERE stripe_invoice_id IN (:ids)',
        { replacements: { ids }, transaction: tx },
      )) as [{ id: string; v: number | string }[], unknown];
      const won = new Set(current.filter((r) => Number(r.v) === s.version).map((r) => r.id));
      const winners = list.filter(({ invoice }) => won.has(invoice.id));
      const lineRows = winners.flatMap(({ invoice, lines }) =>
        lines.map((l) => invoiceLineRow(l, invoice, s)),
      );
      if (lineRows.length) {
        await upsertRows(
          db.sequelize,
          {
            table: 'invoice_lines',
            key: ['stripe_line_item_id'],
            update: Object.keys(lineRows[0]!).filter(
              (c) => c !== 'stripe_line_item_id' && c !== 'created_at',
            ),
          },
          lineRows,
          { transaction: tx },
        );
      }
      for (const { invoice, lines } of winners) {
        // A draft invoice can lose lines; a finalized one never changes them.
        if (invoice.status === 'draft' || lines.length === 0) {
          await db.sequelize.query(
            `DELETE FROM invoice_lines WHERE stripe_invoice_id = :inv ${lines.length ? 'AND stripe_line_item_id NOT IN (:ids)' : ''}`,
            { replacements: { inv: invoice.id, ids: lines.map((l) => l.id) }, transaction: tx },
          );
        }
      }
      // Payments, like lines, are written only with an invoice copy that won.
      const payments = winners.flatMap(({ payments }) => payments);
      const paymentRows = payments.map((p) => invoicePaymentRow(p, s));
      await upsert(db, 'invoice_payments', 'stripe_invoice_payment_id', paymentRows, tx);
      await linkStoredCharges(db, paymentRows, tx);
      activity.push(...list.flatMap(({ invoice }) => invoiceActivity(invoice)));
      for (const r of rows) if (r.stripe_customer_id) changed.add(r.stripe_customer_id as string);
      return;
    }
    case 'charges': {
      const list = objects as readonly Stripe.Charge[];
      const invoices = await invoicesOfCharges(
        db,
        list.map((c) => ({ id: c.id, paymentIntent: idOf(c.payment_intent) })),
        tx,
      );
      const rows = list.map((c) => chargeRow(c, invoices.get(c.id) ?? null, s));
      await measure('charges', 'stripe_charge_id', rows);
      await upsert(db, 'charges', 'stripe_charge_id', rows, tx);
      activity.push(...list.flatMap(chargeActivity));
      for (const r of rows) if (r.stripe_customer_id) changed.add(r.stripe_customer_id as string);
      return;
    }
    case 'refunds': {
      const list = objects as readonly Stripe.Refund[];
      const rows = list.map((r) => refundRow(r, s));
      await measure('refunds', 'stripe_refund_id', rows);
      await upsert(db, 'refunds', 'stripe_refund_id', rows, tx);
      activity.push(...list.flatMap(refundActivity));
      for (const r of list) {
        const c = idOf(r.customer);
        if (c) changed.add(c);
      }
      return;
    }
  }
}

const presentIds = (ids: (string | null)[]) => [...new Set(ids.filter((x): x is string => !!x))];

/** Which payment decides a charge's invoice when several name it: the default, then the newest. */
const PAYMENT_PRECEDENCE = 'is_default DESC, stripe_created_at DESC, stripe_invoice_payment_id DESC';

/**
 * The invoice each charge pays, from the stored invoice payments: the one naming the charge's
 * payment intent (or the charge itself, for a payment recorded as one), by PAYMENT_PRECEDENCE.
 */
async function invoicesOfCharges(
  db: Database,
  charges: readonly { id: string; paymentIntent: string | null }[],
  tx: Tx,
): Promise<Map<string, string>> {
  const paymentIntents = presentIds(charges.map((c) => c.paymentIntent));
  const ids = charges.map((c) => c.id);
  if (!ids.length) return new Map();
  const [rows] = (await db.sequelize.query(
    `SELECT stripe_invoice_id AS invoice, stripe_payment_intent_id AS pi, stripe_charge_id AS ch
     FROM invoice_payments
     WHERE stripe_charge_id IN (:ids) ${paymentIntents.length ? 'OR stripe_payment_intent_id IN (:paymentIntents)' : ''}
     ORDER BY ${PAYMENT_PRECEDENCE}`,
    { replacements: { ids, paymentIntents }, transaction: tx },
  )) as [{ invoice: string; pi: string | null; ch: string | null }[], unknown];
  // The first row for each payment intent or charge is the one that decides.
  const byIntent = new Map<string, string>();
  const byCharge = new Map<string, string>();
  for (const r of rows) {
    if (r.pi && !byIntent.has(r.pi)) byIntent.set(r.pi, r.invoice);
    if (r.ch && !byCharge.has(r.ch)) byCharge.set(r.ch, r.invoice);
  }
  const found = new Map<string, string>();
  for (const c of charges) {
    const invoice = (c.paymentIntent ? byIntent.get(c.paymentIntent) : undefined) ?? byCharge.get(c.id);
    if (invoice) found.set(c.id, invoice);
  }
  return found;
}

/**
 * Links the stored charges that newly written invoice payments name (charges written before
 * their invoice); a charge written later finds its invoice itself (invoicesOfCharges), by the
 * same rule. One statement, which rewrites only rows whose link changes.
 */
async function linkStoredCharges(db: Database, payments: readonly Row[], tx: Tx): Promise<void> {
  const paymentIntents = presentIds(payments.map((p) => p.stripe_payment_intent_id as string | null));
  const chargeIds = presentIds(payments.map((p) => p.stripe_charge_id as string | null));
  if (!paymentIntents.length && !chargeIds.length) return;
  const where = [
    ...(paymentIntents.length ? ['stripe_payment_intent_id IN (:paymentIntents)'] : []),
    ...(chargeIds.length ? ['stripe_charge_id IN (:chargeIds)'] : []),
  ];
  const invoiceOf = (column: string) =>
    `(SELECT p.stripe_invoice_id FROM invoice_payments p WHERE p.${column} = charges.${column}
      ORDER BY ${PAYMENT_PRECEDENCE} LIMIT 1)`;
  const linked = `COALESCE(${invoiceOf('stripe_payment_intent_id')}, ${invoiceOf('stripe_charge_id')})`;
  await db.sequelize.query(
    `UPDATE charges SET stripe_invoice_id = ${linked}
     WHERE (${where.join(' OR ')}) AND COALESCE(stripe_invoice_id, '') <> COALESCE(${linked}, '')`,
    { replacements: { paymentIntents, chargeIds }, transaction: tx },
  );
}

/**
 * Customers erased under GDPR (`erased_at`) keep ids, amounts and dates only: personal data that
 * Stripe still returns is removed again in the same transaction, so the sync never restores it
 * (the same columns as eraseCustomerPii of @medpro/db).
 */
async function keepErased(db: Database, customers: Set<string>, tx: Tx): Promise<void> {
  if (!customers.size) return;
  const [rows] = (await db.sequelize.query(
    'SELECT stripe_customer_id AS id FROM customers WHERE erased_at IS NOT NULL AND stripe_customer_id IN (:ids)',
    { replacements: { ids: [...customers] }, transaction: tx },
  )) as [{ id: string }[], unknown];
  const ids = rows.map((r) => r.id);
  if (!ids.length) return;
  const run = (sql: string) => db.sequelize.query(sql, { replacements: { ids }, transaction: tx });
  await run(
    `UPDATE customers SET email = '', name = NULL, description = NULL, phone = NULL, address_line1 = NULL,
       address_line2 = NULL, address_city = NULL, address_state = NULL, address_postal_code = NULL,
       metadata = NULL, raw = NULL WHERE stripe_customer_id IN (:ids)`,
  );
  for (const table of ['customer_subscriptions', 'invoices', 'payment_methods', 'charges'])
    await run(`UPDATE ${table} SET raw = NULL WHERE stripe_customer_id IN (:ids)`);
  await run('UPDATE customer_subscriptions SET metadata = NULL WHERE stripe_customer_id IN (:ids)');
  await run('UPDATE invoice_lines SET description = NULL, raw = NULL WHERE stripe_customer_id IN (:ids)');
}

/** Deleted customers keep their row (and history); only `deleted` flips. */
export async function markCustomersDeleted(db: Database, ids: readonly string[], s: Stamp, tx: Tx) {
  if (!ids.length) return;
  await upsertRows(
    db.sequelize,
    {
      table: 'customers',
      key: ['stripe_customer_id'],
      update: ['deleted', 'updated_at', 'last_sync_at'],
      version: V,
    },
    ids.map((id) => ({
      stripe_customer_id: id,
      email: '',
      deleted: true,
      last_sync_at: s.now,
      source_version: s.version,
      created_at: s.now,
      updated_at: s.now,
    })),
    { transaction: tx },
  );
}

/** Products, prices and coupons that Stripe says are gone: flagged, never removed. */
export async function markDeleted(
  db: Database,
  table: 'products' | 'prices' | 'coupons',
  ids: readonly string[],
  s: Stamp,
): Promise<void> {
  if (!ids.length) return;
  const key = { products: 'stripe_product_id', prices: 'stripe_price_id', coupons: 'stripe_coupon_id' }[
    table
  ];
  await db.sequelize.query(
    `UPDATE ${table} SET deleted = :yes, source_version = :v, updated_at = :now WHERE ${key} IN (:ids) AND source_version <= :v`,
    { replacements: { yes: true, v: s.version, now: s.now, ids } },
  );
}

/** Customer ids still placeholders (referenced by other objects, never seen in a customer list). */
export async function placeholderCustomers(db: Database, limit: number): Promise<string[]> {
  const [rows] = (await db.sequelize.query(
    'SELECT stripe_customer_id AS id FROM customers WHERE source_version = 0 ORDER BY stripe_customer_id LIMIT :limit',
    { replacements: { limit } },
  )) as [{ id: string }[], unknown];
  return rows.map((r) => r.id);
}
