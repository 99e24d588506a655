import { setTimeout as sleep } from 'node:timers/promises';
import { createDatabase, enlargeSyncPageCache, ensureDatabaseExists, migrate } from '@medpro/db';
import { AnalyticsScheduler } from '../analytics/schedule.ts';
import type { Env } from '../env.ts';
import { createLogger, type Logger } from '../logger.ts';
import {
  claimQueued,
  LeaseHeldError,
  lastSucceeded,
  newHolderId,
  onCustomersChanged,
  runDrain,
  runFull,
  runIncremental,
  type SyncDeps,
  SyncFailedError,
} from '../sync/index.ts';
import { finishRun } from '../sync/runs.ts';
import { gatewayFromEnv } from '../sync/setup.ts';

/**
 * The long-running worker: migrates if needed, then runs its schedules until SIGTERM/SIGINT:
 * - backfill: the first full sync (or resumes one whose worker died), runs the API queued,
 *   and a reconciliation every RECONCILE_INTERVAL_HOURS;
 * - incremental: polls Stripe events every SYNC_INTERVAL_SECONDS;
 * - inbox: drains stored events (webhooks) every second;
 * - analytics: recomputes the customers the sync changed, or everything on a new day or new rules.
 * Each job runs under a lease, so several workers on one database never run it twice. On a
 * signal the jobs stop at their next page boundary (cursors saved) and release their leases.
 */
export async function workerCommand(env: Env): Promise<void> {
  const log = createLogger(env.LOG_LEVEL);
  const db = createDatabase(env.DATABASE_URL);
  await ensureDatabaseExists(db.config);
  const applied = await migrate(db.sequelize);
  if (applied.length) log.info({ applied }, 'migrated');
  await enlargeSyncPageCache(db.sequelize);
  log.info({ database: db.label }, 'worker ready');

  const controller = new AbortController();
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'worker stopping: finishing the current page');
      controller.abort(new Error(signal));
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });

  if (!env.STRIPE_SECRET_KEY) {
    log.warn('STRIPE_SECRET_KEY is not set: the Stripe sync is off');
    const alive = setInterval(() => {}, 60_000);
    await stopped;
    clearInterval(alive);
  } else {
    const deps: SyncDeps = {
      db,
      gateway: gatewayFromEnv(env, log),
      log,
      holder: newHolderId(),
      signal: controller.signal,
    };
    // Customers changed by each sync batch are recomputed on the analytics tick.
    const analytics = new AnalyticsScheduler(db, log, deps.holder);
    onCustomersChanged(analytics.customersChanged);
    let nextPoll = 0;
    await Promise.all([
      backfillSchedule(deps, log, env.RECONCILE_INTERVAL_HOURS * 3600_000),
      // One loop for the events lease: a poll when due, otherwise a drain of the inbox, so the
      // two never run side by side in one worker.
      every(controller.signal, 1000, log, 'events', async () => {
        if (Date.now() < nextPoll) return runDrain(deps);
        nextPoll = Date.now() + env.SYNC_INTERVAL_SECONDS * 1000;
        const result = await runIncremental(deps, { triggeredBy: 'schedule' });
        if (result.needsFull && (await lastSucceeded(db, ['full']))) {
          await runFull(deps, { kind: 'full', triggeredBy: `schedule: ${result.needsFull}` });
        }
      }),
      every(controller.signal, 1000, log, 'analytics', () => analytics.tick(controller.signal)),
    ]);
  }
  await db.close();
  log.info('worker stopped');
}

/** Runs `job` every `intervalMs` until the signal; a job already running elsewhere is skipped. */
async function every(
  signal: AbortSignal,
  intervalMs: number,
  log: Logger,
  name: string,
  job: () => Promise<unknown>,
) {
  while (!signal.aborted) {
    try {
      await job();
    } catch (error) {
      if (!(error instanceof LeaseHeldError) && !signal.aborted) {
        log.error({ job: name, err: (error as Error).message ?? String(error) }, 'job failed');
      }
    }
    await sleep(intervalMs, undefined, { signal }).catch(() => {});
  }
}

async function backfillSchedule(deps: SyncDeps, log: Logger, reconcileMs: number) {
  const { db } = deps;
  const signal = deps.signal!;
  await every(signal, 30_000, log, 'backfill', async () => {
    const queued = await claimQueued(db, ['full', 'reconcile', 'incremental']);
    if (queued?.kind === 'incremental') {
      const result = await runIncremental(deps, { triggeredBy: 'api' });
      await finishRun(db, queued.id, {
        status: 'succeeded',
        progress: {
          phase: 'done',
          types: {},
          note: `${result.stored} new event(s), ${result.processed} processed`,
        },
      });
      return;
    }
    if (queued) {
      await runFull(deps, { kind: queued.kind as 'full' | 'reconcile', triggeredBy: 'api', queued });
      return;
    }
    const full = await lastSucceeded(db, ['full']);
    if (!full) {
      // First start, or a backfill whose worker died: runFull resumes it.
      await runFull(deps, { kind: 'full', triggeredBy: 'schedule: first backfill' }).catch((error) => {
        if (error instanceof SyncFailedError) return;
        throw error;
      });
      return;
    }
    const last = await lastSucceeded(db, ['full', 'reconcile']);
    if (last && Date.now() - last.startedAt.getTime() >= reconcileMs) {
      await runFull(deps, { kind: 'reconcile', triggeredBy: 'schedule' });
    }
  });
}
