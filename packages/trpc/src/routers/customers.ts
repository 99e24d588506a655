import {
  type CustomerFilter,
  type CustomerRecord,
  type CustomerSummary,
  customerMrrSpans,
  eraseCustomerPii,
  getCustomer,
  getPaymentMethod,
  iterateCustomers,
  latestCustomerMetrics,
  listCustomerActivity,
  listCustomerSubscriptions,
  listCustomers,
  listProductOptions,
  recentInvoices,
  type SubscriptionItemRecord,
  type SubscriptionRecord,
} from '@medpro/db';
import { addDays, healthBand, type Interval, subscriptionMrr, toDay } from '@medpro/metrics';
import { z } from 'zod';
import { audit } from '../audit.ts';
import type { Context } from '../context.ts';
import { csvRow } from '../csv.ts';
import { AppError } from '../errors.ts';
import { type Masker, maskerFor } from '../pii.ts';
import {
  currencyCode,
  day,
  limit,
  minor,
  page,
  paginate,
  pagination,
  priceId,
  productId,
  stripeCustomerId,
} from '../schemas.ts';
import { reportingCurrency } from '../settings.ts';
import { adminProcedure, analystProcedure, router, viewerProcedure } from '../trpc.ts';

export const CUSTOMER_STATUSES = [
  'active',
  'past_due',
  'trialing',
  'canceled',
  'unpaid',
  'paused',
  'incomplete',
  'none',
] as const;
const healthBandSchema = z.enum(['good', 'warning', 'at_risk']);

/** The list's filters; the export takes the same. */
const filterShape = {
  search: z.string().trim().max(200).optional().describe('Matched in name, email and Stripe id'),
  status: z.array(z.enum(CUSTOMER_STATUSES)).max(CUSTOMER_STATUSES.length).optional(),
  health: z.array(healthBandSchema).max(3).optional().describe('good ≥ 80, warning 50–79, at_risk < 50'),
  mrrMin: z.number().int().min(0).optional().describe('Minimum MRR, reporting currency, minor units'),
  mrrMax: z.number().int().min(0).optional().describe('Maximum MRR, reporting currency, minor units'),
  product: productId.optional().describe('Stripe product id (prod_…)'),
  price: priceId.optional().describe('Stripe price id (price_…)'),
  currency: z.array(currencyCode).max(20).optional(),
  country: z
    .array(z.string().regex(/^[A-Za-z]{2}$/, 'Expected a 2-letter country code'))
    .max(50)
    .optional(),
  dateFrom: day.optional().describe('Signed up on or after this day'),
  dateTo: day.optional().describe('Signed up on or before this day'),
  delinquent: z.boolean().optional(),
};

type FilterInput = z.infer<z.ZodObject<typeof filterShape>>;

function checkFilter(value: FilterInput, ctx: z.RefinementCtx) {
  if (value.mrrMin !== undefined && value.mrrMax !== undefined && value.mrrMin > value.mrrMax) {
    ctx.addIssue({ code: 'custom', path: ['mrrMax'], message: 'Must be at least mrrMin' });
  }
  if (value.dateFrom && value.dateTo && value.dateFrom > value.dateTo) {
    ctx.addIssue({ code: 'custom', path: ['dateTo'], message: 'Must be on or after dateFrom' });
  }
}

export const customerFilterInput = z.object(filterShape).superRefine(checkFilter);

function toFilter(input: FilterInput): CustomerFilter {
  return {
    ...(input.search ? { search: input.search } : {}),
    ...(input.status ? { statuses: input.status } : {}),
    ...(input.health ? { healthBands: input.health } : {}),
    ...(input.mrrMin !== undefined ? { minMrr: input.mrrMin } : {}),
    ...(input.mrrMax !== undefined ? { maxMrr: input.mrrMax } : {}),
    ...(input.product ? { productId: input.product } : {}),
    ...(input.price ? { priceId: input.price } : {}),
    ...(input.currency ? { currencies: input.currency } : {}),
    ...(input.country ? { countries: input.country } : {}),
    ...(input.dateFrom ? { createdFrom: new Date(`${input.dateFrom}T00:00:00Z`) } : {}),
    ...(input.dateTo ? { createdTo: new Date(`${addDays(input.dateTo, 1)}T00:00:00Z`) } : {}),
    ...(input.delinquent !== undefined ? { delinquent: input.delinquent } : {}),
  };
}

export const customerListItem = z.object({
  stripeCustomerId: z.string(),
  email: z.string().nullable().describe('Masked (j***@example.com) for viewers'),
  name: z.string().nullable(),
  status: z.string().describe('active, past_due, trialing, canceled, none, …'),
  healthScore: z.number().int().nullable(),
  healthBand: healthBandSchema.nullable(),
  churnRiskScore: z.number().nullable().describe('0.00–1.00'),
  mrr: minor.describe('Current MRR in the reporting currency (`currency`), minor units'),
  currency: z.string().describe('The reporting currency'),
  customerMrr: minor.describe("Current MRR in the customer's own currency"),
  customerCurrency: z.string().nullable().describe("The customer's own currency"),
  lifetimeValue: minor.describe("Net revenue collected to date, in the customer's currency"),
  activeSubscriptions: z.number().int(),
  delinquent: z.boolean(),
  country: z.string().nullable(),
  createdAt: z.date().nullable().describe('Signed up (Stripe `created`)'),
  firstMrrDate: z.string().nullable().describe('Cohort day: first day with MRR'),
  erased: z.boolean().describe('Personal data removed (GDPR)'),
});

export function toListItem(
  c: CustomerSummary,
  currency: string,
  mask: Masker,
): z.infer<typeof customerListItem> {
  return {
    stripeCustomerId: c.stripeCustomerId,
    email: mask.email(c.email),
    name: c.name,
    status: c.status,
    healthScore: c.healthScore,
    healthBand: c.healthScore === null ? null : healthBand(c.healthScore),
    churnRiskScore: c.churnRiskScore,
    mrr: c.mrrReporting,
    currency,
    customerMrr: c.customerMrr,
    customerCurrency: c.currency,
    lifetimeValue: c.lifetimeValue,
    activeSubscriptions: c.activeSubscriptions,
    delinquent: c.delinquent,
    country: c.country,
    createdAt: c.createdAt,
    firstMrrDate: c.firstMrrDate,
    erased: c.erasedAt !== null,
  };
}

const subscriptionItem = z.object({
  stripePriceId: z.string().nullable(),
  stripeProductId: z.string().nullable(),
  productName: z.string().nullable(),
  priceNickname: z.string().nullable(),
  quantity: z.number().int(),
  unitAmount: minor.nullable(),
  interval: z.string().nullable().describe('day, week, month, year; null for one-off prices'),
  intervalCount: z.number().int().nullable(),
  monthlyAmount: minor
    .nullable()
    .describe(
      "List price × quantity normalised to one month, in the subscription's currency, before discounts",
    ),
});

const subscription = z.object({
  stripeSubscriptionId: z.string(),
  status: z.string().nullable(),
  currency: z.string().nullable(),
  monthlyAmount: minor.nullable().describe('Sum of the items’ monthly amounts (before discounts)'),
  items: z.array(subscriptionItem),
  startDate: z.date().nullable(),
  currentPeriodStart: z.date().nullable(),
  currentPeriodEnd: z.date().nullable(),
  renewsAt: z.date().nullable().describe('Next renewal; null when it ends instead'),
  trialEnd: z.date().nullable(),
  cancelAtPeriodEnd: z.boolean(),
  cancelAt: z.date().nullable(),
  canceledAt: z.date().nullable(),
  endedAt: z.date().nullable(),
});

const INTERVALS = new Set(['day', 'week', 'month', 'year']);

/** Monthly list amount of one item, with @medpro/metrics' normalisation (null when not recurring). */
function itemMonthly(item: SubscriptionItemRecord, today: string): number | null {
  const p = item.price;
  if (!p?.interval || !INTERVALS.has(p.interval)) return null;
  try {
    const result = subscriptionMrr(
      {
        status: 'active',
        items: [
          {
            quantity: item.quantity,
            price: {
              currency: p.currency,
              unit_amount: p.unitAmount,
              unit_amount_decimal: p.unitAmountDecimal,
              interval: p.interval as Interval,
              interval_count: p.intervalCount ?? 1,
              usage_type: p.usageType === 'metered' ? 'metered' : 'licensed',
              billing_scheme: p.billingScheme === 'tiered' ? 'tiered' : 'per_unit',
              tiers_mode:
                p.tiersMode === 'graduated' ? 'graduated' : p.tiersMode === 'volume' ? 'volume' : null,
              tiers: Array.isArray(p.tiers) ? p.tiers : null,
            },
          },
        ],
      },
      today,
      // Only the amount in the price's own currency is wanted here, so no conversion rates are involved.
      {
        reportingCurrency: p.currency,
        rates: { [p.currency]: '1' },
        pastDueChurnAfterDays: null,
        discountMode: 'none',
        cancelAtPeriodEndMode: 'period_end',
      },
    );
    return result.grossMrrMinor;
  } catch {
    // Malformed price rows (e.g. tiers missing) show no amount rather than failing the page.
    return null;
  }
}

function toSubscription(s: SubscriptionRecord, today: string): z.infer<typeof subscription> {
  const items = s.items.map((i) => ({
    stripePriceId: i.stripePriceId,
    stripeProductId: i.stripeProductId,
    productName: i.productName,
    priceNickname: i.price?.nickname ?? null,
    quantity: i.quantity,
    unitAmount: i.price?.unitAmount ?? null,
    interval: i.price?.interval ?? null,
    intervalCount: i.price?.intervalCount ?? null,
    monthlyAmount: itemMonthly(i, today),
  }));
  const amounts = items.map((i) => i.monthlyAmount).filter((a): a is number => a !== null);
  const ending = s.cancelAtPeriodEnd || s.cancelAt !== null || s.endedAt !== null;
  return {
    stripeSubscriptionId: s.stripeSubscriptionId,
    status: s.status,
    currency: s.currency ?? s.items.find((i) => i.price)?.price?.currency ?? null,
    monthlyAmount: amounts.length ? amounts.reduce((a, b) => a + b, 0) : null,
    items,
    startDate: s.startDate ?? s.createdAt,
    currentPeriodStart: s.currentPeriodStart,
    currentPeriodEnd: s.currentPeriodEnd,
    renewsAt: ending || s.status === 'canceled' ? null : s.currentPeriodEnd,
    trialEnd: s.trialEnd,
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    cancelAt: s.cancelAt,
    canceledAt: s.canceledAt,
    endedAt: s.endedAt,
  };
}

const scoreFactor = z.object({
  factor: z.string(),
  label: z.string(),
  value: z.union([z.number(), z.string(), z.boolean()]).nullable(),
  impact: z.number().describe('Contribution to the score (negative lowers health / raises risk)'),
});

const customerDetail = customerListItem.extend({
  phone: z.string().nullable(),
  address: z.object({
    line1: z.string().nullable(),
    line2: z.string().nullable(),
    city: z.string().nullable(),
    state: z.string().nullable(),
    postalCode: z.string().nullable(),
    country: z.string().nullable(),
  }),
  balance: minor.describe("Stripe balance, customer's currency"),
  lastSyncAt: z.date().nullable(),
  metricsUpdatedAt: z.date().nullable(),
  metadata: z.record(z.string(), z.string()).describe('Stripe metadata; emails in values masked for viewers'),
});

async function findCustomer(ctx: Context, id: string): Promise<CustomerRecord> {
  const customer = await getCustomer(ctx.db, id);
  if (!customer) throw new AppError('NOT_FOUND', `No customer ${id}`);
  return customer;
}

const EXPORT_COLUMNS = [
  'stripe_customer_id',
  'name',
  'email',
  'phone',
  'address_line1',
  'address_line2',
  'city',
  'state',
  'postal_code',
  'country',
  'status',
  'delinquent',
  'mrr_minor',
  'reporting_currency',
  'customer_mrr_minor',
  'lifetime_value_minor',
  'customer_currency',
  'health_score',
  'health_band',
  'churn_risk_score',
  'active_subscriptions',
  'first_mrr_date',
  'created_at',
] as const;

async function* exportLines(ctx: Context, filter: CustomerFilter, currency: string): AsyncGenerator<string> {
  yield csvRow(EXPORT_COLUMNS);
  for await (const c of iterateCustomers(ctx.db, filter)) {
    yield csvRow([
      c.stripeCustomerId,
      c.name,
      c.email,
      c.phone,
      c.address.line1,
      c.address.line2,
      c.address.city,
      c.address.state,
      c.address.postalCode,
      c.country,
      c.status,
      c.delinquent,
      c.mrrReporting,
      currency,
      c.customerMrr,
      c.lifetimeValue,
      c.currency,
      c.healthScore,
      c.healthScore === null ? null : healthBand(c.healthScore),
      c.churnRiskScore,
      c.activeSubscriptions,
      c.firstMrrDate,
      c.createdAt,
    ]);
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<string> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

export const customersRouter = router({
  list: viewerProcedure
    .input(
      z
        .object({
          ...filterShape,
          page,
          limit: limit(20),
          sort: z.enum(['name', 'created', 'mrr', 'health', 'ltv']).default('created'),
          order: z.enum(['asc', 'desc']).default('desc'),
        })
        .superRefine(checkFilter)
        .default({ page: 1, limit: 20, sort: 'created', order: 'desc' }),
    )
    .output(
      z.object({
        customers: z.array(customerListItem),
        ...pagination,
        currency: z.string().describe('The reporting currency of every `mrr`'),
        stats: z.object({
          total: z.number().int(),
          active: z.number().int().describe('Customers with MRR > 0'),
          atRisk: z.number().int().describe('Health score below 50'),
          mrr: minor.describe('Total MRR of the filtered customers, reporting currency'),
        }),
      }),
    )
    .query(async ({ ctx, input }) => {
      const currency = await reportingCurrency(ctx.db);
      const { items, stats } = await listCustomers(ctx.db, {
        ...toFilter(input),
        page: input.page,
        limit: input.limit,
        sort: input.sort,
        order: input.order,
      });
      const mask = maskerFor(ctx.principal);
      return {
        customers: items.map((c) => toListItem(c, currency, mask)),
        ...paginate(stats.total, input),
        currency,
        stats: { total: stats.total, active: stats.active, atRisk: stats.atRisk, mrr: stats.mrrReporting },
      };
    }),

  get: viewerProcedure
    .input(z.object({ id: stripeCustomerId }))
    .output(
      z.object({
        customer: customerDetail,
        subscriptions: z.array(subscription).describe('Live subscriptions (not ended)'),
        paymentMethod: z
          .object({
            type: z.string(),
            brand: z.string().nullable(),
            last4: z.string().nullable(),
            expMonth: z.number().int().nullable(),
            expYear: z.number().int().nullable(),
          })
          .nullable(),
        metrics: z
          .object({
            metricDate: z.string(),
            totalRevenue: minor,
            lifetimeValue: minor,
            averageOrderValue: minor,
            lastPaymentDate: z.date().nullable(),
            healthScore: z.number().int().nullable(),
            churnRiskScore: z.number().nullable(),
            healthFactors: z.array(scoreFactor),
            churnRiskFactors: z.array(scoreFactor),
          })
          .nullable()
          .describe('The latest computed metrics and the factors behind the scores'),
        invoices: z.array(
          z.object({
            stripeInvoiceId: z.string(),
            number: z.string().nullable(),
            status: z.string().nullable(),
            currency: z.string(),
            total: minor,
            amountPaid: minor,
            amountDue: minor,
            createdAt: z.date().nullable(),
            paidAt: z.date().nullable(),
            periodStart: z.date().nullable(),
            periodEnd: z.date().nullable(),
          }),
        ),
        mrrHistory: z.array(
          z.object({
            startDate: z.string(),
            endDate: z.string().nullable().describe('Exclusive; null while current'),
            mrr: minor,
            currency: z.string(),
            mrrReporting: minor,
          }),
        ),
      }),
    )
    .query(async ({ ctx, input }) => {
      const customer = await findCustomer(ctx, input.id);
      const currency = await reportingCurrency(ctx.db);
      const mask = maskerFor(ctx.principal);
      const today = toDay(ctx.now());
      const [subs, paymentMethod, metrics, invoices, spans] = await Promise.all([
        listCustomerSubscriptions(ctx.db, customer.stripeCustomerId, { liveOnly: true, limit: 100 }),
        getPaymentMethod(ctx.db, customer),
        latestCustomerMetrics(ctx.db, customer.stripeCustomerId),
        recentInvoices(ctx.db, customer.stripeCustomerId, 24),
        customerMrrSpans(ctx.db, customer.stripeCustomerId),
      ]);
      return {
        customer: {
          ...toListItem(customer, currency, mask),
          phone: mask.phone(customer.phone),
          address: {
            ...customer.address,
            line1: mask.address(customer.address.line1),
            line2: mask.address(customer.address.line2),
            postalCode: mask.address(customer.address.postalCode),
          },
          balance: customer.balance,
          lastSyncAt: customer.lastSyncAt,
          metricsUpdatedAt: customer.metricsUpdatedAt,
          metadata: Object.fromEntries(
            Object.entries(customer.metadata).map(([k, v]) => [k, mask.text(v) ?? '']),
          ),
        },
        subscriptions: subs.map((s) => toSubscription(s, today)),
        paymentMethod: paymentMethod && {
          type: paymentMethod.type,
          brand: paymentMethod.brand,
          last4: paymentMethod.last4,
          expMonth: paymentMethod.expMonth,
          expYear: paymentMethod.expYear,
        },
        metrics,
        invoices,
        mrrHistory: spans,
      };
    }),

  subscriptions: viewerProcedure
    .input(
      z.object({
        id: stripeCustomerId,
        status: z.enum(['live', 'all']).default('all').describe('live: not ended; all: with canceled ones'),
      }),
    )
    .output(z.object({ subscriptions: z.array(subscription) }))
    .query(async ({ ctx, input }) => {
      const customer = await findCustomer(ctx, input.id);
      const subs = await listCustomerSubscriptions(ctx.db, customer.stripeCustomerId, {
        liveOnly: input.status === 'live',
        limit: 500,
      });
      const today = toDay(ctx.now());
      return { subscriptions: subs.map((s) => toSubscription(s, today)) };
    }),

  activity: viewerProcedure
    .input(z.object({ id: stripeCustomerId, page, limit: limit(20) }))
    .output(
      z.object({
        activities: z.array(
          z.object({
            id: z.number().int(),
            type: z.string().nullable(),
            date: z.date().nullable(),
            description: z.string().nullable(),
          }),
        ),
        ...pagination,
      }),
    )
    .query(async ({ ctx, input }) => {
      const customer = await findCustomer(ctx, input.id);
      const { items, total } = await listCustomerActivity(ctx.db, customer.stripeCustomerId, input);
      const mask = maskerFor(ctx.principal);
      return {
        activities: items.map((a) => ({
          id: a.id,
          type: a.type,
          date: a.date,
          description: mask.text(a.description),
        })),
        ...paginate(total, input),
      };
    }),

  /** CSV lines of every customer matching the filter, streamed from a keyset iterator. */
  export: analystProcedure
    .input(customerFilterInput.default({}))
    .output(z.custom<AsyncIterable<string>>(isAsyncIterable, 'Expected a stream of CSV lines'))
    .query(async ({ ctx, input }) => {
      const currency = await reportingCurrency(ctx.db);
      const filter = toFilter(input);
      await audit(ctx, 'customers.export', null, { filter: input });
      return exportLines(ctx, filter, currency);
    }),

  /** The catalog's products, for the product filter. */
  products: viewerProcedure
    .input(z.object({}).strict().default({}))
    .output(
      z.array(
        z.object({
          stripeProductId: z.string(),
          name: z.string().nullable(),
          active: z.boolean(),
          plans: z
            .array(
              z.object({
                stripePriceId: z.string(),
                nickname: z.string().nullable(),
                currency: z.string(),
                unitAmount: z.number().int().nullable().describe('Minor units; null for tiered prices'),
                interval: z.string(),
                intervalCount: z.number().int(),
                active: z.boolean(),
              }),
            )
            .describe('Recurring prices of the product'),
        }),
      ),
    )
    .query(({ ctx }) => listProductOptions(ctx.db)),

  erase: adminProcedure
    .input(z.object({ id: stripeCustomerId }))
    .output(z.object({ stripeCustomerId: z.string(), erasedAt: z.date() }))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      if (!(await eraseCustomerPii(ctx.db, input.id, now))) {
        throw new AppError('NOT_FOUND', `No customer ${input.id}`);
      }
      await audit(ctx, 'customers.erase', input.id);
      return { stripeCustomerId: input.id, erasedAt: now };
    }),
});
