/**
 * Data freshness, as a user sees it: the time from a change in Stripe to the change showing
 * through the API. The pieces are the production ones, each in its own process:
 * - stripe-sim `--live` (an account of ctx.customers customers that keeps living: sign-ups,
 *   plan changes, cancellations, renewals, payments) sends each event as a signed webhook;
 * - the admin app's production build receives it on POST /webhooks/stripe (into the inbox);
 * - `medpro worker`, on the account `medpro sync --full` backfilled (synced-account.ts, shared
 *   with the memory scenario), drains the inbox every second and polls `/v1/events` every
 *   SYNC_INTERVAL_SECONDS, exactly as `medpro start` runs it;
 * - this process reads through the tRPC caller (customers.get / customers.subscriptions).
 *
 * Webhooks pass through a relay here that notes when each event arrived (t0, a few ms after the
 * change; the relay's own look at the API before forwarding counts in the figure) and forwards
 * it, or, for the "missed webhook" figure, answers 200 and drops it, so only the worker's event
 * polling can find the change.
 *
 * A change is measured on the objects the API shows: a new customer, a subscription (status,
 * cancel-at-period-end, items) and an invoice (status, amount paid). Events that leave what the
 * API shows unchanged (already matching when they arrive) are not changes a user could see and
 * are not counted. An object changed again before it showed counts from its first change, and
 * shows as soon as the API matches any state it was sent in (the sync fetches the current one).
 * Each figure is one measurement over at least CHANGES changes, whatever --runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Database } from '@medpro/db';
import { createCaller, createContext } from '@medpro/trpc';
import type Stripe from 'stripe';
import { buildApp, serveBuiltApp } from '../../apps/admin/e2e/built-app.ts';
import { readEnv } from '../../apps/worker/src/env.ts';
import { lastSucceeded } from '../../apps/worker/src/sync/runs.ts';
import { type Figure, percentile, type Scenario } from '../harness.ts';
import { MEDPRO, syncedAccount, TICK_MS } from './synced-account.ts';

/** Changes measured per figure (at least). */
const CHANGES = 40;
const PLAN_TARGET_S = 300;
const RECORD_LIMIT_MS = 5 * 60_000;

type Caller = ReturnType<typeof createCaller>;

/** What the API shows of an object, as a comparable string; null when it shows nothing. */
type Shown = (caller: Caller) => Promise<string | null>;

interface Watched {
  shown: Shown;
  /** States the object was sent in since its first change. */
  states: Set<string>;
  t0: number;
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: string })?.code === 'NOT_FOUND';
}

async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** The state an event carries, and how to read the same from the API; null for objects the API does not show. */
function describeEvent(event: Stripe.Event): { key: string; state: string; shown: Shown } | null {
  const object = event.data.object as { object?: string; id?: string };
  if (object.object === 'customer' && event.type !== 'customer.deleted') {
    const id = object.id!;
    return {
      key: id,
      state: 'exists',
      shown: async (c) => ((await orNull(c.customers.get({ id }))) ? 'exists' : null),
    };
  }
  if (object.object === 'subscription') {
    const sub = object as Stripe.Subscription;
    const customer = sub.customer as string;
    // An event lists the first 10 items only (has_more past that): then items are not compared.
    const listed = !sub.items.has_more;
    const state = (status: string | null, cancelAtPeriodEnd: boolean, items: string[]) =>
      `${status}|${cancelAtPeriodEnd}|${listed ? items.sort().join(',') : 'more than 10 items'}`;
    return {
      key: sub.id,
      state: state(
        sub.status,
        sub.cancel_at_period_end,
        sub.items.data.map((i) => `${i.price.id}×${i.quantity ?? 1}`),
      ),
      shown: async (c) => {
        const r = await orNull(c.customers.subscriptions({ id: customer, status: 'all' }));
        const s = r?.subscriptions.find((x) => x.stripeSubscriptionId === sub.id);
        return s
          ? state(
              s.status,
              s.cancelAtPeriodEnd,
              s.items.map((i) => `${i.stripePriceId}×${i.quantity}`),
            )
          : null;
      },
    };
  }
  if (object.object === 'invoice' && event.type !== 'invoice.deleted') {
    const inv = object as Stripe.Invoice;
    const customer = inv.customer as string;
    return {
      key: inv.id!,
      state: `${inv.status}|${inv.amount_paid}`,
      shown: async (c) => {
        const r = await orNull(c.customers.get({ id: customer }));
        const i = r?.invoices.find((x) => x.stripeInvoiceId === inv.id);
        return i ? `${i.status}|${i.amountPaid}` : null;
      },
    };
  }
  return null;
}

/**
 * Handles the simulator's webhooks: notes each change (when it arrived and the state it
 * carries), then forwards it to the admin app, or drops it while `deliver` is false.
 */
class Relay {
  deliver = true;
  recording = false;
  readonly watched = new Map<string, Watched>();
  /** Latencies (ms) of the changes that showed. */
  readonly latencies: number[] = [];

  constructor(
    private readonly target: string,
    readonly caller: Caller,
  ) {}

  async receive(body: string, signature: string): Promise<number> {
    const t0 = performance.now();
    if (this.recording) {
      const change = describeEvent(JSON.parse(body) as Stripe.Event);
      // Already what the API shows: nothing a user could see changed.
      if (change && (await change.shown(this.caller)) !== change.state) {
        const w = this.watched.get(change.key);
        if (w) w.states.add(change.state);
        else this.watched.set(change.key, { shown: change.shown, states: new Set([change.state]), t0 });
      }
    }
    if (!this.deliver) return 200;
    const response = await fetch(this.target, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
      body,
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** Checks every watched object once; those that show are timed and forgotten. */
  async sweep(): Promise<void> {
    for (const [key, w] of this.watched) {
      const shown = await w.shown(this.caller);
      if (shown !== null && w.states.has(shown)) {
        this.latencies.push(performance.now() - w.t0);
        this.watched.delete(key);
      }
    }
  }
}

/**
 * Records changes until `changes` are timed (or `windowMs` passed with at least that many seen),
 * then waits up to `waitMs` for the rest to show. Returns the latencies (s) and, for each change
 * that never showed, what was sent and what the API shows.
 */
async function measure(
  relay: Relay,
  opts: { changes: number; windowMs: number; waitMs: number },
): Promise<{ seconds: number[]; missing: string[] }> {
  relay.watched.clear();
  relay.latencies.length = 0;
  relay.recording = true;
  const started = performance.now();
  const seen = () => relay.latencies.length + relay.watched.size;
  const elapsed = () => performance.now() - started;
  // A live account that stopped changing must not hang the suite: at most RECORD_LIMIT_MS.
  while ((seen() < opts.changes && elapsed() < RECORD_LIMIT_MS) || elapsed() < opts.windowMs) {
    await relay.sweep();
    await new Promise((r) => setTimeout(r, 100));
  }
  relay.recording = false;
  const deadline = performance.now() + opts.waitMs;
  while (relay.watched.size > 0 && performance.now() < deadline) {
    await relay.sweep();
    await new Promise((r) => setTimeout(r, 100));
  }
  const missing: string[] = [];
  for (const [key, w] of relay.watched)
    missing.push(`${key}: sent ${[...w.states].join(' / ')}, API shows ${await w.shown(relay.caller)}`);
  return { seconds: relay.latencies.map((ms) => ms / 1000), missing };
}

function startWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [MEDPRO, 'worker'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM')
      console.error(`medpro worker exited (${signal ?? code}): ${stderr}`);
  });
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(force);
}

/**
 * Waits until the worker has caught up: its first poll stored the events the account made while
 * it was synced and computed (webhooks had no app to reach then), and processed them.
 */
async function workerCaughtUp(db: Database, worker: ChildProcess): Promise<void> {
  for (;;) {
    if (worker.exitCode !== null) throw new Error(`medpro worker exited (${worker.exitCode}) on start`);
    if (await lastSucceeded(db, ['incremental'])) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function figuresOf(name: string, target: Figure['target'], seconds: number[], note: string): Figure[] {
  return [
    {
      name: `${name} p50`,
      unit: 's',
      samples: [percentile(seconds, 50)],
      ...(target ? { target } : {}),
      note,
    },
    {
      name: `${name} p95`,
      unit: 's',
      samples: [percentile(seconds, 95)],
      ...(target ? { target } : {}),
      note,
    },
  ];
}

export const freshnessScenario: Scenario = {
  name: 'freshness',
  description:
    'change in live stripe-sim → visible through the API: by webhook, and by event polling when the webhook is missed',
  async run(ctx) {
    // The interval the worker runs with: its own env schema, over the same environment.
    const pollSeconds = readEnv(process.env).SYNC_INTERVAL_SECONDS;
    const account = await syncedAccount(ctx);
    let started = performance.now();
    await buildApp();
    ctx.log(`built the admin app in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const app = await serveBuiltApp({
      DATABASE_URL: account.url,
      STRIPE_WEBHOOK_SECRET: account.webhookSecret,
    });
    const viewer = {
      type: 'token' as const,
      tokenId: 1,
      name: 'bench',
      kind: 'api' as const,
      role: 'viewer' as const,
      createdByUserId: null,
    };
    const relay = new Relay(
      `${app.baseUrl}/webhooks/stripe`,
      createCaller(createContext(account.db, viewer)),
    );
    account.hooks.handler = (body, signature) => relay.receive(body, signature);
    started = performance.now();
    const worker = startWorker({ ...account.env, STRIPE_WEBHOOK_SECRET: account.webhookSecret });
    try {
      await workerCaughtUp(account.db, worker);
      ctx.log(
        `medpro worker caught up with the events since the sync in ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );

      const byWebhook = await measure(relay, {
        changes: CHANGES,
        windowMs: 0,
        waitMs: 2 * pollSeconds * 1000,
      });
      ctx.log(
        `webhook: ${byWebhook.seconds.length} changes, p50 ${percentile(byWebhook.seconds, 50).toFixed(2)} s, p95 ${percentile(byWebhook.seconds, 95).toFixed(2)} s${byWebhook.missing.length ? `; never showed: ${byWebhook.missing.join('; ')}` : ''}`,
      );
      // Missed webhooks: changes spread over one whole poll interval, so they fall at every
      // point of the poll cycle; then up to two intervals for the last ones to show.
      relay.deliver = false;
      const byPolling = await measure(relay, {
        changes: CHANGES,
        windowMs: pollSeconds * 1000,
        waitMs: 2 * pollSeconds * 1000 + 30_000,
      });
      ctx.log(
        `polling: ${byPolling.seconds.length} changes, p50 ${percentile(byPolling.seconds, 50).toFixed(1)} s, p95 ${percentile(byPolling.seconds, 95).toFixed(1)} s${byPolling.missing.length ? `; never showed: ${byPolling.missing.join('; ')}` : ''}`,
      );
      if (!byWebhook.seconds.length || !byPolling.seconds.length)
        throw new Error('freshness: no change showed through the API');

      const setup = `${ctx.customers} customers, ${ctx.db}; stripe-sim --live (a tick every ${TICK_MS} ms) in its own process at 0 ms latency (real Stripe adds ~0.2–0.5 s for the 1–3 requests refetching an object); admin app production build; medpro worker after medpro sync --full`;
      const missing = (m: string[]) =>
        m.length ? `; ${m.length} change(s) never showed and are not in the figure` : '';
      const target = (value: number, source: string) => ({ op: '<' as const, value, source });
      return [
        ...figuresOf(
          'webhook → API',
          target(5, 'ours: within seconds (plan: data freshness < 5 min)'),
          byWebhook.seconds,
          `${byWebhook.seconds.length} changes; ${setup}; inbox drained every 1 s${missing(byWebhook.missing)}`,
        ),
        ...figuresOf(
          'missed webhook, event polling → API',
          target(PLAN_TARGET_S, 'plan: data freshness < 5 min'),
          byPolling.seconds,
          `${byPolling.seconds.length} changes over one poll interval; SYNC_INTERVAL_SECONDS=${pollSeconds}${pollSeconds === readEnv({}).SYNC_INTERVAL_SECONDS ? ' (the worker default)' : ''}; ${setup}${missing(byPolling.missing)}`,
        ),
      ];
    } finally {
      account.hooks.handler = null;
      await stopWorker(worker);
      await app.stop();
    }
  },
};
