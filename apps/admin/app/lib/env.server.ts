import { z } from 'zod';

/** The admin app's environment, read and validated once; nothing else reads process.env. */
const schema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  /** Only its mode is used here: test-mode customers open under dashboard.stripe.com/test. */
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  /** Signing secret (`whsec_…`) of the Stripe webhook endpoint POST /webhooks/stripe. */
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
});

const parsed = schema.parse(process.env);

export const env = {
  ...parsed,
  /** Live only with a live key; without one the app runs on the simulator's demo data. */
  stripeTestMode: !/^(sk|rk)_live_/.test(parsed.STRIPE_SECRET_KEY ?? ''),
};
