/**
 * Peak RSS of the worker (issue 9: "peak RSS of the worker during the 100k sync and rebuild"):
 * `medpro sync --full` against stripe-sim, then `medpro metrics --rebuild` on what it synced,
 * each as its own process under GNU time, as an operator would run them (see synced-account.ts,
 * shared with the freshness scenario). One run each: a full sync is minutes at 100k, and its
 * peak does not vary like a timing does.
 */
import type { Figure, Scenario } from '../harness.ts';
import { RATE, syncedAccount } from './synced-account.ts';

/** What we aim for: the worker fits a 1 GB container at 100k customers, whatever the account size. */
const TARGET_MB = 1024;

export const memoryScenario: Scenario = {
  name: 'memory',
  description: 'peak RSS of the worker process: `medpro sync --full` and `medpro metrics --rebuild`',
  async run(ctx) {
    const { sync, rebuild } = await syncedAccount(ctx);
    const target = {
      op: '<' as const,
      value: TARGET_MB,
      source: 'ours: the worker fits a 1 GB container at any account size (issue 9)',
    };
    const figures: Figure[] = [
      {
        name: `worker peak RSS, sync --full (${ctx.scale})`,
        unit: 'MB',
        samples: [sync.rssMb],
        target,
        note: `${ctx.customers} customers × 24 months, ${ctx.db}; stripe-sim --live in its own process at 0 ms latency, ${RATE} req/s; took ${sync.seconds.toFixed(0)} s`,
      },
      {
        name: `worker peak RSS, metrics --rebuild (${ctx.scale})`,
        unit: 'MB',
        samples: [rebuild.rssMb],
        target,
        note: `on the database that sync wrote; took ${rebuild.seconds.toFixed(0)} s`,
      },
    ];
    return figures;
  },
};
