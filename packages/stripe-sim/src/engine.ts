/**
 * Mutation primitives of a simulated account. Both the generator (history) and live mode use them,
 * so invoices, events and the ground-truth MRR change points always come from the same plan.
 * Nothing after `limit` is ever recorded: the account is exactly what it was at that instant.
 */

import {
  type AccountData,
  type CouponRec,
  type CustomerRec,
  EVENT_CODE,
  type EventType,
  LineKind,
  Outcome,
  Reason,
  type SubStatus,
  type SubscriptionRec,
} from './model.ts';
import { type CouponSpec, itemAmount, type PriceSpec, subscriptionMrr } from './mrr.ts';
import { addMonths, DAY, HOUR, periodIndexAt, periodStart } from './time.ts';

export interface ItemConfig {
  price: number;
  qty: number;
}

export interface NewCustomer {
  created: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  description: string | null;
  metadata: Record<string, string>;
  locales: readonly string[];
  invoicePrefix: string;
}

export interface CardSpec {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  funding: string;
  country: string;
}

export interface NewSubscription {
  items: ItemConfig[];
  trialDays: number;
  coupon: number;
  metadata: Record<string, string>;
  /** Outcome of the first payment (subscriptions without trial). */
  firstPaymentFails: boolean;
}

/** How the payment of one invoice goes: `failures` failed attempts, then the final outcome. */
export interface PaymentPlan {
  failures: number;
  final: 'paid' | 'cancel' | 'unpaid';
}

/** Payment attempts relative to the first one (Stripe's smart retries, compressed to four attempts). */
export const ATTEMPT_OFFSETS = [0, 3 * DAY, 7 * DAY, 14 * DAY] as const;
export const INCOMPLETE_EXPIRY = 23 * HOUR;

export type Change = { item: number | null; price: number; qty: number } | { item: number; remove: true };

export class Engine {
  constructor(
    readonly d: AccountData,
    /** Latest instant that may be recorded. */
    public limit: number,
  ) {}

  emit(ts: number, type: EventType, target: number): void {
    if (ts > this.limit || ts < this.d.eventWindowStart) return;
    const ev = this.d.events;
    const i = ev.add();
    ev.created.data[i] = ts;
    ev.type.data[i] = EVENT_CODE[type] ?? 0;
    ev.target.data[i] = target;
  }

  // ---------------------------------------------------------------- customers

  createCustomer(spec: NewCustomer): number {
    const idx = this.d.customers.length;
    const rec: CustomerRec = {
      idx,
      created: spec.created,
      name: spec.name,
      email: spec.email,
      phone: spec.phone,
      description: spec.description,
      currency: null,
      currencySetAt: null,
      metadata: spec.metadata,
      locales: spec.locales,
      invoicePrefix: spec.invoicePrefix,
      deletedAt: null,
      defaultPm: [],
      delinquency: [],
      subscriptions: [],
      paymentMethods: [],
      balance: 0,
      nextInvoiceSeq: 1,
    };
    this.d.customers.push(rec);
    this.emit(spec.created, 'customer.created', idx);
    return idx;
  }

  attachPaymentMethod(c: number, ts: number, card: CardSpec): number {
    const cust = this.cust(c);
    const idx = this.d.paymentMethods.length;
    this.d.paymentMethods.push({ idx, customer: c, created: ts, ...card });
    cust.paymentMethods.push(idx);
    cust.defaultPm.push(ts, idx);
    this.emit(ts, 'payment_method.attached', idx);
    this.emit(ts, 'customer.updated', c);
    return idx;
  }

  deleteCustomer(c: number, ts: number): void {
    const cust = this.cust(c);
    cust.deletedAt = ts;
    this.emit(ts, 'customer.deleted', c);
  }

  defaultPmAt(c: number, ts: number): number {
    const pm = this.cust(c).defaultPm;
    let res = -1;
    for (let i = 0; i < pm.length; i += 2) if ((pm[i] ?? 0) <= ts) res = pm[i + 1] ?? -1;
    return res;
  }

  private setDelinquent(c: number, ts: number, on: boolean): void {
    const dl = this.cust(c).delinquency;
    const open = dl.length > 0 && dl[dl.length - 1] === 0;
    if (on && !open) dl.push(ts, 0);
    else if (!on && open) dl[dl.length - 1] = ts;
    else return;
    this.emit(ts, 'customer.updated', c);
  }

  // ------------------------------------------------------------ subscriptions

  createSubscription(c: number, ts: number, spec: NewSubscription): number {
    const d = this.d;
    const cust = this.cust(c);
    const first = this.price(spec.items[0]?.price ?? -1);
    const idx = d.subscriptions.length;
    const trialEnd = spec.trialDays > 0 ? ts + spec.trialDays * DAY : null;
    const sub: SubscriptionRec = {
      idx,
      customer: c,
      currency: first.currency,
      created: ts,
      anchor: trialEnd ?? ts,
      interval: first.interval,
      intervalCount: first.intervalCount,
      trialStart: trialEnd ? ts : null,
      trialEnd,
      items: [],
      statuses: [],
      cancelRequestedAt: null,
      cancelAt: null,
      endedAt: null,
      cancelReason: null,
      discount: -1,
      metadata: spec.metadata,
      invoices: [],
      mrrPoints: [],
    };
    d.subscriptions.push(sub);
    cust.subscriptions.push(idx);
    if (cust.currency === null) {
      cust.currency = sub.currency;
      cust.currencySetAt = ts;
    }
    for (const it of spec.items) this.addItem(sub, ts, it);
    if (spec.coupon >= 0) {
      const coupon = this.coupon(spec.coupon);
      const end = coupon.duration === 'repeating' ? addMonths(ts, coupon.durationInMonths ?? 1) : null;
      sub.discount = d.discounts.length;
      d.discounts.push({
        idx: sub.discount,
        coupon: spec.coupon,
        customer: c,
        subscription: idx,
        start: ts,
        end,
        removedAt: end,
      });
    }
    if (trialEnd !== null) {
      sub.statuses.push([ts, 'trialing']);
      this.emit(ts, 'customer.subscription.created', idx);
      const inv = this.newInvoice(sub, ts, Reason.Create, ts, trialEnd);
      for (const it of this.itemsAt(sub, ts)) {
        const p = this.price(it.price);
        const licensed = p.usageType === 'licensed';
        this.addLine(inv, it.item, it.price, licensed ? it.qty : 0, 0, 0, ts, trialEnd, LineKind.Trial);
      }
      this.finalize(inv, ts);
      this.recordMrr(sub, ts);
      this.emit(trialEnd - 3 * DAY, 'customer.subscription.trial_will_end', idx);
      return idx;
    }
    if (spec.firstPaymentFails) {
      sub.statuses.push([ts, 'incomplete']);
      this.emit(ts, 'customer.subscription.created', idx);
      const inv = this.periodInvoice(sub, 0, Reason.Create, 0);
      this.finalize(inv, ts);
      this.charge(inv, ts, false);
      this.emit(ts, 'invoice.payment_failed', inv);
      const exp = ts + INCOMPLETE_EXPIRY;
      if (exp <= this.limit) {
        sub.statuses.push([exp, 'incomplete_expired']);
        sub.endedAt = exp;
        this.d.invoices.outcome.data[inv] = Outcome.Void;
        this.d.invoices.resolvedAt.data[inv] = exp;
        this.emit(exp, 'invoice.voided', inv);
        this.emit(exp, 'customer.subscription.updated', idx);
      }
      this.recordMrr(sub, ts);
      return idx;
    }
    sub.statuses.push([ts, 'active']);
    this.emit(ts, 'customer.subscription.created', idx);
    const inv = this.periodInvoice(sub, 0, Reason.Create, 0);
    this.recordMrr(sub, ts);
    this.finalize(inv, ts);
    this.pay(inv, ts, { failures: 0, final: 'paid' });
    return idx;
  }

  /** Ends a trial: converts to a paid period (then call renew(sub, 0, ...)) or cancels. */
  endTrial(s: number, convert: boolean): boolean {
    const sub = this.sub(s);
    const t = sub.trialEnd;
    if (t === null || t > this.limit || sub.endedAt !== null) return false;
    if (!convert) {
      this.end(sub, t, 'canceled', null);
      return false;
    }
    return true;
  }

  /**
   * Starts billing period k (k = 0 is the first paid period after a trial).
   * Returns false when the subscription is over (or the period starts after `limit`).
   */
  renew(s: number, k: number, plan: PaymentPlan, meteredQty: number): boolean {
    const sub = this.sub(s);
    const P = this.periodStartOf(sub, k);
    if (P > this.limit || sub.endedAt !== null) return false;
    const status = this.statusAt(sub, P);
    if (status === 'unpaid' || status === 'incomplete' || status === 'incomplete_expired') return false;
    if (sub.cancelAt !== null && sub.cancelAt <= P) {
      this.end(sub, sub.cancelAt, 'canceled', 'cancellation_requested');
      return false;
    }
    if (status === 'trialing') sub.statuses.push([P, 'active']);
    this.emit(P, 'customer.subscription.updated', s);
    const inv = this.periodInvoice(sub, k, Reason.Cycle, meteredQty);
    this.recordMrr(sub, P);
    const fin = P + HOUR;
    if (fin > this.limit) return true;
    this.finalize(inv, fin);
    this.pay(inv, fin, plan);
    return sub.endedAt === null && this.statusAt(sub, this.limit) !== 'unpaid';
  }

  /** Upgrade, downgrade, quantity change, add or remove items at `ts`, invoicing prorations at once. */
  changeItems(s: number, ts: number, changes: Change[]): void {
    const sub = this.sub(s);
    if (ts > this.limit) return;
    const k = periodIndexAt(sub.anchor, sub.interval, sub.intervalCount, ts);
    const P = this.periodStartOf(sub, k);
    const Pn = this.periodStartOf(sub, k + 1);
    const frac = (Pn - ts) / (Pn - P);
    const before = new Map(this.itemsAt(sub, ts).map((x) => [x.item, x]));
    const lines: { item: number; price: number; qty: number; amount: number; kind: number }[] = [];
    for (const ch of changes) {
      if ('remove' in ch) {
        const old = before.get(ch.item);
        const rec = this.d.items[ch.item];
        if (!old || !rec) continue;
        rec.deletedAt = ts;
        const p = this.price(old.price);
        if (p.usageType === 'licensed') {
          lines.push({ ...old, amount: -Math.round(itemAmount(p, old.qty) * frac), kind: LineKind.Unused });
        }
        continue;
      }
      const p = this.price(ch.price);
      if (ch.item === null) {
        const item = this.addItem(sub, ts, { price: ch.price, qty: ch.qty });
        if (p.usageType === 'licensed') {
          lines.push({
            item,
            price: ch.price,
            qty: ch.qty,
            amount: Math.round(itemAmount(p, ch.qty) * frac),
            kind: LineKind.Remaining,
          });
        }
        continue;
      }
      const old = before.get(ch.item);
      const rec = this.d.items[ch.item];
      if (!old || !rec) continue;
      rec.versions.push(ts, ch.price, ch.qty);
      const op = this.price(old.price);
      lines.push({ ...old, amount: -Math.round(itemAmount(op, old.qty) * frac), kind: LineKind.Unused });
      lines.push({
        item: ch.item,
        price: ch.price,
        qty: ch.qty,
        amount: Math.round(itemAmount(p, ch.qty) * frac),
        kind: LineKind.Remaining,
      });
    }
    this.emit(ts, 'customer.subscription.updated', s);
    this.recordMrr(sub, ts);
    if (lines.length === 0) return;
    const inv = this.newInvoice(sub, ts, Reason.Update, ts, Pn);
    const coupon = this.couponForMrr(sub, P);
    const bp = coupon?.percentOff != null ? Math.round(coupon.percentOff * 100) : 0;
    for (const l of lines) {
      const disc = bp ? Math.round((l.amount * bp) / 10_000) : 0;
      this.addLine(inv, l.item, l.price, l.qty, l.amount, disc, ts, Pn, l.kind);
    }
    if (bp) this.d.invoices.discount.data[inv] = sub.discount;
    this.finalize(inv, ts);
    this.pay(inv, ts, { failures: 0, final: 'paid' });
  }

  /** Cancels now, or at the end of the current period. */
  cancel(s: number, ts: number, atPeriodEnd: boolean): void {
    const sub = this.sub(s);
    if (ts > this.limit || sub.endedAt !== null || sub.cancelAt !== null) return;
    if (!atPeriodEnd) {
      this.end(sub, ts, 'canceled', 'cancellation_requested');
      return;
    }
    const k = periodIndexAt(sub.anchor, sub.interval, sub.intervalCount, ts);
    sub.cancelRequestedAt = ts;
    sub.cancelReason = 'cancellation_requested';
    sub.cancelAt = this.periodStartOf(sub, k + 1);
    this.emit(ts, 'customer.subscription.updated', s);
  }

  refund(ch: number, ts: number, amount: number, reason: 'requested_by_customer' | 'duplicate' | null): void {
    if (ts > this.limit) return;
    const idx = this.d.refunds.length;
    this.d.refunds.push({ idx, charge: ch, created: ts, amount, reason });
    const list = this.d.refundsByCharge.get(ch);
    if (list) list.push(idx);
    else this.d.refundsByCharge.set(ch, [idx]);
    this.emit(ts, 'charge.refunded', ch);
  }

  refundedAmount(ch: number, asOf: number): number {
    let sum = 0;
    for (const r of this.d.refundsByCharge.get(ch) ?? []) {
      const rec = this.d.refunds[r];
      if (rec && rec.created <= asOf) sum += rec.amount;
    }
    return sum;
  }

  // ---------------------------------------------------------------- payments

  /** Runs payment attempts of a finalized invoice from `first`, as far as `limit` allows. */
  pay(inv: number, first: number, plan: PaymentPlan): void {
    const t = this.d.invoices;
    const due = this.amountDue(inv);
    if (due <= 0) {
      t.outcome.data[inv] = Outcome.Paid;
      t.resolvedAt.data[inv] = first;
      this.emit(first, 'invoice.paid', inv);
      this.emit(first, 'invoice.payment_succeeded', inv);
      return;
    }
    const failures =
      plan.final === 'paid' ? Math.min(plan.failures, ATTEMPT_OFFSETS.length - 1) : ATTEMPT_OFFSETS.length;
    for (let a = 0; a < ATTEMPT_OFFSETS.length; a++) {
      const ts = first + (ATTEMPT_OFFSETS[a] ?? 0);
      if (ts > this.limit) {
        t.nextAttempt.data[inv] = ts;
        return;
      }
      this.attempt(inv, ts, a >= failures, a === ATTEMPT_OFFSETS.length - 1 ? plan.final : null);
      if (t.outcome.data[inv] !== Outcome.Open || t.nextAttempt.data[inv] === 0) return;
    }
  }

  /**
   * One payment attempt. On success the invoice is paid (and a past_due subscription recovers);
   * on the last failure `final` decides between canceling and marking the subscription unpaid.
   */
  attempt(inv: number, ts: number, success: boolean, final: 'paid' | 'cancel' | 'unpaid' | null): void {
    const t = this.d.invoices;
    const s = t.subscription.data[inv] ?? -1;
    const sub = s >= 0 ? this.sub(s) : null;
    const c = t.customer.data[inv] ?? 0;
    const n = t.chargeCount.data[inv] ?? 0;
    this.charge(inv, ts, success);
    if (success) {
      t.outcome.data[inv] = Outcome.Paid;
      t.resolvedAt.data[inv] = ts;
      t.nextAttempt.data[inv] = 0;
      this.emit(ts, 'invoice.paid', inv);
      this.emit(ts, 'invoice.payment_succeeded', inv);
      if (sub && this.statusAt(sub, ts) === 'past_due') {
        sub.statuses.push([ts, 'active']);
        this.emit(ts, 'customer.subscription.updated', s);
      }
      this.setDelinquent(c, ts, false);
      return;
    }
    this.emit(ts, 'invoice.payment_failed', inv);
    if (n === 0 && sub && this.statusAt(sub, ts) === 'active') {
      sub.statuses.push([ts, 'past_due']);
      this.emit(ts, 'customer.subscription.updated', s);
    }
    if (n === 0) this.setDelinquent(c, ts, true);
    const next =
      n + 1 < ATTEMPT_OFFSETS.length ? ts - (ATTEMPT_OFFSETS[n] ?? 0) + (ATTEMPT_OFFSETS[n + 1] ?? 0) : 0;
    t.nextAttempt.data[inv] = next;
    if (next !== 0) return;
    this.setDelinquent(c, ts, false);
    if (!sub) return;
    if (final === 'unpaid') {
      t.outcome.data[inv] = Outcome.Uncollectible;
      t.resolvedAt.data[inv] = ts;
      this.emit(ts, 'invoice.marked_uncollectible', inv);
      sub.statuses.push([ts, 'unpaid']);
      this.emit(ts, 'customer.subscription.updated', s);
      this.recordMrr(sub, ts);
    } else {
      this.end(sub, ts, 'canceled', 'payment_failed');
    }
  }

  private charge(inv: number, ts: number, success: boolean): number {
    const t = this.d.invoices;
    const ch = this.d.charges;
    const i = ch.add();
    const c = t.customer.data[inv] ?? 0;
    ch.invoice.data[i] = inv;
    ch.created.data[i] = ts;
    ch.amount.data[i] = this.amountDue(inv);
    ch.paymentMethod.data[i] = this.defaultPmAt(c, ts);
    ch.succeeded.data[i] = success ? 1 : 0;
    if ((t.chargeCount.data[inv] ?? 0) === 0) t.chargeStart.data[inv] = i;
    t.chargeCount.data[inv] = (t.chargeCount.data[inv] ?? 0) + 1;
    this.emit(ts, success ? 'charge.succeeded' : 'charge.failed', i);
    return i;
  }

  // ---------------------------------------------------------------- invoices

  private newInvoice(sub: SubscriptionRec, ts: number, reason: number, pStart: number, pEnd: number): number {
    const t = this.d.invoices;
    const i = t.add();
    t.customer.data[i] = sub.customer;
    t.subscription.data[i] = sub.idx;
    t.created.data[i] = ts;
    t.periodStart.data[i] = pStart;
    t.periodEnd.data[i] = pEnd;
    t.reason.data[i] = reason;
    t.lineStart.data[i] = this.d.lines.length;
    t.discount.data[i] = -1;
    t.chargeStart.data[i] = -1;
    sub.invoices.push(i);
    this.emit(ts, 'invoice.created', i);
    return i;
  }

  private addLine(
    inv: number,
    item: number,
    price: number,
    qty: number,
    amount: number,
    discount: number,
    pStart: number,
    pEnd: number,
    kind: number,
  ): void {
    const l = this.d.lines;
    const i = l.add();
    l.invoice.data[i] = inv;
    l.item.data[i] = item;
    l.price.data[i] = price;
    l.qty.data[i] = qty;
    l.amount.data[i] = amount;
    l.discount.data[i] = discount;
    l.periodStart.data[i] = pStart;
    l.periodEnd.data[i] = pEnd;
    l.kind.data[i] = kind;
    const t = this.d.invoices;
    t.lineCount.data[inv] = (t.lineCount.data[inv] ?? 0) + 1;
    t.subtotal.data[inv] = (t.subtotal.data[inv] ?? 0) + amount;
    t.discountTotal.data[inv] = (t.discountTotal.data[inv] ?? 0) + discount;
  }

  /** The invoice of billing period k: licensed items for the period, metered usage of the previous one. */
  private periodInvoice(sub: SubscriptionRec, k: number, reason: number, meteredQty: number): number {
    const P = this.periodStartOf(sub, k);
    const Pn = this.periodStartOf(sub, k + 1);
    const inv = this.newInvoice(sub, P, reason, P, Pn);
    const items = this.itemsAt(sub, P);
    const coupon = this.couponForInvoice(sub, P, k);
    const raw: {
      item: number;
      price: number;
      qty: number;
      amount: number;
      start: number;
      end: number;
      kind: number;
    }[] = [];
    const prevStart = k > 0 ? this.periodStartOf(sub, k - 1) : P;
    for (const it of items) {
      const p = this.price(it.price);
      if (p.usageType === 'metered') {
        if (k > 0 && this.d.items[it.item]!.created < P) {
          raw.push({
            ...it,
            qty: meteredQty,
            amount: meteredQty * (p.unitAmount ?? 0),
            start: prevStart,
            end: P,
            kind: LineKind.Metered,
          });
        }
        continue;
      }
      raw.push({ ...it, amount: itemAmount(p, it.qty), start: P, end: Pn, kind: LineKind.Regular });
    }
    const discounts = distributeDiscount(
      raw.map((r) => r.amount),
      coupon,
    );
    raw.forEach((r, i) => {
      this.addLine(inv, r.item, r.price, r.qty, r.amount, discounts[i] ?? 0, r.start, r.end, r.kind);
    });
    if (coupon) {
      this.d.invoices.discount.data[inv] = sub.discount;
      const disc = this.d.discounts[sub.discount];
      if (disc && coupon.duration === 'once') disc.removedAt = P + 1;
    }
    return inv;
  }

  amountDue(inv: number): number {
    const t = this.d.invoices;
    const total = (t.subtotal.data[inv] ?? 0) - (t.discountTotal.data[inv] ?? 0);
    return Math.max(0, total + (t.startingBalance.data[inv] ?? 0));
  }

  finalize(inv: number, ts: number): void {
    const t = this.d.invoices;
    const cust = this.cust(t.customer.data[inv] ?? 0);
    t.finalizedAt.data[inv] = ts;
    t.seq.data[inv] = cust.nextInvoiceSeq++;
    t.startingBalance.data[inv] = cust.balance;
    const total = (t.subtotal.data[inv] ?? 0) - (t.discountTotal.data[inv] ?? 0);
    cust.balance = Math.min(0, total + cust.balance);
    this.emit(ts, 'invoice.finalized', inv);
  }

  // ------------------------------------------------------------------- state

  private end(
    sub: SubscriptionRec,
    ts: number,
    status: SubStatus,
    reason: SubscriptionRec['cancelReason'],
  ): void {
    sub.statuses.push([ts, status]);
    sub.endedAt = ts;
    if (sub.cancelRequestedAt === null) sub.cancelRequestedAt = ts;
    sub.cancelReason = reason;
    this.emit(ts, 'customer.subscription.deleted', sub.idx);
    this.recordMrr(sub, ts);
  }

  private addItem(sub: SubscriptionRec, ts: number, it: ItemConfig): number {
    const idx = this.d.items.length;
    this.d.items.push({
      idx,
      subscription: sub.idx,
      created: ts,
      deletedAt: null,
      versions: [ts, it.price, it.qty],
    });
    sub.items.push(idx);
    return idx;
  }

  statusAt(sub: SubscriptionRec, ts: number): SubStatus {
    let st: SubStatus = sub.statuses[0]?.[1] ?? 'incomplete';
    for (const [t, s] of sub.statuses) if (t <= ts) st = s;
    return st;
  }

  /** Items in force at ts with their price and quantity. */
  itemsAt(sub: SubscriptionRec, ts: number): { item: number; price: number; qty: number }[] {
    const out: { item: number; price: number; qty: number }[] = [];
    for (const i of sub.items) {
      const rec = this.d.items[i];
      if (!rec || rec.created > ts || (rec.deletedAt !== null && rec.deletedAt <= ts)) continue;
      const v = rec.versions;
      let j = 0;
      for (let k = 0; k < v.length; k += 3) if ((v[k] ?? 0) <= ts) j = k;
      out.push({ item: i, price: v[j + 1] ?? 0, qty: v[j + 2] ?? 0 });
    }
    return out;
  }

  periodStartOf(sub: SubscriptionRec, k: number): number {
    return periodStart(sub.anchor, sub.interval, sub.intervalCount, k);
  }

  /** Start of the billing period containing ts (the trial start while trialing). */
  currentPeriodStart(sub: SubscriptionRec, ts: number): number {
    if (sub.trialEnd !== null && ts < sub.trialEnd) return sub.trialStart ?? sub.created;
    return this.periodStartOf(sub, periodIndexAt(sub.anchor, sub.interval, sub.intervalCount, ts));
  }

  /** Coupon applied to the invoice of period k starting at P (`once` only on the first paid period). */
  couponForInvoice(sub: SubscriptionRec, P: number, k: number): CouponRec | null {
    const disc = this.d.discounts[sub.discount];
    if (!disc) return null;
    const coupon = this.coupon(disc.coupon);
    if (coupon.duration === 'once') return k === 0 ? coupon : null;
    return disc.start <= P && (disc.end === null || P < disc.end) ? coupon : null;
  }

  /** Coupon that reduces MRR for the period starting at P (forever/repeating in force at P). */
  couponForMrr(sub: SubscriptionRec, P: number): CouponSpec | null {
    const disc = this.d.discounts[sub.discount];
    if (!disc) return null;
    const coupon = this.coupon(disc.coupon);
    if (coupon.duration === 'once') return null;
    return disc.start <= P && (disc.end === null || P < disc.end) ? coupon : null;
  }

  /** MRR of the plan at ts (status, items in force, discount in force at the period start). */
  planMrr(sub: SubscriptionRec, ts: number): number {
    const st = this.statusAt(sub, ts);
    if (st !== 'active' && st !== 'past_due') return 0;
    const items = this.itemsAt(sub, ts).map((x) => ({ price: this.price(x.price) as PriceSpec, qty: x.qty }));
    return subscriptionMrr(items, this.couponForMrr(sub, this.currentPeriodStart(sub, ts)));
  }

  recordMrr(sub: SubscriptionRec, ts: number): void {
    const v = this.planMrr(sub, ts);
    const pts = sub.mrrPoints;
    const n = pts.length;
    if (n >= 2 && pts[n - 2] === ts) pts[n - 1] = v;
    else if (n === 0 || pts[n - 1] !== v) pts.push(ts, v);
    this.d.version++;
  }

  /** Invoices of a customer (its subscriptions' invoices, in creation order per subscription). */
  customerInvoices(c: number): number[] {
    const out: number[] = [];
    for (const s of this.cust(c).subscriptions) for (const i of this.sub(s).invoices) out.push(i);
    return out;
  }

  /** Charges of a customer (payment attempts of its invoices). */
  customerCharges(c: number): number[] {
    const t = this.d.invoices;
    const out: number[] = [];
    for (const i of this.customerInvoices(c)) {
      const start = t.chargeStart.data[i] ?? -1;
      const n = t.chargeCount.data[i] ?? 0;
      for (let k = 0; k < n; k++) out.push(start + k);
    }
    return out;
  }

  // ----------------------------------------------------------------- lookups

  cust(c: number): CustomerRec {
    const r = this.d.customers[c];
    if (!r) throw new Error(`no customer ${c}`);
    return r;
  }
  sub(s: number): SubscriptionRec {
    const r = this.d.subscriptions[s];
    if (!r) throw new Error(`no subscription ${s}`);
    return r;
  }
  price(p: number) {
    const r = this.d.prices[p];
    if (!r) throw new Error(`no price ${p}`);
    return r;
  }
  coupon(c: number): CouponRec {
    const r = this.d.coupons[c];
    if (!r) throw new Error(`no coupon ${c}`);
    return r;
  }
}

/** Discount per line for a coupon: percent of each line, or amount_off spread over positive lines. */
export function distributeDiscount(amounts: number[], coupon: CouponSpec | null): number[] {
  if (!coupon) return amounts.map(() => 0);
  if (coupon.percentOff != null) {
    const bp = Math.round(coupon.percentOff * 100);
    return amounts.map((a) => Math.round((a * bp) / 10_000));
  }
  const positive = amounts.reduce((s, a) => s + Math.max(0, a), 0);
  const off = Math.min(coupon.amountOff ?? 0, positive);
  const out = amounts.map((a) => (a > 0 ? Math.floor((off * a) / positive) : 0));
  const rest = off - out.reduce((s, a) => s + a, 0);
  const last = amounts.map((a) => a > 0).lastIndexOf(true);
  if (last >= 0) out[last] = (out[last] ?? 0) + rest;
  return out;
}
