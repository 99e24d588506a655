import { listCustomers } from '@medpro/db';
import { z } from 'zod';
import { publicProcedure, router } from '../trpc.ts';

const customerListItem = z.object({
  stripeCustomerId: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  currency: z.string().nullable(),
  delinquent: z.boolean(),
  createdAt: z.date().nullable(),
});

export const customersRouter = router({
  list: publicProcedure
    .input(
      z.object({
        page: z.number().int().min(1).default(1),
        limit: z.number().int().min(1).max(100).default(20),
        search: z.string().trim().max(200).optional(),
      }),
    )
    .output(z.object({ items: z.array(customerListItem), total: z.number().int(), page: z.number().int() }))
    .query(async ({ ctx, input }) => {
      const result = await listCustomers(ctx.db, input);
      return { ...result, page: input.page };
    }),
});
