/**
 * Internal compact records of a generated account. Full Stripe JSON is built on demand
 * (see render.ts) "as of" a timestamp, so events can carry snapshots without storing them.
 */
import { Column, Table } from './columns.ts';
import { IdCodec } from './ids.ts';
import type { CouponSpec, PriceSpec, Rates } from './mrr.ts';

export interface ProductRec {
  idx: number;
  id: string;
  name: string;
  created: number;
  /** [ts, description] versions, ascending. */
  descriptions: [number, string][];
  unitLabel: string | null;
  metadata: Record<string, string>;
}

export interface PriceRec extends PriceSpec {
  idx: number;
  id: string;
  product: number;
  currency: string;
  created: number;
  archivedAt: number | null;
  nickname: string | null;
  lookupKey: string | null;
  meter: string | null;
  metadata: Record<string, string>;
}

export interface CouponRec extends CouponSpec {
  idx: number;
  id: string;
  name: string;
  currency: string | null;
  durationInMonths: number | null;
  created: number;
}

export interface DiscountRec {
  idx: number;
  coupon: number;
  customer: number;
  subscription: number;
  start: number;
  /** Stripe's `end` (repeating coupons), null otherwise. */
  end: number | null;
  /** When the discount stops showing on the subscription (end, or after the first invoice for `once`). */
  removedAt: number | null;
}

export interface PaymentMethodRec {
  idx: number;
  customer: number;
  created: number;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  funding: string;
  country: string;
}

export interface CustomerRec {
  idx: number;
  created: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  description: string | null;
  currency: string | null;
  /** Timestamp from which `currency` is set (first subscription), or null. */
  currencySetAt: number | null;
  metadata: Record<string, string>;
  locales: readonly string[];
  invoicePrefix: string;
  deletedAt: number | null;
  /** Flat pairs [ts, pmIdx | -1, ...] of invoice_settings.default_payment_method changes. */
  defaultPm: number[];
  /** Flat pairs [from, to) of delinquency intervals (to = 0 while open). */
  delinquency: number[];
  subscriptions: number[];
  paymentMethods: number[];
  /** Running credit balance (generation state). */
  balance: number;
  nextInvoiceSeq: number;
}

export type SubStatus =
  | 'trialing'
  | 'active'
  | 'past_due'
  | 'unpaid'
  | 'canceled'
  | 'incomplete'
  | 'incomplete_expired'
  | 'paused';

export interface SubItemRec {
  idx: number;
  subscription: number;
  created: number;
  deletedAt: number | null;
  /** Flat triples [ts, priceIdx, qty, ...] ascending. */
  versions: number[];
}

export interface SubscriptionRec {
  idx: number;
  customer: number;
  currency: string;
  created: number;
  anchor: number;
  interval: PriceSpec['interval'];
  intervalCount: number;
  trialStart: number | null;
  trialEnd: number | null;
  items: number[];
  /** [ts, status] ascending. */
  statuses: [number, SubStatus][];
  cancelRequestedAt: number | null;
  cancelAt: number | null;
  endedAt: number | null;
  cancelReason: 'cancellation_requested' | 'payment_failed' | null;
  discount: number;
  metadata: Record<string, string>;
  invoices: number[];
  /** Ground truth: [ts, mrrMinor] change points from the plan, ascending. */
  mrrPoints: number[];
}

export const BillingReason = [
  'subscription_create',
  'subscription_cycle',
  'subscription_update',
  'manual',
] as const;
export const Reason = { Create: 0, Cycle: 1, Update: 2, Manual: 3 } as const;
export const Outcome = { Open: 0, Paid: 1, Uncollectible: 2, Void: 3 } as const;
export const LineKind = { Regular: 0, Unused: 1, Remaining: 2, Trial: 3, Metered: 4 } as const;

export class InvoiceTable extends Table {
  customer = new Column(Int32Array);
  subscription = new Column(Int32Array);
  created = new Column(Uint32Array);
  periodStart = new Column(Uint32Array);
  periodEnd = new Column(Uint32Array);
  finalizedAt = new Column(Uint32Array);
  resolvedAt = new Column(Uint32Array);
  nextAttempt = new Column(Uint32Array);
  subtotal = new Column(Int32Array);
  discountTotal = new Column(Int32Array);
  startingBalance = new Column(Int32Array);
  lineStart = new Column(Uint32Array);
  lineCount = new Column(Uint16Array);
  discount = new Column(Int32Array);
  chargeStart = new Column(Int32Array);
  chargeCount = new Column(Uint8Array);
  seq = new Column(Uint32Array);
  reason = new Column(Uint8Array);
  outcome = new Column(Uint8Array);
  protected columns() {
    return [
      this.customer,
      this.subscription,
      this.created,
      this.periodStart,
      this.periodEnd,
      this.finalizedAt,
      this.resolvedAt,
      this.nextAttempt,
      this.subtotal,
      this.discountTotal,
      this.startingBalance,
      this.lineStart,
      this.lineCount,
      this.discount,
      this.chargeStart,
      this.chargeCount,
      this.seq,
      this.reason,
      this.outcome,
    ];
  }
}

export class LineTable extends Table {
  invoice = new Column(Uint32Array);
  item = new Column(Int32Array);
  price = new Column(Uint16Array);
  qty = new Column(Uint32Array);
  amount = new Column(Int32Array);
  discount = new Column(Int32Array);
  periodStart = new Column(Uint32Array);
  periodEnd = new Column(Uint32Array);
  kind = new Column(Uint8Array);
  protected columns() {
    return [
      this.invoice,
      this.item,
      this.price,
      this.qty,
      this.amount,
      this.discount,
      this.periodStart,
      this.periodEnd,
      this.kind,
    ];
  }
}

export class ChargeTable extends Table {
  invoice = new Column(Uint32Array);
  created = new Column(Uint32Array);
  amount = new Column(Int32Array);
  paymentMethod = new Column(Int32Array);
  /** 1 = succeeded, 0 = failed. */
  succeeded = new Column(Uint8Array);
  protected columns() {
    return [this.invoice, this.created, this.amount, this.paymentMethod, this.succeeded];
  }
}

export interface RefundRec {
  idx: number;
  charge: number;
  created: number;
  amount: number;
  reason: 'requested_by_customer' | 'duplicate' | null;
}

/** Object kinds served by the simulator. */
export type Kind =
  | 'customer'
  | 'subscription'
  | 'subscription_item'
  | 'invoice'
  | 'line_item'
  | 'invoice_payment'
  | 'payment_intent'
  | 'payment_method'
  | 'product'
  | 'price'
  | 'coupon'
  | 'discount'
  | 'charge'
  | 'refund'
  | 'event';

export class EventTable extends Table {
  created = new Column(Uint32Array);
  type = new Column(Uint8Array);
  target = new Column(Uint32Array);
  protected columns() {
    return [this.created, this.type, this.target];
  }
}

/** Event types and which object kind their data.object is. */
export const EVENT_TYPES = [
  ['customer.created', 'customer'],
  ['customer.updated', 'customer'],
  ['customer.deleted', 'customer'],
  ['customer.subscription.created', 'subscription'],
  ['customer.subscription.updated', 'subscription'],
  ['customer.subscription.deleted', 'subscription'],
  ['customer.subscription.trial_will_end', 'subscription'],
  ['invoice.created', 'invoice'],
  ['invoice.finalized', 'invoice'],
  ['invoice.paid', 'invoice'],
  ['invoice.payment_succeeded', 'invoice'],
  ['invoice.payment_failed', 'invoice'],
  ['invoice.marked_uncollectible', 'invoice'],
  ['invoice.voided', 'invoice'],
  ['charge.succeeded', 'charge'],
  ['charge.failed', 'charge'],
  ['charge.refunded', 'charge'],
  ['payment_method.attached', 'payment_method'],
  ['product.created', 'product'],
  ['product.updated', 'product'],
  ['price.created', 'price'],
  ['price.updated', 'price'],
] as const satisfies readonly (readonly [string, Kind])[];
export type EventType = (typeof EVENT_TYPES)[number][0];
export const EVENT_CODE: Record<string, number> = Object.fromEntries(EVENT_TYPES.map(([t], i) => [t, i]));

export interface GeneratedAccountOptions {
  customers: number;
  months: number;
  seed: number;
  /** YYYY-MM-DD; the account is simulated through the end of that UTC day. */
  now: string;
  rates: Rates;
  /** Seconds the timeline is moved back from the end of `now` (0 unless `until` is earlier). */
  shift: number;
}

export class Codecs {
  customer: IdCodec;
  subscription: IdCodec;
  subscription_item: IdCodec;
  invoice: IdCodec;
  line_item: IdCodec;
  invoice_payment: IdCodec;
  payment_intent: IdCodec;
  payment_method: IdCodec;
  product: IdCodec;
  price: IdCodec;
  discount: IdCodec;
  charge: IdCodec;
  refund: IdCodec;
  event: IdCodec;
  constructor(tag: string) {
    this.customer = new IdCodec('cus', tag);
    this.subscription = new IdCodec('sub', tag);
    this.subscription_item = new IdCodec('si', tag);
    this.invoice = new IdCodec('in', tag);
    this.line_item = new IdCodec('il', tag);
    this.invoice_payment = new IdCodec('inpay', tag);
    this.payment_intent = new IdCodec('pi', tag);
    this.payment_method = new IdCodec('pm', tag);
    this.product = new IdCodec('prod', tag);
    this.price = new IdCodec('price', tag);
    this.discount = new IdCodec('di', tag);
    this.charge = new IdCodec('ch', tag);
    this.refund = new IdCodec('re', tag);
    this.event = new IdCodec('evt', tag);
  }
}

/** The whole generated account: catalog, records, tables and the simulation clock. */
export class AccountData {
  readonly ids: Codecs;
  products: ProductRec[] = [];
  prices: PriceRec[] = [];
  coupons: CouponRec[] = [];
  couponById = new Map<string, number>();
  customers: CustomerRec[] = [];
  subscriptions: SubscriptionRec[] = [];
  items: SubItemRec[] = [];
  discounts: DiscountRec[] = [];
  paymentMethods: PaymentMethodRec[] = [];
  refunds: RefundRec[] = [];
  refundsByCharge = new Map<number, number[]>();
  invoices = new InvoiceTable();
  lines = new LineTable();
  charges = new ChargeTable();
  events = new EventTable();
  /** Start of the window of kept events. */
  eventWindowStart: number;
  /** Current simulated instant; API responses are rendered as of this time. */
  clock: number;
  /** Bumped on every mutation (live mode), invalidates cached filtered indexes. */
  version = 0;
  readonly firstDay: number;
  readonly nowTs: number;

  constructor(
    readonly options: GeneratedAccountOptions,
    tag: string,
    firstDay: number,
    nowTs: number,
  ) {
    this.ids = new Codecs(tag);
    this.firstDay = firstDay;
    this.nowTs = nowTs;
    this.clock = nowTs;
    this.eventWindowStart = nowTs + 1 - 30 * 86_400;
  }
}
