/**
 * Measures a full backfill against stripe-sim with Stripe-like latency and rate limit, and
 * prints wall time, requests, objects/s and the theoretical floor (requests ÷ rate).
 *
 *   npx tsx apps/worker/scripts/bench-backfill.ts [customers=10000] [latencyMs=150] [rate=100]
 *
 * `benchBackfill` is exported for the benchmark suite.
 */
import { pathToFileURL } from 'node:url';
import { createTestDatabase } from '@medpro/db/testing';
import { startSimulator } from '@medpro/stripe-sim';
import { createStripe, StripeGateway } from '../src/sync/client.ts';
import { newHolderId, runFull } from '../src/sync/index.ts';

export interface BackfillFigures {
  customers: number;
  latencyMs: number;
  rate: number;
  wallSeconds: number;
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
  const sim = await startSimulator({
    customers: options.customers,
    months: 24,
    seed: 42,
    port: 0,
    latencyMs: options.latencyMs,
    rateLimit: options.rate,
  });
  const t = await createTestDatabase(options.dialect ?? 'sqlite');
  try {
    const gateway = new StripeGateway(createStripe({ secretKey: sim.secretKey, apiBase: sim.url }), {
      rate: options.rate,
    });
    const quiet = { info() {}, warn() {}, error() {}, debug() {} };
    const before = sim.stats.requests;
    const start = performance.now();
    const run = await runFull(
      { db: t.db, gateway, log: quiet, holder: newHolderId() },
      { kind: 'full', triggeredBy: 'bench' },
    );
    const wallSeconds = (performance.now() - start) / 1000;
    const requests = sim.stats.requests - before;
    return {
      customers: options.customers,
      latencyMs: options.latencyMs,
      rate: options.rate,
      wallSeconds,
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
  const [customers = 10_000, latencyMs = 150, rate = 100] = process.argv.slice(2).map(Number);
  const f = await benchBackfill({ customers, latencyMs, rate });
  console.log(
    [
      `backfill of ${f.customers} customers at ${f.latencyMs} ms latency, ${f.rate} req/s: ${f.status}`,
      `  wall time   ${f.wallSeconds.toFixed(1)} s`,
      `  requests    ${f.requests}`,
      `  objects     ${f.objects} (${f.objectsPerSecond.toFixed(0)} objects/s)`,
      `  floor       ${f.floorSeconds.toFixed(1)} s (requests ÷ rate); wall/floor ${(f.wallSeconds / f.floorSeconds).toFixed(2)}`,
    ].join('\n'),
  );
}
