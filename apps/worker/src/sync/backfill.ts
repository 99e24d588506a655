/**
 * Full backfill and reconciliation: every object type listed at 100 a page; the large types
 * split into `created` ranges walked in parallel, so the sync is bound by the rate limit rather
 * than by round trips. Every range saves its cursor with each page (same transaction as the
 * rows), so a run killed anywhere resumes without gaps or duplicates.
 */
import { setMaxListeners } from 'node:events';
import { type Database, deferIndexesWhileEmpty, restoreDeferredIndexes } from '@medpro/db';
import type Stripe from 'stripe';
import { type BatchWriter, batchWriter } from './batch-writer.ts';
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
  type PageWrite,
  placeholderCustomers,
  type WriteResult,
  writePages,
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
  /** Pages fetched at once across all ranges (default 32: the rate × latency, with room). */
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
          // The analytics engine needs each discount's coupon (once vs. recurring) to rebuild
          // MRR; the payments link charges to their invoice.
          return stripe.invoices.list({
            ...base,
            created,
            expand: INVOICE_EXPAND.map((field) => `data.${field}`),
          });
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

/**
 * An embedded list (a subscription's items, an invoice's lines or payments) holds 10 entries at
 * most: the rest come from the list's own endpoint, after its last entry.
 */
async function completeList<T extends { id: string }>(
  gateway: StripeGateway,
  what: string,
  embedded: Stripe.ApiList<T> | undefined,
  list: (stripe: Stripe, startingAfter: string) => Promise<Stripe.ApiList<T>>,
  signal?: AbortSignal,
): Promise<T[]> {
  const all = [...(embedded?.data ?? [])];
  let more = embedded?.has_more ?? false;
  while (more && all.length) {
    const page = await gateway.call(what, (stripe) => list(stripe, all[all.length - 1]!.id), signal);
    all.push(...page.data);
    more = page.has_more && page.data.length > 0;
  }
  return all;
}

export async function completeSubscription(
  gateway: StripeGateway,
  subscription: Stripe.Subscription,
  signal?: AbortSignal,
): Promise<FullSubscription> {
  const items = await completeList(
    gateway,
    `listing items of ${subscription.id}`,
    subscription.items,
    (stripe, startingAfter) =>
      stripe.subscriptionItems.list({
        subscription: subscription.id,
        limit: PAGE_SIZE,
        starting_after: startingAfter,
      }),
    signal,
  );
  return { subscription, items };
}

/** Invoices are fetched with `payments` expanded (Stripe leaves them out otherwise). */
export const INVOICE_EXPAND = ['discounts', 'payments'];

export async function completeInvoice(
  gateway: StripeGateway,
  invoice: Stripe.Invoice,
  signal?: AbortSignal,
): Promise<FullInvoice> {
  const [lines, payments] = await Promise.all([
    completeList(
      gateway,
      `listing lines of ${invoice.id}`,
      invoice.lines,
      (stripe, startingAfter) =>
        stripe.invoices.listLineItems(invoice.id, { limit: PAGE_SIZE, starting_after: startingAfter }),
      signal,
    ),
    completeList(
      gateway,
      `listing payments of ${invoice.id}`,
      invoice.payments,
      (stripe, startingAfter) =>
        stripe.invoicePayments.list({ invoice: invoice.id, limit: PAGE_SIZE, starting_after: startingAfter }),
      signal,
    ),
  ]);
  return { invoice, lines, payments };
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

/** A fetched page on its way to the database, with the cursors its range reaches by it. */
interface QueuedPage {
  /** Released once handed to the batch writer (a thread has its own copy by then). */
  page: PageWrite | null;
  cursors: Cursor[];
  /** With what the page's commit changed, or null when the backfill stopped before writing it. */
  resolve: (result: WriteResult | null) => void;
  reject: (error: unknown) => void;
}

/** The cursors of a batch, the latest of each range (pages of one range queue in order). */
function latestCursors(batch: readonly QueuedPage[]): Cursor[] {
  const byRange = new Map<string, Cursor>();
  for (const c of batch.flatMap((q) => q.cursors)) byRange.set(`${c.objectType}:${c.rangeStart}`, c);
  return [...byRange.values()];
}

/**
 * The backfill's writer: fetched pages queue here and are committed in batches (see
 * batch-writer.ts), each batch one transaction holding every page's rows and its range's
 * cursor, while fetching goes on. One writer on either dialect: SQLite has one anyway, and on
 * MySQL concurrent multi-page transactions deadlock on each other's upserts. A range queues a
 * few pages ahead of its commits (backpressure, flat memory; see BatchLimits), in order, so its
 * stored cursor only moves forward. Once the backfill stops, pages still queued are dropped:
 * their ranges resume from the cursors of the pages committed.
 */
class PageWriter {
  private readonly queue: QueuedPage[] = [];
  private writing: Promise<void> | null = null;
  private closed: Promise<void> | null = null;
  constructor(
    private readonly batches: BatchWriter,
    private readonly drift: DriftCounter | undefined,
    private readonly signal: AbortSignal,
  ) {}

  /** Pages a range may have queued ahead of its commits. */
  get queuedPerRange(): number {
    return this.batches.limits.queuedPerRange;
  }

  write(page: PageWrite, cursors: Cursor[]): Promise<WriteResult | null> {
    return new Promise((resolve, reject) => {
      // Snapshots: a walker moves its cursor on (a new range's from its first page) before
      // this page commits.
      this.queue.push({ page, cursors: cursors.map((c) => ({ ...c })), resolve, reject });
      this.pump();
    });
  }

  /** Waits for the batch being written, then releases the batch writer (once). */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.writing;
      await this.batches.close();
    })();
    return this.closed;
  }

  private pump(): void {
    if (this.signal.aborted) for (const q of this.queue.splice(0)) q.resolve(null);
    if (this.writing || !this.queue.length) return;
    this.writing = this.commit(this.queue.splice(0, this.batches.limits.pagesPerBatch)).finally(() => {
      this.writing = null;
      this.pump();
    });
  }

  private async commit(batch: QueuedPage[]): Promise<void> {
    try {
      const written = this.batches.commit({
        pages: batch.map((q) => q.page!),
        cursors: latestCursors(batch),
      });
      for (const q of batch) q.page = null;
      const outcome = await written;
      for (const [type, n] of Object.entries(outcome.drift)) this.drift?.count(type, n);
      for (const [i, q] of batch.entries()) q.resolve({ customers: new Set(outcome.customers[i]) });
    } catch (error) {
      for (const q of batch) q.reject(error);
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

/** A range is split only if the part left below its position spans at least this (seconds). */
const MIN_SPLIT_SPAN = 2 * DAY;

/**
 * Splits a range that has more pages while fewer ranges than pages in flight are walking (the
 * others finished: a single long range would otherwise be walked one round trip at a time).
 * `cursor` — the range after its latest page, whose last object was created at `position` —
 * becomes [mid, end), walking on from where it is (lists run newest first, and `starting_after`
 * names an object inside the narrowed range, since mid ≤ position); the part left below
 * becomes a new range [start, mid) from its top, stored under the old range's key. Both
 * cursors are saved with the page, so a resumed run finds them and nothing in between.
 * Open-below ranges (start 0) are not split: their real start is unknown.
 */
function split(cursor: Cursor, position: number | null, idle: boolean): Cursor | null {
  if (!idle || position === null || cursor.rangeStart <= 0) return null;
  if (position - cursor.rangeStart < MIN_SPLIT_SPAN) return null;
  const mid = cursor.rangeStart + Math.floor((position - cursor.rangeStart) / 2);
  const low: Cursor = { ...cursor, rangeEnd: mid, startingAfter: null, done: false, fetched: 0 };
  cursor.rangeStart = mid;
  return low;
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
  // A first backfill into an empty SQLite mirror builds most secondary indexes at its end.
  const deferred = await deferIndexesWhileEmpty(db.sequelize);
  if (deferred) log.info({ run: runId }, 'secondary indexes deferred until the backfill ends');

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

  const requests = new Semaphore(options.concurrency ?? 32);
  const writer = new PageWriter(batchWriter(db, drift !== undefined), drift, signal);
  let error: unknown = null;
  const fail = (e: unknown) => {
    error ??= e;
    failure.abort(e);
  };

  const target = options.concurrency ?? 32;
  const walking = new Set<Promise<void>>();

  const walk = async (state: RangeState, after: Promise<void>) => {
    const c = state.cursor;
    // Commits of this range's queued pages, oldest first: the next page is fetched meanwhile.
    const queued: Promise<void>[] = [after];
    try {
      while (!c.done && !signal.aborted) {
        // The version of everything on this page: when the request was sent (see decision 007).
        const version = Date.now();
        const page = await requests.run(() =>
          fetchPage(
            gateway,
            c.objectType as BackfillType,
            { gte: c.rangeStart, lt: c.rangeEnd },
            c.startingAfter,
            signal,
          ),
        );
        while (queued.length >= writer.queuedPerRange) await queued.shift();
        if (signal.aborted) break;
        const next: Cursor = {
          ...c,
          startingAfter: page.lastId ?? c.startingAfter,
          done: !page.hasMore,
          fetched: c.fetched + page.objects.length,
        };
        if (page.lastCreated !== null) state.lastCreated = page.lastCreated;
        const low = next.done ? null : split(next, state.lastCreated, walking.size < target);
        // The range walks on from here; `done` and the stored cursors follow at the commit.
        Object.assign(c, {
          rangeStart: next.rangeStart,
          startingAfter: next.startingAfter,
          fetched: next.fetched,
        });
        const stamp = { version, now: new Date() };
        const count = page.objects.length;
        const committed = writer
          .write(
            { type: c.objectType as ObjectType, objects: page.objects, stamp },
            low ? [next, low] : [next],
          )
          .then(async (written) => {
            if (!written) return;
            c.done = next.done;
            state.fetchedThisSession += count;
            objects += count;
            if (written.customers.size) await options.onCustomersChanged?.([...written.customers]);
          });
        // A failed commit stops every range now, not when this one next waits for it.
        committed.catch(fail);
        queued.push(committed);
        if (low) {
          const lowState: RangeState = { cursor: low, lastCreated: null, fetchedThisSession: 0 };
          states.push(lowState);
          start(lowState, committed);
        }
        if (next.done) break;
      }
    } finally {
      await Promise.allSettled(queued);
    }
  };
  const start = (state: RangeState, after: Promise<void>) => {
    const running = walk(state, after).catch((e) => {
      if (!signal.aborted || failure.signal.aborted) fail(e);
      else if (!options.signal.aborted) error ??= e;
    });
    walking.add(running);
    void running.finally(() => walking.delete(running));
  };

  try {
    for (const state of states) start(state, Promise.resolve());
    // Ranges split while walking start walkers of their own.
    while (walking.size) await Promise.all([...walking]);
    await writer.close();
    if (error) throw error;
    const completed = states.every((s) => s.cursor.done);
    if (completed) {
      phase = 'resolving customers';
      objects += await resolvePlaceholders(options, signal, requests);
    }
    const finished = completed && !signal.aborted;
    if (finished && deferred) await buildDeferredIndexes();
    phase = finished ? 'done' : 'stopped';
    return { completed: finished, objects, progress: progress(), drift: driftByType };
  } catch (e) {
    // A failed run is not resumed by itself: the admin app and analytics need the indexes now.
    // A stopped one keeps them deferred for the run that resumes it.
    if (deferred && !options.signal.aborted) {
      await buildDeferredIndexes().catch((indexError) =>
        log.error(
          { run: runId, err: indexError },
          'building the deferred indexes failed; the next backfill retries',
        ),
      );
    }
    throw e;
  } finally {
    await writer.close();
    clearInterval(timer);
    if (!error) await beat().catch(() => {});
  }

  async function buildDeferredIndexes() {
    phase = 'building indexes';
    await beat().catch(() => {});
    const started = performance.now();
    const built = await restoreDeferredIndexes(db.sequelize);
    log.info(
      { run: runId, indexes: built, ms: Math.round(performance.now() - started) },
      'deferred indexes built',
    );
  }
}

/**
 * Customers referenced by subscriptions or invoices but absent from the customer list were
 * deleted (Stripe lists only live customers): fetch each (at once, under the rate limit) to
 * record it as deleted, a hundred per transaction.
 */
async function resolvePlaceholders(
  options: BackfillOptions,
  signal: AbortSignal,
  requests: Semaphore,
): Promise<number> {
  const { db, gateway } = options;
  let resolved = 0;
  const seen = new Set<string>();
  for (;;) {
    const ids = (await placeholderCustomers(db, 100)).filter((id) => !seen.has(id));
    if (!ids.length || signal.aborted) return resolved;
    for (const id of ids) seen.add(id);
    const version = Date.now();
    const found = await Promise.all(
      ids.map((id) =>
        requests.run(async () => {
          try {
            return await retrieveCustomer(gateway, id, signal);
          } catch (e) {
            if ((e as { status?: number }).status !== 404) throw e;
            return null;
          }
        }),
      ),
    );
    const customers = found.filter((c) => c !== null);
    const unknown = ids.filter((_, i) => found[i] === null);
    const stamp = { version, now: new Date() };
    const [written] = await writePages(db, [{ type: 'customers', objects: customers, stamp }], {
      alsoInTransaction: (q) => markCustomersDeleted(q, unknown, stamp),
    });
    resolved += customers.length;
    if (written?.customers.size) await options.onCustomersChanged?.([...written.customers]);
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
