/**
 * Writes Stripe objects into the mirror tables: pages in one transaction, bulk upserts guarded
 * by `source_version` (an older copy never overwrites a newer one), customer placeholders
 * before anything that references a customer, activity entries beside the objects. A batch
 * reads what it needs in one round, then queues all its statements without waiting for each
 * (see Statements), so building rows overlaps the database writing the previous ones.
 */

import { setImmediate } from 'node:timers/promises';
import type { Database, UpsertSpec } from '@medpro/db';
import { enlargeSyncPageCache, Statements, type upsertRows } from '@medpro/db';
import { QueryTypes } from 'sequelize';
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

function upsert(q: Statements, table: string, key: string, rows: Row[]): void {
  const first = rows[0];
  if (first) q.upsert(spec(table, key, first), rows);
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

/** Runs `fn` with the statement queue of a new transaction; all it queued has run when this resolves. */
export async function writeInTransaction<T>(db: Database, fn: (q: Statements) => Promise<T> | T): Promise<T> {
  return inTransaction(db, async (tx) => {
    const q = Statements.of(tx);
    try {
      const result = await fn(q);
      await q.settle();
      return result;
    } catch (error) {
      await q.abandon(error);
      throw error;
    }
  });
}

/**
 * Customer ids known to have a row in a transaction (ensured or written in it): a batch's pages
 * and their activity name the same customers again and again. A retried transaction is a new one.
 */
const ensuredIn = new WeakMap<Statements, Set<string>>();
function ensured(q: Statements): Set<string> {
  const known = ensuredIn.get(q) ?? new Set<string>();
  ensuredIn.set(q, known);
  return known;
}

/** Customer ids whose rows committed before the transaction (see WriteOptions.knownCustomers). */
const committedIn = new WeakMap<Statements, ReadonlySet<string>>();

/**
 * Makes sure a customers row exists for each id, so rows with a foreign key to customers can
 * be written before the customer itself is synced. A placeholder has source_version 0 and
 * email '': any real copy of the customer overwrites it, and it never overwrites one.
 */
export function ensureCustomers(q: Statements, ids: Iterable<string | null>, now: Date): void {
  const known = ensured(q);
  const committed = committedIn.get(q);
  const unique = [
    ...new Set([...ids].filter((x): x is string => !!x && !known.has(x) && !committed?.has(x))),
  ].sort();
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
  q.upsert({ table: 'customers', key: ['stripe_customer_id'], update: [] }, rows);
}

export function insertActivity(q: Statements, rows: Row[], now: Date): void {
  if (!rows.length) return;
  ensureCustomers(
    q,
    rows.map((r) => r.stripe_customer_id as string),
    now,
  );
  // Insert-or-ignore on (source_id, activity_type): replays never add a second entry.
  q.upsert(
    { table: 'customer_activity', key: ['source_id', 'activity_type'], update: [] },
    rows.map((r) => ({ ...r, created_at: now })),
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

/** Mirror table and key of each type whose stored copy reconciliation compares. */
const DRIFT_TABLES: Partial<Record<ObjectType, [table: string, key: string]>> = {
  products: ['products', 'stripe_product_id'],
  prices: ['prices', 'stripe_price_id'],
  coupons: ['coupons', 'stripe_coupon_id'],
  customers: ['customers', 'stripe_customer_id'],
  subscriptions: ['customer_subscriptions', 'stripe_subscription_id'],
  invoices: ['invoices', 'stripe_invoice_id'],
  charges: ['charges', 'stripe_charge_id'],
  refunds: ['refunds', 'stripe_refund_id'],
};

export interface WriteResult {
  /** Customer ids whose data changed, for the analytics hook. */
  customers: Set<string>;
}

export interface WriteOptions {
  drift?: DriftCounter | undefined;
  /** Runs inside the page's transaction, after the rows (e.g. saving the cursor). */
  alsoInTransaction?: ((q: Statements) => Promise<void> | void) | undefined;
  /**
   * SQLite: this commit does not checkpoint the WAL (copy it into the database file, which
   * every commit of megabytes did, inside the writer's critical path); the caller must
   * checkpoint from another connection (see checkpoint()).
   */
  deferCheckpoint?: boolean;
  /**
   * Customer ids whose rows are known to exist, kept across a writer's transactions: a customer
   * row is never removed, so they need no placeholder check (a backfill's batches name the same
   * customers over and over). Grows with the customers each committed transaction ensured.
   */
  knownCustomers?: Set<string>;
}

/**
 * SQLite: copies the WAL into the database. PASSIVE copies what it can without waiting for
 * anyone; RESTART waits (busy timeout) until no one else writes, copies everything, and makes
 * the next writer start the WAL over, which passive ones cannot ensure while others write.
 * Returns the WAL's length in pages and whether all of it was copied (elsewhere: 0, true).
 */
export async function checkpoint(
  db: Database,
  mode: 'PASSIVE' | 'RESTART' = 'PASSIVE',
): Promise<{ walPages: number; complete: boolean }> {
  if (db.dialect !== 'sqlite') return { walPages: 0, complete: true };
  const [result] = await db.sequelize.query<{ busy: number; log: number; checkpointed: number }>(
    `PRAGMA wal_checkpoint(${mode})`,
    { type: QueryTypes.SELECT },
  );
  return {
    walPages: Math.max(0, result?.log ?? 0),
    complete: result?.busy === 0 && result.log === result.checkpointed,
  };
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
  let ensuredHere: ReadonlySet<string> = new Set();
  const results = await writeInTransaction(db, async (q) => {
    if (options.knownCustomers) committedIn.set(q, options.knownCustomers);
    ensuredHere = ensured(q);
    // Set on this transaction's own connection (Sequelize opens one per SQLite transaction).
    await enlargeSyncPageCache(db.sequelize, q.transaction);
    if (options.deferCheckpoint && q.dialect === 'sqlite') q.run('PRAGMA wal_autocheckpoint = 0');
    // A retried transaction starts over, so do the results.
    const results = pages.map(() => ({ customers: new Set<string>() }));
    const stored = await readStored(q, pages, options.drift !== undefined);
    const now = pages[0]?.stamp.now ?? new Date();
    // One statement each for the batch, not one per page: the customers rows point to, the
    // activity entries (many pages name the same customers), and the charges' invoice links.
    ensureCustomers(q, pages.flatMap(referencedCustomers), now);
    const touched = new Set<string>();
    const batch: BatchWrites = { activity: [], payments: [] };
    for (const [i, page] of pages.entries()) {
      if (!page.objects.length) continue;
      const customers = results[i]!.customers;
      writeObjects(q, page.type, page.objects, page.stamp, stored, customers, options.drift, batch);
      for (const c of customers) touched.add(c);
      // Lets finished statements hand over to the next ones between pages (each handover is a
      // callback on this thread), so the database keeps working while the batch is built.
      await setImmediate();
    }
    insertActivity(q, batch.activity, now);
    linkStoredCharges(q, batch.payments);
    await keepErased(q, touched);
    await q.settle();
    await options.alsoInTransaction?.(q);
    return results;
  });
  for (const id of ensuredHere) options.knownCustomers?.add(id);
  return results;
}

/** What a batch collects across its pages and writes once, after them. */
interface BatchWrites {
  activity: Row[];
  /** Invoice payment rows written: the charges they name are linked after every page. */
  payments: Row[];
}

/** What a batch reads before writing, in one round (every query queued at once). */
interface Stored {
  /** source_version of the batch's invoices already stored; updated as the batch's copies win. */
  invoiceVersions: Map<string, number>;
  /** The invoice each of the batch's charges pays, by the payments stored before the batch. */
  chargeInvoices: Map<string, string>;
  /** Stored raw copies by table and id, when counting drift. */
  raw: Map<string, Map<string, unknown>>;
}

async function readStored(q: Statements, pages: readonly PageWrite[], drift: boolean): Promise<Stored> {
  const ofType = <T extends ObjectType>(type: T) =>
    pages.filter((p) => p.type === type).flatMap((p) => p.objects as readonly PageOf[T][]);
  const invoiceIds = ofType('invoices').map(({ invoice }) => invoice.id);
  const versions = invoiceIds.length
    ? q.all<{ id: string; v: number | string }>(
        'SELECT stripe_invoice_id AS id, source_version AS v FROM invoices WHERE stripe_invoice_id IN (?)',
        [invoiceIds],
      )
    : Promise.resolve([]);
  const chargeInvoices = invoicesOfCharges(
    q,
    ofType('charges').map((c) => ({ id: c.id, paymentIntent: idOf(c.payment_intent) })),
  );
  const raw = new Map<string, Map<string, unknown>>();
  // One read per type (not per page): a batch holds many pages of one type.
  const rawReads = drift
    ? [...new Set(pages.map((p) => p.type))].map(async (type) => {
        const target = DRIFT_TABLES[type];
        const ids = ofType(type).map((object) => objectId(type, object));
        if (!target || !ids.length) return;
        const [table, key] = target;
        const rows = await q.all<{ id: string; raw: unknown }>(
          `SELECT ${key} AS id, raw FROM ${table} WHERE ${key} IN (?)`,
          [ids],
        );
        raw.set(
          table,
          new Map(rows.map((r) => [r.id, typeof r.raw === 'string' ? JSON.parse(r.raw) : r.raw])),
        );
      })
    : [];
  const [storedVersions, links] = await Promise.all([versions, chargeInvoices, ...rawReads]);
  return {
    invoiceVersions: new Map(storedVersions.map((r) => [r.id, Number(r.v)])),
    chargeInvoices: links,
    raw,
  };
}

/** The Stripe id of a page entry (the subscription or invoice of a full one). */
function objectId(type: ObjectType, object: PageOf[ObjectType]): string {
  if (type === 'subscriptions') return (object as FullSubscription).subscription.id;
  if (type === 'invoices') return (object as FullInvoice).invoice.id;
  return (object as { id: string }).id;
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

/** Queues the writes of one page (nothing here waits for the database). */
function writeObjects(
  q: Statements,
  type: ObjectType,
  objects: readonly unknown[],
  s: Stamp,
  stored: Stored,
  changed: Set<string>,
  drift: DriftCounter | undefined,
  batch: BatchWrites,
): void {
  // Reconciliation: how many of the page's objects differ from their stored copy.
  const measure = (table: string, key: string, rows: Row[]) => {
    if (!drift || !rows.length) return;
    const before = stored.raw.get(table);
    const differing = rows.filter((row) => {
      const copy = before?.get(row[key] as string);
      return copy === undefined || canonical(copy) !== canonical(JSON.parse(row.raw as string));
    });
    drift.count(type, differing.length);
  };
  switch (type) {
    case 'products': {
      const list = objects as readonly PageOf['products'][];
      const live = list.filter((p): p is Stripe.Product => !p.deleted).map((p) => productRow(p, s));
      measure('products', 'stripe_product_id', live);
      upsert(q, 'products', 'stripe_product_id', live);
      const gone = list.filter((p) => p.deleted).map((p) => productRow(p, s));
      upsert(q, 'products', 'stripe_product_id', gone);
      return;
    }
    case 'prices': {
      const rows = (objects as readonly Stripe.Price[]).map((p) => priceRow(p, s));
      measure('prices', 'stripe_price_id', rows);
      upsert(q, 'prices', 'stripe_price_id', rows);
      return;
    }
    case 'coupons': {
      const rows = (objects as readonly Stripe.Coupon[]).map((c) => couponRow(c, s));
      measure('coupons', 'stripe_coupon_id', rows);
      upsert(q, 'coupons', 'stripe_coupon_id', rows);
      return;
    }
    case 'customers': {
      const list = objects as readonly PageOf['customers'][];
      const live = list.filter((c): c is Stripe.Customer => !c.deleted);
      const rows = live.map((c) => customerRow(c, s));
      measure('customers', 'stripe_customer_id', rows);
      upsert(q, 'customers', 'stripe_customer_id', rows);
      for (const c of live) ensured(q).add(c.id);
      const pms = live.map(expandedDefaultPaymentMethod).filter((pm): pm is Stripe.PaymentMethod => !!pm);
      upsert(
        q,
        'payment_methods',
        'stripe_payment_method_id',
        pms.map((pm) => paymentMethodRow(pm, s)),
      );
      markCustomersDeleted(
        q,
        list.filter((c) => c.deleted).map((c) => c.id),
        s,
      );
      for (const c of list) changed.add(c.id);
      return;
    }
    case 'payment_methods': {
      const list = objects as readonly Stripe.PaymentMethod[];
      ensureCustomers(
        q,
        list.map((pm) => idOf(pm.customer)),
        s.now,
      );
      upsert(
        q,
        'payment_methods',
        'stripe_payment_method_id',
        list.map((pm) => paymentMethodRow(pm, s)),
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
      measure('customer_subscriptions', 'stripe_subscription_id', rows);
      ensureCustomers(
        q,
        rows.map((r) => r.stripe_customer_id as string),
        s.now,
      );
      upsert(q, 'customer_subscriptions', 'stripe_subscription_id', rows);
      const itemRows = list.flatMap(({ items }) => items.map((i) => subscriptionItemRow(i, s)));
      upsert(q, 'subscription_items', 'stripe_subscription_item_id', itemRows);
      // Items no longer on their subscription are marked deleted (unless a newer copy says
      // otherwise): one statement for the page, as an item id belongs to one subscription.
      const itemIds = list.flatMap(({ items }) => items.map((i) => i.id));
      q.run(
        `UPDATE subscription_items SET deleted = ?, source_version = ?, updated_at = ?
         WHERE stripe_subscription_id IN (?) AND source_version <= ? AND deleted = ?
         ${itemIds.length ? 'AND stripe_subscription_item_id NOT IN (?)' : ''}`,
        [
          true,
          s.version,
          s.now,
          list.map(({ subscription }) => subscription.id),
          s.version,
          false,
          ...(itemIds.length ? [itemIds] : []),
        ],
      );
      batch.activity.push(
        ...list.flatMap(({ subscription, items }) => subscriptionActivity(subscription, items)),
      );
      for (const r of rows) changed.add(r.stripe_customer_id as string);
      return;
    }
    case 'invoices': {
      const list = objects as readonly FullInvoice[];
      const rows = list.map(({ invoice }) => invoiceRow(invoice, s));
      measure('invoices', 'stripe_invoice_id', rows);
      ensureCustomers(
        q,
        rows.map((r) => r.stripe_customer_id as string),
        s.now,
      );
      upsert(q, 'invoices', 'stripe_invoice_id', rows);
      // Lines and payments have no version of their own: they are written only with an invoice
      // copy that won, which is the upsert's own rule (not older than the stored copy).
      const winners = list.filter(({ invoice }) => {
        const current = stored.invoiceVersions.get(invoice.id);
        if (current !== undefined && s.version < current) return false;
        stored.invoiceVersions.set(invoice.id, s.version);
        return true;
      });
      const lineRows = winners.flatMap(({ invoice, lines }) =>
        lines.map((l) => invoiceLineRow(l, invoice, s)),
      );
      if (lineRows.length) {
        q.upsert(
          {
            table: 'invoice_lines',
            key: ['stripe_line_item_id'],
            update: Object.keys(lineRows[0]!).filter(
              (c) => c !== 'stripe_line_item_id' && c !== 'created_at',
            ),
          },
          lineRows,
        );
      }
      for (const { invoice, lines } of winners) {
        // A draft invoice can lose lines; a finalized one never changes them.
        if (invoice.status === 'draft' || lines.length === 0) {
          q.run(
            `DELETE FROM invoice_lines WHERE stripe_invoice_id = ? ${lines.length ? 'AND stripe_line_item_id NOT IN (?)' : ''}`,
            [invoice.id, ...(lines.length ? [lines.map((l) => l.id)] : [])],
          );
        }
      }
      const paymentRows = winners.flatMap(({ payments }) => payments.map((p) => invoicePaymentRow(p, s)));
      upsert(q, 'invoice_payments', 'stripe_invoice_payment_id', paymentRows);
      batch.payments.push(...paymentRows);
      batch.activity.push(...list.flatMap(({ invoice }) => invoiceActivity(invoice)));
      for (const r of rows) if (r.stripe_customer_id) changed.add(r.stripe_customer_id as string);
      return;
    }
    case 'charges': {
      const list = objects as readonly Stripe.Charge[];
      const rows = list.map((c) => chargeRow(c, stored.chargeInvoices.get(c.id) ?? null, s));
      measure('charges', 'stripe_charge_id', rows);
      upsert(q, 'charges', 'stripe_charge_id', rows);
      batch.activity.push(...list.flatMap(chargeActivity));
      for (const r of rows) if (r.stripe_customer_id) changed.add(r.stripe_customer_id as string);
      return;
    }
    case 'refunds': {
      const list = objects as readonly Stripe.Refund[];
      const rows = list.map((r) => refundRow(r, s));
      measure('refunds', 'stripe_refund_id', rows);
      upsert(q, 'refunds', 'stripe_refund_id', rows);
      batch.activity.push(...list.flatMap(refundActivity));
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
  q: Statements,
  charges: readonly { id: string; paymentIntent: string | null }[],
): Promise<Map<string, string>> {
  const paymentIntents = presentIds(charges.map((c) => c.paymentIntent));
  const ids = charges.map((c) => c.id);
  if (!ids.length) return new Map();
  const rows = await q.all<{ invoice: string; pi: string | null; ch: string | null }>(
    `SELECT stripe_invoice_id AS invoice, stripe_payment_intent_id AS pi, stripe_charge_id AS ch
     FROM invoice_payments
     WHERE stripe_charge_id IN (?) ${paymentIntents.length ? 'OR stripe_payment_intent_id IN (?)' : ''}
     ORDER BY ${PAYMENT_PRECEDENCE}`,
    [ids, ...(paymentIntents.length ? [paymentIntents] : [])],
  );
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
 * Links the stored charges that a batch's invoice payments name (charges written before their
 * invoice, in an earlier batch or this one); a charge written in a later batch finds its
 * invoice itself (invoicesOfCharges), by the same rule. One statement after the batch's pages,
 * which rewrites only rows whose link changes.
 */
function linkStoredCharges(q: Statements, payments: readonly Row[]): void {
  const paymentIntents = presentIds(payments.map((p) => p.stripe_payment_intent_id as string | null));
  const chargeIds = presentIds(payments.map((p) => p.stripe_charge_id as string | null));
  const where = [
    ...(paymentIntents.length ? ['stripe_payment_intent_id IN (?)'] : []),
    ...(chargeIds.length ? ['stripe_charge_id IN (?)'] : []),
  ];
  if (!where.length) return;
  const invoiceOf = (column: string) =>
    `(SELECT p.stripe_invoice_id FROM invoice_payments p WHERE p.${column} = charges.${column}
      ORDER BY ${PAYMENT_PRECEDENCE} LIMIT 1)`;
  const linked = `COALESCE(${invoiceOf('stripe_payment_intent_id')}, ${invoiceOf('stripe_charge_id')})`;
  q.run(
    `UPDATE charges SET stripe_invoice_id = ${linked}
     WHERE (${where.join(' OR ')}) AND COALESCE(stripe_invoice_id, '') <> COALESCE(${linked}, '')`,
    [...(paymentIntents.length ? [paymentIntents] : []), ...(chargeIds.length ? [chargeIds] : [])],
  );
}

/**
 * Customers erased under GDPR (`erased_at`) keep ids, amounts and dates only: personal data that
 * Stripe still returns is removed again in the same transaction, so the sync never restores it
 * (the same columns as eraseCustomerPii of @medpro/db).
 */
async function keepErased(q: Statements, customers: Set<string>): Promise<void> {
  if (!customers.size) return;
  // Read after every write queued before it: the batch's own writes are in.
  const rows = await q.all<{ id: string }>(
    'SELECT stripe_customer_id AS id FROM customers WHERE erased_at IS NOT NULL AND stripe_customer_id IN (?)',
    [[...customers]],
  );
  const ids = rows.map((r) => r.id);
  if (!ids.length) return;
  q.run(
    `UPDATE customers SET email = '', name = NULL, description = NULL, phone = NULL, address_line1 = NULL,
       address_line2 = NULL, address_city = NULL, address_state = NULL, address_postal_code = NULL,
       metadata = NULL, raw = NULL WHERE stripe_customer_id IN (?)`,
    [ids],
  );
  for (const table of ['customer_subscriptions', 'invoices', 'payment_methods', 'charges'])
    q.run(`UPDATE ${table} SET raw = NULL WHERE stripe_customer_id IN (?)`, [ids]);
  q.run('UPDATE customer_subscriptions SET metadata = NULL WHERE stripe_customer_id IN (?)', [ids]);
  q.run('UPDATE invoice_lines SET description = NULL, raw = NULL WHERE stripe_customer_id IN (?)', [ids]);
}

/** Deleted customers keep their row (and history); only `deleted` flips. */
export function markCustomersDeleted(q: Statements, ids: readonly string[], s: Stamp): void {
  if (!ids.length) return;
  q.upsert(
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
