/**
 * Sync runs as the API sees them. A requested run is a `sync_runs` row with status `queued`
 * (started_at = when it was requested); the worker claims the oldest queued row, sets it
 * `running`, heartbeats it, and finishes it `succeeded` / `failed` / `interrupted`.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection.ts';
import { num, parseJson, str, toDate } from './values.ts';

type Raw = Record<string, unknown>;

export interface SyncRunRecord {
  id: number;
  kind: string;
  status: string;
  triggeredBy: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
  error: string | null;
  progress: unknown;
  requests: number;
  objects: number;
}

function toRun(r: Raw): SyncRunRecord {
  return {
    id: num(r.id),
    kind: String(r.kind),
    status: String(r.status),
    triggeredBy: str(r.triggered_by),
    startedAt: toDate(r.started_at)!,
    finishedAt: toDate(r.finished_at),
    heartbeatAt: toDate(r.heartbeat_at),
    error: str(r.error),
    progress: parseJson(r.progress),
    requests: num(r.requests),
    objects: num(r.objects),
  };
}

/**
 * The run that blocks a new one: a queued run, or a running run whose last sign of life
 * (heartbeat, else start) is after `staleBefore`. A running row older than that belongs to a
 * worker that died; it does not block.
 */
export async function activeSyncRun(
  db: Database,
  staleBefore: Date,
  options: { lock?: boolean; transaction?: Transaction } = {},
): Promise<SyncRunRecord | null> {
  const [r] = await db.sequelize.query<Raw>(
    `SELECT * FROM sync_runs
     WHERE status = 'queued' OR (status = 'running' AND COALESCE(heartbeat_at, started_at) >= :staleBefore)
     ORDER BY id LIMIT 1${options.lock && db.dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
    { type: QueryTypes.SELECT, replacements: { staleBefore }, transaction: options.transaction ?? null },
  );
  return r ? toRun(r) : null;
}

/** Queues a run unless one is active (checked and inserted in one transaction). */
export async function requestSyncRun(
  db: Database,
  request: { kind: string; triggeredBy: string; now: Date; staleBefore: Date },
): Promise<{ run: SyncRunRecord; created: boolean }> {
  return db.sequelize.transaction(async (transaction) => {
    const active = await activeSyncRun(db, request.staleBefore, { lock: true, transaction });
    if (active) return { run: active, created: false };
    const row = await db.models.SyncRun.create(
      {
        kind: request.kind,
        status: 'queued',
        triggered_by: request.triggeredBy,
        started_at: request.now,
        created_at: request.now,
        updated_at: request.now,
      },
      { transaction },
    );
    const [created] = await db.sequelize.query<Raw>('SELECT * FROM sync_runs WHERE id = :id', {
      type: QueryTypes.SELECT,
      replacements: { id: row.get('id') },
      transaction,
    });
    return { run: toRun(created!), created: true };
  });
}

export async function latestSyncRun(db: Database): Promise<SyncRunRecord | null> {
  const [r] = await db.sequelize.query<Raw>('SELECT * FROM sync_runs ORDER BY id DESC LIMIT 1', {
    type: QueryTypes.SELECT,
  });
  return r ? toRun(r) : null;
}

export async function listSyncRuns(
  db: Database,
  q: { page: number; limit: number; status?: string[] },
): Promise<{ items: SyncRunRecord[]; total: number }> {
  const where = q.status?.length ? 'WHERE status IN (:status)' : '';
  const replacements = { status: q.status ?? [], limit: q.limit, offset: (q.page - 1) * q.limit };
  const rows = await db.sequelize.query<Raw>(
    `SELECT * FROM sync_runs ${where} ORDER BY id DESC LIMIT :limit OFFSET :offset`,
    { type: QueryTypes.SELECT, replacements },
  );
  const [count] = await db.sequelize.query<Raw>(`SELECT COUNT(*) AS n FROM sync_runs ${where}`, {
    type: QueryTypes.SELECT,
    replacements,
  });
  return { items: rows.map(toRun), total: num(count?.n) };
}

export interface WebhookHealth {
  lastReceivedAt: Date | null;
  lastPolledAt: Date | null;
  receivedLast24h: number;
  /** Stored but not yet processed. */
  pending: number;
  /** Processing failed at least once and the event is still unprocessed. */
  failing: number;
  lastError: string | null;
  lastErrorEventId: string | null;
}

export async function webhookHealth(db: Database, now: Date): Promise<WebhookHealth> {
  const since = new Date(now.getTime() - 24 * 3600 * 1000);
  const [summary] = await db.sequelize.query<Raw>(
    `SELECT
       MAX(CASE WHEN source = 'webhook' THEN received_at END) AS last_webhook,
       MAX(CASE WHEN source = 'poll' THEN received_at END) AS last_poll,
       SUM(CASE WHEN source = 'webhook' AND received_at >= :since THEN 1 ELSE 0 END) AS recent,
       SUM(CASE WHEN processed_at IS NULL THEN 1 ELSE 0 END) AS pending,
       SUM(CASE WHEN processed_at IS NULL AND attempts > 0 AND last_error IS NOT NULL THEN 1 ELSE 0 END) AS failing
     FROM stripe_events`,
    { type: QueryTypes.SELECT, replacements: { since } },
  );
  const [failure] = await db.sequelize.query<Raw>(
    `SELECT stripe_event_id, last_error FROM stripe_events
     WHERE processed_at IS NULL AND last_error IS NOT NULL ORDER BY received_at DESC, id DESC LIMIT 1`,
    { type: QueryTypes.SELECT },
  );
  return {
    lastReceivedAt: toDate(summary?.last_webhook),
    lastPolledAt: toDate(summary?.last_poll),
    receivedLast24h: num(summary?.recent),
    pending: num(summary?.pending),
    failing: num(summary?.failing),
    lastError: str(failure?.last_error),
    lastErrorEventId: str(failure?.stripe_event_id),
  };
}
