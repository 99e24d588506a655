/**
 * Account analytics over a range of whole UTC days, from the analytics engine's daily rows
 * with the formulas of @medpro/metrics, in the reporting currency.
 */
import {
  cohortSpans,
  countCustomersCreatedBefore,
  listMovements,
  signupsByBucket,
  statusBreakdown,
  trialOutcomes,
} from '@medpro/db';
import {
  addDays,
  addMonths,
  arr,
  buildCohortGrid,
  type CustomerSeries,
  type Day,
  type MrrSpan,
  monthKey,
  normalizeSpans,
  periodBuckets,
  toDay,
} from '@medpro/metrics';
import { z } from 'zod';
import type { Context } from '../context.ts';
import { DailySeries, ltvAt, ltvWindowStart, periodFigures, segmentOf } from '../daily.ts';
import { AppError } from '../errors.ts';
import { maskerFor } from '../pii.ts';
import { changeOf, type ResolvedRange, resolveRange } from '../range.ts';
import {
  change,
  day,
  granularity,
  limit,
  metadataPair,
  minor,
  month,
  page,
  paginate,
  pagination,
  ratio,
  segmentedRangeInput,
  segmentFields,
} from '../schemas.ts';
import { reportingCurrency } from '../settings.ts';
import { router, viewerProcedure } from '../trpc.ts';

async function currencyOf(ctx: Context, series: DailySeries): Promise<string> {
  return series.currency() ?? (await reportingCurrency(ctx.db));
}

const startOfDay = (d: Day) => new Date(`${d}T00:00:00Z`);

const overviewFigures = {
  totalCustomers: z.number().int().describe('Customers signed up by the end of the period'),
  activeCustomers: z.number().int().describe('Customers with MRR > 0 at the end of the period'),
  newCustomers: z.number().int().describe('Customers whose first MRR fell in the period'),
  churnedCustomers: z.number().int(),
  mrr: minor.describe('MRR at the end of the period'),
  arr: minor,
  churnRate: ratio.describe('Customers churned ÷ active customers at the start'),
  arpa: minor.nullable().describe('MRR ÷ active customers'),
  nrr: ratio.describe('Net revenue retention: 1 − net MRR churn'),
  ltv: minor
    .nullable()
    .describe('ARPA ÷ average monthly customer churn of the 6 months to the end; null without churn'),
  trialConversion: ratio.describe('Trials that ended in the period and became paying ÷ trials that ended'),
};

const bucket = {
  period: z.string().describe('Start of the calendar bucket (may precede `from` for the first one)'),
  from: z.string(),
  to: z.string().describe('Last day of the bucket inside the range, inclusive'),
};

const rangeOut = { from: z.string(), to: z.string(), granularity, currency: z.string() };

function buckets(r: ResolvedRange) {
  return periodBuckets(r.from, r.end, r.granularity).map((b) => ({
    period: b.key,
    from: b.start,
    to: addDays(b.end, -1),
    end: b.end,
  }));
}

type PeriodFigures = ReturnType<typeof periodFigures>;

/** The range, its currency, and one row of picked figures per calendar bucket. */
async function perPeriod<T extends object>(
  ctx: Context,
  r: ResolvedRange,
  series: DailySeries,
  pick: (f: PeriodFigures) => T,
) {
  return {
    from: r.from,
    to: r.to,
    granularity: r.granularity,
    currency: await currencyOf(ctx, series),
    points: buckets(r).map((b) => ({
      period: b.period,
      from: b.from,
      to: b.to,
      ...pick(periodFigures(series, b.from, b.end)),
    })),
  };
}

const movementTypes = z.enum(['new', 'expansion', 'reactivation', 'contraction', 'churn']);
const cohortRangeInput = z
  .object({
    from: month.optional().describe('First cohort month (default: 11 months before `to`)'),
    to: month.optional().describe('Last cohort month (default: this month)'),
    ...segmentFields,
  })
  .superRefine(metadataPair)
  .default({});

export const analyticsRouter = router({
  overview: viewerProcedure
    .input(segmentedRangeInput)
    .output(
      z.object({
        ...rangeOut,
        asOf: z.string().nullable().describe('Day of the latest analytics row the figures rest on'),
        ...overviewFigures,
        newCustomers30d: z.number().int().describe('New customers in the 30 days ending at `to`'),
        previous: z.object({ from: z.string(), to: z.string(), ...overviewFigures }),
        change: z.object(
          Object.fromEntries(Object.keys(overviewFigures).map((k) => [k, change])) as {
            [K in keyof typeof overviewFigures]: typeof change;
          },
        ),
      }),
    )
    .query(async ({ ctx, input }) => {
      const r = resolveRange(input, ctx.now());
      const segment = segmentOf(input);
      const thirtyFrom = addDays(r.to, -29);
      // Days compare as strings ('YYYY-MM-DD'); load whichever window starts first.
      const loadFrom = [thirtyFrom, r.previousFrom, ltvWindowStart(r.from)].sort()[0]!;
      // Trials count once they ended: never past now.
      const trialsUntil = (end: Day) => new Date(Math.min(startOfDay(end).getTime(), ctx.now().getTime()));
      const [series, [total = 0, previousTotal = 0], trials, previousTrials] = await Promise.all([
        DailySeries.load(ctx, loadFrom, r.end, segment),
        countCustomersCreatedBefore(ctx.db, [startOfDay(r.end), startOfDay(r.from)], segment),
        trialOutcomes(ctx.db, startOfDay(r.from), trialsUntil(r.end), segment),
        trialOutcomes(ctx.db, startOfDay(r.previousFrom), trialsUntil(r.from), segment),
      ]);
      const figures = (
        from: Day,
        end: Day,
        totalCustomers: number,
        t: { ended: number; converted: number },
      ) => {
        const f = periodFigures(series, from, end);
        return {
          totalCustomers,
          activeCustomers: f.active,
          newCustomers: f.newCustomers,
          churnedCustomers: f.churnedCustomers,
          mrr: f.mrr,
          arr: arr(f.mrr),
          churnRate: f.churnRate,
          arpa: f.arpa,
          nrr: f.nrr,
          ltv: ltvAt(series, end),
          trialConversion: t.ended ? t.converted / t.ended : null,
        };
      };
      const current = figures(r.from, r.end, total, trials);
      const previous = figures(r.previousFrom, r.from, previousTotal, previousTrials);
      const changes = Object.fromEntries(
        (Object.keys(overviewFigures) as (keyof typeof overviewFigures)[]).map((k) => [
          k,
          changeOf(current[k], previous[k]),
        ]),
      ) as Record<keyof typeof overviewFigures, ReturnType<typeof changeOf>>;
      return {
        from: r.from,
        to: r.to,
        granularity: r.granularity,
        currency: await currencyOf(ctx, series),
        asOf: series.at(r.to)?.date ?? null,
        ...current,
        newCustomers30d: series.sum(thirtyFrom, r.end).newCustomers,
        previous: { from: r.previousFrom, to: r.previousTo, ...previous },
        change: changes,
      };
    }),

  growth: viewerProcedure
    .input(segmentedRangeInput)
    .output(
      z.object({
        ...rangeOut,
        points: z.array(
          z.object({
            ...bucket,
            signups: z.number().int().describe('Customers created in Stripe'),
            newCustomers: z.number().int(),
            reactivatedCustomers: z.number().int(),
            churnedCustomers: z.number().int(),
            netNewCustomers: z.number().int().describe('new + reactivated − churned'),
            activeCustomers: z.number().int().describe('At the end of the bucket'),
            totalCustomers: z.number().int().describe('Signed up by the end of the bucket'),
          }),
        ),
      }),
    )
    .query(async ({ ctx, input }) => {
      const r = resolveRange(input, ctx.now());
      const segment = segmentOf(input);
      const [series, signups, [before = 0]] = await Promise.all([
        DailySeries.load(ctx, r.from, r.end, segment),
        signupsByBucket(ctx.db, startOfDay(r.from), startOfDay(r.end), r.granularity, segment),
        countCustomersCreatedBefore(ctx.db, [startOfDay(r.from)], segment),
      ]);
      let total = before;
      const points = buckets(r).map((b) => {
        const f = periodFigures(series, b.from, b.end);
        const signed = signups.get(b.period) ?? 0;
        total += signed;
        return {
          period: b.period,
          from: b.from,
          to: b.to,
          signups: signed,
          newCustomers: f.newCustomers,
          reactivatedCustomers: f.reactivatedCustomers,
          churnedCustomers: f.churnedCustomers,
          netNewCustomers: f.newCustomers + f.reactivatedCustomers - f.churnedCustomers,
          activeCustomers: f.active,
          totalCustomers: total,
        };
      });
      return {
        from: r.from,
        to: r.to,
        granularity: r.granularity,
        currency: await currencyOf(ctx, series),
        points,
      };
    }),

  revenue: viewerProcedure
    .input(segmentedRangeInput)
    .output(
      z.object({
        ...rangeOut,
        points: z.array(
          z.object({
            ...bucket,
            mrrAtStart: minor,
            mrr: minor.describe('At the end of the bucket'),
            new: minor,
            expansion: minor,
            reactivation: minor,
            contraction: minor.describe('Magnitude (positive)'),
            churn: minor.describe('Magnitude (positive)'),
            net: minor.describe('new + expansion + reactivation − contraction − churn'),
          }),
        ),
        totals: z.object({
          mrrAtStart: minor,
          mrr: minor,
          new: minor,
          expansion: minor,
          reactivation: minor,
          contraction: minor,
          churn: minor,
          net: minor,
          quickRatio: ratio.describe('(new + expansion + reactivation) ÷ (contraction + churn)'),
        }),
      }),
    )
    .query(async ({ ctx, input }) => {
      const r = resolveRange(input, ctx.now());
      const series = await DailySeries.load(ctx, r.from, r.end, segmentOf(input));
      const pick = (f: PeriodFigures) => ({
        mrrAtStart: f.mrrAtStart,
        mrr: f.mrr,
        new: f.new,
        expansion: f.expansion,
        reactivation: f.reactivation,
        contraction: f.contraction,
        churn: f.churn,
        net: f.net,
      });
      const whole = periodFigures(series, r.from, r.end);
      return {
        ...(await perPeriod(ctx, r, series, pick)),
        totals: { ...pick(whole), quickRatio: whole.quickRatio },
      };
    }),

  churn: viewerProcedure
    .input(segmentedRangeInput)
    .output(
      z.object({
        ...rangeOut,
        points: z.array(z.object({ ...bucket, ...churnFigures() })),
        totals: z.object(churnFigures()),
      }),
    )
    .query(async ({ ctx, input }) => {
      const r = resolveRange(input, ctx.now());
      const series = await DailySeries.load(ctx, r.from, r.end, segmentOf(input));
      const pick = (f: PeriodFigures) => ({
        activeCustomersAtStart: f.activeAtStart,
        churnedCustomers: f.churnedCustomers,
        customerChurnRate: f.churnRate,
        mrrAtStart: f.mrrAtStart,
        churnedMrr: f.churn,
        contractionMrr: f.contraction,
        expansionMrr: f.expansion,
        reactivationMrr: f.reactivation,
        grossMrrChurnRate: f.grossMrrChurn,
        netMrrChurnRate: f.netMrrChurn,
        netRevenueRetention: f.nrr,
      });
      return {
        ...(await perPeriod(ctx, r, series, pick)),
        totals: pick(periodFigures(series, r.from, r.end)),
      };
    }),

  cohorts: viewerProcedure
    .input(cohortRangeInput)
    .output(
      z.object({
        from: z.string(),
        to: z.string(),
        asOf: z.string(),
        currency: z.string(),
        cohorts: z.array(
          z.object({
            cohort: z.string().describe('YYYY-MM of the customers’ first MRR'),
            customers: z.number().int(),
            startingMrr: minor,
            cells: z.array(
              z.object({
                monthIndex: z.number().int(),
                month: z.string(),
                activeCustomers: z.number().int(),
                customerRetention: z.number(),
                mrr: minor,
                mrrRetention: ratio.describe('Net: above 1 when expansion outgrew churn'),
              }),
            ),
          }),
        ),
        excludedCustomers: z
          .number()
          .int()
          .describe('Customers left out because their MRR history is inconsistent'),
      }),
    )
    .query(async ({ ctx, input }) => {
      const today = toDay(ctx.now());
      const to = input.to ?? monthKey(today);
      const from = input.from ?? monthKey(addMonths(`${to}-01`, -11));
      if (from > to)
        throw new AppError('BAD_REQUEST', 'Invalid range', { from: ['Must be on or before `to`'] });
      if (addMonths(`${from}-01`, 60) <= `${to}-01`) {
        throw new AppError('BAD_REQUEST', 'Invalid range', { from: ['At most 60 cohorts at once'] });
      }
      const rows = await cohortSpans(ctx.db, `${from}-01`, addMonths(`${to}-01`, 1), segmentOf(input));
      const series: CustomerSeries[] = [];
      let excluded = 0;
      for (const c of rows) {
        try {
          series.push({ customerId: c.customerId, spans: normalizeSpans(c.spans as MrrSpan[]) });
        } catch {
          excluded++;
        }
      }
      const grid = buildCohortGrid(series, today);
      return {
        from,
        to,
        asOf: today,
        currency: await reportingCurrency(ctx.db),
        excludedCustomers: excluded,
        cohorts: grid.map((row) => ({
          cohort: row.cohort,
          customers: row.customers,
          startingMrr: row.startingMrrMinor,
          cells: row.cells.map((cell) => ({
            monthIndex: cell.monthIndex,
            month: cell.month,
            activeCustomers: cell.activeCustomers,
            customerRetention: cell.customerRetention,
            mrr: cell.mrrMinor,
            mrrRetention: cell.mrrRetention,
          })),
        })),
      };
    }),

  statusBreakdown: viewerProcedure
    .input(z.object(segmentFields).strict().superRefine(metadataPair).default({}))
    .output(
      z.object({
        currency: z.string(),
        customers: z.array(z.object({ status: z.string(), customers: z.number().int(), mrr: minor })),
        subscriptions: z.array(z.object({ status: z.string(), subscriptions: z.number().int() })),
      }),
    )
    .query(async ({ ctx, input }) => {
      const b = await statusBreakdown(ctx.db, segmentOf(input));
      return {
        currency: await reportingCurrency(ctx.db),
        customers: b.customers.map((c) => ({
          status: c.status,
          customers: c.customers,
          mrr: c.mrrReporting,
        })),
        subscriptions: b.subscriptions,
      };
    }),

  /** The customers behind a movement figure: who expanded, churned, … in the period. */
  movements: viewerProcedure
    .input(
      z
        .object({
          type: movementTypes.optional().describe('All types when absent'),
          from: day.optional(),
          to: day.optional(),
          page,
          limit: limit(50),
          ...segmentFields,
        })
        .superRefine(metadataPair)
        .default({ page: 1, limit: 50 }),
    )
    .output(
      z.object({
        from: z.string(),
        to: z.string(),
        currency: z.string(),
        netAmount: minor.describe('Signed sum of every matching movement, reporting currency'),
        movements: z.array(
          z.object({
            date: z.string(),
            type: z.string().describe('new, expansion, reactivation, contraction or churn'),
            stripeCustomerId: z.string(),
            customerName: z.string().nullable(),
            customerEmail: z.string().nullable(),
            amount: minor.describe("Signed change in the customer's currency"),
            customerCurrency: z.string(),
            reportingAmount: minor.describe('Signed change in the reporting currency'),
            stripeSubscriptionIds: z.array(z.string()),
          }),
        ),
        ...pagination,
      }),
    )
    .query(async ({ ctx, input }) => {
      const r = resolveRange({ from: input.from, to: input.to, granularity: 'month' }, ctx.now());
      const result = await listMovements(ctx.db, {
        ...(input.type ? { types: [input.type] } : {}),
        from: r.from,
        to: r.end,
        page: input.page,
        limit: input.limit,
        segment: segmentOf(input),
      });
      const mask = maskerFor(ctx.principal);
      return {
        from: r.from,
        to: r.to,
        currency: result.items[0]?.reportingCurrency ?? (await reportingCurrency(ctx.db)),
        netAmount: result.reportingTotal,
        movements: result.items.map((m) => ({
          date: m.date,
          type: m.type,
          stripeCustomerId: m.stripeCustomerId,
          customerName: m.customerName,
          customerEmail: mask.email(m.customerEmail),
          amount: m.amount,
          customerCurrency: m.currency,
          reportingAmount: m.reportingAmount,
          stripeSubscriptionIds: m.stripeSubscriptionIds,
        })),
        ...paginate(result.total, input),
      };
    }),
});

function churnFigures() {
  return {
    activeCustomersAtStart: z.number().int(),
    churnedCustomers: z.number().int(),
    customerChurnRate: ratio,
    mrrAtStart: minor,
    churnedMrr: minor,
    contractionMrr: minor,
    expansionMrr: minor,
    reactivationMrr: minor,
    grossMrrChurnRate: ratio.describe('(churn + contraction) ÷ MRR at start'),
    netMrrChurnRate: ratio.describe('(churn + contraction − expansion − reactivation) ÷ MRR at start'),
    netRevenueRetention: ratio,
  };
}
