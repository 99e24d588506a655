/**
 * The small read models behind the embeddable widgets. Embed tokens may call these and
 * nothing else; contact data is masked for them as for viewers.
 */
import { getCustomer, getProduct, latestCustomerMetrics, listCustomers } from '@medpro/db';
import { addDays, type Day, healthBand, periodBuckets } from '@medpro/metrics';
import { z } from 'zod';
import { DailySeries } from '../daily.ts';
import { AppError } from '../errors.ts';
import { maskerFor } from '../pii.ts';
import { changeOf, type ResolvedRange, resolveRange } from '../range.ts';
import { change, day, granularity, minor, productId, stripeCustomerId } from '../schemas.ts';
import { reportingCurrency } from '../settings.ts';
import { router, widgetProcedure } from '../trpc.ts';

function sparkline(r: ResolvedRange, valueAt: (d: Day) => number) {
  return periodBuckets(r.from, r.end, r.granularity).map((b) => ({
    period: b.key,
    mrr: valueAt(addDays(b.end, -1)),
  }));
}

export const widgetsRouter = router({
  mrrSummary: widgetProcedure
    .input(
      z
        .object({
          from: day.optional(),
          to: day.optional(),
          granularity: granularity.default('day'),
          product: productId
            .optional()
            .describe("Only this product's MRR (each subscription's MRR split across its items' products)"),
        })
        .default({ granularity: 'day' }),
    )
    .output(
      z.object({
        from: z.string(),
        to: z.string(),
        granularity,
        currency: z.string(),
        product: z.string().nullable(),
        mrr: minor.describe('At the end of the range'),
        previousMrr: minor.describe('At the end of the previous period of equal length'),
        change,
        series: z
          .array(z.object({ period: z.string(), mrr: minor }))
          .describe('MRR at the end of each bucket'),
      }),
    )
    .query(async ({ ctx, input }) => {
      const r = resolveRange(input, ctx.now());
      if (input.product && !(await getProduct(ctx.db, input.product))) {
        throw new AppError('NOT_FOUND', `No product ${input.product}`);
      }
      const series = await DailySeries.load(
        ctx,
        r.from,
        r.end,
        input.product ? { product: input.product } : undefined,
      );
      const mrr = series.at(r.to)?.mrr ?? 0;
      const previousMrr = series.at(r.previousTo)?.mrr ?? 0;
      return {
        from: r.from,
        to: r.to,
        granularity: r.granularity,
        currency: series.currency() ?? (await reportingCurrency(ctx.db)),
        product: input.product ?? null,
        mrr,
        previousMrr,
        change: changeOf(mrr, previousMrr),
        series: sparkline(r, (d) => series.at(d)?.mrr ?? 0),
      };
    }),

  customerHealth: widgetProcedure
    .input(z.object({ id: stripeCustomerId }))
    .output(
      z.object({
        stripeCustomerId: z.string(),
        name: z.string().nullable(),
        healthScore: z.number().int().nullable(),
        healthBand: z.enum(['good', 'warning', 'at_risk']).nullable(),
        churnRiskScore: z.number().nullable(),
        mrr: minor,
        currency: z.string(),
        topFactors: z
          .array(z.object({ factor: z.string(), label: z.string(), impact: z.number() }))
          .describe('The three factors that lower the health score most'),
        metricsUpdatedAt: z.date().nullable(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const customer = await getCustomer(ctx.db, input.id);
      if (!customer) throw new AppError('NOT_FOUND', `No customer ${input.id}`);
      const metrics = await latestCustomerMetrics(ctx.db, customer.stripeCustomerId);
      const factors = [...(metrics?.healthFactors ?? [])]
        .filter((f) => f.impact < 0)
        .sort((a, b) => a.impact - b.impact)
        .slice(0, 3);
      return {
        stripeCustomerId: customer.stripeCustomerId,
        name: customer.name,
        healthScore: customer.healthScore,
        healthBand: customer.healthScore === null ? null : healthBand(customer.healthScore),
        churnRiskScore: customer.churnRiskScore,
        mrr: customer.mrrReporting,
        currency: await reportingCurrency(ctx.db),
        topFactors: factors.map((f) => ({ factor: f.factor, label: f.label, impact: f.impact })),
        metricsUpdatedAt: customer.metricsUpdatedAt,
      };
    }),

  atRiskCustomers: widgetProcedure
    .input(
      z.object({
        product: productId,
        limit: z.number().int().min(1).max(50, 'At most 50').default(10),
      }),
    )
    .output(
      z.object({
        product: z.string(),
        productName: z.string().nullable(),
        currency: z.string(),
        total: z.number().int().describe('At-risk customers of the product (health < 50)'),
        customers: z.array(
          z.object({
            stripeCustomerId: z.string(),
            name: z.string().nullable(),
            email: z.string().nullable(),
            healthScore: z.number().int().nullable(),
            churnRiskScore: z.number().nullable(),
            mrr: minor,
          }),
        ),
      }),
    )
    .query(async ({ ctx, input }) => {
      const product = await getProduct(ctx.db, input.product);
      if (!product) throw new AppError('NOT_FOUND', `No product ${input.product}`);
      const { items, stats } = await listCustomers(ctx.db, {
        productId: input.product,
        healthBands: ['at_risk'],
        page: 1,
        limit: input.limit,
        sort: 'health',
        order: 'asc',
      });
      const mask = maskerFor(ctx.principal);
      return {
        product: input.product,
        productName: product.name,
        currency: await reportingCurrency(ctx.db),
        total: stats.total,
        customers: items.map((c) => ({
          stripeCustomerId: c.stripeCustomerId,
          name: c.name,
          email: mask.email(c.email),
          healthScore: c.healthScore,
          churnRiskScore: c.churnRiskScore,
          mrr: c.mrrReporting,
        })),
      };
    }),
});
