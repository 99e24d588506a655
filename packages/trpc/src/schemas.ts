/** Input and output pieces shared by the routers; they also become the OpenAPI schemas. */
import { z } from 'zod';

export const day = z.iso.date().describe('UTC day, YYYY-MM-DD');
export const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Expected a month as YYYY-MM')
  .describe('UTC month, YYYY-MM');

/** A Stripe object id ("cus_…"): letters, digits, _ and -, as Stripe issues them. */
function stripeObjectId(object: string, prefix: string) {
  return z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9_-]+$/, `Not a Stripe ${object} id (${prefix}_…)`);
}

export const stripeCustomerId = stripeObjectId('customer', 'cus').describe('Stripe customer id');

export const page = z.number().int().min(1).max(100_000).default(1);
export const limit = (fallback: number, max = 100) =>
  z.number().int().min(1).max(max, `At most ${max} per page`).default(fallback);

export const currencyCode = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'Expected a 3-letter ISO currency code')
  .transform((c) => c.toUpperCase());

export const minor = z.number().int().describe('Money in minor units (cents) of the accompanying currency');
export const ratio = z
  .number()
  .nullable()
  .describe('A fraction (0.1 = 10 %); null when there is nothing to divide by');

export const granularity = z.enum(['day', 'week', 'month']);

export const pagination = {
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
  totalPages: z.number().int(),
};

export function paginate(total: number, input: { page: number; limit: number }) {
  return { page: input.page, limit: input.limit, total, totalPages: Math.ceil(total / input.limit) };
}

export const productId = stripeObjectId('product', 'prod');

export const priceId = stripeObjectId('price', 'price');

export const countryCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'Expected a 2-letter country code')
  .transform((c) => c.toUpperCase());

const rangeFields = {
  from: day.optional().describe('First day (default: 29 days before `to`)'),
  to: day.optional().describe('Last day, inclusive (default: today, UTC)'),
  granularity: granularity.default('day'),
};

/** A period [from, to] of whole UTC days (both inclusive) and how to bucket it. */
export const rangeInput = z.object(rangeFields).default({ granularity: 'day' });

/** A customer segment for account analytics; every given condition must match. */
export const segmentFields = {
  product: productId
    .optional()
    .describe("Only this product's MRR (each subscription's MRR split across its items' products)"),
  price: priceId
    .optional()
    .describe("Only this plan's MRR (each subscription's MRR split across its items' prices)"),
  currency: currencyCode.optional().describe('Only customers billed in this currency'),
  country: countryCode.optional().describe('Only customers with this billing country'),
  metadataKey: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,40}$/, 'Letters, digits and _ (at most 40)')
    .optional()
    .describe('Only customers whose Stripe metadata has this key…'),
  metadataValue: z.string().min(1).max(500).optional().describe('…set to this value'),
};

/** Refinement of an input holding `segmentFields`: a metadata key and value come together. */
export function metadataPair(input: { metadataKey?: string; metadataValue?: string }, ctx: z.RefinementCtx) {
  if (input.metadataKey && !input.metadataValue)
    ctx.addIssue({ code: 'custom', path: ['metadataValue'], message: 'Give the value for the metadata key' });
  if (input.metadataValue && !input.metadataKey)
    ctx.addIssue({ code: 'custom', path: ['metadataKey'], message: 'Give the metadata key for the value' });
}

/** A range as `rangeInput`, of the whole account or of a customer segment. */
export const segmentedRangeInput = z
  .object({ ...rangeFields, ...segmentFields })
  .superRefine(metadataPair)
  .default({ granularity: 'day' });

export const change = z
  .object({
    absolute: z.number().nullable(),
    relative: ratio,
  })
  .describe('Current minus previous period, absolute and relative to the previous value');
