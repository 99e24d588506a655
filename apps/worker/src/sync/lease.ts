/**
 * Job leases (`job_leases`): several workers may share one database, and a job runs in at most
 * one of them. A lease expires unless renewed, so a dead worker's job is taken over; on the
 * same host a holder whose process is gone is taken over at once.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { Database } from '@medpro/db';
import { upsertRows } from '@medpro/db';
import { dbDate } from './dbvalues.ts';

export const LEASES = {
  /** Full backfills and reconciliations (they walk every object). */
  backfill: 'stripe-sync:backfill',
  /** Event polling and inbox draining. */
  events: 'stripe-sync:events',
} as const;

export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

function holderIsDeadLocally(holder: string): boolean {
  const [host, pid] = holder.split(':');
  if (host !== hostname() || !pid || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface LeaseInfo {
  holder: string;
  expiresAt: Date;
}

export async function readLease(db: Database, name: string): Promise<LeaseInfo | null> {
  const [rows] = (await db.sequelize.query('SELECT holder, expires_at FROM job_leases WHERE name = :name', {
    replacements: { name },
  })) as [{ holder: string; expires_at: unknown }[], unknown];
  const row = rows[0];
  if (!row) return null;
  return { holder: row.holder, expiresAt: dbDate(row.expires_at) ?? new Date(0) };
}

/** Takes the lease if it is free, expired, ours, or held by a dead local process. */
export async function tryAcquire(
  db: Database,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const now = new Date();
  const expires = new Date(now.getTime() + ttlMs);
  await upsertRows(db.sequelize, { table: 'job_leases', key: ['name'], update: [] }, [
    { name, holder: '', expires_at: new Date(0), created_at: now, updated_at: now },
  ]);
  const current = await readLease(db, name);
  const takeOverDead = current?.holder && holderIsDeadLocally(current.holder) ? current.holder : null;
  await db.sequelize.query(
    `UPDATE job_leases SET holder = :holder, expires_at = :expires, updated_at = :now
     WHERE name = :name AND (holder = :holder OR expires_at < :now${takeOverDead ? ' OR holder = :dead' : ''})`,
    { replacements: { holder, expires, now, name, dead: takeOverDead } },
  );
  return (await readLease(db, name))?.holder === holder;
}

/** Extends a lease we hold; false when it was lost (expired and taken by another worker). */
export async function renew(db: Database, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const now = new Date();
  await db.sequelize.query(
    'UPDATE job_leases SET expires_at = :expires, updated_at = :now WHERE name = :name AND holder = :holder',
    { replacements: { expires: new Date(now.getTime() + ttlMs), now, name, holder } },
  );
  return (await readLease(db, name))?.holder === holder;
}

export async function release(db: Database, name: string, holder: string): Promise<void> {
  await db.sequelize.query(
    "UPDATE job_leases SET holder = '', expires_at = :past WHERE name = :name AND holder = :holder",
    { replacements: { past: new Date(0), name, holder } },
  );
}

export class LeaseHeldError extends Error {
  override name = 'LeaseHeldError';
  constructor(
    readonly lease: string,
    readonly info: LeaseInfo | null,
  ) {
    super(
      `a sync is already running (${lease} is held by ${info?.holder || 'another worker'} until ${info?.expiresAt.toISOString() ?? '?'}); try again when it finishes`,
    );
  }
}

/**
 * Runs `fn` while holding the lease, renewing it every ttl/3. If renewal fails, the signal
 * given to `fn` aborts, so the job stops at its next page boundary.
 */
export async function withLease<T>(
  db: Database,
  name: string,
  options: { holder: string; ttlMs: number; signal?: AbortSignal | undefined },
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (!(await tryAcquire(db, name, options.holder, options.ttlMs))) {
    throw new LeaseHeldError(name, await readLease(db, name));
  }
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  const timer = setInterval(
    () => {
      renew(db, name, options.holder, options.ttlMs).then(
        (ok) => {
          if (!ok) controller.abort(new Error(`lost the lease ${name}`));
        },
        () => {
          // A database hiccup: the next renewal tries again before the lease expires.
        },
      );
    },
    Math.max(200, Math.floor(options.ttlMs / 3)),
  );
  try {
    return await fn(controller.signal);
  } finally {
    clearInterval(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await release(db, name, options.holder);
  }
}
