import { defaultDatabaseUrl } from '@medpro/db';
import { z } from 'zod';

/** The worker's environment, read and validated once; nothing else reads process.env. */
const schema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** e.g. http://127.0.0.1:12111 to point the sync at stripe-sim. */
  STRIPE_API_BASE: z.url().optional(),
  /** Requests per second the sync allows itself (default 25 for test keys, 90 for live keys). */
  STRIPE_RATE_LIMIT: z.coerce.number().positive().max(1000).optional(),
  /** Seconds between incremental syncs (event polls) of the worker. */
  SYNC_INTERVAL_SECONDS: z.coerce.number().positive().default(60),
  /** Hours between reconciliations (a full re-list that reports drift). */
  RECONCILE_INTERVAL_HOURS: z.coerce.number().positive().default(24),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Port of the demo catalog page embedding the widgets (demo data only); default PORT + 1. */
  DEMO_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof schema> & { DATABASE_URL: string };

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EnvError(`${issue.path.join('.')}: ${issue.message}`);
  }
  return { ...parsed.data, DATABASE_URL: parsed.data.DATABASE_URL ?? defaultDatabaseUrl() };
}

export class EnvError extends Error {
  override name = 'EnvError';
}
