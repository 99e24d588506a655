/**
 * `sync_runs` (what ran, how it went, live progress) and `sync_cursors` (where each range of a
 * run, and the event poller, stands). Cursors are saved in the same transaction as each page's
 * rows, so a run killed at any instant resumes exactly where its data stops.
 */
import type { Database } from '@medpro/db';
import { upsertRows } from '@medpro/db';
import { dbDate, dbJson } from './dbvalues.ts';
import type { Tx } from './store.ts';

export type RunKind = 'full' | 'incremental' | 'reconcile';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'interrupted';

export interface TypeProgress {
  done: number;
  estimatedTotal: number | null;
  /** Objects per second since the run (or its resumption) started. */
  rate: number;
  etaSeconds: number | null;
  drift?: number;
}

export interface RunProgress {
  phase: string;
  types: Record<string, TypeProgress>;
  note?: string;
}

export interface RunRecord {
  id: number;
  kind: RunKind;
  status: RunStatus;
  startedAt: Date;
  heartbeatAt: Date | null;
  progress: RunProgress | null;
  error: string | null;
  requests: number;
  objects: number;
}

type Raw = Record<string, unknown>;

function toRecord(r: Raw): RunRecord {
  return {
    id: Number(r.id),
    kind: String(r.kind) as RunKind,
    status: String(r.status) as RunStatus,
    startedAt: dbDate(r.started_at) ?? new Date(0),
    heartbeatAt: dbDate(r.heartbeat_at),
    progress: dbJson<RunProgress>(r.progress),
    error: r.error === null || r.error === undefined ? null : String(r.error),
    requests: Number(r.requests ?? 0),
    objects: Number(r.objects ?? 0),
  };
}

async function select(db: Database, sql: string, replacements: Record<string, unknown>): Promise<Raw[]> {
  const [rows] = (await db.sequelize.query(sql, { replacements })) as [Raw[], unknown];
  return rows;
}

export async function getRun(db: Database, id: number): Promise<RunRecord | null> {
  const [r] = await select(db, 'SELECT * FROM sync_runs WHERE id = :id', { id });
  return r ? toRecord(r) : null;
}

export async function createRun(db: Database, kind: RunKind, triggeredBy: string): Promise<RunRecord> {
  const now = new Date();
  const row = await db.models.SyncRun.create({
    kind,
    status: 'running',
    triggered_by: triggeredBy,
    started_at: now,
    heartbeat_at: now,
    requests: 0,
    objects: 0,
    created_at: now,
    updated_at: now,
  });
  return (await getRun(db, Number(row.get('id'))))!;
}

/**
 * A run of these kinds whose worker died (still `running`, but its lease is now ours, so
 * nobody heartbeats it) or that was stopped on purpose (`interrupted`): it is resumed.
 */
export async function findResumable(db: Database, kinds: readonly RunKind[]): Promise<RunRecord | null> {
  const [r] = await select(
    db,
    "SELECT * FROM sync_runs WHERE kind IN (:kinds) AND status IN ('running', 'interrupted') ORDER BY id DESC LIMIT 1",
    { kinds: [...kinds] },
  );
  return r ? toRecord(r) : null;
}

/** Marks every other `running` run of these kinds interrupted (their workers are gone). */
export async function interruptOrphans(
  db: Database,
  kinds: readonly RunKind[],
  except: number,
): Promise<void> {
  await db.sequelize.query(
    "UPDATE sync_runs SET status = 'interrupted', updated_at = :now WHERE kind IN (:kinds) AND status = 'running' AND id <> :except",
    { replacements: { kinds: [...kinds], except, now: new Date() } },
  );
}

/** Claims the oldest run the API queued (status `queued`), if any. */
export async function claimQueued(db: Database, kinds: readonly RunKind[]): Promise<RunRecord | null> {
  const rows = await select(
    db,
    "SELECT id FROM sync_runs WHERE status = 'queued' AND kind IN (:kinds) ORDER BY id LIMIT 1",
    { kinds: [...kinds] },
  );
  const id = rows[0]?.id;
  if (id === undefined) return null;
  const now = new Date();
  await db.sequelize.query(
    "UPDATE sync_runs SET status = 'running', heartbeat_at = :now, updated_at = :now WHERE id = :id AND status = 'queued'",
    { replacements: { id, now } },
  );
  const run = await getRun(db, Number(id));
  return run?.status === 'running' ? run : null;
}

export async function resumeRun(db: Database, id: number): Promise<void> {
  const now = new Date();
  await db.sequelize.query(
    "UPDATE sync_runs SET status = 'running', heartbeat_at = :now, updated_at = :now WHERE id = :id",
    { replacements: { id, now } },
  );
}

export async function heartbeat(
  db: Database,
  id: number,
  update: { progress: RunProgress; requests: number; objects: number },
): Promise<void> {
  const now = new Date();
  await db.sequelize.query(
    'UPDATE sync_runs SET heartbeat_at = :now, updated_at = :now, progress = :progress, requests = :requests, objects = :objects WHERE id = :id',
    {
      replacements: {
        id,
        now,
        progress: JSON.stringify(update.progress),
        requests: update.requests,
        objects: update.objects,
      },
    },
  );
}

export async function finishRun(
  db: Database,
  id: number,
  outcome: {
    status: 'succeeded' | 'failed' | 'interrupted';
    error?: string | null;
    progress?: RunProgress;
    requests?: number;
    objects?: number;
  },
): Promise<void> {
  const now = new Date();
  const sets = ['status = :status', 'error = :error', 'heartbeat_at = :now', 'updated_at = :now'];
  if (outcome.status !== 'interrupted') sets.push('finished_at = :now');
  if (outcome.progress) sets.push('progress = :progress');
  if (outcome.requests !== undefined) sets.push('requests = :requests');
  if (outcome.objects !== undefined) sets.push('objects = :objects');
  await db.sequelize.query(`UPDATE sync_runs SET ${sets.join(', ')} WHERE id = :id`, {
    replacements: {
      id,
      now,
      status: outcome.status,
      error: outcome.error ?? null,
      progress: outcome.progress ? JSON.stringify(outcome.progress) : null,
      requests: outcome.requests ?? 0,
      objects: outcome.objects ?? 0,
    },
  });
}

export async function lastSucceeded(db: Database, kinds: readonly RunKind[]): Promise<RunRecord | null> {
  const [r] = await select(
    db,
    "SELECT * FROM sync_runs WHERE kind IN (:kinds) AND status = 'succeeded' ORDER BY id DESC LIMIT 1",
    { kinds: [...kinds] },
  );
  return r ? toRecord(r) : null;
}

// ------------------------------------------------------------------ cursors

export interface Cursor {
  scope: string;
  objectType: string;
  rangeStart: number;
  rangeEnd: number | null;
  startingAfter: string | null;
  done: boolean;
  fetched: number;
}

export async function loadCursors(db: Database, scope: string): Promise<Cursor[]> {
  const rows = await select(
    db,
    'SELECT * FROM sync_cursors WHERE scope = :scope ORDER BY object_type, range_start',
    { scope },
  );
  return rows.map((r) => ({
    scope: String(r.scope),
    objectType: String(r.object_type),
    rangeStart: Number(r.range_start),
    rangeEnd: r.range_end === null || r.range_end === undefined ? null : Number(r.range_end),
    startingAfter:
      r.starting_after === null || r.starting_after === undefined ? null : String(r.starting_after),
    done: r.done === true || r.done === 1 || r.done === '1',
    fetched: Number(r.fetched ?? 0),
  }));
}

const CURSOR_UPDATE = ['range_end', 'starting_after', 'done', 'fetched', 'updated_at'] as const;

export async function saveCursors(db: Database, cursors: readonly Cursor[], transaction?: Tx): Promise<void> {
  if (!cursors.length) return;
  const now = new Date();
  await upsertRows(
    db.sequelize,
    { table: 'sync_cursors', key: ['scope', 'object_type', 'range_start'], update: CURSOR_UPDATE },
    cursors.map((c) => ({
      scope: c.scope,
      object_type: c.objectType,
      range_start: c.rangeStart,
      range_end: c.rangeEnd,
      starting_after: c.startingAfter,
      done: c.done,
      fetched: c.fetched,
      created_at: now,
      updated_at: now,
    })),
    transaction ? { transaction } : {},
  );
}
