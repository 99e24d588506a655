import { createDatabase, enlargeSyncPageCache, ensureDatabaseExists, migrate } from '@medpro/db';
import cliProgress from 'cli-progress';
import type { Env } from '../env.ts';
import { createLogger } from '../logger.ts';
import { newHolderId, type RunProgress, runFull, runIncremental } from '../sync/index.ts';
import { gatewayFromEnv } from '../sync/setup.ts';

export type SyncMode = 'full' | 'incremental' | 'reconcile';

/** Shows a run's progress: bars on a terminal, a log line every few seconds otherwise. */
function progressReporter(tty: boolean) {
  if (!tty) {
    let last = 0;
    return {
      update(p: RunProgress) {
        if (Date.now() - last < 5000) return;
        last = Date.now();
        const parts = Object.entries(p.types).map(
          ([t, v]) => `${t} ${v.done}${v.estimatedTotal !== null ? `/${v.estimatedTotal}` : ''}`,
        );
        console.log(`sync: ${p.phase}: ${parts.join(', ')}`);
      },
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      format: ' {type} |{bar}| {value}/{total} {rate}/s eta {eta_text}',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stdout,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update(p: RunProgress) {
      for (const [type, v] of Object.entries(p.types)) {
        const total = Math.max(v.done, v.estimatedTotal ?? v.done + 1);
        const payload = {
          type: type.padEnd(13),
          rate: v.rate,
          eta_text: v.etaSeconds === null ? '?' : `${v.etaSeconds}s`,
        };
        const bar = bars.get(type);
        if (bar) {
          bar.setTotal(total);
          bar.update(v.done, payload);
        } else bars.set(type, multi.create(total, v.done, payload));
      }
    },
    stop() {
      multi.stop();
    },
  };
}

/** `medpro sync --full | --incremental | --reconcile`: one run in the foreground. */
export async function syncCommand(
  env: Env,
  options: { mode: SyncMode; rate?: number | undefined },
): Promise<void> {
  const log = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL, 'sync');
  const gateway = gatewayFromEnv(env, log, options.rate);
  const db = createDatabase(env.DATABASE_URL);
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('stopped by signal'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const reporter = progressReporter(process.stdout.isTTY === true);
  try {
    await ensureDatabaseExists(db.config);
    await migrate(db.sequelize);
    await enlargeSyncPageCache(db.sequelize);
    const deps = {
      db,
      gateway,
      log,
      holder: newHolderId(),
      signal: controller.signal,
      onProgress: (p: RunProgress) => reporter.update(p),
    };
    if (options.mode === 'incremental') {
      let result = await runIncremental(deps, { triggeredBy: 'cli' });
      if (result.needsFull) {
        console.log(`medpro: ${result.needsFull}`);
        const run = await runFull(deps, { kind: 'full', triggeredBy: `cli: ${result.needsFull}` });
        reporter.stop();
        console.log(
          `Full sync run ${run.id} ${run.status}: ${run.objects} objects, ${run.requests} requests`,
        );
        result = await runIncremental(deps, { triggeredBy: 'cli' });
      }
      reporter.stop();
      console.log(
        `Incremental sync: ${result.stored} new event(s), ${result.processed} processed, ${result.skipped} skipped, ${result.failed} failed`,
      );
      if (result.failed) process.exitCode = 1;
      return;
    }
    const run = await runFull(deps, { kind: options.mode, triggeredBy: 'cli' });
    reporter.stop();
    const note = run.progress?.note ? ` (${run.progress.note})` : '';
    console.log(
      `${options.mode === 'full' ? 'Full sync' : 'Reconciliation'} run ${run.id} ${run.status}: ${run.objects} objects, ${run.requests} requests${note}`,
    );
    if (run.status !== 'succeeded') process.exitCode = 1;
  } finally {
    reporter.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await db.close();
  }
}
