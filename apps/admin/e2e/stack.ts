/**
 * The e2e stack: a fresh SQLite database filled the real way — the simulator's account read by
 * the sync's backfill, then the analytics rebuild — users of every role, and the built admin
 * app served against it. One per test file (2 cores): start it in beforeAll, stop in afterAll.
 */
import type { Database } from '@medpro/db';
import { createTestDatabase } from '@medpro/db/testing';
import { type Simulator, startSimulator } from '@medpro/stripe-sim';
import { createCaller, createContext, createUser, type Principal, type Role } from '@medpro/trpc';
import type { Browser, Page } from 'playwright-core';
import { rebuildAnalytics } from '../../worker/src/analytics/engine.ts';
import { createStripe, StripeGateway } from '../../worker/src/sync/client.ts';
import { runFull, type SyncDeps } from '../../worker/src/sync/index.ts';
import { claimQueued } from '../../worker/src/sync/runs.ts';
import { type RunningApp, serveBuiltApp } from './built-app';

export const PASSWORD = 'e2e-password-1234';

export interface StackUser {
  id: number;
  email: string;
  role: Role;
}

export interface Stack {
  app: RunningApp;
  db: Database;
  sim: Simulator;
  users: Record<Role, StackUser>;
  /** The router as this role sees it (to compare pages with the API's numbers). */
  caller(role: Role): ReturnType<typeof createCaller>;
  /** Runs the full syncs queued through the app, as the worker does, until stopped. */
  startSyncWorker(): () => Promise<void>;
  stop(): Promise<void>;
}

const silent = { info() {}, warn() {}, error() {}, debug() {} };

export async function startStack(options: { customers?: number; months?: number } = {}): Promise<Stack> {
  const today = new Date().toISOString().slice(0, 10);
  const test = await createTestDatabase('sqlite');
  const db = test.db;
  const sim = await startSimulator({
    port: 0,
    customers: options.customers ?? 200,
    months: options.months ?? 18,
    seed: 20261125,
    now: today,
  });
  const gateway = new StripeGateway(createStripe({ secretKey: sim.secretKey, apiBase: sim.url }), {
    rate: 1000,
  });
  const deps: SyncDeps = { db, gateway, log: silent, holder: 'e2e-stack', heartbeatMs: 200 };
  await runFull(deps, { kind: 'full', triggeredBy: 'e2e' });
  await rebuildAnalytics(db, { today });

  const now = new Date();
  const users = {} as Record<Role, StackUser>;
  for (const role of ['admin', 'analyst', 'viewer'] as const) {
    const { user } = await createUser(
      db,
      { email: `${role}@e2e.test`, name: `E2E ${role}`, role, password: PASSWORD },
      now,
    );
    users[role] = { id: user.id, email: user.email, role };
  }

  const app = await serveBuiltApp({ DATABASE_URL: test.url, STRIPE_SECRET_KEY: sim.secretKey });

  const caller = (role: Role) => {
    const u = users[role];
    const principal: Principal = {
      type: 'user',
      userId: u.id,
      email: u.email,
      name: `E2E ${role}`,
      role,
      sessionIdHash: null,
    };
    return createCaller(createContext(db, principal));
  };

  const startSyncWorker = () => {
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        const run = await claimQueued(db, ['full']);
        if (run) await runFull(deps, { kind: 'full', triggeredBy: 'e2e', queued: run });
        else await new Promise((r) => setTimeout(r, 200));
      }
    })();
    return async () => {
      stopped = true;
      await loop;
    };
  };

  return {
    app,
    db,
    sim,
    users,
    caller,
    startSyncWorker,
    async stop() {
      await app.stop();
      await sim.stop();
      await test.destroy();
    },
  };
}

/** Signs in through the sign-in page, as a person would. */
export async function signIn(page: Page, stack: Stack, role: Role): Promise<void> {
  await page.goto(`${stack.app.baseUrl}/login`);
  await page.getByLabel('E-mail').fill(stack.users[role].email);
  await page.getByLabel('Senha').fill(PASSWORD);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** A signed-in page of its own context (cookies are per context). */
export async function pageAs(browser: Browser, stack: Stack, role: Role): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, stack, role);
  return page;
}
