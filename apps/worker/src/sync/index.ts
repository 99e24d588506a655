/**
 * The Stripe sync: full backfill, incremental (events + inbox), reconciliation, under job
 * leases, recorded in sync_runs. See docs/decisions/005-stripe-sync.md.
 *
 * Analytics hook: after every batch of writes the sync calls `onCustomersChanged(ids)` with the
 * Stripe customer ids whose data changed (the handlers registered with `onCustomersChanged`
 * below, or the one passed in `SyncDeps`). A handler that throws is logged; the sync goes on.
 */
import type { Database } from '@medpro/db';
import { runBackfill } from './backfill.ts';
import type { StripeGateway } from './client.ts';
import type { Logger } from './context.ts';
import { cursorExpired, drainInbox, pollEvents, readEventsCursor, writeEventsCursor } from './events.ts';
import { LEASES, withLease } from './lease.ts';
import {
  createRun,
  findResumable,
  finishRun,
  getRun,
  interruptOrphans,
  type RunProgress,
  type RunRecord,
  resumeRun,
} from './runs.ts';

export type CustomersChangedHandler = (ids: string[]) => void | Promise<void>;

const handlers = new Set<CustomersChangedHandler>();

/**
 * Registers the analytics engine's recomputation: called with the Stripe customer ids changed
 * by each batch the sync writes. Returns a function that unregisters it.
 */
export function onCustomersChanged(handler: CustomersChangedHandler): () => void {
  handlers.add(handler);
  return () => handlers.delete(handler);
}

export interface SyncDeps {
  db: Database;
  gateway: StripeGateway;
  log: Logger;
  /** This worker's lease holder id. */
  holder: string;
  leaseTtlMs?: number;
  signal?: AbortSignal | undefined;
  rangesPerType?: number;
  concurrency?: number;
  heartbeatMs?: number;
  /** Overrides the registered handlers (tests). */
  onCustomersChanged?: CustomersChangedHandler;
  onProgress?: (progress: RunProgress) => void;
}

function notifier(deps: SyncDeps): (ids: string[]) => Promise<void> {
  return async (ids) => {
    if (!ids.length) return;
    const targets = deps.onCustomersChanged ? [deps.onCustomersChanged] : [...handlers];
    for (const h of targets) {
      try {
        await h(ids);
      } catch (error) {
        deps.log.error({ err: error, customers: ids.length }, 'onCustomersChanged handler failed');
      }
    }
  };
}

function describe(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).split('\n')[0]!.slice(0, 2000);
}

export class SyncFailedError extends Error {
  override name = 'SyncFailedError';
  constructor(
    message: string,
    readonly run: RunRecord | null,
  ) {
    super(message);
  }
}

/**
 * A full backfill (`full`) or a reconciliation (`reconcile`, which also counts drift). Resumes
 * the run of the same kind whose worker died or was stopped; otherwise starts a new one.
 * `queued` is a run the API requested, claimed by the caller.
 */
export async function runFull(
  deps: SyncDeps,
  options: { kind: 'full' | 'reconcile'; triggeredBy: string; queued?: RunRecord | null },
): Promise<RunRecord> {
  const { db, log } = deps;
  return withLease(
    db,
    LEASES.backfill,
    { holder: deps.holder, ttlMs: deps.leaseTtlMs ?? 30_000, signal: deps.signal },
    async (signal) => {
      let run = options.queued ?? (await findResumable(db, [options.kind]));
      if (run && !options.queued) {
        log.warn(
          { run: run.id, status: run.status, heartbeatAt: run.heartbeatAt },
          'resuming a sync run whose worker stopped (stale heartbeat, lease expired)',
        );
        await resumeRun(db, run.id);
      }
      run ??= await createRun(db, options.kind, options.triggeredBy);
      await interruptOrphans(db, ['full', 'reconcile'], run.id);
      log.info({ run: run.id, kind: options.kind }, 'sync started');
      try {
        if (options.kind === 'full') {
          // Changes during and after the backfill come from events: the poller starts at the
          // newest event as this run starts (Stripe's clock, not ours). A valid cursor is kept.
          const cursor = await readEventsCursor(db);
          if (cursor === null || cursorExpired(cursor, Date.now() / 1000)) {
            const newest = await deps.gateway.call(
              'reading the newest event',
              (s) => s.events.list({ limit: 1 }),
              signal,
            );
            await writeEventsCursor(db, newest.data[0]?.created ?? Math.floor(Date.now() / 1000));
          }
        }
        const result = await runBackfill({
          db,
          gateway: deps.gateway,
          log,
          runId: run.id,
          signal,
          drift: options.kind === 'reconcile',
          onCustomersChanged: notifier(deps),
          ...(deps.rangesPerType !== undefined ? { rangesPerType: deps.rangesPerType } : {}),
          ...(deps.concurrency !== undefined ? { concurrency: deps.concurrency } : {}),
          ...(deps.heartbeatMs !== undefined ? { heartbeatMs: deps.heartbeatMs } : {}),
          ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
        });
        const status = result.completed ? 'succeeded' : 'interrupted';
        const progress: RunProgress = { ...result.progress };
        if (options.kind === 'reconcile') {
          const total = Object.values(result.drift).reduce((a, b) => a + b, 0);
          progress.note = `drift: ${total} object(s) differed from Stripe`;
        }
        await finishRun(db, run.id, {
          status,
          progress,
          requests: (await getRun(db, run.id))?.requests ?? 0,
          objects: (await getRun(db, run.id))?.objects ?? result.objects,
        });
        log.info({ run: run.id, status, objects: result.objects, drift: result.drift }, 'sync finished');
        return (await getRun(db, run.id))!;
      } catch (error) {
        const message = describe(error);
        await finishRun(db, run.id, { status: 'failed', error: message });
        log.error({ run: run.id, err: message }, 'sync failed');
        throw new SyncFailedError(message, await getRun(db, run.id));
      }
    },
  );
}

export interface IncrementalResult {
  /** Set when events cannot bring the mirror up to date and a full backfill is needed. */
  needsFull: string | null;
  seen: number;
  stored: number;
  processed: number;
  skipped: number;
  failed: number;
}

/**
 * Polls events since the cursor into the inbox and drains it. Without a cursor (no backfill
 * yet) or with one past Stripe's 30-day retention it does nothing but say a full backfill is
 * needed (logged and recorded as a failed incremental run, so there is never a silent gap).
 */
export async function runIncremental(
  deps: SyncDeps,
  options: { triggeredBy: string },
): Promise<IncrementalResult> {
  const { db, log } = deps;
  return withLease(
    db,
    LEASES.events,
    { holder: deps.holder, ttlMs: deps.leaseTtlMs ?? 30_000, signal: deps.signal },
    async (signal) => {
      const cursor = await readEventsCursor(db);
      const empty = { seen: 0, stored: 0, processed: 0, skipped: 0, failed: 0 };
      if (cursor === null) return { needsFull: 'no backfill has run yet', ...empty };
      if (cursorExpired(cursor, Date.now() / 1000)) {
        const reason = `the events cursor (${new Date(cursor * 1000).toISOString()}) is older than Stripe's 30-day event retention; running a full backfill instead`;
        log.warn({ cursor }, reason);
        const run = await createRun(db, 'incremental', options.triggeredBy);
        await finishRun(db, run.id, { status: 'failed', error: reason });
        return { needsFull: reason, ...empty };
      }
      const requestsBefore = deps.gateway.stats.requests;
      const polled = await pollEvents(db, deps.gateway, cursor, signal);
      const drained = await drainInbox({
        db,
        gateway: deps.gateway,
        log,
        signal,
        onCustomersChanged: notifier(deps),
      });
      if (polled.stored || drained.processed || drained.failed) {
        const run = await createRun(db, 'incremental', options.triggeredBy);
        await finishRun(db, run.id, {
          status: 'succeeded',
          progress: {
            phase: 'done',
            types: {},
            note: `${polled.stored} new event(s); ${drained.processed} processed, ${drained.skipped} skipped, ${drained.failed} failed`,
          },
          requests: deps.gateway.stats.requests - requestsBefore,
          objects: drained.processed,
        });
      }
      return { needsFull: null, seen: polled.seen, stored: polled.stored, ...drained };
    },
  );
}

/** Drains the inbox only (webhook events between polls). */
export async function runDrain(deps: SyncDeps) {
  return withLease(
    deps.db,
    LEASES.events,
    { holder: deps.holder, ttlMs: deps.leaseTtlMs ?? 30_000, signal: deps.signal },
    (signal) =>
      drainInbox({
        db: deps.db,
        gateway: deps.gateway,
        log: deps.log,
        signal,
        onCustomersChanged: notifier(deps),
      }),
  );
}

export { createStripe, defaultRate, STRIPE_API_VERSION, StripeGateway } from './client.ts';
export { LEASES, LeaseHeldError, newHolderId } from './lease.ts';
export type { RunKind, RunProgress, RunRecord } from './runs.ts';
export { claimQueued, lastSucceeded } from './runs.ts';
