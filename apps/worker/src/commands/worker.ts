import { createDatabase, ensureDatabaseExists, migrate } from '@medpro/db';
import type { Env } from '../env.ts';
import { createLogger } from '../logger.ts';

/** The long-running worker: migrates if needed, then runs its schedules until SIGTERM. */
export async function workerCommand(env: Env): Promise<void> {
  const log = createLogger(env.LOG_LEVEL);
  const db = createDatabase(env.DATABASE_URL);
  await ensureDatabaseExists(db.config);
  const applied = await migrate(db.sequelize);
  if (applied.length) log.info({ applied }, 'migrated');
  log.info({ database: db.label }, 'worker ready');

  // Until the schedules below own timers of their own, this keeps the event loop alive.
  const alive = setInterval(() => {}, 60_000);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'worker stopping');
      clearInterval(alive);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await db.close();
  log.info('worker stopped');
}
