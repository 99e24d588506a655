/**
 * Peak RSS of the worker (issue 9: "peak RSS of the worker during the 100k sync and rebuild"):
 * `medpro sync --full` against stripe-sim, then `medpro metrics --rebuild` on what it synced,
 * each as its own process under GNU time, as an operator would run them. The simulator runs in
 * its own process (its memory is not the worker's) with no latency: RSS depends on how much is
 * held at once, not on how long requests take, and 0 ms keeps the run short. One run each: a
 * full sync is minutes at 100k, and its peak does not vary like a timing does.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '@medpro/db/testing';
import { startSimulatorProcess } from '@medpro/stripe-sim';
import { type Figure, parseMaxRssMb, type Scenario } from '../harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MEDPRO = path.join(ROOT, 'apps/worker/bin/medpro.js');
/** Stripe's live-mode limit, as `medpro start` gives the demo simulator. */
const RATE = 100;
/** What we aim for: the worker fits a 1 GB container at 100k customers, whatever the account size. */
const TARGET_MB = 1024;

/** Runs a medpro command under /usr/bin/time; wall seconds and peak RSS (MB) of that process. */
function medpro(args: string[], env: Record<string, string>): Promise<{ seconds: number; rssMb: number }> {
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

export const memoryScenario: Scenario = {
  name: 'memory',
  description: 'peak RSS of the worker process: `medpro sync --full` and `medpro metrics --rebuild`',
  async run(ctx) {
    const sim = await startSimulatorProcess({ customers: ctx.customers, months: 24, seed: 42, latencyMs: 0 });
    const t = await createTestDatabase(ctx.db);
    try {
      const env = {
        DATABASE_URL: t.url,
        STRIPE_SECRET_KEY: sim.secretKey,
        STRIPE_API_BASE: sim.url,
        STRIPE_RATE_LIMIT: String(RATE),
      };
      const sync = await medpro(['sync', '--full'], env);
      ctx.log(`sync --full: ${sync.seconds.toFixed(0)} s, peak RSS ${sync.rssMb.toFixed(0)} MB`);
      const rebuild = await medpro(['metrics', '--rebuild'], env);
      ctx.log(`metrics --rebuild: ${rebuild.seconds.toFixed(0)} s, peak RSS ${rebuild.rssMb.toFixed(0)} MB`);
      const target = {
        op: '<' as const,
        value: TARGET_MB,
        source: 'ours: the worker fits a 1 GB container at any account size (issue 9)',
      };
      const where = `${ctx.customers} customers × 24 months, ${ctx.db}; stripe-sim in its own process at 0 ms latency, ${RATE} req/s`;
      const figures: Figure[] = [
        {
          name: `worker peak RSS, sync --full (${ctx.scale})`,
          unit: 'MB',
          samples: [sync.rssMb],
          target,
          note: `${where}; took ${sync.seconds.toFixed(0)} s`,
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
    } finally {
      await t.destroy();
      await sim.stop();
    }
  },
};
