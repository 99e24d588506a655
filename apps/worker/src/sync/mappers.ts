/**
 * Stripe objects (the SDK's types for the pinned API version) → database rows. Pure functions:
 * every column the database holds is derived here, so they are unit-tested with typed fixtures.
 *
 * Shapes of the pinned API that the plan's columns are derived from:
 * - a subscription's period lives on its items (`items.data[].current_period_start/end`);
 * - an invoice reaches its subscription through `parent.subscription_details.subscription`;
 * - an invoice line's price and product through `pricing.price_details`, its subscription item
 *   through `parent.subscription_item_details`;
 * - `Stripe.Decimal` fields arrive as Decimal objects (or strings in event payloads) and are
 *   stored as their exact decimal string.
 */
import type Stripe from 'stripe';

export type Row = Record<string, unknown>;

type Expandable<T extends { id: string }> = string | T | null | undefined;

/** The id of an expandable field, whether Stripe returned the id or the object. */
export function idOf<T extends { id: string }>(value: Expandable<T>): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}

/** Unix seconds → Date (null stays null). */
export function ts(seconds: number | null | undefined): Date | null {
  return seconds === null || seconds === undefined ? null : new Date(seconds * 1000);
}

/** A Stripe.Decimal (or the string an event payload carries) as its exact decimal text. */
export function decimalText(value: Stripe.Decimal | string | number | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function sum(list: readonly { amount: number }[] | null | undefined): number | null {
  if (!list) return null;
  return list.reduce((total, x) => total + x.amount, 0);
}

/**
 * The object as JSON text for a JSON column (Decimal objects serialise as strings): serialised
 * once here, and written as it is.
 */
export function rawJson(object: unknown): string {
  return JSON.stringify(object);
}

/**
 * An object's raw JSON without the entries of an embedded list that has rows of its own (a
 * subscription's items, an invoice's lines), each kept with its own raw there: the envelope
 * stays (has_more, total_count, url). They were 40–65 % of those objects' JSON, written twice.
 */
function rawWithout<T extends object>(object: T, list: keyof T): string {
  const embedded = object[list] as { data?: unknown } | null | undefined;
  return rawJson(embedded ? { ...object, [list]: { ...embedded, data: undefined } } : object);
}

export interface Stamp {
  /** source_version: see docs/decisions/005-stripe-sync.md. */
  version: number;
  /** Wall time of the write, for created_at/updated_at/last_sync_at. */
  now: Date;
}

export function productRow(p: Stripe.Product | Stripe.DeletedProduct, s: Stamp): Row {
  if (p.deleted)
    return {
      stripe_product_id: p.id,
      deleted: true,
      source_version: s.version,
      updated_at: s.now,
      created_at: s.now,
    };
  return {
    stripe_product_id: p.id,
    name: p.name,
    description: p.description ?? null,
    active: p.active,
    metadata: p.metadata ?? {},
    deleted: false,
    stripe_created_at: ts(p.created),
    raw: rawJson(p),
    source_version: s.version,
    created_at: s.now,
    updated_at: s.now,
  };
}

export function priceRow(p: Stripe.Price, s: Stamp): Row {
  return {
    stripe_price_id: p.id,
    stripe_product_id: idOf(p.product),
    active: p.active,
    currency: p.currency,
    unit_amount: p.unit_amount,
    unit_amount_decimal: decimalText(p.unit_amount_decimal),
    type: p.type,
    billing_scheme: p.billing_scheme ?? null,
    recurring_interval: p.recurring?.interval ?? null,
    recurring_interval_count: p.recurring?.interval_count ?? null,
    recurring_usage_type: p.recurring?.usage_type ?? null,
    tiers_mode: p.tiers_mode ?? null,
    tiers: p.tiers ? rawJson(p.tiers) : null,
    nickname: p.nickname,
    lookup_key: p.lookup_key,
    metadata: p.metadata ?? {},
    deleted: false,
    stripe_created_at: ts(p.created),
    raw: rawJson(p),
    source_version: s.version,
    created_at: s.now,
    updated_at: s.now,
  };
}

export function couponRow(c: Stripe.Coupon, s: Stamp): Row {
  return {
    stripe_coupon_id: c.id,
    name: c.name,
    percent_off: c.percent_off === null ? null : String(c.percent_off),
    amount_off: c.amount_off,
    currency: c.currency,
    duration: c.duration,
    duration_in_months: c.duration_in_months,
    valid: c.valid,
    deleted: false,
    stripe_created_at: ts(c.created),
    raw: rawJson(c),
    source_version: s.version,
    created_at: s.now,
    updated_at: s.now,
  };
}

/** A customer row; a deleted customer only flips `deleted` (the row and its history stay). */
export function customerRow(c: Stripe.Customer, s: Stamp): Row {
  const a = c.address ?? null;
  return {
    stripe_customer_id: c.id,
    // The plan's column is NOT NULL; Stripe customers may have no email.
    email: c.email ?? '',
    name: c.name ?? null,
    description: c.description,
    phone: c.phone ?? null,
    address_line1: a?.line1 ?? null,
    address_line2: a?.line2 ?? null,
    address_city: a?.city ?? null,
    address_state: a?.state ?? null,
    address_postal_code: a?.postal_code ?? null,
    address_country: a?.country ?? null,
    metadata: c.metadata ?? {},
    stripe_created_at: ts(c.created),
    currency: c.currency ?? null,
    deleted: false,
    delinquent: c.delinquent ?? false,
    balance: c.balance,
    last_sync_at: s.now,
    default_payment_method_id: idOf(c.invoice_settings?.default_payment_method),
    raw: rawJson(c),
    source_version: s.version,
    created_at: s.now,
    updated_at: s.now,
  };
}

/** The customer's default payment method, when the list call expanded it. */
export function expandedDefaultPaymentMethod(c: Stripe.Customer): Stripe.PaymentMethod | null {
  const pm = c.invoice_settings?.default_payment_method;
  return pm && typeof pm === 'object' ? pm : null;
}

export function paymentMethodRow(pm: Stripe.PaymentMethod, s: Stamp): Row {
  return {
    stripe_payment_method_id: pm.id,
    stripe_customer_id: idOf(pm.customer),
    type: pm.type,
    card_brand: pm.card?.brand ?? null,
    card_last4: pm.card?.last4 ?? null,
    card_exp_month: pm.card?.exp_month ?? null,
    card_exp_year: pm.card?.exp_year ?? null,
    card_funding: pm.card?.funding ?? null,
    detached: pm.customer === null,
    stripe_created_at: ts(pm.created),
    raw: rawJson(pm),
    source_version: s.version,
    created_at: s.now,
    updated_at: s.now,
  };
}

/**
 * The item that stands for the subscription in the plan's one-price columns: the first item
 * with a licensed (per-seat) price, else the first item.
 */
export function primaryItem(items: readonly Stripe.SubscriptionItem[]): Stripe.SubscriptionItem | null {
  return items.find((i) => (i.price.recurring?.usage_type ?? 'licensed') === 'licensed') ?? items[0] ?? null;
}

/**
 * `items` is every item of the subscription (the embedded list holds 10 at most; the caller
 * pages the rest with the subscription items endpoint before mapping).
 */
export function subscriptionRow(
  sub: Stripe.Subscription,
  items: readonly Stripe.SubscriptionItem[],
  s: Stamp,
): Row {
  const primary = primaryItem(items);
  return {
    stripe_subscription_id: sub.id,
    stripe_customer_id: idOf(sub.customer),
    stripe_price_id: primary?.price.id ?? null,
    stripe_product_id: primary ? idOf(primary.price.product) : null,
    quantity: primary?.quantity ?? null,
    status: sub.status,
    // The pinned API keeps the billing period on each item; the plan's columns take the primary item's.
    current_period_start: ts(primary?.current_period_start),
    current_period_end: ts(primary?.current_period_end),
    cancel_at_period_end: sub.cancel_at_period_end,
    canceled_at: ts(sub.canceled_at),
    ended_at: ts(sub.ended_at),
    trial_start: ts(sub.trial_start),
    trial_end: ts(sub.trial_end),
    metadata: sub.metadata ?? {},
    currency: sub.currency,
    collection_method: sub.collection_method,
    cancel_at: ts(sub.cancel_at),
    start_date: ts(sub.start_date),
    stripe_created_at: ts(sub.created),
    latest_invoice_id: idOf(sub.latest_invoice),
    raw: rawWithout(sub, 'items'),
    source_version: s.version,
    created_at: s.now,
    updated_at: s.now,
  };
}

export function subscriptionItemRow(item: Stripe.SubscriptionItem, s: Stamp): Row {
  return {
    stripe_subscription_item_id: item.id,
    stripe_subscription_id: item.subscription,
    stripe_price_id: item.price.id,
    stripe_product_id: idOf(item.price.product),
    quantity: item.quantity ?? null,
    current_period_start: ts(item.current_period_start),
    current_period_end: ts(item.current_period_end),
    deleted: false,
    stripe_created_at: ts(item.created),
    raw: rawJson(item),
    source_version: s.version,
    created_at: s.now,
    updated_at: s.now,
  };
}

/** The subscription an invoice bills, reached through `parent` in the pinned API. */
export function invoiceSubscriptionId(inv: Stripe.Invoice): string | null {
  return idOf(inv.parent?.subscription_details?.subscription);
}

export function invoiceRow(inv: Stripe.Invoice, s: Stamp): Row {
  return {
    stripe_invoice_id: inv.id,
    stripe_customer_id: idOf(inv.customer),
    stripe_subscription_id: invoiceSubscriptionId(inv),
    number: inv.number,
    status: inv.status,
    billing_reason: inv.billing_reason,
    collection_method: inv.collection_method,
    currency: inv.currency,
    subtotal: inv.subtotal,
    total: inv.total,
    tax: sum(inv.total_taxes),
    total_discount_amount: sum(inv.total_discount_amounts),
    amount_due: inv.amount_due,
    amount_paid: inv.amount_paid,
    amount_remaining: inv.amount_remaining,
    attempt_count: inv.attempt_count,
    period_start: ts(inv.period_start),
    period_end: ts(inv.period_end),
    stripe_created_at: ts(inv.created),
    finalized_at: ts(inv.status_transitions?.finalized_at),
    paid_at: ts(inv.status_transitions?.paid_at),
    due_date: ts(inv.due_date),
    raw: rawWithout(inv, 'lines'),
    source_version: s.version,
    created_at: s.now,
    updated_at: s.now,
  };
}

export function invoiceLineRow(line: Stripe.InvoiceLineItem, inv: Stripe.Invoice, s: Stamp): Row {
  const sid = line.parent?.subscription_item_details ?? null;
  const iid = line.parent?.invoice_item_details ?? null;
  const price = line.pricing?.price_details ?? null;
  return {
    stripe_line_item_id: line.id,
    stripe_invoice_id: line.invoice ?? inv.id,
    stripe_customer_id: idOf(inv.customer),
    stripe_subscription_id:
      idOf(line.subscription) ?? sid?.subscription ?? iid?.subscription ?? invoiceSubscriptionId(inv),
    stripe_subscription_item_id: sid?.subscription_item ?? null,
    stripe_price_id: price ? idOf(price.price) : null,
    stripe_product_id: price?.product ?? null,
    parent_type: line.parent?.type ?? null,
    proration: sid?.proration ?? iid?.proration ?? false,
    quantity: line.quantity,
    amount: line.amount,
    currency: line.currency,
    discount_amount: sum(line.discount_amounts) ?? 0,
    period_start: ts(line.period?.start),
    period_end: ts(line.period?.end),
    description: line.description,
    raw: rawJson(line),
    created_at: s.now,
    updated_at: s.now,
  };
}

/**
 * An invoice payment: which payment intent (or charge) pays which invoice. No raw copy: every
 * field is a column, and the invoice's raw holds the payments it was listed with.
 */
export function invoicePaymentRow(p: Stripe.InvoicePayment, s: Stamp): Row {
  return {
    stripe_invoice_payment_id: p.id,
    stripe_invoice_id: idOf(p.invoice),
    stripe_payment_intent_id: idOf(p.payment.payment_intent),
    stripe_charge_id: idOf(p.payment.charge),
    status: p.status,
    is_default: p.is_default,
    amount_requested: p.amount_requested,
    amount_paid: p.amount_paid,
    currency: p.currency,
    paid_at: ts(p.status_transitions?.paid_at),
    canceled_at: ts(p.status_transitions?.canceled_at),
    stripe_created_at: ts(p.created),
    source_version: s.version,
    created_at: s.now,
    updated_at: s.now,
  };
}

/** A charge; its invoice is not on it in the pinned API, but found through invoice payments. */
export function chargeRow(ch: Stripe.Charge, invoiceId: string | null, s: Stamp): Row {
  return {
    stripe_charge_id: ch.id,
    stripe_customer_id: idOf(ch.customer),
    stripe_payment_intent_id: idOf(ch.payment_intent),
    stripe_invoice_id: invoiceId,
    amount: ch.amount,
    amount_captured: ch.amount_captured,
    amount_refunded: ch.amount_refunded,
    currency: ch.currency,
    status: ch.status,
    paid: ch.paid,
    refunded: ch.refunded,
    failure_code: ch.failure_code,
    failure_message: ch.failure_message,
    stripe_created_at: ts(ch.created),
    raw: rawJson(ch),
    source_version: s.version,
    created_at: s.now,
    updated_at: s.now,
  };
}

export function refundRow(r: Stripe.Refund, s: Stamp): Row {
  return {
    stripe_refund_id: r.id,
    stripe_charge_id: idOf(r.charge),
    stripe_payment_intent_id: idOf(r.payment_intent),
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    reason: r.reason,
    stripe_created_at: ts(r.created),
    raw: rawJson(r),
    source_version: s.version,
    created_at: s.now,
    updated_at: s.now,
  };
}
