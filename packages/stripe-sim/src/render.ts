/**
 * Builds Stripe objects (typed with the SDK's own declarations) from the compact records,
 * as of a timestamp: the same record renders its past states for event snapshots.
 */
import Stripe from 'stripe';
import { ATTEMPT_OFFSETS, type Engine } from './engine.ts';
import { base62 } from './ids.ts';
import { type AccountData, BillingReason, EVENT_TYPES, LineKind, Outcome, type PriceRec } from './model.ts';
import { periodIndexAt } from './time.ts';

export const API_VERSION = '2026-10-28.endive';
const EMBEDDED = 10;

export function dec(v: string | number): Stripe.Decimal {
  return Stripe.Decimal.from(String(v));
}

export function apiList<T>(data: T[], hasMore: boolean, url: string): Stripe.ApiList<T> {
  return { object: 'list', data, has_more: hasMore, url };
}

function money(currency: string, amount: number): string {
  const sym = currency === 'brl' ? 'R$' : currency === 'usd' ? '$' : `${currency.toUpperCase()} `;
  return `${sym}${(amount / 100).toFixed(2)}`;
}

function shortDate(ts: number): string {
  const d = new Date(ts * 1000);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export class Renderer {
  private readonly d: AccountData;
  private couponRedemptions: number[][] | null = null;

  constructor(private readonly engine: Engine) {
    this.d = engine.d;
  }

  // ------------------------------------------------------------------ catalog

  product(i: number, asOf: number): Stripe.Product {
    const p = this.d.products[i]!;
    let description = p.descriptions[0]?.[1] ?? null;
    let updated = p.created;
    for (const [ts, text] of p.descriptions) {
      if (ts <= asOf) {
        description = text;
        updated = ts;
      }
    }
    return {
      id: p.id,
      object: 'product',
      active: true,
      created: p.created,
      default_price: null,
      description,
      images: [],
      livemode: false,
      marketing_features: [],
      metadata: { ...p.metadata },
      name: p.name,
      package_dimensions: null,
      shippable: null,
      statement_descriptor: null,
      tax_code: null,
      tax_details: null,
      type: 'service',
      unit_label: p.unitLabel,
      updated,
      url: null,
    };
  }

  price(i: number, asOf: number): Stripe.Price {
    const p = this.d.prices[i]!;
    return {
      id: p.id,
      object: 'price',
      active: p.archivedAt === null || asOf < p.archivedAt,
      billing_scheme: p.tiers ? 'tiered' : 'per_unit',
      created: p.created,
      currency: p.currency,
      custom_unit_amount: null,
      livemode: false,
      lookup_key: p.lookupKey,
      metadata: { ...p.metadata },
      nickname: p.nickname,
      product: this.d.products[p.product]!.id,
      recurring: {
        interval: p.interval,
        interval_count: p.intervalCount,
        meter: p.meter,
        trial_period_days: null,
        usage_type: p.usageType,
      },
      tax_behavior: 'unspecified',
      tiers_mode: p.tiersMode,
      transform_quantity: null,
      type: 'recurring',
      unit_amount: p.unitAmount,
      unit_amount_decimal: p.unitAmount === null ? null : dec(p.unitAmount),
    };
  }

  /** The includable `tiers` of a tiered price. */
  priceTiers(i: number): Stripe.Price.Tier[] | undefined {
    const p = this.d.prices[i]!;
    return p.tiers?.map((t) => ({
      flat_amount: t.flatAmount,
      flat_amount_decimal: dec(t.flatAmount),
      unit_amount: t.unitAmount,
      unit_amount_decimal: dec(t.unitAmount),
      up_to: t.upTo,
    }));
  }

  plan(p: PriceRec, asOf: number): Stripe.Plan {
    return {
      id: p.id,
      object: 'plan',
      active: p.archivedAt === null || asOf < p.archivedAt,
      amount: p.unitAmount,
      amount_decimal: p.unitAmount === null ? null : dec(p.unitAmount),
      billing_scheme: p.tiers ? 'tiered' : 'per_unit',
      created: p.created,
      currency: p.currency,
      interval: p.interval,
      interval_count: p.intervalCount,
      livemode: false,
      metadata: { ...p.metadata },
      meter: p.meter,
      nickname: p.nickname,
      product: this.d.products[p.product]!.id,
      tiers_mode: p.tiersMode,
      transform_usage: null,
      trial_period_days: null,
      usage_type: p.usageType,
    };
  }

  coupon(i: number, asOf: number): Stripe.Coupon {
    const c = this.d.coupons[i]!;
    if (!this.couponRedemptions) {
      this.couponRedemptions = this.d.coupons.map(() => []);
      for (const disc of this.d.discounts) this.couponRedemptions[disc.coupon]?.push(disc.start);
    }
    const starts = this.couponRedemptions[i] ?? [];
    let redeemed = 0;
    for (const s of starts) if (s <= asOf) redeemed++;
    return {
      id: c.id,
      object: 'coupon',
      amount_off: c.amountOff,
      created: c.created,
      currency: c.currency,
      duration: c.duration,
      duration_in_months: c.durationInMonths,
      livemode: false,
      max_redemptions: null,
      metadata: {},
      name: c.name,
      percent_off: c.percentOff,
      redeem_by: null,
      times_redeemed: redeemed,
      valid: true,
    };
  }

  /** Invalidates caches after live mutations. */
  touch(): void {
    this.couponRedemptions = null;
  }

  discount(i: number): Stripe.Discount {
    const disc = this.d.discounts[i]!;
    return {
      id: this.d.ids.discount.id(i),
      object: 'discount',
      checkout_session: null,
      customer: this.d.ids.customer.id(disc.customer),
      customer_account: null,
      end: disc.end,
      invoice: null,
      invoice_item: null,
      promotion_code: null,
      source: { coupon: this.d.coupons[disc.coupon]!.id, type: 'coupon' },
      start: disc.start,
      subscription: this.d.ids.subscription.id(disc.subscription),
      subscription_item: null,
    };
  }

  // ---------------------------------------------------------------- customers

  customerExists(i: number, asOf: number): boolean {
    const c = this.d.customers[i];
    return c !== undefined && c.created <= asOf;
  }

  customerDeleted(i: number, asOf: number): boolean {
    const c = this.d.customers[i];
    return c !== undefined && c.deletedAt !== null && c.deletedAt <= asOf;
  }

  customer(i: number, asOf: number): Stripe.Customer | Stripe.DeletedCustomer {
    const c = this.d.customers[i]!;
    const id = this.d.ids.customer.id(i);
    if (c.deletedAt !== null && c.deletedAt <= asOf) return { id, object: 'customer', deleted: true };
    const pm = this.engine.defaultPmAt(i, asOf);
    let delinquent = false;
    for (let k = 0; k < c.delinquency.length; k += 2) {
      const from = c.delinquency[k] ?? 0;
      const to = c.delinquency[k + 1] ?? 0;
      if (from <= asOf && (to === 0 || asOf < to)) delinquent = true;
    }
    let balance = 0;
    let finalized = 0;
    let latest = -1;
    const t = this.d.invoices;
    for (const inv of this.engine.customerInvoices(i)) {
      const f = t.finalizedAt.data[inv] ?? 0;
      if (f === 0 || f > asOf) continue;
      finalized++;
      if (f < latest) continue;
      latest = f;
      const total = (t.subtotal.data[inv] ?? 0) - (t.discountTotal.data[inv] ?? 0);
      balance = Math.min(0, total + (t.startingBalance.data[inv] ?? 0));
    }
    const md = c.metadata;
    return {
      id,
      object: 'customer',
      address: md.city
        ? {
            city: md.city,
            country: c.locales[0] === 'en-US' ? 'US' : 'BR',
            line1: null,
            line2: null,
            postal_code: null,
            state: md.state ?? null,
          }
        : null,
      balance,
      created: c.created,
      currency: c.currencySetAt !== null && c.currencySetAt <= asOf ? c.currency : null,
      default_source: null,
      delinquent,
      description: c.description,
      discount: null,
      email: c.email,
      invoice_prefix: c.invoicePrefix,
      invoice_settings: {
        custom_fields: null,
        default_payment_method: pm >= 0 ? this.d.ids.payment_method.id(pm) : null,
        footer: null,
        rendering_options: null,
      },
      livemode: false,
      metadata: { ...md },
      name: c.name,
      next_invoice_sequence: finalized + 1,
      phone: c.phone,
      preferred_locales: [...c.locales],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
    };
  }

  paymentMethod(i: number): Stripe.PaymentMethod {
    const pm = this.d.paymentMethods[i]!;
    const c = this.d.customers[pm.customer]!;
    return {
      id: this.d.ids.payment_method.id(i),
      object: 'payment_method',
      allow_redisplay: 'unspecified',
      billing_details: { address: null, email: c.email, name: c.name, phone: null, tax_id: null },
      card: {
        brand: pm.brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
        country: pm.country,
        display_brand: pm.brand,
        exp_month: pm.expMonth,
        exp_year: pm.expYear,
        fingerprint: `fp${base62(i * 7919 + 13, 12)}`,
        funding: pm.funding,
        generated_from: null,
        last4: pm.last4,
        networks: { available: [pm.brand], preferred: null },
        regulated_status: 'unregulated',
        three_d_secure_usage: { supported: true },
        wallet: null,
      },
      created: pm.created,
      customer: this.d.ids.customer.id(pm.customer),
      customer_account: null,
      livemode: false,
      metadata: {},
      type: 'card',
    };
  }

  // ------------------------------------------------------------ subscriptions

  /** Whether the subscription item exists (created and not deleted) at asOf. */
  itemAlive(i: number, asOf: number): boolean {
    const it = this.d.items[i];
    return it !== undefined && it.created <= asOf && (it.deletedAt === null || asOf < it.deletedAt);
  }

  /** Item ids of the subscription shown at asOf, in creation order. */
  subscriptionItemsAt(s: number, asOf: number): number[] {
    const sub = this.d.subscriptions[s]!;
    const t = sub.endedAt !== null && sub.endedAt <= asOf ? sub.endedAt - 1 : asOf;
    return sub.items.filter((i) => this.itemAlive(i, t));
  }

  private periodAt(s: number, asOf: number): [number, number] {
    const sub = this.d.subscriptions[s]!;
    const t = sub.endedAt !== null && sub.endedAt <= asOf ? Math.max(sub.created, sub.endedAt - 1) : asOf;
    if (sub.trialEnd !== null && t < sub.trialEnd) return [sub.trialStart ?? sub.created, sub.trialEnd];
    const k = periodIndexAt(sub.anchor, sub.interval, sub.intervalCount, t);
    return [this.engine.periodStartOf(sub, k), this.engine.periodStartOf(sub, k + 1)];
  }

  subscriptionItem(i: number, asOf: number): Stripe.SubscriptionItem {
    const it = this.d.items[i]!;
    const sub = this.d.subscriptions[it.subscription]!;
    const t = sub.endedAt !== null && sub.endedAt <= asOf ? sub.endedAt - 1 : asOf;
    const v = it.versions;
    let j = 0;
    for (let k = 0; k < v.length; k += 3) if ((v[k] ?? 0) <= Math.max(t, it.created)) j = k;
    const p = this.d.prices[v[j + 1] ?? 0]!;
    const [start, end] = this.periodAt(it.subscription, asOf);
    return {
      id: this.d.ids.subscription_item.id(i),
      object: 'subscription_item',
      billing_thresholds: null,
      created: it.created,
      current_period_end: end,
      current_period_start: start,
      current_trial: null,
      discounts: [],
      metadata: {},
      plan: this.plan(p, asOf),
      price: this.price(p.idx, asOf),
      ...(p.usageType === 'licensed' ? { quantity: v[j + 2] ?? 0 } : {}),
      subscription: this.d.ids.subscription.id(it.subscription),
      tax_rates: [],
    };
  }

  subscriptionStatus(s: number, asOf: number): Stripe.Subscription.Status {
    return this.engine.statusAt(this.d.subscriptions[s]!, asOf);
  }

  subscription(s: number, asOf: number): Stripe.Subscription {
    const sub = this.d.subscriptions[s]!;
    const id = this.d.ids.subscription.id(s);
    const items = this.subscriptionItemsAt(s, asOf);
    const disc = this.d.discounts[sub.discount];
    const discVisible = disc && disc.start <= asOf && (disc.removedAt === null || asOf < disc.removedAt);
    let latest: number | null = null;
    for (const inv of sub.invoices) if ((this.d.invoices.created.data[inv] ?? 0) <= asOf) latest = inv;
    const requested = sub.cancelRequestedAt !== null && sub.cancelRequestedAt <= asOf;
    const atPeriodEnd = requested && sub.cancelAt !== null;
    const ended = sub.endedAt !== null && sub.endedAt <= asOf;
    return {
      id,
      object: 'subscription',
      application: null,
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: sub.anchor,
      billing_cycle_anchor_config: null,
      billing_mode: { flexible: null, type: 'classic' },
      billing_schedules: [],
      billing_thresholds: null,
      cancel_at: atPeriodEnd ? sub.cancelAt : null,
      cancel_at_period_end: atPeriodEnd,
      canceled_at: requested ? sub.cancelRequestedAt : null,
      cancellation_details: {
        comment: null,
        feedback: null,
        feedback_option: null,
        reason: requested || ended ? sub.cancelReason : null,
      },
      collection_method: 'charge_automatically',
      created: sub.created,
      currency: sub.currency,
      customer: this.d.ids.customer.id(sub.customer),
      customer_account: null,
      days_until_due: null,
      default_payment_method: null,
      default_source: null,
      default_tax_rates: [],
      description: null,
      discounts: discVisible ? [this.d.ids.discount.id(sub.discount)] : [],
      ended_at: ended ? sub.endedAt : null,
      invoice_settings: {
        account_tax_ids: null,
        custom_fields: null,
        description: null,
        footer: null,
        issuer: { type: 'self' },
      },
      items: apiList(
        items.slice(0, EMBEDDED).map((i) => this.subscriptionItem(i, asOf)),
        items.length > EMBEDDED,
        `/v1/subscription_items?subscription=${id}`,
      ),
      latest_invoice: latest === null ? null : this.d.ids.invoice.id(latest),
      livemode: false,
      managed_payments: null,
      metadata: { ...sub.metadata },
      next_pending_invoice_item_invoice: null,
      on_behalf_of: null,
      pause_collection: null,
      payment_settings: {
        payment_method_options: null,
        payment_method_types: null,
        save_default_payment_method: 'off',
      },
      pending_invoice_item_interval: null,
      pending_setup_intent: null,
      pending_update: null,
      schedule: null,
      start_date: sub.created,
      status: this.engine.statusAt(sub, asOf),
      test_clock: null,
      transfer_data: null,
      trial_end: sub.trialEnd,
      trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'cancel' } },
      trial_start: sub.trialStart,
    };
  }

  // ----------------------------------------------------------------- invoices

  invoiceStatus(i: number, asOf: number): Stripe.Invoice.Status {
    const t = this.d.invoices;
    const fin = t.finalizedAt.data[i] ?? 0;
    if (fin === 0 || asOf < fin) return 'draft';
    const resolved = t.resolvedAt.data[i] ?? 0;
    const outcome = t.outcome.data[i] ?? 0;
    if (outcome !== Outcome.Open && resolved <= asOf) {
      return outcome === Outcome.Paid ? 'paid' : outcome === Outcome.Void ? 'void' : 'uncollectible';
    }
    return 'open';
  }

  line(l: number): Stripe.InvoiceLineItem {
    const d = this.d;
    const L = d.lines;
    const inv = L.invoice.data[l] ?? 0;
    const item = L.item.data[l] ?? -1;
    const p = d.prices[L.price.data[l] ?? 0]!;
    const product = d.products[p.product]!;
    const qty = L.qty.data[l] ?? 0;
    const amount = L.amount.data[l] ?? 0;
    const discount = L.discount.data[l] ?? 0;
    const kind = L.kind.data[l] ?? 0;
    const start = L.periodStart.data[l] ?? 0;
    const disc = d.invoices.discount.data[inv] ?? -1;
    const sub = d.invoices.subscription.data[inv] ?? -1;
    const subId = sub >= 0 ? d.ids.subscription.id(sub) : null;
    const unit = qty > 0 ? amount / qty : (p.unitAmount ?? 0);
    let description: string;
    const at = `(at ${money(p.currency, p.unitAmount ?? Math.round(unit))} / ${p.interval})`;
    if (kind === LineKind.Trial) description = `Trial period for ${product.name}`;
    else if (kind === LineKind.Unused)
      description = `Unused time on ${qty} × ${product.name} after ${shortDate(start)}`;
    else if (kind === LineKind.Remaining)
      description = `Remaining time on ${qty} × ${product.name} after ${shortDate(start)}`;
    else description = `${qty} × ${product.name} ${at}`;
    const proration = kind === LineKind.Unused || kind === LineKind.Remaining;
    const lineId = d.ids.line_item.id(l);
    const discId = disc >= 0 ? d.ids.discount.id(disc) : null;
    return {
      id: lineId,
      object: 'line_item',
      amount,
      currency: p.currency,
      description,
      discount_amounts: discId ? [{ amount: discount, discount: discId }] : [],
      discountable: true,
      discounts: [],
      invoice: d.ids.invoice.id(inv),
      livemode: false,
      metadata: {},
      parent:
        subId !== null && item >= 0
          ? {
              invoice_item_details: null,
              subscription_item_details: {
                invoice_item: proration ? `ii_${lineId.slice(3)}` : null,
                proration,
                proration_details: { credited_items: null },
                subscription: subId,
                subscription_item: d.ids.subscription_item.id(item),
              },
              type: 'subscription_item_details',
            }
          : null,
      period: { start, end: L.periodEnd.data[l] ?? 0 },
      pretax_credit_amounts:
        discId && discount !== 0 ? [{ amount: discount, discount: discId, type: 'discount' }] : [],
      pricing: {
        price_details: { price: p.id, product: product.id },
        type: 'price_details',
        unit_amount_decimal: dec(Number.isInteger(unit) ? unit : unit.toFixed(4)),
      },
      quantity: qty,
      quantity_decimal: dec(qty),
      subscription: subId,
      subtotal: amount,
      taxes: [],
    };
  }

  invoiceLines(i: number): number[] {
    const t = this.d.invoices;
    const start = t.lineStart.data[i] ?? 0;
    const n = t.lineCount.data[i] ?? 0;
    const out = new Array<number>(n);
    for (let k = 0; k < n; k++) out[k] = start + k;
    return out;
  }

  /** Number of payment attempts (charges) made by asOf. */
  private attemptsAt(i: number, asOf: number): number {
    const t = this.d.invoices;
    const start = t.chargeStart.data[i] ?? -1;
    const n = t.chargeCount.data[i] ?? 0;
    let count = 0;
    for (let k = 0; k < n; k++) if ((this.d.charges.created.data[start + k] ?? 0) <= asOf) count++;
    return count;
  }

  invoice(i: number, asOf: number): Stripe.Invoice {
    const d = this.d;
    const t = d.invoices;
    const id = d.ids.invoice.id(i);
    const c = t.customer.data[i] ?? 0;
    const cust = d.customers[c]!;
    const s = t.subscription.data[i] ?? -1;
    const sub = s >= 0 ? d.subscriptions[s] : undefined;
    const status = this.invoiceStatus(i, asOf);
    const created = t.created.data[i] ?? 0;
    const fin = t.finalizedAt.data[i] ?? 0;
    const finalized = status !== 'draft';
    const subtotal = t.subtotal.data[i] ?? 0;
    const discountTotal = t.discountTotal.data[i] ?? 0;
    const total = subtotal - discountTotal;
    const starting = finalized ? (t.startingBalance.data[i] ?? 0) : 0;
    const due = Math.max(0, total + starting);
    const paid = status === 'paid';
    const resolved = t.resolvedAt.data[i] ?? 0;
    const attempts = this.attemptsAt(i, asOf);
    const disc = t.discount.data[i] ?? -1;
    const discId = disc >= 0 ? d.ids.discount.id(disc) : null;
    const reason = BillingReason[t.reason.data[i] ?? 0] ?? 'manual';
    const lines = this.invoiceLines(i);
    let periodStart = created;
    if (reason === 'subscription_cycle' && sub) {
      const P = t.periodStart.data[i] ?? created;
      const k = periodIndexAt(sub.anchor, sub.interval, sub.intervalCount, P);
      periodStart = k > 0 ? this.engine.periodStartOf(sub, k - 1) : (sub.trialStart ?? P);
    }
    const nextAttempt =
      status === 'open' && due > 0 && attempts < ATTEMPT_OFFSETS.length
        ? fin + (ATTEMPT_OFFSETS[attempts] ?? 0)
        : null;
    return {
      id,
      object: 'invoice',
      account_country: 'BR',
      account_name: 'MedPro Sistemas Ltda.',
      account_tax_ids: null,
      amount_due: due,
      amount_overpaid: 0,
      amount_paid: paid ? due : 0,
      amount_remaining: paid ? 0 : due,
      amount_shipping: 0,
      application: null,
      attempt_count: attempts,
      attempted: attempts > 0 || paid,
      auto_advance: status === 'draft' || status === 'open',
      automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
      automatically_finalizes_at: status === 'draft' ? created + 3600 : null,
      billing_reason: reason,
      collection_method: 'charge_automatically',
      created,
      currency: sub?.currency ?? cust.currency ?? 'brl',
      custom_fields: null,
      customer: d.ids.customer.id(c),
      customer_account: null,
      customer_address: null,
      customer_email: cust.email,
      customer_name: cust.name,
      customer_phone: cust.phone,
      customer_shipping: null,
      customer_tax_exempt: 'none',
      customer_tax_ids: [],
      default_payment_method: null,
      default_source: null,
      default_tax_rates: [],
      description: null,
      discounts: discId ? [discId] : [],
      due_date: null,
      effective_at: finalized ? fin : null,
      ending_balance: finalized ? Math.min(0, total + starting) : null,
      footer: null,
      from_invoice: null,
      hosted_invoice_url: finalized ? `https://invoice.stripe.com/i/sim/${id}` : null,
      invoice_pdf: finalized ? `https://pay.stripe.com/invoice/sim/${id}/pdf` : null,
      issuer: { type: 'self' },
      last_finalization_error: null,
      latest_revision: null,
      lines: apiList(
        lines.slice(0, EMBEDDED).map((l) => this.line(l)),
        lines.length > EMBEDDED,
        `/v1/invoices/${id}/lines`,
      ),
      livemode: false,
      metadata: {},
      next_payment_attempt: nextAttempt,
      number: finalized ? `${cust.invoicePrefix}-${String(t.seq.data[i] ?? 0).padStart(4, '0')}` : null,
      on_behalf_of: null,
      parent: sub
        ? {
            quote_details: null,
            subscription_details: { metadata: { ...sub.metadata }, subscription: d.ids.subscription.id(s) },
            type: 'subscription_details',
          }
        : null,
      payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
      period_end: created,
      period_start: periodStart,
      post_payment_credit_notes_amount: 0,
      pre_payment_credit_notes_amount: 0,
      receipt_number: null,
      rendering: null,
      shipping_cost: null,
      shipping_details: null,
      starting_balance: starting,
      statement_descriptor: null,
      status,
      status_transitions: {
        finalized_at: finalized ? fin : null,
        marked_uncollectible_at: status === 'uncollectible' ? resolved : null,
        paid_at: paid ? resolved : null,
        voided_at: status === 'void' ? resolved : null,
      },
      subtotal,
      subtotal_excluding_tax: subtotal,
      test_clock: null,
      total,
      total_discount_amounts: discId ? [{ amount: discountTotal, discount: discId }] : [],
      total_excluding_tax: total,
      total_pretax_credit_amounts:
        discId && discountTotal !== 0 ? [{ amount: discountTotal, discount: discId, type: 'discount' }] : [],
      total_taxes: [],
      webhooks_delivered_at: finalized ? fin : null,
    };
  }

  /** Whether the invoice has an invoice payment (a finalized invoice with an amount to collect). */
  hasPayment(i: number, asOf: number): boolean {
    const t = this.d.invoices;
    return (
      (t.chargeCount.data[i] ?? 0) > 0 &&
      (this.d.charges.created.data[t.chargeStart.data[i] ?? 0] ?? 0) <= asOf
    );
  }

  invoicePayment(i: number, asOf: number): Stripe.InvoicePayment {
    const d = this.d;
    const t = d.invoices;
    const status = this.invoiceStatus(i, asOf);
    const first = d.charges.created.data[t.chargeStart.data[i] ?? 0] ?? 0;
    const amount = d.charges.amount.data[t.chargeStart.data[i] ?? 0] ?? 0;
    const resolved = t.resolvedAt.data[i] ?? 0;
    return {
      id: d.ids.invoice_payment.id(i),
      object: 'invoice_payment',
      amount_paid: status === 'paid' ? amount : null,
      amount_requested: amount,
      created: first,
      currency: d.subscriptions[t.subscription.data[i] ?? 0]?.currency ?? 'brl',
      invoice: d.ids.invoice.id(i),
      is_default: true,
      livemode: false,
      payment: { payment_intent: d.ids.payment_intent.id(i), type: 'payment_intent' },
      status:
        status === 'paid' ? 'paid' : status === 'void' || status === 'uncollectible' ? 'canceled' : 'open',
      status_transitions: {
        canceled_at: status === 'void' || status === 'uncollectible' ? resolved : null,
        paid_at: status === 'paid' ? resolved : null,
      },
    };
  }

  // ------------------------------------------------------------------ charges

  charge(i: number, asOf: number): Stripe.Charge {
    const d = this.d;
    const ch = d.charges;
    const inv = ch.invoice.data[i] ?? 0;
    const c = d.invoices.customer.data[inv] ?? 0;
    const cust = d.customers[c]!;
    const ok = ch.succeeded.data[i] === 1;
    const amount = ch.amount.data[i] ?? 0;
    const refunded = ok ? this.engine.refundedAmount(i, asOf) : 0;
    const pmIdx = ch.paymentMethod.data[i] ?? -1;
    const pm = d.paymentMethods[pmIdx];
    const id = d.ids.charge.id(i);
    const reason = BillingReason[d.invoices.reason.data[inv] ?? 0];
    return {
      id,
      object: 'charge',
      amount,
      amount_captured: ok ? amount : 0,
      amount_refunded: refunded,
      application: null,
      application_fee: null,
      application_fee_amount: null,
      balance_transaction: ok ? `txn_${id.slice(3)}` : null,
      billing_details: { address: null, email: cust.email, name: cust.name, phone: null, tax_id: null },
      calculated_statement_descriptor: 'MEDPRO SISTEMAS',
      captured: ok,
      created: ch.created.data[i] ?? 0,
      currency: d.subscriptions[d.invoices.subscription.data[inv] ?? 0]?.currency ?? 'brl',
      customer: d.ids.customer.id(c),
      description:
        reason === 'subscription_create'
          ? 'Subscription creation'
          : reason === 'subscription_update'
            ? 'Subscription update'
            : 'Subscription renewal',
      disputed: false,
      failure_balance_transaction: null,
      failure_code: ok ? null : 'card_declined',
      failure_message: ok ? null : 'Your card was declined.',
      fraud_details: {},
      livemode: false,
      metadata: {},
      on_behalf_of: null,
      outcome: {
        advice_code: ok ? null : 'try_again_later',
        network_advice_code: null,
        network_decline_code: null,
        network_status: ok ? 'approved_by_network' : 'declined_by_network',
        reason: ok ? null : 'generic_decline',
        risk_level: 'normal',
        seller_message: ok
          ? 'Payment complete.'
          : 'The bank did not return any further details with this decline.',
        type: ok ? 'authorized' : 'issuer_declined',
      },
      paid: ok,
      payment_intent: d.ids.payment_intent.id(inv),
      payment_method: pm ? d.ids.payment_method.id(pmIdx) : null,
      payment_method_details: pm
        ? {
            card: {
              amount_authorized: ok ? amount : null,
              authorization_code: ok ? String(100000 + (i % 900000)) : null,
              brand: pm.brand,
              checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: null },
              country: pm.country,
              electronic_commerce_indicator: null,
              exp_month: pm.expMonth,
              exp_year: pm.expYear,
              funding: pm.funding,
              installments: null,
              last4: pm.last4,
              mandate: null,
              network: pm.brand,
              network_transaction_id: null,
              regulated_status: 'unregulated',
              three_d_secure: null,
              transaction_link_id: null,
              wallet: null,
            },
            type: 'card',
          }
        : null,
      receipt_email: cust.email,
      receipt_number: null,
      receipt_url: ok ? `https://pay.stripe.com/receipts/sim/${id}` : null,
      refunded: ok && refunded >= amount,
      review: null,
      shipping: null,
      source: null,
      source_transfer: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: ok ? 'succeeded' : 'failed',
      transfer_data: null,
      transfer_group: null,
    };
  }

  refund(i: number): Stripe.Refund {
    const d = this.d;
    const r = d.refunds[i]!;
    const inv = d.charges.invoice.data[r.charge] ?? 0;
    const pm = d.charges.paymentMethod.data[r.charge] ?? -1;
    const id = d.ids.refund.id(i);
    return {
      id,
      object: 'refund',
      amount: r.amount,
      balance_transaction: `txn_${id.slice(3)}`,
      charge: d.ids.charge.id(r.charge),
      created: r.created,
      currency: d.subscriptions[d.invoices.subscription.data[inv] ?? 0]?.currency ?? 'brl',
      customer: d.ids.customer.id(d.invoices.customer.data[inv] ?? 0),
      customer_account: null,
      metadata: {},
      payment_intent: d.ids.payment_intent.id(inv),
      payment_method: pm >= 0 ? d.ids.payment_method.id(pm) : null,
      reason: r.reason,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    };
  }

  // ------------------------------------------------------------------- events

  eventKind(e: number) {
    return EVENT_TYPES[this.d.events.type.data[e] ?? 0]!;
  }

  /** Renders the object of kind `kind` as of `asOf` (event snapshots). */
  snapshot(kind: string, idx: number, asOf: number): object {
    switch (kind) {
      case 'customer':
        return this.customer(idx, asOf);
      case 'subscription':
        return this.subscription(idx, asOf);
      case 'invoice':
        return this.invoice(idx, asOf);
      case 'charge':
        return this.charge(idx, asOf);
      case 'payment_method':
        return this.paymentMethod(idx);
      case 'product':
        return this.product(idx, asOf);
      case 'price':
        return this.price(idx, asOf);
      default:
        throw new Error(`no snapshot for ${kind}`);
    }
  }

  event(e: number): Stripe.EventBase {
    const d = this.d;
    const ev = d.events;
    const [type, kind] = this.eventKind(e);
    const created = ev.created.data[e] ?? 0;
    const target = ev.target.data[e] ?? 0;
    const at = type === 'customer.deleted' ? created - 1 : created;
    const object = this.snapshot(kind, target, at);
    const data: Stripe.Event.Data = { object };
    if (type.endsWith('.updated')) {
      const before = this.snapshot(kind, target, created - 1) as Record<string, unknown>;
      const now = object as Record<string, unknown>;
      const prev: Record<string, unknown> = {};
      for (const key of Object.keys(now)) {
        if (JSON.stringify(before[key]) !== JSON.stringify(now[key])) prev[key] = before[key] ?? null;
      }
      data.previous_attributes = prev;
    }
    return {
      id: d.ids.event.id(e),
      object: 'event',
      api_version: API_VERSION,
      created,
      data,
      livemode: false,
      pending_webhooks: 0,
      request: { id: null, idempotency_key: null },
      type,
    };
  }
}
