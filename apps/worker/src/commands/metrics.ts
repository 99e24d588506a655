import { createDatabase, ensureDatabaseExists, migrate } from '@medpro/db';
import { type Day, toDay } from '@medpro/metrics';
import { rebuildAnalytics, updateCustomers } from '../analytics/engine.ts';
import type { Env } from '../env.ts';

export type MetricsMode =
  | { rebuild: true; today?: Day }
  | { rebuild: false; customers: string[]; today?: Day };

/** `medpro metrics --rebuild` (everything) or `--customer <id>…` (only those customers). */
export async function metricsCommand(env: Env, mode: MetricsMode): Promise<void> {
  const db = createDatabase(env.DATABASE_URL);
  try {
    await ensureDatabaseExists(db.config);
    await migrate(db.sequelize);
    const today = mode.today ?? toDay(new Date());
    const started = performance.now();
    if (mode.rebuild) {
      const r = await rebuildAnalytics(db, { today });
      console.log(
        `Rebuilt analytics through ${today}: ${r.customers} customers, ${r.spans} MRR spans, ${r.movements} movements, ${r.days} days (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    } else {
      const r = await updateCustomers(db, mode.customers, { today });
      console.log(
        `Recomputed ${r.customers} customer(s); daily figures from ${r.fromDay} (${Math.round(performance.now() - started)} ms)`,
      );
    }
  } finally {
    await db.close();
  }
}
