/**
 * The analytics engine at scale: a simulator account of ctx.customers × 24 months is written into
 * a fresh database through the sync's writers, then `medpro metrics --rebuild` runs as its own
 * process (wall time and peak RSS of that process), and one incremental update after an event
 * (a subscription canceled today) is timed in-process.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '@medpro/db/testing';
import { generateAccount } from '@medpro/stripe-sim';
import { QueryTypes } from 'sequelize';
import { updateCustomers } from '../../apps/worker/src/analytics/engine.ts';
import { loadSimulatorAccount } from '../../apps/worker/src/analytics/sim-loader.ts';
import type { Figure, Scenario } from '../harness.ts';

const NOW = '2026-11-20';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs `medpro metrics --rebuild` under /usr/bin/time; returns wall ms and peak RSS in MB. */
function rebuildProcess(url: string): { ms: number; rssMb: number } {
  const started = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      'maxrss_kb=%M',
      process.execPath,
      path.join(ROOT, 'apps/worker/bin/medpro.js'),
      'metrics',
      '--rebuild',
      '--today',
      NOW,
    ],
    { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' }, encoding: 'utf8' },
  );
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`metrics --rebuild failed: ${r.stderr || r.stdout}`);
  const kb = /maxrss_kb=(\d+)/.exec(r.stderr)?.[1];
  if (!kb) throw new Error(`no RSS figure from /usr/bin/time: ${r.stderr}`);
  return { ms, rssMb: Number(kb) / 1024 };
}

export const analyticsScenario: Scenario = {
  name: 'analytics',
  description: 'metrics --rebuild over 24 months of history, and one incremental update after an event',
  async run(ctx) {
    const t = await createTestDatabase(ctx.db);
    try {
      const loadStarted = performance.now();
      const account = generateAccount({ customers: ctx.customers, months: 24, seed: 42, now: NOW });
      await loadSimulatorAccount(t.db, account);
      ctx.log(
        `loaded ${ctx.customers} customers in ${((performance.now() - loadStarted) / 1000).toFixed(0)} s`,
      );

      const rebuild: number[] = [];
      const rss: number[] = [];
      for (let i = 0; i < ctx.runs; i++) {
        const r = rebuildProcess(t.url);
        rebuild.push(r.ms / 1000);
        rss.push(r.rssMb);
        ctx.log(`rebuild ${i + 1}: ${(r.ms / 1000).toFixed(1)} s, peak RSS ${r.rssMb.toFixed(0)} MB`);
      }

      // An event: a customer's subscription was canceled today; the sync reports the customer.
      const subs = await t.db.sequelize.query<{ id: string; customer: string }>(
        `SELECT stripe_subscription_id AS id, stripe_customer_id AS customer FROM customer_subscriptions
         WHERE status = 'active' ORDER BY stripe_subscription_id LIMIT :n`,
        { type: QueryTypes.SELECT, replacements: { n: ctx.runs } },
      );
      const incremental: number[] = [];
      for (const sub of subs) {
        await t.db.sequelize.query(
          `UPDATE customer_subscriptions SET status = 'canceled', ended_at = :ended, canceled_at = :ended WHERE stripe_subscription_id = :id`,
          { replacements: { ended: new Date(`${NOW}T12:00:00Z`), id: sub.id } },
        );
        const started = performance.now();
        await updateCustomers(t.db, [sub.customer], { today: NOW });
        incremental.push(performance.now() - started);
      }

      const figures: Figure[] = [
        {
          name: 'metrics --rebuild',
          unit: 's',
          samples: rebuild,
          target: { op: '<', value: 60, source: 'issue 5' },
          note: `${ctx.customers} customers × 24 months, ${ctx.db}, whole CLI process`,
        },
        {
          name: 'incremental update after one event',
          unit: 'ms',
          samples: incremental,
          target: { op: '<', value: 1000, source: 'issue 5' },
          note: 'one customer recomputed, daily rows re-summed from the changed day',
        },
        { name: 'metrics --rebuild peak RSS', unit: 'MB', samples: rss },
      ];
      return figures;
    } finally {
      await t.destroy();
    }
  },
};
