/**
 * Sync backfill against stripe-sim with Stripe-like latency (150 ms a request) and rate limit
 * (100 requests/s): our backfill, side by side with the plan's naive `syncAllCustomers`
 * (list customers, then per customer list its subscriptions and write each row in its own
 * transaction), reported as ratios (ours ÷ naive) for time and requests, plus the
 * theoretical floor (requests ÷ rate) and how close our sync gets to it.
 *
 * The naive strategy makes one sequential request per customer, so at 10k customers it
 * alone would take ~25 minutes; it is measured on the first NAIVE_SAMPLE customers and
 * scaled linearly (its cost is linear in customers by construction), and labelled so.
 */
import { createTestDatabase } from '@medpro/db/testing';
import { startSimulator } from '@medpro/stripe-sim';
import Stripe from 'stripe';
import { benchBackfill } from '../../apps/worker/scripts/bench-backfill.ts';
import type { Figure, Scenario } from '../harness.ts';

const LATENCY_MS = 150;
const RATE = 100;
const NAIVE_SAMPLE = 400;
/**
 * Backfills per run of the suite, whatever --runs: one is minutes long (~3 at 10k) and its wall
 * time already averages thousands of requests; three would take most of the 10k suite's 15
 * minutes (issue 9).
 */
const BACKFILL_RUNS = 1;

interface NaiveFigures {
  customers: number;
  seconds: number;
  requests: number;
}

/** The plan's Phase 1 sync, faithfully: sequential, one request and one transaction per customer. */
async function naiveSync(customers: number): Promise<NaiveFigures> {
  const sim = await startSimulator({
    customers,
    months: 24,
    seed: 42,
    port: 0,
    latencyMs: LATENCY_MS,
    rateLimit: RATE,
  });
  const t = await createTestDatabase('sqlite');
  try {
    const url = new URL(sim.url);
    const stripe = new Stripe(sim.secretKey, {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'http',
      maxNetworkRetries: 2,
    });
    const { Customer, CustomerSubscription } = t.db.models;
    const before = sim.stats.requests;
    const started = performance.now();
    let startingAfter: string | undefined;
    for (;;) {
      const page = await stripe.customers.list({
        limit: 100,
        ...(startingAfter ? { starting_after: startingAfter } : {}),
      });
      for (const c of page.data) {
        await t.db.sequelize.transaction(async (transaction) => {
          await Customer.upsert(
            {
              stripe_customer_id: c.id,
              email: c.email ?? '',
              name: c.name ?? null,
              currency: c.currency ?? null,
              delinquent: Boolean(c.delinquent),
              balance: c.balance,
              stripe_created_at: new Date(c.created * 1000),
              last_sync_at: new Date(),
            },
            { transaction },
          );
          const subs = await stripe.subscriptions.list({ customer: c.id, status: 'all', limit: 100 });
          for (const s of subs.data) {
            const item = s.items.data[0];
            await CustomerSubscription.upsert(
              {
                stripe_subscription_id: s.id,
                stripe_customer_id: c.id,
                stripe_price_id: item?.price.id ?? null,
                status: s.status,
                current_period_start: item ? new Date(item.current_period_start * 1000) : null,
                current_period_end: item ? new Date(item.current_period_end * 1000) : null,
                cancel_at_period_end: s.cancel_at_period_end,
              },
              { transaction },
            );
          }
        });
      }
      if (!page.has_more || !page.data.length) break;
      startingAfter = page.data.at(-1)!.id;
    }
    return {
      customers,
      seconds: (performance.now() - started) / 1000,
      requests: sim.stats.requests - before,
    };
  } finally {
    await t.destroy();
    await sim.stop();
  }
}

export const syncScenario: Scenario = {
  name: 'sync',
  description: `backfill at ${LATENCY_MS} ms latency and ${RATE} req/s, ours vs the plan's naive per-customer sync`,
  async run(ctx) {
    const wall: number[] = [];
    const cpu: number[] = [];
    const requests: number[] = [];
    const objectsPerSecond: number[] = [];
    const floorRatio: number[] = [];
    for (let i = 0; i < BACKFILL_RUNS; i++) {
      const f = await benchBackfill({
        customers: ctx.customers,
        latencyMs: LATENCY_MS,
        rate: RATE,
        dialect: ctx.db,
      });
      if (f.status !== 'succeeded') throw new Error(`backfill ended ${f.status}`);
      ctx.log(
        `ours: ${f.wallSeconds.toFixed(1)} s (CPU ${f.cpuSeconds.toFixed(1)} s), ${f.requests} requests, ${f.objects} objects (floor ${f.floorSeconds.toFixed(1)} s)`,
      );
      wall.push(f.wallSeconds);
      cpu.push(f.cpuSeconds);
      requests.push(f.requests);
      objectsPerSecond.push(f.objectsPerSecond);
      floorRatio.push(f.wallSeconds / f.floorSeconds);
    }
    const sample = Math.min(NAIVE_SAMPLE, ctx.customers);
    const naive = await naiveSync(sample);
    const scale = ctx.customers / sample;
    const naiveSeconds = naive.seconds * scale;
    const naiveRequests = naive.requests * scale;
    ctx.log(
      `naive on ${sample} customers: ${naive.seconds.toFixed(1)} s, ${naive.requests} requests (scaled ×${scale})`,
    );
    const scaledNote = `naive measured on ${sample} customers, scaled ×${scale}`;
    const figures: Figure[] = [
      { name: `backfill wall time (${ctx.scale}, ${ctx.db})`, unit: 's', samples: wall },
      {
        name: 'backfill CPU time of the sync',
        unit: 's',
        samples: cpu,
        note: 'the simulator runs in a child process',
      },
      { name: 'backfill requests', unit: 'req', samples: requests },
      { name: 'backfill objects per second', unit: 'obj/s', samples: objectsPerSecond },
      {
        name: 'wall time ÷ floor (requests ÷ rate)',
        unit: '×',
        samples: floorRatio,
        target: { op: '<', value: 1.5, source: 'issue 4: approach the rate limit' },
      },
      { name: 'naive wall time', unit: 's', samples: [naiveSeconds], note: scaledNote },
      { name: 'naive requests', unit: 'req', samples: [naiveRequests], note: scaledNote },
      {
        name: 'time ratio ours ÷ naive',
        unit: '×',
        samples: wall.map((w) => w / naiveSeconds),
        target: { op: '<', value: 1, source: 'issue 9' },
        note: scaledNote,
      },
      {
        name: 'request ratio ours ÷ naive',
        unit: '×',
        samples: requests.map((r) => r / naiveRequests),
        target: { op: '<', value: 1, source: 'issue 9' },
        note: scaledNote,
      },
    ];
    return figures;
  },
};
