/**
 * Full backfill and reconciliation: every object type listed at 100 a page; the large types
 * split into `created` ranges walked in parallel, so the sync is bound by the rate limit rather
 * than by round trips. Every range saves its cursor with each page (same transaction as the
 * rows), so a run killed anywhere resumes without gaps or duplicates.
 */
import { setMaxListeners } from 'node:events';
import type { Database } from '@medpro/db';
import type Stripe from 'stripe';
import type { StripeGateway } from './client.ts';
import type { Logger } from './context.ts';
import {
  type Cursor,
  heartbeat,
  loadCursors,
  type RunProgress,
  saveCursors,
  type TypeProgress,
} from './runs.ts';
import {
  type DriftCounter,
  type FullInvoice,
  type FullSubscription,
  markCustomersDeleted,
  type ObjectType,
  type PageOf,
  placeholderCustomers,
  writePage,
} from './store.ts';

export const PAGE_SIZE = 100;

/** Types walked by a backfill, in the order their progress is shown. */
export const BACKFILL_TYPES = [
  'products',
  'prices',
  'coupons',
  'customers',
  'subscriptions',
  'invoices',
  'charges',
  'refunds',
] as const satisfies readonly ObjectType[];
export type BackfillType = (typeof BACKFILL_TYPES)[number];

/** Small catalogs: one range. The rest are split by `created`. */
const SPLIT: Record<BackfillType, boolean> = {
  products: false,
  prices: false,
  coupons: false,
  customers: true,
  subscriptions: true,
  invoices: true,
  charges: true,
  refunds: true,
};

/** Stripe was founded in 2010: nothing in an account is older than this (unix seconds). */
const EPOCH_FLOOR = Date.UTC(2010, 0, 1) / 1000;
const DAY = 86_400;

export interface BackfillOptions {
  db: Database;
  gateway: StripeGateway;
  log: Logger;
  runId: number;
  signal: AbortSignal;
  /** Ranges per large type (default 4). */
  rangesPerType?: number;
  /** Pages fetched at once across all ranges (default 16). */
  concurrency?: number;
  drift?: boolean;
  onCustomersChanged?: (ids: string[]) => Promise<void> | void;
  /** Progress callback (also stored in sync_runs.progress every heartbeat). */
  onProgress?: (progress: RunProgress) => void;
  heartbeatMs?: number;
}

export interface BackfillResult {
  completed: boolean;
  objects: number;
  progress: RunProgress;
  drift: Record<string, number>;
}

type Fetched<T extends BackfillType> = {
  objects: PageOf[T][];
  hasMore: boolean;
  lastId: string | null;
  lastCreated: number | null;
};

/** Lists one page of `type` in [gte, lt) after `startingAfter`, completing embedded lists. */
async function fetchPage<T extends BackfillType>(
  gateway: StripeGateway,
  type: T,
  range: { gte: number; lt: number | null },
  startingAfter: string | null,
  signal: AbortSignal,
): Promise<Fetched<T>> {
  const created: Stripe.RangeQueryParam = { gte: range.gte };
  if (range.lt !== null) created.lt = range.lt;
  const base = { limit: PAGE_SIZE, ...(startingAfter ? { starting_after: startingAfter } : {}) };
  const what = `listing ${type}`;
  const page = await gateway.call(
    what,
    async (stripe): Promise<Stripe.ApiList<{ id: string; created?: number }>> => {
      switch (type) {
        case 'products':
          return stripe.products.list(base);
        case 'prices':
          // Stripe leaves `tiers` out of price lists unless expanded; tiered MRR needs them.
          return stripe.prices.list({ ...base, expand: ['data.tiers'] });
        case 'coupons':
          return stripe.coupons.list(base);
        case 'customers':
          return stripe.customers.list({
            ...base,
            created,
            expand: ['data.invoice_settings.default_payment_method'],
          });
        case 'subscriptions':
          return stripe.subscriptions.list({ ...base, created, status: 'all' });
        case 'invoices':
          // The analytics engine needs each discount's coupon (once vs. recurring) to rebuild MRR.
          return stripe.invoices.list({ ...base, created, expand: ['data.discounts'] });
        case 'charges':
          return stripe.charges.list({ ...base, created });
        case 'refunds':
          return stripe.refunds.list({ ...base, created });
        default:
          throw new Error(`unknown type ${type}`);
      }
    },
    signal,
  );
  let objects: unknown[] = page.data;
  if (type === 'subscriptions')
    objects = await Promise.all(
      (page.data as Stripe.Subscription[]).map((s) => completeSubscription(gateway, s, signal)),
    );
  if (type === 'invoices')
    objects = await Promise.all(
      (page.data as Stripe.Invoice[]).map((i) => completeInvoice(gateway, i, signal)),
    );
  const last = page.data[page.data.length - 1];
  return {
    objects: objects as PageOf[T][],
    hasMore: page.has_more,
    lastId: last?.id ?? null,
    lastCreated: last?.created ?? null,
  };
}

/** A subscription's embedded items hold 10 at most; the rest come from /v1/subscription_items. */
export async function completeSubscription(
  gateway: StripeGateway,
  subscription: Stripe.Subscription,
  signal?: AbortSignal,
): Promise<FullSubscription> {
  const items = [...subscription.items.data];
  let more = subscription.items.has_more;
  while (more) {
    const page = await gateway.call(
      `listing items of ${subscription.id}`,
      (stripe) =>
        stripe.subscriptionItems.list({
          subscription: subscription.id,
          limit: PAGE_SIZE,
          ...(items.length ? { starting_after: items[items.length - 1]!.id } : {}),
        }),
      signal,
    );
    items.push(...page.data);
    more = page.has_more && page.data.length > 0;
  }
  return { subscription, items };
}

/** An invoice's embedded lines hold 10 at most; the rest come from /v1/invoices/:id/lines. */
export async function completeInvoice(
  gateway: StripeGateway,
  invoice: Stripe.Invoice,
  signal?: AbortSignal,
): Promise<FullInvoice> {
  const lines = [...(invoice.lines?.data ?? [])];
  let more = invoice.lines?.has_more ?? false;
  while (more) {
    const page = await gateway.call(
      `listing lines of ${invoice.id}`,
      (stripe) =>
        stripe.invoices.listLineItems(invoice.id, {
          limit: PAGE_SIZE,
          ...(lines.length ? { starting_after: lines[lines.length - 1]!.id } : {}),
        }),
      signal,
    );
    lines.push(...page.data);
    more = page.has_more && page.data.length > 0;
  }
  return { invoice, lines };
}

/**
 * The oldest customer's `created` (to the day), by bisection with one-object pages: about 13
 * requests, once per run, so the large types can be split into ranges of equal length.
 */
async function oldestCustomerDay(
  gateway: StripeGateway,
  before: number,
  signal: AbortSignal,
): Promise<number> {
  let lo = EPOCH_FLOOR;
  let hi = before;
  const any = await gateway.call('probing customers', (s) => s.customers.list({ limit: 1 }), signal);
  if (!any.data.length) return before;
  while (hi - lo > DAY) {
    const mid = Math.floor((lo + hi) / 2);
    const page = await gateway.call(
      'probing customers',
      (s) => s.customers.list({ limit: 1, created: { lt: mid } }),
      signal,
    );
    if (page.data.length) hi = mid;
    else lo = mid;
  }
  return lo;
}

/** The ranges of a new run: [0, ∞) for small types, K equal `created` spans for large ones. */
export async function planCursors(
  gateway: StripeGateway,
  scope: string,
  /** Stripe's "now" as far as we can tell (unix seconds). */
  runStart: number,
  rangesPerType: number,
  signal: AbortSignal,
): Promise<Cursor[]> {
  const oldest = await oldestCustomerDay(gateway, runStart, signal);
  const span = Math.max(1, runStart - oldest);
  const cursors: Cursor[] = [];
  for (const type of BACKFILL_TYPES) {
    if (!SPLIT[type]) {
      cursors.push({
        scope,
        objectType: type,
        rangeStart: 0,
        rangeEnd: null,
        startingAfter: null,
        done: false,
        fetched: 0,
      });
      continue;
    }
    // The first range is open below, so nothing older than the oldest customer (a
    // customer-less charge) is missed, and the last open above, so a clock ahead of ours
    // (Stripe's, the simulator's) cannot hide the newest objects.
    for (let k = 0; k < rangesPerType; k++) {
      const start = k === 0 ? 0 : oldest + Math.floor((span * k) / rangesPerType);
      const end = k === rangesPerType - 1 ? null : oldest + Math.floor((span * (k + 1)) / rangesPerType);
      cursors.push({
        scope,
        objectType: type,
        rangeStart: start,
        rangeEnd: end,
        startingAfter: null,
        done: false,
        fetched: 0,
      });
    }
  }
  return cursors;
}

/** Limits how many pages are in flight at once. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

interface RangeState {
  cursor: Cursor;
  /** `created` of the last object seen (lists run newest first), for the estimate. */
  lastCreated: number | null;
  fetchedThisSession: number;
}

/**
 * Estimated objects of one type: ranges done count what they held; a range in progress
 * extrapolates its density so far (lists run newest first) over its whole span. The open first
 * range is taken to be as long as the others.
 */
function estimate(states: RangeState[], now: number): number | null {
  const spans = states.filter((s) => s.cursor.rangeStart > 0 && s.cursor.rangeEnd !== null);
  const typical = spans.length ? spans[0]!.cursor.rangeEnd! - spans[0]!.cursor.rangeStart : null;
  let total = 0;
  for (const s of states) {
    const c = s.cursor;
    if (c.done) {
      total += c.fetched;
      continue;
    }
    if (s.lastCreated === null || c.fetched === 0 || typical === null) return null;
    const end = c.rangeEnd ?? Math.max(now, s.lastCreated + 1);
    const start = c.rangeStart > 0 ? c.rangeStart : end - typical;
    const covered = end - s.lastCreated;
    if (covered <= 0) return null;
    total += Math.max(c.fetched, Math.round((c.fetched * (end - start)) / covered));
  }
  return total;
}

/**
 * Walks (or resumes) the ranges of run `runId` until done, stopped by `signal`, or failed.
 * A permanent error or exhausted retries in any range stops the others and is rethrown.
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillResult> {
  const { db, gateway, log, runId } = options;
  const scope = `run:${runId}`;
  const startedAt = performance.now();
  const requestsAtStart = gateway.stats.requests;
  let cursors = await loadCursors(db, scope);
  if (!cursors.length) {
    const runStart = Math.floor(Date.now() / 1000);
    cursors = await planCursors(gateway, scope, runStart, options.rangesPerType ?? 4, options.signal);
    await saveCursors(db, cursors);
    log.info({ run: runId, ranges: cursors.length }, 'backfill planned');
  } else {
    log.info(
      { run: runId, ranges: cursors.length, remaining: cursors.filter((c) => !c.done).length },
      'backfill resumed from saved cursors',
    );
  }

  const failure = new AbortController();
  const signal = AbortSignal.any([options.signal, failure.signal]);
  // Every waiting page listens to it: many listeners are expected, not a leak.
  setMaxListeners(0, signal);
  const states = cursors.map((cursor): RangeState => ({ cursor, lastCreated: null, fetchedThisSession: 0 }));
  const driftByType: Record<string, number> = {};
  const drift: DriftCounter | undefined = options.drift
    ? { count: (type, n) => (driftByType[type] = (driftByType[type] ?? 0) + n) }
    : undefined;
  let objects = 0;
  let phase = 'listing';

  const progress = (): RunProgress => {
    const elapsed = Math.max(0.001, (performance.now() - startedAt) / 1000);
    const types: Record<string, TypeProgress> = {};
    for (const type of BACKFILL_TYPES) {
      const mine = states.filter((s) => s.cursor.objectType === type);
      const done = mine.reduce((n, s) => n + s.cursor.fetched, 0);
      const session = mine.reduce((n, s) => n + s.fetchedThisSession, 0);
      const finished = mine.every((s) => s.cursor.done);
      const total = finished ? done : estimate(mine, Date.now() / 1000);
      const rate = session / elapsed;
      types[type] = {
        done,
        estimatedTotal: total,
        rate: Math.round(rate * 10) / 10,
        etaSeconds: finished
          ? 0
          : total !== null && rate > 0
            ? Math.round(Math.max(0, total - done) / rate)
            : null,
        ...(drift ? { drift: driftByType[type] ?? 0 } : {}),
      };
    }
    return { phase, types };
  };

  const beat = async () => {
    const p = progress();
    options.onProgress?.(p);
    await heartbeat(db, runId, { progress: p, requests: gateway.stats.requests - requestsAtStart, objects });
  };
  const timer = setInterval(() => {
    beat().catch((error) => log.warn({ err: error }, 'heartbeat failed'));
  }, options.heartbeatMs ?? 2000);

  const pages = new Semaphore(options.concurrency ?? 16);
  let error: unknown = null;

  const walk = async (state: RangeState) => {
    const c = state.cursor;
    while (!c.done && !signal.aborted) {
      await pages.run(async () => {
        if (signal.aborted) return;
        // The version of everything on this page: when the request was sent (see decision 005).
        const version = Date.now();
        const page = await fetchPage(
          gateway,
          c.objectType as BackfillType,
          { gte: c.rangeStart, lt: c.rangeEnd },
          c.startingAfter,
          signal,
        );
        const next: Cursor = {
          ...c,
          startingAfter: page.lastId ?? c.startingAfter,
          done: !page.hasMore,
          fetched: c.fetched + page.objects.length,
        };
        const written = await writePage(
          db,
          c.objectType as ObjectType,
          page.objects,
          { version, now: new Date() },
          {
            drift,
            alsoInTransaction: (tx) => saveCursors(db, [next], tx),
          },
        );
        Object.assign(c, next);
        state.fetchedThisSession += page.objects.length;
        if (page.lastCreated !== null) state.lastCreated = page.lastCreated;
        objects += page.objects.length;
        if (written.customers.size) await options.onCustomersChanged?.([...written.customers]);
      });
    }
  };

  try {
    await Promise.all(
      states.map((s) =>
        walk(s).catch((e) => {
          if (!signal.aborted || failure.signal.aborted) {
            error ??= e;
            failure.abort(e);
          } else if (!options.signal.aborted) {
            error ??= e;
          }
        }),
      ),
    );
    if (error) throw error;
    const completed = states.every((s) => s.cursor.done);
    if (completed) {
      phase = 'resolving customers';
      objects += await resolvePlaceholders(options, signal);
    }
    phase = completed && !signal.aborted ? 'done' : 'stopped';
    return { completed: completed && !signal.aborted, objects, progress: progress(), drift: driftByType };
  } finally {
    clearInterval(timer);
    if (!error) await beat().catch(() => {});
  }
}

/**
 * Customers referenced by subscriptions or invoices but absent from the customer list were
 * deleted (Stripe lists only live customers): fetch each to record it as deleted.
 */
async function resolvePlaceholders(options: BackfillOptions, signal: AbortSignal): Promise<number> {
  const { db, gateway } = options;
  let resolved = 0;
  const seen = new Set<string>();
  for (;;) {
    const ids = (await placeholderCustomers(db, 100)).filter((id) => !seen.has(id));
    if (!ids.length || signal.aborted) return resolved;
    for (const id of ids) {
      seen.add(id);
      const version = Date.now();
      let customer: Stripe.Customer | Stripe.DeletedCustomer;
      try {
        customer = await retrieveCustomer(gateway, id, signal);
      } catch (e) {
        if ((e as { status?: number }).status !== 404) throw e;
        await writePage(
          db,
          'customers',
          [],
          { version, now: new Date() },
          {
            alsoInTransaction: (tx) => markCustomersDeleted(db, [id], { version, now: new Date() }, tx),
          },
        );
        continue;
      }
      await writePage(db, 'customers', [customer], { version, now: new Date() });
      resolved++;
      await options.onCustomersChanged?.([id]);
    }
  }
}

/**
 * One customer with its default payment method. Not through `expand`: a deleted customer has
 * no invoice_settings to expand, and the request would fail instead of saying it is deleted.
 */
export async function retrieveCustomer(
  gateway: StripeGateway,
  id: string,
  signal?: AbortSignal,
): Promise<Stripe.Customer | Stripe.DeletedCustomer> {
  const customer = await gateway.call(`retrieving customer ${id}`, (s) => s.customers.retrieve(id), signal);
  const pm = customer.deleted ? null : customer.invoice_settings?.default_payment_method;
  if (customer.deleted || typeof pm !== 'string') return customer;
  const method = await gateway.call(
    `retrieving payment method ${pm}`,
    (s) => s.paymentMethods.retrieve(pm),
    signal,
  );
  return { ...customer, invoice_settings: { ...customer.invoice_settings, default_payment_method: method } };
}
