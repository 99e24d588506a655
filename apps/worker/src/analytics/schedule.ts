/**
 * How the worker keeps the analytics current:
 * - the sync reports changed customers (`onCustomersChanged`); they are queued here and
 *   recomputed on the next tick (so a sync batch never waits for the analytics);
 * - a full rebuild runs when the metric settings version changed, when a new UTC day began
 *   (a new daily row and customer_metrics snapshot), or when nothing was ever computed.
 * Both run under one lease, so two workers never write the analytics at once. Neither runs while
 * a first backfill has the mirror's indexes deferred: without them every read is a table scan;
 * the customers queued meanwhile are recomputed once the indexes are built.
 */
import { type Database, indexesDeferred } from '@medpro/db';
import { type Day, toDay } from '@medpro/metrics';
import type { Logger } from '../logger.ts';
import { withLease } from '../sync/lease.ts';
import { lastRebuildDay, rebuildAnalytics, settingsChangedSinceRebuild, updateCustomers } from './engine.ts';

export const ANALYTICS_LEASE = 'analytics';

export class AnalyticsScheduler {
  private readonly pending = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly holder: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The sync's hook: remember the customers; the next tick recomputes them. */
  readonly customersChanged = (ids: readonly string[]): void => {
    for (const id of ids) this.pending.add(id);
  };

  /** One pass: a full rebuild if due, else the queued customers. */
  async tick(signal?: AbortSignal): Promise<void> {
    if (await indexesDeferred(this.db.sequelize)) return;
    const now = this.clock();
    const today: Day = toDay(now);
    await withLease(
      this.db,
      ANALYTICS_LEASE,
      { holder: this.holder, ttlMs: 10 * 60_000, signal },
      async () => {
        if ((await settingsChangedSinceRebuild(this.db)) || (await lastRebuildDay(this.db)) !== today) {
          // Everything queued so far is covered by the rebuild.
          this.pending.clear();
          const started = performance.now();
          const report = await rebuildAnalytics(this.db, { today, now });
          const { failures, ...figures } = report;
          this.log.info(
            { ...figures, failed: failures.length, ms: Math.round(performance.now() - started) },
            'analytics rebuilt',
          );
          if (failures.length)
            this.log.warn(
              { failures: failures.slice(0, 20) },
              'customers not recomputed (previous figures kept)',
            );
          return;
        }
        if (this.pending.size === 0) return;
        const ids = [...this.pending];
        this.pending.clear();
        try {
          const started = performance.now();
          const result = await updateCustomers(this.db, ids, { today, now });
          this.log.debug({ ...result, ms: Math.round(performance.now() - started) }, 'analytics updated');
        } catch (error) {
          // Keep them for the next tick: losing a change would leave stale figures until tomorrow.
          for (const id of ids) this.pending.add(id);
          throw error;
        }
      },
    );
  }
}
