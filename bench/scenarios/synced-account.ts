/**
 * One live simulator account synced by `medpro sync --full` and computed by `medpro metrics
 * --rebuild`, each run as its own process under GNU time (wall time and peak RSS), shared by the
 * memory scenario (which reports those processes) and the freshness scenario (which goes on with
 * the account living): at 10k a backfill takes minutes, and the whole suite has 15 (issue 9).
 *
 * The simulator runs in its own process, as Stripe would be, at 0 ms latency (memory depends on
 * how much is held at once, not on how long requests take, and 0 ms keeps the run short), in
 * live mode from the start: its webhooks go to `hooks`, whose handler the freshness scenario
 * sets; until then they are acknowledged and dropped, like deliveries to an app not yet up.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '@medpro/db';
import { createTestDatabase } from '@medpro/db/testing';
import { type SimulatorProcess, startSimulatorProcess } from '@medpro/stripe-sim';
import { type BenchContext, parseMaxRssMb } from '../harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MEDPRO = path.join(ROOT, 'apps/worker/bin/medpro.js');
/** Stripe's live-mode limit, as `medpro start` gives the demo simulator. */
export const RATE = 100;
/** One live tick (renewals that came due, then 1–3 random actions) every this many ms. */
export const TICK_MS = 1500;

export interface ProcessFigures {
  seconds: number;
  rssMb: number;
}

/** Where the simulator's webhooks arrive; `handler` answers them (200 and dropped while null). */
export interface WebhookHooks {
  handler: ((body: string, signature: string) => Promise<number>) | null;
}

export interface SyncedAccount {
  sim: SimulatorProcess;
  db: Database;
  url: string;
  webhookSecret: string;
  hooks: WebhookHooks;
  /** The environment `medpro` commands ran with (database, simulator, rate). */
  env: Record<string, string>;
  sync: ProcessFigures;
  rebuild: ProcessFigures;
}

/** Runs a medpro command under /usr/bin/time; wall seconds and peak RSS (MB) of that process. */
function medpro(args: string[], env: Record<string, string>): Promise<ProcessFigures> {
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, MEDPRO, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) {
        reject(new Error(`medpro ${args.join(' ')} exited ${code}: ${(err || out).trim().slice(-1000)}`));
        return;
      }
      try {
        resolve({ seconds: (performance.now() - started) / 1000, rssMb: parseMaxRssMb(err) });
      } catch (error) {
        reject(error);
      }
    });
  });
}

async function prepare(ctx: BenchContext): Promise<SyncedAccount> {
  const hooks: WebhookHooks = { handler: null };
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const answer = hooks.handler ? hooks.handler(body, String(req.headers['stripe-signature'] ?? '')) : 200;
      void Promise.resolve(answer).then(
        (status) => res.writeHead(status).end(),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  ctx.onFinish(async () => {
    receiver.close();
  });
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  const sim = await startSimulatorProcess({
    customers: ctx.customers,
    months: 24,
    seed: 42,
    latencyMs: 0,
    live: {
      intervalMs: TICK_MS,
      webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/stripe`,
      webhookSecret,
    },
  });
  ctx.onFinish(() => sim.stop());
  const t = await createTestDatabase(ctx.db);
  ctx.onFinish(() => t.destroy());
  const env = {
    DATABASE_URL: t.url,
    STRIPE_SECRET_KEY: sim.secretKey,
    STRIPE_API_BASE: sim.url,
    STRIPE_RATE_LIMIT: String(RATE),
  };
  const sync = await medpro(['sync', '--full'], env);
  ctx.log(`medpro sync --full: ${sync.seconds.toFixed(0)} s, peak RSS ${sync.rssMb.toFixed(0)} MB`);
  const rebuild = await medpro(['metrics', '--rebuild'], env);
  ctx.log(
    `medpro metrics --rebuild: ${rebuild.seconds.toFixed(0)} s, peak RSS ${rebuild.rssMb.toFixed(0)} MB`,
  );
  return { sim, db: t.db, url: t.url, webhookSecret, hooks, env, sync, rebuild };
}

let shared: Promise<SyncedAccount> | undefined;

/** The account, synced and computed on first use in this bench run. */
export function syncedAccount(ctx: BenchContext): Promise<SyncedAccount> {
  shared ??= prepare(ctx);
  return shared;
}
