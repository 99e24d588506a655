/**
 * The Stripe event inbox (`stripe_events`), shared by the admin app's webhook route and the
 * worker's event poller: events are stored by id (a duplicate is a no-op) and processed later
 * by the worker in `created` order. Also the webhook health the API reads from `settings`.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from './connection.ts';
import { parseJson, toDate, upsertRows } from './dialect.ts';

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** The fields of a Stripe event the inbox keeps (the SDK's Event satisfies it). */
export interface InboxEvent {
  id: string;
  type: string;
  created: number;
  api_version: string | null;
  livemode: boolean;
  data: { object: unknown };
}

export type EventSource = 'webhook' | 'poll';

function objectRef(event: InboxEvent): { id: string | null; type: string | null } {
  const object = event.data?.object as { id?: unknown; object?: unknown } | undefined;
  return {
    id: typeof object?.id === 'string' ? object.id : null,
    type: typeof object?.object === 'string' ? object.object : null,
  };
}

/**
 * SQLite has one writer at a time; a burst of webhooks would otherwise open one waiting
 * transaction each and starve every other writer (the worker's sync) on the busy timeout.
 * A process queues its own inbox writes instead.
 */
const sqliteQueues = new WeakMap<Database, Promise<unknown>>();
function serialized<T>(db: Database, fn: () => Promise<T>): Promise<T> {
  if (db.dialect !== 'sqlite') return fn();
  const mine = (sqliteQueues.get(db) ?? Promise.resolve()).catch(() => {}).then(fn);
  sqliteQueues.set(db, mine);
  return mine;
}

/**
 * Stores events not seen before; returns the ids that were new. Events from a webhook also
 * update the webhook health (last received) in the same transaction.
 */
export async function storeEvents(
  db: Database,
  events: readonly InboxEvent[],
  source: EventSource,
  now: Date = new Date(),
): Promise<string[]> {
  if (events.length === 0) return [];
  return serialized(db, () => storeEventsNow(db, events, source, now));
}

async function storeEventsNow(
  db: Database,
  events: readonly InboxEvent[],
  source: EventSource,
  now: Date,
): Promise<string[]> {
  const ids = events.map((e) => e.id);
  return db.sequelize.transaction(async (transaction) => {
    const known = new Set(
      (
        await db.sequelize.query<{ stripe_event_id: string }>(
          'SELECT stripe_event_id FROM stripe_events WHERE stripe_event_id IN (:ids)',
          { type: QueryTypes.SELECT, replacements: { ids }, transaction },
        )
      ).map((r) => r.stripe_event_id),
    );
    const rows = events.map((e) => {
      const ref = objectRef(e);
      return {
        stripe_event_id: e.id,
        type: e.type,
        api_version: e.api_version,
        stripe_created: e.created,
        object_id: ref.id,
        object_type: ref.type,
        livemode: e.livemode,
        payload: e,
        source,
        received_at: now,
        attempts: 0,
      };
    });
    // Insert-or-ignore: a duplicate delivery never touches the stored copy.
    await upsertRows(db.sequelize, { table: 'stripe_events', key: ['stripe_event_id'], update: [] }, rows, {
      transaction,
    });
    if (source === 'webhook')
      await changeHealth(db, (h) => ({ ...h, lastReceivedAt: now }), now, transaction);
    return ids.filter((id, i) => !known.has(id) && ids.indexOf(id) === i);
  });
}

export const WEBHOOK_HEALTH_KEY = 'stripe_webhook_health';

export interface WebhookSignatureHealth {
  lastReceivedAt: Date | null;
  signatureFailures: number;
  lastFailureAt: Date | null;
  lastFailureReason: string | null;
}

/** Webhook health kept in `settings` under WEBHOOK_HEALTH_KEY (see WebhookSignatureHealth). */
export async function readWebhookSignatureHealth(db: Database): Promise<WebhookSignatureHealth> {
  const [row] = await db.sequelize.query<{ value: unknown }>(
    'SELECT value FROM settings WHERE `key` = :key',
    {
      type: QueryTypes.SELECT,
      replacements: { key: WEBHOOK_HEALTH_KEY },
    },
  );
  const v = (parseJson<Record<string, unknown>>(row?.value) ?? {}) as Record<string, unknown>;
  return {
    lastReceivedAt: toDate(v.lastReceivedAt),
    signatureFailures: num(v.signatureFailures),
    lastFailureAt: toDate(v.lastFailureAt),
    lastFailureReason: str(v.lastFailureReason),
  };
}

type Transaction = NonNullable<NonNullable<Parameters<typeof upsertRows>[3]>['transaction']>;

function updateWebhookHealth(
  db: Database,
  change: (current: WebhookSignatureHealth) => WebhookSignatureHealth,
  now: Date,
): Promise<void> {
  return serialized(db, () =>
    db.sequelize.transaction((transaction) => changeHealth(db, change, now, transaction)),
  );
}

async function changeHealth(
  db: Database,
  change: (current: WebhookSignatureHealth) => WebhookSignatureHealth,
  now: Date,
  transaction: Transaction,
): Promise<void> {
  {
    const lock = db.dialect === 'mysql' ? ' FOR UPDATE' : '';
    const [row] = await db.sequelize.query<{ value: unknown }>(
      `SELECT value FROM settings WHERE \`key\` = :key${lock}`,
      { type: QueryTypes.SELECT, replacements: { key: WEBHOOK_HEALTH_KEY }, transaction },
    );
    const v = (parseJson<Record<string, unknown>>(row?.value) ?? {}) as Record<string, unknown>;
    const next = change({
      lastReceivedAt: toDate(v.lastReceivedAt),
      signatureFailures: num(v.signatureFailures),
      lastFailureAt: toDate(v.lastFailureAt),
      lastFailureReason: str(v.lastFailureReason),
    });
    await upsertRows(
      db.sequelize,
      { table: 'settings', key: ['key'], update: ['value', 'updated_by', 'updated_at'] },
      [{ key: WEBHOOK_HEALTH_KEY, value: next, updated_by: 'webhooks', created_at: now, updated_at: now }],
      { transaction },
    );
  }
}

/** A webhook failed signature verification (nothing of it is stored). */
export function recordWebhookSignatureFailure(
  db: Database,
  reason: string,
  now: Date = new Date(),
): Promise<void> {
  return updateWebhookHealth(
    db,
    (h) => ({
      ...h,
      signatureFailures: h.signatureFailures + 1,
      lastFailureAt: now,
      lastFailureReason: reason.slice(0, 500),
    }),
    now,
  );
}
