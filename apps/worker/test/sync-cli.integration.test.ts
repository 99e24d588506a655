/**
 * `medpro sync` as a real process against stripe-sim: killed with SIGKILL mid-backfill and
 * restarted, it ends identical to an uninterrupted sync; a held lease and a bad key are
 * refused with one readable line and a non-zero exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { indexesDeferred } from '@medpro/db';
import { createTestDatabase, indexDefinitions } from '@medpro/db/testing';
import { type Simulator, startSimulator } from '@medpro/stripe-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newHolderId, runFull } from '../src/sync/index.ts';
import { LEASES, tryAcquire } from '../src/sync/lease.ts';
import { count, dump, gatewayFor, quietLog, until } from './helpers.ts';

const bin = fileURLToPath(new URL('../bin/medpro.js', import.meta.url));

function medpro(
  args: string[],
  env: Record<string, string>,
): {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

describe('medpro sync (process)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    // Some latency, so the kill lands in the middle of the backfill.
    sim = await startSimulator({ customers: 150, months: 12, seed: 5, port: 0, latencyMs: 25 });
  });
  afterAll(async () => {
    await sim?.stop();
  });
  const envFor = (url: string) => ({
    DATABASE_URL: url,
    STRIPE_SECRET_KEY: sim.secretKey,
    STRIPE_API_BASE: sim.url,
    STRIPE_RATE_LIMIT: '500',
  });

  it('killed with SIGKILL mid-run and restarted, ends identical to an uninterrupted sync', {
    timeout: 240_000,
  }, async () => {
    const reference = await createTestDatabase('sqlite');
    const t = await createTestDatabase('sqlite');
    try {
      const schema = await indexDefinitions(t.db.sequelize);
      await runFull(
        { db: reference.db, gateway: gatewayFor(sim), log: quietLog, holder: newHolderId() },
        { kind: 'full', triggeredBy: 'test' },
      );
      const first = medpro(['sync', '--full'], envFor(t.url));
      const midway = await until(
        async () => {
          const [[row]] = (await t.db.sequelize.query(
            'SELECT COALESCE(SUM(fetched), 0) AS n FROM sync_cursors',
          )) as [[{ n: number }], unknown];
          return Number(row.n) > 300;
        },
        120_000,
        20,
      );
      expect(midway).toBe(true);
      first.child.kill('SIGKILL');
      const killed = await first.done;
      expect(killed.signal).toBe('SIGKILL');
      const [[run]] = (await t.db.sequelize.query('SELECT status FROM sync_runs')) as [
        [{ status: string }],
        unknown,
      ];
      expect(run.status).toBe('running'); // as the dead process left it
      expect(await indexesDeferred(t.db.sequelize)).toBe(true); // for the run that resumes it

      const second = await medpro(['sync', '--full'], envFor(t.url)).done;
      expect(second.stderr).toBe('');
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/Full sync run 1 succeeded/);
      expect(await count(t.db, 'sync_runs')).toBe(1);
      expect(await dump(t.db)).toEqual(await dump(reference.db));
      expect(await indexDefinitions(t.db.sequelize)).toEqual(schema);
    } finally {
      await t.destroy();
      await reference.destroy();
    }
  });

  it('the worker backfills on first start, follows live changes, and stops cleanly on SIGTERM', {
    timeout: 240_000,
  }, async () => {
    const live = await startSimulator({
      customers: 60,
      months: 6,
      seed: 9,
      port: 0,
      live: true,
      liveIntervalMs: 3_600_000,
    });
    const t = await createTestDatabase('sqlite');
    try {
      const worker = medpro(['worker'], {
        DATABASE_URL: t.url,
        STRIPE_SECRET_KEY: live.secretKey,
        STRIPE_API_BASE: live.url,
        STRIPE_RATE_LIMIT: '500',
        SYNC_INTERVAL_SECONDS: '1',
      });
      const succeeded = () => count(t.db, 'sync_runs', "WHERE kind = 'full' AND status = 'succeeded'");
      expect(await until(async () => (await succeeded()) === 1, 120_000, 200)).toBe(true);
      let ticked = 0;
      for (let i = 0; i < 3; i++) ticked += live.tick();
      expect(ticked).toBeGreaterThan(0);
      const newest = (await gatewayFor(live).stripe.events.list({ limit: 1 })).data[0]!;
      const caughtUp = await until(
        async () =>
          (await count(
            t.db,
            'stripe_events',
            `WHERE stripe_event_id = '${newest.id}' AND processed_at IS NOT NULL`,
          )) === 1,
        60_000,
        200,
      );
      expect(caughtUp).toBe(true);
      worker.child.kill('SIGTERM');
      const exit = await worker.done;
      expect(exit.code).toBe(0);
      // Leases released on the way out.
      expect(await count(t.db, 'job_leases', "WHERE name LIKE 'stripe-sync:%' AND holder <> ''")).toBe(0);
    } finally {
      await t.destroy();
      await live.stop();
    }
  });

  it('refuses politely while another worker holds the sync lease', { timeout: 60_000 }, async () => {
    const t = await createTestDatabase('sqlite');
    try {
      expect(await tryAcquire(t.db, LEASES.backfill, newHolderId(), 60_000)).toBe(true);
      const result = await medpro(['sync', '--full'], envFor(t.url)).done;
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^medpro: a sync is already running \(stripe-sync:backfill is held by .*\); try again when it finishes$/,
      );
      expect(await count(t.db, 'sync_runs')).toBe(0);
    } finally {
      await t.destroy();
    }
  });

  it('fails with one line and a failed run record when Stripe rejects the key', {
    timeout: 60_000,
  }, async () => {
    const t = await createTestDatabase('sqlite');
    try {
      const result = await medpro(['sync', '--full'], {
        ...envFor(t.url),
        STRIPE_SECRET_KEY: 'sk_test_wrong',
      }).done;
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(
        /^medpro: Stripe rejected the API key \(401\) while .*: check STRIPE_SECRET_KEY$/,
      );
      const [[run]] = (await t.db.sequelize.query('SELECT status, error FROM sync_runs')) as [
        [{ status: string; error: string }],
        unknown,
      ];
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/401/);
    } finally {
      await t.destroy();
    }
  });
});
