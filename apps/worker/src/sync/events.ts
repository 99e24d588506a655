/**
 * Incremental sync: `/v1/events` is polled from the saved cursor into the `stripe_events`
 * inbox (where webhooks land too), and the inbox is drained in `created` order. For each
 * changed object the current copy is re-fetched, so the final state never depends on the order
 * or number of deliveries; deletions (terminal) are applied from the event itself.
 */
import type { Database } from '@medpro/db';
import { storeEvents } from '@medpro/db/stripe-inbox';
import type Stripe from 'stripe';
import { eventActivity } from './activity.ts';
import {
  completeInvoice,
  completeSubscription,
  INVOICE_EXPAND,
  PAGE_SIZE,
  retrieveCustomer,
} from './backfill.ts';
import type { StripeGateway } from './client.ts';
import type { Logger } from './context.ts';
import { dbJson } from './dbvalues.ts';
import { idOf } from './mappers.ts';
import { PermanentStripeError } from './retry.ts';
import { loadCursors, saveCursors } from './runs.ts';
import {
  insertActivity,
  markCustomersDeleted,
  markDeleted,
  type ObjectType,
  writeInTransaction,
  writePage,
} from './store.ts';

/** Stripe keeps events for 30 days. */
export const EVENT_RETENTION_SECONDS = 30 * 86_400;
/** Margin so a cursor about to expire while we read it still counts as expired. */
const RETENTION_MARGIN_SECONDS = 3600;
export const EVENTS_SCOPE = 'events';

/**
 * The poller's cursor: the `created` second of the newest event stored so far. The next poll
 * re-reads that whole second (events sharing it may still arrive) and skips known ids.
 * Stored in sync_cursors(scope 'events', object_type 'events', range_start 0) as range_end.
 */
export async function readEventsCursor(db: Database): Promise<number | null> {
  const [c] = await loadCursors(db, EVENTS_SCOPE);
  return c?.rangeEnd ?? null;
}

export async function writeEventsCursor(db: Database, created: number, seen = 0): Promise<void> {
  await saveCursors(db, [
    {
      scope: EVENTS_SCOPE,
      objectType: 'events',
      rangeStart: 0,
      rangeEnd: created,
      startingAfter: null,
      done: false,
      fetched: seen,
    },
  ]);
}

export function cursorExpired(cursor: number, nowSeconds: number): boolean {
  return cursor < nowSeconds - EVENT_RETENTION_SECONDS + RETENTION_MARGIN_SECONDS;
}

/**
 * Reads every event with created >= cursor (Stripe lists newest first, so the window is read
 * to its end before the cursor moves) into the inbox. Returns how many were new.
 */
export async function pollEvents(
  db: Database,
  gateway: StripeGateway,
  cursor: number,
  signal?: AbortSignal,
): Promise<{ seen: number; stored: number; cursor: number }> {
  let startingAfter: string | undefined;
  let newest = cursor;
  let seen = 0;
  let stored = 0;
  for (;;) {
    const page = await gateway.call(
      'listing events',
      (s) =>
        s.events.list({
          limit: PAGE_SIZE,
          created: { gte: cursor },
          ...(startingAfter ? { starting_after: startingAfter } : {}),
        }),
      signal,
    );
    seen += page.data.length;
    stored += (await storeEvents(db, page.data, 'poll')).length;
    for (const e of page.data) newest = Math.max(newest, e.created);
    const last = page.data[page.data.length - 1];
    if (!page.has_more || !last) break;
    startingAfter = last.id;
    if (signal?.aborted) return { seen, stored, cursor };
  }
  if (newest > cursor) await writeEventsCursor(db, newest);
  return { seen, stored, cursor: newest };
}

/** Which mirror a Stripe object type lands in. */
const KIND_TYPE: Record<string, ObjectType> = {
  customer: 'customers',
  subscription: 'subscriptions',
  invoice: 'invoices',
  charge: 'charges',
  refund: 'refunds',
  payment_method: 'payment_methods',
  product: 'products',
  price: 'prices',
  coupon: 'coupons',
};

/**
 * The mirrored object an event is about: its own object, or for an invoice payment its invoice
 * (payments are mirrored with their invoice). Null for objects we do not mirror.
 */
function mirroredObject(event: Stripe.Event): { kind: string; id: string } | null {
  const object = event.data?.object as { object?: string; id?: string; invoice?: unknown } | undefined;
  if (object?.object === 'invoice_payment') {
    const invoice = idOf(object.invoice as string | { id: string } | null);
    return invoice ? { kind: 'invoice', id: invoice } : null;
  }
  const kind = object?.object ?? '';
  return KIND_TYPE[kind] && object?.id ? { kind, id: object.id } : null;
}

/** Event types that end an object for good: applied from the event, no re-fetch. */
const DELETIONS = new Set([
  'customer.deleted',
  'product.deleted',
  'price.deleted',
  'coupon.deleted',
  'invoice.deleted',
]);

interface PendingEvent {
  id: string;
  event: Stripe.Event;
}

export interface DrainResult {
  processed: number;
  skipped: number;
  failed: number;
  customers: string[];
}

export interface DrainOptions {
  db: Database;
  gateway: StripeGateway;
  log: Logger;
  signal?: AbortSignal;
  batchSize?: number;
  /** Events failing this many times stay in the inbox, reported, and are not retried. */
  maxAttempts?: number;
  onCustomersChanged?: (ids: string[]) => Promise<void> | void;
}

async function pendingBatch(db: Database, limit: number, maxAttempts: number): Promise<PendingEvent[]> {
  const [rows] = (await db.sequelize.query(
    `SELECT stripe_event_id AS id, payload FROM stripe_events
     WHERE processed_at IS NULL AND attempts < :maxAttempts
     ORDER BY stripe_created, stripe_event_id LIMIT :limit`,
    { replacements: { limit, maxAttempts } },
  )) as [{ id: string; payload: unknown }[], unknown];
  return rows.map((r) => ({ id: r.id, event: dbJson<Stripe.Event>(r.payload)! }));
}

async function markEvents(db: Database, ids: string[], error: string | null, processed: boolean) {
  if (!ids.length) return;
  const now = new Date();
  await db.sequelize.query(
    `UPDATE stripe_events SET attempts = attempts + 1, last_error = :error${processed ? ', processed_at = :now' : ''}
     WHERE stripe_event_id IN (:ids)`,
    { replacements: { ids, error, now } },
  );
}

function isNotFound(error: unknown): boolean {
  return error instanceof PermanentStripeError && error.status === 404;
}

/** Re-fetches an object's current copy; null when Stripe no longer has it. */
async function refetch(
  gateway: StripeGateway,
  kind: string,
  id: string,
  signal?: AbortSignal,
): Promise<unknown | null> {
  const what = `retrieving ${kind} ${id}`;
  try {
    switch (kind) {
      case 'customer':
        return await retrieveCustomer(gateway, id, signal);
      case 'subscription':
        return await completeSubscription(
          gateway,
          await gateway.call(what, (s) => s.subscriptions.retrieve(id), signal),
          signal,
        );
      case 'invoice':
        return await completeInvoice(
          gateway,
          await gateway.call(what, (s) => s.invoices.retrieve(id, { expand: INVOICE_EXPAND }), signal),
          signal,
        );
      case 'charge':
        return await gateway.call(what, (s) => s.charges.retrieve(id), signal);
      case 'refund':
        return await gateway.call(what, (s) => s.refunds.retrieve(id), signal);
      case 'payment_method':
        return await gateway.call(what, (s) => s.paymentMethods.retrieve(id), signal);
      case 'product':
        return await gateway.call(what, (s) => s.products.retrieve(id), signal);
      case 'price':
        return await gateway.call(what, (s) => s.prices.retrieve(id), signal);
      case 'coupon':
        return await gateway.call(what, (s) => s.coupons.retrieve(id), signal);
      default:
        return null;
    }
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

async function applyDeletion(db: Database, kind: string, id: string, version: number) {
  const stamp = { version, now: new Date() };
  if (kind === 'customer') {
    await writeInTransaction(db, (q) => markCustomersDeleted(q, [id], stamp));
  } else if (kind === 'product' || kind === 'price' || kind === 'coupon') {
    await markDeleted(db, `${kind}s` as 'products' | 'prices' | 'coupons', [id], stamp);
  } else if (kind === 'invoice') {
    // A deleted draft: the row stays, marked, so nothing counts it as billing.
    await db.sequelize.query(
      "UPDATE invoices SET status = 'deleted', source_version = :v, updated_at = :now WHERE stripe_invoice_id = :id AND source_version <= :v",
      { replacements: { id, v: version, now: stamp.now } },
    );
  }
}

/** Applies one object's pending events: returns the customers it touched. */
async function applyObject(
  options: DrainOptions,
  kind: string,
  id: string,
  events: Stripe.Event[],
): Promise<Set<string>> {
  const { db, gateway, signal } = options;
  const customers = new Set<string>();
  const type = KIND_TYPE[kind]!;
  // Deletions are final, so they can be applied straight from the event; the version is the
  // processing time, which is newer than any copy fetched before the deletion.
  if (events.some((e) => DELETIONS.has(e.type))) {
    await applyDeletion(db, kind, id, Date.now());
  } else {
    const version = Date.now();
    const object = await refetch(gateway, kind, id, signal);
    if (object === null) {
      await applyDeletion(db, kind, id, version);
    } else {
      const written = await writePage(db, type, [object as never], { version, now: new Date() });
      for (const c of written.customers) customers.add(c);
      // A refunded charge: its refunds (the list is per charge, so one request).
      const charge = kind === 'charge' ? (object as Stripe.Charge) : null;
      if (charge && charge.amount_refunded > 0) {
        const refundsVersion = Date.now();
        const refunds = await gateway.call(
          `listing refunds of ${id}`,
          (s) => s.refunds.list({ charge: id, limit: PAGE_SIZE }),
          signal,
        );
        await writePage(db, 'refunds', refunds.data, { version: refundsVersion, now: new Date() });
      }
    }
  }
  const activity = events.flatMap(eventActivity);
  if (activity.length) await writeInTransaction(db, (q) => insertActivity(q, activity, new Date()));
  const owner = (events[0]?.data.object as { customer?: unknown; id?: string; object?: string }) ?? {};
  if (typeof owner.customer === 'string') customers.add(owner.customer);
  if (owner.object === 'customer' && owner.id) customers.add(owner.id);
  return customers;
}

/**
 * Processes pending inbox events, oldest `created` first (ties, which Stripe does not order,
 * by event id: the same order whatever order they arrived in), until the inbox is empty or the
 * signal stops it. Unknown types are marked skipped. A failing object leaves its events
 * pending (attempts and last error recorded) and the rest go on; a permanent API error
 * (bad key, missing permission) stops the drain.
 */
export async function drainInbox(options: DrainOptions): Promise<DrainResult> {
  const { db, log } = options;
  const batchSize = options.batchSize ?? 200;
  const maxAttempts = options.maxAttempts ?? 10;
  const result: DrainResult = { processed: 0, skipped: 0, failed: 0, customers: [] };
  const tried = new Set<string>();
  while (!options.signal?.aborted) {
    const batch = (await pendingBatch(db, batchSize, maxAttempts)).filter((e) => !tried.has(e.id));
    if (!batch.length) break;
    const groups = new Map<string, { kind: string; id: string; events: PendingEvent[] }>();
    const skipped: string[] = [];
    for (const p of batch) {
      tried.add(p.id);
      const target = mirroredObject(p.event);
      if (!target) {
        skipped.push(p.id);
        continue;
      }
      const { kind, id } = target;
      const key = `${kind}:${id}`;
      const g = groups.get(key) ?? { kind, id, events: [] };
      g.events.push(p);
      groups.set(key, g);
    }
    await markEvents(db, skipped, 'skipped: event type not mirrored', true);
    result.skipped += skipped.length;
    const changed = new Set<string>();
    for (const g of groups.values()) {
      if (options.signal?.aborted) break;
      const ids = g.events.map((e) => e.id);
      try {
        const customers = await applyObject(
          options,
          g.kind,
          g.id,
          g.events.map((e) => e.event),
        );
        for (const c of customers) changed.add(c);
        await markEvents(db, ids, null, true);
        result.processed += ids.length;
      } catch (error) {
        if (error instanceof PermanentStripeError && error.status !== 404) throw error;
        const message = (error as Error)?.message ?? String(error);
        log.warn({ object: g.id, events: ids, err: message }, 'event processing failed; will retry');
        await markEvents(db, ids, message.slice(0, 1000), false);
        result.failed += ids.length;
      }
    }
    if (changed.size) {
      result.customers.push(...changed);
      await options.onCustomersChanged?.([...changed]);
    }
  }
  return result;
}
