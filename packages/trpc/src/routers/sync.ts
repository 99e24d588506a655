/**
 * The API never runs a sync itself: it queues a `sync_runs` row (status `queued`) that the
 * worker claims, and reads the runs and the webhook inbox back. See docs/decisions/004.
 */
import {
  activeSyncRun,
  dataVersion,
  latestSyncRun,
  listSyncRuns,
  requestSyncRun,
  type SyncRunRecord,
  webhookHealth,
} from '@medpro/db';
import { readWebhookSignatureHealth } from '@medpro/db/stripe-inbox';
import { z } from 'zod';
import { actorOf, audit } from '../audit.ts';
import { AppError } from '../errors.ts';
import { limit, page, paginate, pagination } from '../schemas.ts';
import { analystProcedure, router, viewerProcedure } from '../trpc.ts';

/** A running run without a heartbeat for this long belongs to a worker that died. */
export const SYNC_STALE_AFTER_MS = 10 * 60 * 1000;

const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'interrupted'] as const;

const syncRun = z.object({
  id: z.number().int(),
  kind: z.string().describe('full, incremental or reconcile'),
  status: z.string().describe(RUN_STATUSES.join(', ')),
  triggeredBy: z.string().nullable(),
  startedAt: z.date().describe('When it started, or was requested while queued'),
  finishedAt: z.date().nullable(),
  heartbeatAt: z.date().nullable(),
  error: z.string().nullable(),
  progress: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('Per object type, as the worker reports it (done, estimated total, rate)'),
  requests: z.number().int(),
  objects: z.number().int(),
});

function toRun(r: SyncRunRecord): z.infer<typeof syncRun> {
  const progress = r.progress;
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    triggeredBy: r.triggeredBy,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    heartbeatAt: r.heartbeatAt,
    error: r.error,
    progress:
      typeof progress === 'object' && progress !== null && !Array.isArray(progress)
        ? (progress as Record<string, unknown>)
        : null,
    requests: r.requests,
    objects: r.objects,
  };
}

export const syncRouter = router({
  start: analystProcedure
    .input(
      z
        .object({
          kind: z
            .enum(['full', 'incremental'])
            .default('incremental')
            .describe('full: re-read everything from Stripe; incremental: what changed since the last run'),
        })
        .default({ kind: 'incremental' }),
    )
    .output(z.object({ run: syncRun }))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const { run, created } = await requestSyncRun(ctx.db, {
        kind: input.kind,
        triggeredBy: actorOf(ctx.principal).actor,
        now,
        staleBefore: new Date(now.getTime() - SYNC_STALE_AFTER_MS),
      });
      if (!created) {
        throw new AppError(
          'CONFLICT',
          `A ${run.kind} sync is already ${run.status} (run #${run.id}, since ${run.startedAt.toISOString()}); wait for it to finish`,
        );
      }
      await audit(ctx, 'sync.start', `sync_run:${run.id}`, { kind: input.kind });
      return { run: toRun(run) };
    }),

  status: viewerProcedure
    .input(z.object({}).strict().default({}))
    .output(
      z.object({
        active: syncRun.nullable().describe('The queued or running run, if any'),
        latest: syncRun.nullable(),
      }),
    )
    .query(async ({ ctx }) => {
      const now = ctx.now();
      const [active, latest] = await Promise.all([
        activeSyncRun(ctx.db, new Date(now.getTime() - SYNC_STALE_AFTER_MS)),
        latestSyncRun(ctx.db),
      ]);
      return { active: active && toRun(active), latest: latest && toRun(latest) };
    }),

  history: viewerProcedure
    .input(
      z
        .object({ page, limit: limit(20), status: z.array(z.enum(RUN_STATUSES)).max(5).optional() })
        .default({ page: 1, limit: 20 }),
    )
    .output(z.object({ runs: z.array(syncRun), ...pagination }))
    .query(async ({ ctx, input }) => {
      const { items, total } = await listSyncRuns(ctx.db, {
        page: input.page,
        limit: input.limit,
        ...(input.status ? { status: input.status } : {}),
      });
      return { runs: items.map(toRun), ...paginate(total, input) };
    }),

  webhookHealth: viewerProcedure
    .input(z.object({}).strict().default({}))
    .output(
      z.object({
        lastReceivedAt: z.date().nullable().describe('Last webhook delivery stored'),
        lastPolledAt: z.date().nullable().describe('Last event fetched by polling /v1/events'),
        receivedLast24h: z.number().int(),
        pending: z.number().int().describe('Stored, not yet processed'),
        failing: z.number().int().describe('Unprocessed after at least one failed attempt'),
        lastError: z.string().nullable(),
        lastErrorEventId: z.string().nullable(),
        signatureFailures: z.number().int().describe('Deliveries refused for a bad or missing signature'),
        lastSignatureFailureAt: z.date().nullable(),
        lastSignatureFailureReason: z.string().nullable(),
      }),
    )
    .query(async ({ ctx }) => {
      const [inbox, signatures] = await Promise.all([
        webhookHealth(ctx.db, ctx.now()),
        readWebhookSignatureHealth(ctx.db),
      ]);
      return {
        ...inbox,
        signatureFailures: signatures.signatureFailures,
        lastSignatureFailureAt: signatures.lastFailureAt,
        lastSignatureFailureReason: signatures.lastFailureReason,
      };
    }),

  /** A fingerprint of the data the pages show; the admin app's live channel polls it to refresh open pages. */
  dataVersion: viewerProcedure
    .input(z.object({}).strict().default({}))
    .output(
      z.object({ version: z.string().describe('Changes whenever events, syncs or metrics change the data') }),
    )
    .query(async ({ ctx }) => ({ version: await dataVersion(ctx.db) })),
});
