/** Shared pieces of the sync integration tests: a quiet logger, a gateway, table dumps. */
import type { Database } from '@medpro/db';
import { createStripe, StripeGateway } from '../src/sync/client.ts';
import type { Logger } from '../src/sync/context.ts';
import type { RetryPolicy } from '../src/sync/retry.ts';

export const quietLog: Logger = { info() {}, warn() {}, error() {}, debug() {} };

export function gatewayFor(
  sim: { url: string; secretKey: string },
  retry: Partial<RetryPolicy> = {},
  rate = 2000,
) {
  return new StripeGateway(createStripe({ secretKey: sim.secretKey, apiBase: sim.url, timeoutMs: 5000 }), {
    rate,
    retry: { baseDelayMs: 5, maxDelayMs: 100, ...retry },
  });
}

/** Tables the sync writes, their key, and the columns whose values depend on when a write ran. */
export const MIRROR_TABLES: [string, string][] = [
  ['customers', 'stripe_customer_id'],
  ['customer_subscriptions', 'stripe_subscription_id'],
  ['subscription_items', 'stripe_subscription_item_id'],
  ['invoices', 'stripe_invoice_id'],
  ['invoice_lines', 'stripe_line_item_id'],
  ['invoice_payments', 'stripe_invoice_payment_id'],
  ['charges', 'stripe_charge_id'],
  ['refunds', 'stripe_refund_id'],
  ['payment_methods', 'stripe_payment_method_id'],
  ['products', 'stripe_product_id'],
  ['prices', 'stripe_price_id'],
  ['coupons', 'stripe_coupon_id'],
  ['customer_activity', 'source_id, activity_type'],
];
const VOLATILE = new Set(['id', 'created_at', 'updated_at', 'last_sync_at', 'source_version']);

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(value))
    return new Date(value.replace(' ', 'T').replace(/ ?\+00:00$/, 'Z')).getTime();
  if (typeof value === 'string' && (value.startsWith('{') || value.startsWith('['))) {
    try {
      return JSON.stringify(JSON.parse(value));
    } catch {
      return value;
    }
  }
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** Every mirror table as sorted, normalised rows, without write-time columns. */
export async function dump(db: Database): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, key] of MIRROR_TABLES) {
    const [rows] = (await db.sequelize.query(`SELECT * FROM ${table} ORDER BY ${key}, id`)) as [
      Record<string, unknown>[],
      unknown,
    ];
    out[table] = rows.map((r) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([c]) => !VOLATILE.has(c) && !(table === 'customer_activity' && c === 'created_at'))
          .map(([c, v]) => [c, normalise(v)]),
      ),
    );
  }
  return out;
}

export async function count(db: Database, table: string, where = ''): Promise<number> {
  const [[row]] = (await db.sequelize.query(`SELECT COUNT(*) AS n FROM ${table} ${where}`)) as [
    [{ n: number | string }],
    unknown,
  ];
  return Number(row.n);
}

export async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  stepMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return check();
}
