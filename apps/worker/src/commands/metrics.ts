import { createDatabase, ensureDatabaseExists, migrate } from '@medpro/db';
import { type Day, toDay } from '@medpro/metrics';
import { type CustomerFailure, rebuildAnalytics, updateCustomers } from '../analytics/engine.ts';
import type { Env } from '../env.ts';

/** Customers that could not be computed keep their previous figures; say which, and exit non-zero. */
function reportFailures(failures: readonly CustomerFailure[]): void {
  if (!failures.length) return;
  for (const f of failures.slice(0, 20))
    console.error(`medpro: customer ${f.customerId} not recomputed: ${f.error}`);
  if (failures.length > 20) console.error(`medpro: … and ${failures.length - 20} more`);
  process.exitCode = 1;
}

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
      reportFailures(r.failures);
      console.log(
        `Rebuilt analytics through ${today}: ${r.customers} customers, ${r.spans} MRR spans, ${r.movements} movements, ${r.days} days (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    } else {
      const r = await updateCustomers(db, mode.customers, { today });
      reportFailures(r.failures);
      console.log(
        `Recomputed ${r.customers} customer(s); daily figures from ${r.fromDay} (${Math.round(performance.now() - started)} ms)`,
      );
    }
  } finally {
    await db.close();
  }
}
