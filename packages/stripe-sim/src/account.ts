/** Accounts served by the simulator: generated (with ground truth) or loaded from a fixture. */
import { createHash } from 'node:crypto';
import { type GenerateOptions, generateData } from './generate.ts';
import { GeneratedStore } from './generated-store.ts';
import { buildGroundTruth, type GroundTruth } from './groundtruth.ts';
import type { AccountData, Kind } from './model.ts';
import type { Store } from './store.ts';

export const SERVED_KINDS: Kind[] = [
  'product',
  'price',
  'coupon',
  'customer',
  'payment_method',
  'subscription',
  'subscription_item',
  'discount',
  'invoice',
  'line_item',
  'invoice_payment',
  'charge',
  'refund',
  'event',
];

export interface Account {
  readonly kind: 'generated' | 'fixture';
  readonly store: Store;
  /** What the generator simulated (null for fixtures). Recomputed at the current clock. */
  groundTruth(): GroundTruth | null;
  /** Number of objects per kind currently listed or retrievable. */
  counts(): Record<string, number>;
}

export class GeneratedAccount implements Account {
  readonly kind = 'generated' as const;
  readonly store: GeneratedStore;
  constructor(readonly data: AccountData) {
    this.store = new GeneratedStore(data);
  }
  private cachedTruth: { version: number; clock: number; value: GroundTruth } | null = null;

  /** Ground truth at the current clock (cached until the account changes). */
  groundTruth(): GroundTruth {
    const { version, clock } = this.data;
    const c = this.cachedTruth;
    if (c && c.version === version && c.clock === clock) return c.value;
    const value = buildGroundTruth(this.data);
    this.cachedTruth = { version, clock, value };
    return value;
  }
  counts(): Record<string, number> {
    return countObjects(this.store);
  }
}

/** Generates an account deterministically from (customers, months, seed, now). */
export function generateAccount(options: GenerateOptions = {}): GeneratedAccount {
  return new GeneratedAccount(generateData(options));
}

export function countObjects(store: Store): Record<string, number> {
  const asOf = store.clock();
  const out: Record<string, number> = {};
  for (const kind of SERVED_KINDS) {
    const col = store.collection(kind);
    const order = col.order();
    let n = 0;
    for (let p = 0; p < order.length; p++) if (col.retrievable(order[p] ?? 0, asOf)) n++;
    out[kind] = n;
  }
  return out;
}

/** SHA-256 over every served object rendered as JSON, kind by kind in list order. */
export function hashAccount(account: Account): string {
  const h = createHash('sha256');
  const store = account.store;
  const asOf = store.clock();
  for (const kind of SERVED_KINDS) {
    const col = store.collection(kind);
    const order = col.order();
    h.update(`#${kind}\n`);
    for (let p = 0; p < order.length; p++) {
      const i = order[p] ?? 0;
      if (col.retrievable(i, asOf)) h.update(`${JSON.stringify(col.render(i, asOf))}\n`);
    }
  }
  const gt = account.groundTruth();
  if (gt) h.update(JSON.stringify(gt));
  return h.digest('hex');
}
