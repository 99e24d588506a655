/**
 * Measures a full backfill against stripe-sim with Stripe-like latency and rate limit, and
 * prints wall time, CPU time, requests, objects/s and the theoretical floor (requests ÷ rate).
 * The simulator runs in a child process, as Stripe would be another machine: in this process
 * its JSON rendering would compete with the sync for the one Node thread.
 *
 *   npx tsx apps/worker/scripts/bench-backfill.ts [customers=10000] [latencyMs=150] [rate=100] [sqlite|mysql]
 *
 * `benchBackfill` is exported for the benchmark suite.
 */
import { pathToFileURL } from 'node:url';
import { createTestDatabase } from '@medpro/db/testing';
import { startSimulatorProcess } from '@medpro/stripe-sim';
import { createStripe, StripeGateway } from '../src/sync/client.ts';
import { newHolderId, runFull } from '../src/sync/index.ts';

export interface BackfillFigures {
  customers: number;
  latencyMs: number;
  rate: number;
  dialect: 'sqlite' | 'mysql';
  wallSeconds: number;
  /** CPU time of this process (the sync, not the simulator) during the backfill. */
  cpuSeconds: number;
  requests: number;
  objects: number;
  objectsPerSecond: number;
  /** requests ÷ rate: no sync bound by the rate limit can be faster. */
  floorSeconds: number;
  status: string;
}

export async function benchBackfill(options: {
  customers: number;
  latencyMs: number;
  rate: number;
  dialect?: 'sqlite' | 'mysql';
}): Promise<BackfillFigures> {
  const dialect = options.dialect ?? 'sqlite';
  const sim = await startSimulatorProcess({
    customers: options.customers,
    months: 24,
    seed: 42,
    latencyMs: options.latencyMs,
    rateLimit: options.rate,
  });
  const t = await createTestDatabase(dialect);
  try {
    const gateway = new StripeGateway(createStripe({ secretKey: sim.secretKey, apiBase: sim.url }), {
      rate: options.rate,
    });
    const quiet = { info() {}, warn() {}, error() {}, debug() {} };
    const before = (await sim.stats()).requests;
    const cpu = process.cpuUsage();
    const start = performance.now();
    const run = await runFull(
      { db: t.db, gateway, log: quiet, holder: newHolderId() },
      { kind: 'full', triggeredBy: 'bench' },
    );
    const wallSeconds = (performance.now() - start) / 1000;
    const { user, system } = process.cpuUsage(cpu);
    const requests = (await sim.stats()).requests - before;
    return {
      customers: options.customers,
      latencyMs: options.latencyMs,
      rate: options.rate,
      dialect,
      wallSeconds,
      cpuSeconds: (user + system) / 1e6,
      requests,
      objects: run.objects,
      objectsPerSecond: run.objects / wallSeconds,
      floorSeconds: requests / options.rate,
      status: run.status,
    };
  } finally {
    await t.destroy();
    await sim.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const dialect = args.find((a) => !/^\d/.test(a)) ?? 'sqlite';
  if (dialect !== 'sqlite' && dialect !== 'mysql') {
    console.error(`bench-backfill: the database must be sqlite or mysql, got ${JSON.stringify(dialect)}`);
    process.exit(2);
  }
  const [customers = 10_000, latencyMs = 150, rate = 100] = args.filter((a) => /^\d/.test(a)).map(Number);
  const f = await benchBackfill({ customers, latencyMs, rate, dialect });
  console.log(
    [
      `backfill of ${f.customers} customers at ${f.latencyMs} ms latency, ${f.rate} req/s, ${f.dialect}: ${f.status}`,
      `  wall time   ${f.wallSeconds.toFixed(1)} s (CPU ${f.cpuSeconds.toFixed(1)} s in the sync's process)`,
      `  requests    ${f.requests}`,
      `  objects     ${f.objects} (${f.objectsPerSecond.toFixed(0)} objects/s)`,
      `  floor       ${f.floorSeconds.toFixed(1)} s (requests ÷ rate); wall/floor ${(f.wallSeconds / f.floorSeconds).toFixed(2)}`,
    ].join('\n'),
  );
}
