/**
 * The analytics engine: rebuilds MRR history, movements, customer metrics and the daily account
 * table from the mirror tables. Customers are processed in keyset-paginated chunks (their
 * subscriptions, lines, invoices and charges fetched per chunk, results written per chunk in one
 * transaction); the daily table is then swept from per-day sums grouped in SQL.
 * The math is @medpro/metrics; this file only maps rows to its inputs and back.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import {
  type ChunkInputs,
  type ChunkResults,
  type CustomerFiguresOut,
  customerIdsAfter,
  type DailyRowOut,
  type Database,
  type EngineCoupon,
  type EnginePrice,
  levelsBefore,
  loadCatalog,
  loadChunkInputs,
  loadDailyInputs,
  movementKeys,
  readSettings,
  refreshCurrentPlans,
  SETTING_KEYS,
  storedLevels,
  trialsRunningBefore,
  writeChunkResults,
  writeDailyRows,
} from '@medpro/db';
import {
  addDays,
  type CouponInput,
  type CustomerMovement,
  type CustomerSpan,
  convertToReporting,
  customerHealth,
  customerMovements,
  customerSpans,
  type Day,
  type HistoryLine,
  type HistorySubscription,
  type MetricSettings,
  netRevenueCollected,
  normalizeMetricSettings,
  type PriceInput,
  type SubscriptionHistory,
  type SubscriptionStatus,
  subscriptionHistory,
  toDay,
} from '@medpro/metrics';
import { inTransaction } from '../sync/store.ts';
import { startThread } from '../threads.ts';
import type { ChunkReply, ChunkThreadData } from './chunk-thread.ts';

export interface EngineOptions {
  /** The computation day (UTC): history runs through its end. */
  today: Day;
  now?: Date;
  /** Customers per chunk (default 2000). */
  chunkSize?: number;
  /** Overrides the stored settings (tests). */
  settings?: MetricSettings;
  /** Worker threads for a full rebuild (default: one per core, up to two). */
  threads?: number;
}

export interface CustomerFailure {
  customerId: string;
  error: string;
}

export interface RebuildReport {
  /** Customers whose figures could not be computed (their previous rows were kept). */
  failures: CustomerFailure[];
  customers: number;
  chunks: number;
  spans: number;
  movements: number;
  days: number;
  settingsVersion: number;
}

/** Rules from the settings table (validated; defaults when absent) and their version. */
export async function loadMetricSettings(
  db: Database,
): Promise<{ settings: MetricSettings; version: number }> {
  const stored = await readSettings(db, [SETTING_KEYS.metrics, SETTING_KEYS.metricsVersion]);
  const settings = normalizeMetricSettings(stored.get(SETTING_KEYS.metrics)?.value ?? undefined);
  const v = stored.get(SETTING_KEYS.metricsVersion)?.value as { version?: unknown } | null | undefined;
  return { settings, version: typeof v?.version === 'number' ? v.version : 0 };
}

function priceInput(p: EnginePrice): PriceInput {
  return {
    id: p.id,
    product: p.productId,
    currency: p.currency,
    unit_amount: p.unitAmount,
    unit_amount_decimal: p.unitAmountDecimal,
    interval: (p.interval ?? 'month') as PriceInput['interval'],
    interval_count: p.intervalCount ?? 1,
    usage_type: (p.usageType ?? 'licensed') as PriceInput['usage_type'],
    billing_scheme: (p.billingScheme ?? 'per_unit') as PriceInput['billing_scheme'],
    tiers_mode: p.tiersMode as PriceInput['tiers_mode'],
    tiers: (p.tiers ?? null) as PriceInput['tiers'],
  };
}

function couponInput(c: EngineCoupon): CouponInput {
  return {
    id: c.id,
    percent_off: c.percentOff,
    amount_off: c.amountOff,
    currency: c.currency,
    duration: c.duration as CouponInput['duration'],
    duration_in_months: c.durationInMonths,
  };
}

const dayOf = (msValue: number | null): Day | null => (msValue === null ? null : toDay(new Date(msValue)));

export interface Catalog {
  prices: Map<string, PriceInput>;
  productOfPrice: Map<string, string | null>;
  coupons: Map<string, CouponInput>;
}

export async function loadEngineCatalog(db: Database): Promise<Catalog> {
  const c = await loadCatalog(db);
  return {
    prices: new Map([...c.prices].map(([id, p]) => [id, priceInput(p)])),
    productOfPrice: new Map([...c.prices].map(([id, p]) => [id, p.productId])),
    coupons: new Map([...c.coupons].map(([id, x]) => [id, couponInput(x)])),
  };
}

interface CustomerComputation {
  histories: SubscriptionHistory[];
  spans: CustomerSpan[];
  movements: CustomerMovement[];
}

function groupBy<T>(list: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of list) {
    const k = key(x);
    const l = out.get(k);
    if (l) l.push(x);
    else out.set(k, [x]);
  }
  return out;
}

function emptyResults(): ChunkResults {
  return { spans: [], movements: [], productMovements: [], priceMovements: [], figures: [] };
}

/** Computes one chunk: spans and movements per customer, and the current figures/scores. */
export function computeChunk(
  inputs: ChunkInputs,
  cat: Catalog,
  today: Day,
  settings: MetricSettings,
  visit?: (customer: ChunkInputs['customers'][number], c: CustomerComputation, data: CustomerData) => void,
): ChunkResults & { failures: CustomerFailure[] } {
  const horizon = addDays(today, 1);
  const subsByCustomer = groupBy(inputs.subscriptions, (s) => s.customerId);
  const itemsBySub = groupBy(inputs.items, (i) => i.subscriptionId);
  const linesBySub = groupBy(inputs.lines, (l) => l.subscriptionId);
  const invoicesBySub = groupBy(
    inputs.invoices.filter((i) => i.subscriptionId),
    (i) => i.subscriptionId!,
  );
  const invoicesByCustomer = groupBy(inputs.invoices, (i) => i.customerId);
  const chargesByCustomer = groupBy(inputs.charges, (c) => c.customerId);
  const chargesByInvoice = groupBy(
    inputs.charges.filter((c) => c.invoiceId),
    (c) => c.invoiceId!,
  );
  const refundsByCustomer = groupBy(inputs.refunds, (r) => r.customerId);
  const pmsByCustomer = groupBy(inputs.paymentMethods, (p) => p.customerId);

  const out: ChunkResults & { failures: CustomerFailure[] } = { ...emptyResults(), failures: [] };
  for (const customer of inputs.customers) {
    const mine = emptyResults();
    try {
      const subs = subsByCustomer.get(customer.id) ?? [];
      const histories: SubscriptionHistory[] = [];
      for (const s of subs) {
        const lines: HistoryLine[] = [];
        for (const l of linesBySub.get(s.id) ?? []) {
          const price = l.priceId ? cat.prices.get(l.priceId) : undefined;
          if (!price) continue;
          const couponId = l.discountId ? inputs.discountCoupons.get(l.discountId) : undefined;
          lines.push({
            itemId: l.itemId,
            price,
            quantity: l.quantity ?? 1,
            startMs: l.startMs,
            endMs: l.endMs,
            proration: l.proration,
            amount: l.amount,
            coupon: (couponId && cat.coupons.get(couponId)) || null,
          });
        }
        const invoices = invoicesBySub.get(s.id) ?? [];
        const unpaidMs =
          s.status === 'unpaid' ? Math.max(0, ...invoices.map((i) => i.uncollectibleMs ?? 0)) || null : null;
        // First failed attempt on a still-unpaid invoice: when the current past_due episode began.
        let pastDueSince: Day | null = null;
        if (s.status === 'past_due') {
          const failed = invoices
            .filter((i) => i.status === 'open')
            .flatMap((i) => chargesByInvoice.get(i.id) ?? [])
            .filter((c) => c.status === 'failed')
            .map((c) => c.createdMs);
          if (failed.length) pastDueSince = dayOf(Math.min(...failed));
        }
        const sub: HistorySubscription = {
          id: s.id,
          status: s.status as SubscriptionStatus,
          start_date: dayOf(s.startMs),
          ended_at: dayOf(s.endedMs),
          trial_end: dayOf(s.trialEndMs),
          cancel_at_period_end: s.cancelAtPeriodEnd,
          cancel_at: dayOf(s.cancelAtMs),
          canceled_at: dayOf(s.canceledAtMs),
          past_due_since: pastDueSince,
          unpaid_since: dayOf(unpaidMs),
          currentPeriodStartMs: s.currentPeriodStartMs,
          currentItems: (itemsBySub.get(s.id) ?? []).flatMap((i) => {
            const price = i.priceId ? cat.prices.get(i.priceId) : undefined;
            return price ? [{ id: i.itemId, price, quantity: i.quantity ?? 1 }] : [];
          }),
        };
        if (sub.currentItems.length === 0 && lines.length === 0) continue;
        histories.push(subscriptionHistory(sub, lines, horizon, settings));
      }
      const spans = customerSpans(histories);
      const movements = customerMovements(spans);
      const currency = (
        customer.currency ??
        histories[0]?.currency ??
        settings.reportingCurrency
      ).toUpperCase();
      for (const s of spans) {
        mine.spans.push({
          customerId: customer.id,
          start: s.start,
          end: s.end,
          mrr: s.mrr,
          currency,
          mrrReporting: s.mrrReporting,
          subscriptionIds: s.subscriptionIds,
        });
      }
      const movementOut = (m: CustomerMovement) => ({
        customerId: customer.id,
        day: m.day,
        type: m.type,
        amount: m.amount,
        currency,
        reportingAmount: m.reportingAmount,
        reportingCurrency: settings.reportingCurrency,
        subscriptionIds: m.subscriptionIds,
      });
      mine.movements.push(...movements.map(movementOut));
      // The same movements per product, as if each product's parts of the subscriptions were a
      // customer; per price too where the product had several prices (one price's are the product's).
      const byProduct = groupBy(
        histories.flatMap((h) => h.prices.map((p) => ({ ...p, subscriptionId: h.subscriptionId }))),
        (p) => p.productId,
      );
      for (const [productId, parts] of byProduct) {
        const byPrice = groupBy(parts, (p) => p.priceId);
        const onlyPrice = byPrice.size === 1 ? parts[0]!.priceId : null;
        for (const m of customerMovements(customerSpans(parts)))
          mine.productMovements.push({ ...movementOut(m), productId, priceId: onlyPrice });
        if (onlyPrice !== null) continue;
        for (const [priceId, priceParts] of byPrice) {
          for (const m of customerMovements(customerSpans(priceParts)))
            mine.priceMovements.push({ ...movementOut(m), productId, priceId });
        }
      }
      const computation: CustomerComputation = { histories, spans, movements };
      const data: CustomerData = {
        subscriptions: subs,
        invoices: invoicesByCustomer.get(customer.id) ?? [],
        charges: chargesByCustomer.get(customer.id) ?? [],
        refunds: refundsByCustomer.get(customer.id) ?? [],
        paymentMethods: pmsByCustomer.get(customer.id) ?? [],
        linesBySub,
      };
      visit?.(customer, computation, data);
      mine.figures.push(customerFigures(customer, computation, data, currency, today, settings));
    } catch (error) {
      // One customer's bad data (e.g. a tiered price without tiers) must not stop the others:
      // their previous rows stay, and the error is reported with the customer id.
      out.failures.push({
        customerId: customer.id,
        error: error instanceof Error ? error.message : String(error),
      });
      continue;
    }
    out.spans.push(...mine.spans);
    out.movements.push(...mine.movements);
    out.productMovements.push(...mine.productMovements);
    out.priceMovements.push(...mine.priceMovements);
    out.figures.push(...mine.figures);
  }
  return out;
}

const MRR_STATUS_ORDER = ['past_due', 'active', 'trialing', 'unpaid', 'paused', 'incomplete', 'canceled'];

function mrrOn(spans: readonly { start: Day; end: Day | null; mrr: number }[], day: Day): number {
  return spans.find((s) => s.start <= day && (s.end === null || day < s.end))?.mrr ?? 0;
}

interface CustomerData {
  subscriptions: ChunkInputs['subscriptions'];
  invoices: ChunkInputs['invoices'];
  charges: ChunkInputs['charges'];
  refunds: ChunkInputs['refunds'];
  paymentMethods: ChunkInputs['paymentMethods'];
  linesBySub: Map<string, ChunkInputs['lines']>;
}

/**
 * Inputs of `customerHealth` as they stood at the end of `asOf`, from the mirror rows and the
 * computed history. Used for today's scores and (in tests) for back-testing past days.
 */
export function healthInputsAsOf(
  customer: ChunkInputs['customers'][number],
  c: CustomerComputation,
  data: CustomerData,
  asOf: Day,
) {
  const endMs = Date.parse(`${asOf}T00:00:00Z`) + 86_400_000;
  const since90 = endMs - 90 * 86_400_000;
  const charges = data.charges.filter((ch) => ch.createdMs < endMs);
  const failedPayments90d = charges.filter((ch) => ch.status === 'failed' && ch.createdMs >= since90).length;
  const succeeded = charges.filter((ch) => ch.status === 'succeeded' || ch.paid).map((ch) => ch.createdMs);
  const live = data.subscriptions.filter(
    (s) => (s.startMs ?? s.createdMs ?? 0) < endMs && (s.endedMs === null || s.endedMs >= endMs),
  );
  // Past due at asOf: an invoice of a live subscription had a failed attempt and was not yet paid.
  const liveIds = new Set(live.map((s) => s.id));
  const pastDue = data.invoices.some((inv) => {
    if (!inv.subscriptionId || !liveIds.has(inv.subscriptionId)) return false;
    if (inv.paidMs !== null && inv.paidMs < endMs) return false;
    if (inv.uncollectibleMs !== null && inv.uncollectibleMs < endMs) return false;
    return charges.some((ch) => ch.invoiceId === inv.id && ch.status === 'failed');
  });
  const cancellationScheduled = live.some(
    (s) =>
      s.canceledAtMs !== null && s.canceledAtMs < endMs && (s.cancelAtPeriodEnd || s.cancelAtMs !== null),
  );
  const contractions = c.movements.filter((m) => m.type === 'contraction' && m.day <= asOf).map((m) => m.day);
  // The period (from the subscription's regular lines) that contains asOf gives the next renewal.
  let nextRenewalMs: number | null = null;
  let longestIntervalDays = 31;
  for (const s of live) {
    for (const l of data.linesBySub.get(s.id) ?? []) {
      if (l.proration || l.startMs >= endMs || l.endMs < endMs) continue;
      if (nextRenewalMs === null || l.endMs < nextRenewalMs) nextRenewalMs = l.endMs;
      longestIntervalDays = Math.max(longestIntervalDays, Math.round((l.endMs - l.startMs) / 86_400_000) + 1);
    }
  }
  const pm =
    data.paymentMethods.find((p) => p.id === customer.defaultPaymentMethodId) ??
    [...data.paymentMethods]
      .filter((p) => (p.createdMs ?? 0) < endMs)
      .sort((a, b) => (b.createdMs ?? 0) - (a.createdMs ?? 0))[0];
  const firstMrr = c.spans[0]?.start ?? null;
  return {
    asOf,
    failedPayments90d,
    pastDue,
    // Stripe's delinquent flag is only known as of now; the caller sets it for today.
    delinquent: false,
    cancellationScheduled,
    lastContractionDay: contractions.length ? contractions[contractions.length - 1]! : null,
    card: pm?.expMonth && pm.expYear ? { month: pm.expMonth, year: pm.expYear } : null,
    nextRenewalDay: dayOf(nextRenewalMs),
    customerSince: firstMrr !== null && firstMrr <= asOf ? firstMrr : null,
    mrrNow: mrrOn(c.spans, asOf),
    mrr90DaysAgo: mrrOn(c.spans, addDays(asOf, -90)),
    lastSuccessfulPaymentDay: succeeded.length ? dayOf(Math.max(...succeeded)) : null,
    expectedPaymentIntervalDays: longestIntervalDays,
  };
}

function customerFigures(
  customer: ChunkInputs['customers'][number],
  c: CustomerComputation,
  data: CustomerData,
  currency: string,
  today: Day,
  settings: MetricSettings,
): CustomerFiguresOut {
  const mrr = mrrOn(c.spans, today);
  const current = c.spans.find((s) => s.start <= today && (s.end === null || today < s.end));
  const statuses = data.subscriptions.map((s) => s.status);
  const subscriptionStatus =
    statuses.length === 0 ? 'none' : (MRR_STATUS_ORDER.find((st) => statuses.includes(st)) ?? statuses[0]!);
  const paid = data.invoices.filter((i) => i.status === 'paid');
  const net = netRevenueCollected(
    paid.map((i) => ({
      id: i.id,
      status: 'paid' as const,
      total: i.amountPaid,
      tax: i.tax,
      currency: i.currency,
    })),
    data.refunds
      .filter((r) => r.status === null || r.status === 'succeeded' || r.status === 'pending')
      .map((r) => ({ amount: r.amount, currency: r.currency, invoiceId: r.invoiceId })),
    settings,
  );
  // Lifetime value in the customer's currency (the plan's column); the reporting figure is in the factors' context.
  const ltv = net.byCurrency[currency] ?? 0;
  const totalRevenue = paid
    .filter((i) => i.currency.toUpperCase() === currency)
    .reduce((a, i) => a + i.amountPaid, 0);
  const lastPaid = Math.max(0, ...paid.map((i) => i.paidMs ?? 0));
  const inputs = healthInputsAsOf(customer, c, data, today);
  const health = customerHealth({ ...inputs, delinquent: customer.delinquent });
  const factors = health.factors.map((f) => ({
    factor: f.factor,
    value: f.value,
    impact: f.impact,
    labelKey: f.labelKey,
    params: f.params,
    label: f.label,
  }));
  const riskFactors = health.factors.map((f) => ({
    factor: f.factor,
    value: f.value,
    weight: f.weight,
    labelKey: f.labelKey,
    params: f.params,
    label: f.label,
  }));
  return {
    customerId: customer.id,
    currency,
    mrr,
    mrrReporting: current?.mrrReporting ?? 0,
    subscriptionStatus,
    subscriptionCount: data.subscriptions.length,
    activeSubscriptionCount: current?.subscriptionIds.length ?? 0,
    totalRevenue,
    lifetimeValue: ltv,
    averageOrderValue: paid.length ? Math.round(totalRevenue / paid.length) : 0,
    lastPaymentAt: lastPaid ? new Date(lastPaid) : null,
    healthScore: health.healthScore,
    churnRiskScore: health.churnRisk,
    healthFactors: factors,
    churnRiskFactors: { logit: health.churnRiskLogit, factors: riskFactors },
    firstMrrDate: c.spans[0]?.start ?? null,
  };
}

/** One computed chunk, as the main thread writes it. */
export type ChunkOutcome = ChunkResults & { failures: CustomerFailure[]; customers: number };

/** Computes chunks of customers: in this thread, or spread over worker threads. */
interface ChunkComputer {
  /** How many chunks are worth having in flight at once. */
  parallel: number;
  compute(ids: string[]): Promise<ChunkOutcome>;
  close(): Promise<void>;
}

function computeHere(db: Database, cat: Catalog, today: Day, settings: MetricSettings): ChunkComputer {
  return {
    // Two in flight: the next chunk's reads run in SQLite's threads while this one is computed.
    parallel: 2,
    async compute(ids) {
      const inputs = await loadChunkInputs(db, ids);
      return { customers: inputs.customers.length, ...computeChunk(inputs, cat, today, settings) };
    },
    async close() {},
  };
}

function computeInThreads(
  db: Database,
  cat: Catalog,
  today: Day,
  settings: MetricSettings,
  threads: number,
): ChunkComputer {
  const data: ChunkThreadData = { url: db.url, catalog: cat, today, settings };
  const workers = Array.from({ length: threads }, () =>
    startThread(new URL('./chunk-thread.ts', import.meta.url), data),
  );
  const exited = workers.map((w) => new Promise<void>((resolve) => w.once('exit', () => resolve())));
  const idle = [...workers];
  const waiting: ((w: Worker) => void)[] = [];
  const release = (w: Worker) => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };
  return {
    parallel: threads + 1,
    async compute(ids) {
      const w = idle.pop() ?? (await new Promise<Worker>((r) => waiting.push(r)));
      try {
        return await new Promise<ChunkOutcome>((resolve, reject) => {
          const done = () => {
            w.off('message', onMessage);
            w.off('error', onError);
            w.off('exit', onExit);
          };
          const onMessage = (reply: ChunkReply) => {
            done();
            if (reply.ok) resolve(reply.outcome);
            else reject(new Error(`analytics thread failed: ${reply.error}`));
          };
          const onError = (error: Error) => {
            done();
            reject(error);
          };
          const onExit = (code: number) => {
            done();
            reject(new Error(`analytics thread exited with code ${code}`));
          };
          w.on('message', onMessage);
          w.on('error', onError);
          w.on('exit', onExit);
          w.postMessage(ids);
        });
      } finally {
        release(w);
      }
    },
    async close() {
      // Every chunk has settled by now: each thread closes its connection and ends by itself
      // (ending it mid-query would take the process down in the SQLite driver).
      for (const w of workers) w.postMessage(null);
      await Promise.all(exited);
    },
  };
}

/** Threads for a full rebuild: one per core up to two, none for an in-memory database. */
function rebuildThreads(db: Database, options: EngineOptions): number {
  if (options.threads !== undefined) return options.threads;
  if (db.config.dialect === 'sqlite' && db.config.storage === ':memory:') return 1;
  return Math.min(2, availableParallelism());
}

/** The customer ids in chunks: given ones, or every customer by keyset pagination. */
async function* chunksOf(
  db: Database,
  ids: readonly string[] | null,
  size: number,
): AsyncGenerator<string[]> {
  if (ids !== null) {
    for (let i = 0; i < ids.length; i += size) yield ids.slice(i, i + size);
    return;
  }
  let after: string | null = null;
  for (;;) {
    const chunk = await customerIdsAfter(db, after, size);
    if (!chunk.length) return;
    yield chunk;
    after = chunk[chunk.length - 1]!;
  }
}

/** Recomputes the given customers (all customers, chunk by chunk, when `ids` is null). */
async function recomputeCustomers(
  db: Database,
  ids: readonly string[] | null,
  cat: Catalog,
  settings: MetricSettings,
  options: EngineOptions,
): Promise<{
  customers: number;
  chunks: number;
  spans: number;
  movements: number;
  firstChangedDay: Day | null;
  failures: CustomerFailure[];
}> {
  const now = options.now ?? new Date();
  const totals = {
    customers: 0,
    chunks: 0,
    spans: 0,
    movements: 0,
    firstChangedDay: null as Day | null,
    failures: [] as CustomerFailure[],
  };
  const record = async (chunk: string[], results: ChunkOutcome) => {
    const failed = new Set(results.failures.map((f) => f.customerId));
    const written = chunk.filter((id) => !failed.has(id));
    totals.failures.push(...results.failures);
    if (ids !== null) {
      // Only the days from the first differing movement on need re-aggregating.
      const before = await movementKeys(db, written);
      const afterKeys = results.movements.map((m) => ({
        day: m.day,
        key: `${m.day}|${m.customerId}|${m.type}|${m.amount}|${m.reportingAmount}`,
      }));
      const a = new Set(before.map((x) => x.key));
      const b = new Set(afterKeys.map((x) => x.key));
      for (const x of [...before.filter((k) => !b.has(k.key)), ...afterKeys.filter((k) => !a.has(k.key))]) {
        if (totals.firstChangedDay === null || x.day < totals.firstChangedDay) totals.firstChangedDay = x.day;
      }
    }
    if (written.length)
      await writeChunkResults(
        db,
        written,
        results,
        options.today,
        now,
        (fn) => inTransaction(db, fn),
        ids !== null,
      );
    totals.customers += results.customers;
    totals.chunks++;
    totals.spans += results.spans.length;
    totals.movements += results.movements.length;
  };

  const threads = ids === null ? rebuildThreads(db, options) : 1;
  const computer =
    threads > 1
      ? computeInThreads(db, cat, options.today, settings, threads)
      : computeHere(db, cat, options.today, settings);
  // Chunks are computed while earlier ones are written; a failure stops handing out new ones.
  const pending = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  try {
    for await (const chunk of chunksOf(db, ids, options.chunkSize ?? 2000)) {
      if (failure) break;
      const job = computer
        .compute(chunk)
        .then((outcome) => record(chunk, outcome))
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => pending.delete(job));
      pending.add(job);
      if (pending.size >= computer.parallel) await Promise.race(pending);
    }
    await Promise.all(pending);
  } finally {
    await computer.close();
  }
  if (failure) throw (failure as { error: unknown }).error;
  if (ids === null)
    await inTransaction(db, (transaction) => refreshCurrentPlans(db.sequelize, 'all', transaction));
  return totals;
}

const TYPE_COLUMNS = {
  new: 'newMrr',
  expansion: 'expansionMrr',
  contraction: 'contractionMrr',
  churn: 'churnedMrr',
  reactivation: 'reactivationMrr',
} as const;

/** Rewrites customer_analytics_daily from `from` (the first invoice day when null) through `today`. */
export async function rebuildDaily(
  db: Database,
  from: Day | null,
  settings: MetricSettings,
  options: EngineOptions,
): Promise<number> {
  const inputs = await loadDailyInputs(db, from);
  const start = from ?? inputs.firstInvoiceDay;
  if (start === null || start > options.today) {
    if (from === null)
      await writeDailyRows(db, null, [], options.now ?? new Date(), (fn) => inTransaction(db, fn));
    return 0;
  }
  // From a day on: start from the stored row of the day before (cheap), else sum the history.
  const stored = from === null ? null : await storedLevels(db, addDays(from, -1));
  let { mrr, activeCustomers } =
    from === null ? { mrr: 0, activeCustomers: 0 } : (stored ?? (await levelsBefore(db, from)));
  let trials = from === null ? 0 : (stored?.trials ?? (await trialsRunningBefore(db, from)));
  if (from === null) {
    // Levels before the first invoice day (movements cannot precede invoices, but be exact anyway).
    for (const [d, types] of inputs.movements) {
      if (d >= start) continue;
      for (const [t, [n, s]] of types) {
        mrr += s;
        activeCustomers += t === 'new' || t === 'reactivation' ? n : t === 'churn' ? -n : 0;
      }
    }
    for (const [d, n] of inputs.trialDeltas) if (d < start) trials += n;
  }
  const rows: DailyRowOut[] = [];
  for (let d = start; d <= options.today; d = addDays(d, 1)) {
    const row: DailyRowOut = {
      date: d,
      newCustomers: 0,
      churnedCustomers: 0,
      reactivatedCustomers: 0,
      activeCustomers: 0,
      trialingCustomers: 0,
      revenue: 0,
      arpa: 0,
      newSubscriptions: inputs.newSubscriptions.get(d) ?? 0,
      canceledSubscriptions: inputs.canceledSubscriptions.get(d) ?? 0,
      reportingCurrency: settings.reportingCurrency,
      mrr: 0,
      newMrr: 0,
      expansionMrr: 0,
      contractionMrr: 0,
      churnedMrr: 0,
      reactivationMrr: 0,
    };
    for (const [t, [n, s]] of inputs.movements.get(d) ?? []) {
      mrr += s;
      const column = TYPE_COLUMNS[t as keyof typeof TYPE_COLUMNS];
      if (column) row[column] += Math.abs(s);
      if (t === 'new') row.newCustomers += n;
      if (t === 'reactivation') row.reactivatedCustomers += n;
      if (t === 'churn') row.churnedCustomers += n;
    }
    activeCustomers += row.newCustomers + row.reactivatedCustomers - row.churnedCustomers;
    trials += inputs.trialDeltas.get(d) ?? 0;
    for (const [currency, amount] of inputs.revenue.get(d) ?? [])
      row.revenue += convertToReporting(amount, currency, settings);
    row.mrr = mrr;
    row.activeCustomers = activeCustomers;
    row.trialingCustomers = trials;
    row.arpa = activeCustomers > 0 ? Math.round(mrr / activeCustomers) : 0;
    rows.push(row);
  }
  await writeDailyRows(db, from, rows, options.now ?? new Date(), (fn) => inTransaction(db, fn));
  return rows.length;
}

/** `medpro metrics --rebuild`: everything, from the mirror tables. */
export async function rebuildAnalytics(db: Database, options: EngineOptions): Promise<RebuildReport> {
  const stored = await loadMetricSettings(db);
  const settings = options.settings ?? stored.settings;
  const cat = await loadEngineCatalog(db);
  const r = await recomputeCustomers(db, null, cat, settings, options);
  const days = await rebuildDaily(db, null, settings, options);
  if (!options.settings)
    await markComputedVersion(db, stored.version, options.today, options.now ?? new Date());
  return {
    customers: r.customers,
    chunks: r.chunks,
    spans: r.spans,
    movements: r.movements,
    days,
    settingsVersion: stored.version,
    failures: r.failures,
  };
}

/**
 * After a sync batch or an event: recomputes only these customers, then the daily rows from the
 * first day whose movements changed (revenue and subscription counts are re-summed from there too,
 * and at least today's row, since invoices and subscriptions may have changed without MRR moving).
 */
export async function updateCustomers(
  db: Database,
  ids: readonly string[],
  options: EngineOptions,
): Promise<{ customers: number; fromDay: Day; failures: CustomerFailure[] }> {
  const settings = options.settings ?? (await loadMetricSettings(db)).settings;
  const unique = [...new Set(ids)].sort();
  const cat = await loadEngineCatalog(db);
  const r = await recomputeCustomers(db, unique, cat, settings, options);
  const earliestInvoiceChange = addDays(options.today, -1);
  const fromDay =
    r.firstChangedDay !== null && r.firstChangedDay < earliestInvoiceChange
      ? r.firstChangedDay
      : earliestInvoiceChange;
  await rebuildDaily(db, fromDay, settings, options);
  return { customers: r.customers, fromDay, failures: r.failures };
}

const COMPUTED_KEY = 'metric_settings_computed';

async function markComputedVersion(db: Database, version: number, today: Day, now: Date): Promise<void> {
  const value = { version, today, computedAt: now.toISOString() };
  const [n] = await db.models.Setting.update(
    { value, updated_by: 'system', updated_at: now },
    { where: { key: COMPUTED_KEY } },
  );
  if (n === 0)
    await db.models.Setting.create({
      key: COMPUTED_KEY,
      value,
      updated_by: 'system',
      created_at: now,
      updated_at: now,
    });
}

/** The computation day of the last full rebuild under the stored rules, or null if none. */
export async function lastRebuildDay(db: Database): Promise<Day | null> {
  const stored = await readSettings(db, [COMPUTED_KEY]);
  const computed = stored.get(COMPUTED_KEY)?.value as { today?: unknown } | null | undefined;
  return typeof computed?.today === 'string' ? computed.today : null;
}

/** Whether the rules changed since the last full rebuild (the worker then rebuilds). */
export async function settingsChangedSinceRebuild(db: Database): Promise<boolean> {
  const { version } = await loadMetricSettings(db);
  const stored = await readSettings(db, [COMPUTED_KEY]);
  const computed = stored.get(COMPUTED_KEY)?.value as { version?: unknown } | null | undefined;
  return computed?.version !== version;
}

export interface RiskObservation {
  customerId: string;
  asOf: Day;
  churnRisk: number;
  healthScore: number;
  /** Whether the customer's MRR went to 0 within the 30 days after asOf. */
  churnedWithin30Days: boolean;
}

/**
 * Back-test of the churn-risk score: for every customer active at the end of each `asOf` day, the
 * score computed from what was known then, and whether they churned in the next 30 days.
 */
export async function backtestChurnRisk(
  db: Database,
  asOfDays: readonly Day[],
  options: EngineOptions,
): Promise<RiskObservation[]> {
  const settings = options.settings ?? (await loadMetricSettings(db)).settings;
  const cat = await loadEngineCatalog(db);
  const out: RiskObservation[] = [];
  let after: string | null = null;
  for (;;) {
    const chunk = await customerIdsAfter(db, after, options.chunkSize ?? 2000);
    after = chunk[chunk.length - 1] ?? null;
    if (chunk.length === 0) break;
    const inputs = await loadChunkInputs(db, chunk);
    computeChunk(inputs, cat, options.today, settings, (customer, c, data) => {
      for (const asOf of asOfDays) {
        if (mrrOn(c.spans, asOf) === 0) continue;
        const horizon = addDays(asOf, 30);
        const churned = c.movements.some((m) => m.type === 'churn' && m.day > asOf && m.day <= horizon);
        const health = customerHealth(healthInputsAsOf(customer, c, data, asOf));
        out.push({
          customerId: customer.id,
          asOf,
          churnRisk: health.churnRisk,
          healthScore: health.healthScore,
          churnedWithin30Days: churned,
        });
      }
    });
  }
  return out;
}
