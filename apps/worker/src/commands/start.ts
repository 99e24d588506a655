import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, ensureDatabaseExists, migrate } from '@medpro/db';
import { ensureDemoAdmin } from '@medpro/trpc';
import { DEMO_PRODUCT_NAME, startDemoCatalog } from '../demo-catalog.ts';
import type { Env } from '../env.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const adminDir = path.join(repoRoot, 'apps/admin');
const medproBin = path.join(repoRoot, 'apps/worker/bin/medpro.js');

interface Service {
  name: string;
  child: ChildProcess;
}

/**
 * `npm start`: everything the product needs on its embedded defaults, in one terminal.
 * Children share this environment (with DATABASE_URL made absolute), and all stop together.
 */
export async function startCommand(env: Env, options: { dev: boolean }): Promise<void> {
  const db = createDatabase(env.DATABASE_URL);
  try {
    await ensureDatabaseExists(db.config);
    await migrate(db.sequelize);
    // Demo mode: a fresh database gets an admin whose password is printed this once.
    const admin = await ensureDemoAdmin(db);
    if (admin) {
      console.log(`\n  Created the admin ${admin.email} with the password ${admin.password}`);
      console.log('  (shown once: sign in and change it, or create users with `medpro user create`)\n');
    }
  } finally {
    await db.close();
  }
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: env.DATABASE_URL,
    PORT: String(env.PORT),
  };
  const demo = env.STRIPE_SECRET_KEY ? null : await startDemoStripe(env.PORT);
  if (demo) Object.assign(childEnv, demo.env);
  const services: Service[] = [];
  const run = (name: string, command: string, args: string[], cwd = repoRoot) => {
    const child = spawn(command, args, { cwd, env: childEnv, stdio: 'inherit' });
    services.push({ name, child });
    return child;
  };

  run('worker', process.execPath, [medproBin, 'worker']);
  if (options.dev) {
    run(
      'admin',
      process.execPath,
      [resolveBin('@remix-run/dev/dist/cli.js'), 'vite:dev', '--port', String(env.PORT)],
      adminDir,
    );
  } else {
    const serverBuild = path.join(adminDir, 'build/server/index.js');
    if (!existsSync(serverBuild))
      throw new StartError('The admin app is not built: run `npm run build` first');
    run('admin', process.execPath, [resolveBin('@remix-run/serve/dist/cli.js'), serverBuild], adminDir);
  }

  let stopping = false;
  let catalog: Awaited<ReturnType<typeof startDemoCatalog>> = null;
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const s of services) if (s.child.exitCode === null) s.child.kill('SIGTERM');
    void demo?.stop();
    void catalog?.close();
    process.exitCode = code;
  };
  for (const s of services) {
    s.child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`medpro: ${s.name} exited (${signal ?? `code ${code}`}); stopping everything`);
        stopAll(code || 1);
      }
    });
  }
  process.once('SIGINT', () => stopAll(0));
  process.once('SIGTERM', () => stopAll(0));

  const url = `http://localhost:${env.PORT}`;
  if (await waitForHttp(`http://127.0.0.1:${env.PORT}/healthz`, 120_000, () => stopping)) {
    console.log(
      `\n  MedPro Customer Intelligence is running: ${url}\n  Database: ${db.label}\n${demo ? `  Stripe: ${demo.label}\n` : ''}  Stop with Ctrl+C.\n`,
    );
    if (demo) {
      // Once the first sync has brought the demo product: a catalog page on another origin.
      try {
        catalog = await startDemoCatalog({
          databaseUrl: env.DATABASE_URL,
          port: env.DEMO_PORT ?? env.PORT + 1,
          apiBase: url,
          cancelled: () => stopping,
          waitMs: 10 * 60_000,
        });
        // Ctrl+C may have come while it was being set up.
        if (stopping) await catalog?.close();
        else if (catalog)
          console.log(`  Demo catalog page embedding the widgets (another origin): ${catalog.url}\n`);
        else
          console.error(
            `medpro: no demo catalog page: "${DEMO_PRODUCT_NAME}" was not synced within 10 minutes`,
          );
      } catch (error) {
        console.error(`medpro: the demo catalog page did not start: ${(error as Error).message}`);
      }
    }
  }
  await Promise.all(services.map((s) => new Promise((resolve) => s.child.once('exit', resolve))));
}

/**
 * Without STRIPE_SECRET_KEY, `medpro start` serves a simulated Stripe account (stripe-sim, live,
 * sending signed webhooks to the admin app) and points the worker's sync at it: the product
 * shows data within a minute of starting, clearly labelled as demo data.
 */
async function startDemoStripe(port: number) {
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  // Loaded here: only the demo needs the simulator.
  const { startSimulator } = await import('@medpro/stripe-sim');
  const sim = await startSimulator({
    customers: 2000,
    months: 24,
    seed: 42,
    port: 0,
    live: true,
    webhookUrl: `http://127.0.0.1:${port}/webhooks/stripe`,
    webhookSecret,
  });
  console.log(
    `\n  DEMO DATA: STRIPE_SECRET_KEY is not set, so a simulated Stripe account (2,000 customers,\n  24 months, seed 42) is served at ${sim.url}. Set STRIPE_SECRET_KEY to sync your real account.\n`,
  );
  return {
    label: `DEMO simulator at ${sim.url} (not real data)`,
    env: {
      STRIPE_SECRET_KEY: sim.secretKey,
      STRIPE_API_BASE: sim.url,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      // The simulator is not rate limited like Stripe; the first backfill may go faster.
      STRIPE_RATE_LIMIT: process.env.STRIPE_RATE_LIMIT ?? '100',
    },
    stop: () => sim.stop(),
  };
}

export class StartError extends Error {
  override name = 'StartError';
}

function resolveBin(specifier: string): string {
  return createRequire(path.join(adminDir, 'package.json')).resolve(specifier);
}

async function waitForHttp(url: string, timeoutMs: number, cancelled: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !cancelled()) {
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}
