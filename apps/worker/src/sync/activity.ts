/**
 * customer_activity entries, in pt-BR, derived from Stripe objects and events. Every entry has
 * a `source_id` chosen so that the same fact always yields the same (source_id, activity_type):
 * a payment is keyed by its invoice whether it was seen in a backfill or an `invoice.paid` event,
 * so replays and the two paths never duplicate an entry (the unique index enforces it).
 */
import type Stripe from 'stripe';
import { idOf, type Row, ts } from './mappers.ts';

export type ActivityType =
  | 'payment_succeeded'
  | 'payment_failed'
  | 'refund'
  | 'subscription_created'
  | 'subscription_updated'
  | 'subscription_canceled'
  | 'upgrade'
  | 'downgrade'
  | 'trial_ending';

/** Intl formatters are costly to build (a backfill formats one per activity row): one per currency. */
const currencyFormats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

/** Minor units → "R$ 377,00" (pt-BR, plain spaces). */
export function money(minor: number, currency: string): string {
  const code = currency.toUpperCase();
  let f = currencyFormats.get(code);
  if (!f) {
    const format = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: code });
    f = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    currencyFormats.set(code, f);
  }
  return f.format.format(minor / 10 ** f.digits).replace(/\s/g, ' ');
}

const dayFormat = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeZone: 'UTC' });

function day(seconds: number): string {
  return dayFormat.format(new Date(seconds * 1000));
}

const STATUS_PT: Record<string, string> = {
  active: 'ativa',
  trialing: 'em teste',
  past_due: 'em atraso',
  unpaid: 'não paga',
  canceled: 'cancelada',
  incomplete: 'incompleta',
  incomplete_expired: 'expirada',
  paused: 'pausada',
};

const INTERVAL_PT: Record<string, string> = { day: 'dia', week: 'semana', month: 'mês', year: 'ano' };

function entry(
  customer: string | null,
  type: ActivityType,
  at: number,
  description: string,
  sourceId: string,
  metadata: Record<string, unknown>,
): Row[] {
  if (!customer) return [];
  return [
    {
      stripe_customer_id: customer,
      activity_type: type,
      activity_date: ts(at),
      description,
      metadata,
      source_id: sourceId,
    },
  ];
}

/** Recurring amount of a set of items, per the first item's interval (for descriptions). */
export function recurringAmount(items: readonly Stripe.SubscriptionItem[]): {
  amount: number;
  interval: string;
} {
  let amount = 0;
  let interval = 'month';
  for (const item of items) {
    amount += (item.price.unit_amount ?? 0) * (item.quantity ?? 1);
    interval = item.price.recurring?.interval ?? interval;
  }
  return { amount, interval };
}

function perInterval(items: readonly Stripe.SubscriptionItem[], currency: string): string {
  const { amount, interval } = recurringAmount(items);
  return `${money(amount, currency)}/${INTERVAL_PT[interval] ?? interval}`;
}

export function invoiceActivity(inv: Stripe.Invoice): Row[] {
  const customer = idOf(inv.customer);
  const paidAt = inv.status_transitions?.paid_at;
  if (inv.status === 'paid' && paidAt && inv.amount_paid > 0) {
    return entry(
      customer,
      'payment_succeeded',
      paidAt,
      `Pagamento recebido (${money(inv.amount_paid, inv.currency)})`,
      inv.id,
      { invoice: inv.id, amount: inv.amount_paid, currency: inv.currency },
    );
  }
  return [];
}

export function chargeActivity(ch: Stripe.Charge): Row[] {
  if (ch.status !== 'failed') return [];
  const reason = ch.failure_message ? `: ${ch.failure_message}` : '';
  return entry(
    idOf(ch.customer),
    'payment_failed',
    ch.created,
    `Falha no pagamento (${money(ch.amount, ch.currency)})${reason}`,
    ch.id,
    { charge: ch.id, amount: ch.amount, currency: ch.currency, failure_code: ch.failure_code },
  );
}

export function refundActivity(r: Stripe.Refund): Row[] {
  if (r.status === 'failed' || r.status === 'canceled') return [];
  return entry(idOf(r.customer), 'refund', r.created, `Reembolso (${money(r.amount, r.currency)})`, r.id, {
    refund: r.id,
    charge: idOf(r.charge),
    amount: r.amount,
    currency: r.currency,
  });
}

export function subscriptionActivity(
  sub: Stripe.Subscription,
  items: readonly Stripe.SubscriptionItem[],
): Row[] {
  const customer = idOf(sub.customer);
  const rows = entry(
    customer,
    'subscription_created',
    sub.created,
    `Assinatura criada (${perInterval(items, sub.currency)})`,
    sub.id,
    { subscription: sub.id },
  );
  const endedAt = sub.ended_at ?? (sub.status === 'canceled' ? sub.canceled_at : null);
  if (endedAt) {
    const reason = sub.cancellation_details?.reason;
    rows.push(
      ...entry(
        customer,
        'subscription_canceled',
        endedAt,
        `Assinatura cancelada${reason === 'payment_failed' ? ' por falta de pagamento' : ''}`,
        sub.id,
        { subscription: sub.id, reason: reason ?? null },
      ),
    );
  }
  return rows;
}

/**
 * Entries only an event can tell: what a subscription update changed (up/downgrade, status)
 * and a trial about to end. Keyed by the event id.
 */
export function eventActivity(event: Stripe.Event): Row[] {
  if (event.type === 'customer.subscription.trial_will_end') {
    const sub = event.data.object;
    if (!sub.trial_end) return [];
    return entry(
      idOf(sub.customer),
      'trial_ending',
      event.created,
      `Período de teste termina em ${day(sub.trial_end)}`,
      event.id,
      { subscription: sub.id, trial_end: sub.trial_end },
    );
  }
  if (event.type !== 'customer.subscription.updated') return [];
  const sub = event.data.object;
  const previous = (event.data.previous_attributes ?? {}) as Partial<Stripe.Subscription>;
  const customer = idOf(sub.customer);
  const meta = { subscription: sub.id, event: event.id };
  if (previous.items?.data) {
    const before = recurringAmount(previous.items.data);
    const after = recurringAmount(sub.items.data);
    if (after.amount !== before.amount) {
      const up = after.amount > before.amount;
      return entry(
        customer,
        up ? 'upgrade' : 'downgrade',
        event.created,
        `${up ? 'Upgrade' : 'Downgrade'} de plano (${perInterval(previous.items.data, sub.currency)} → ${perInterval(sub.items.data, sub.currency)})`,
        event.id,
        { ...meta, from: before.amount, to: after.amount, currency: sub.currency },
      );
    }
  }
  // Cancellations are recorded from the subscription itself (keyed by its id), not here.
  if (previous.status && previous.status !== sub.status && sub.status !== 'canceled') {
    return entry(
      customer,
      'subscription_updated',
      event.created,
      `Assinatura ${STATUS_PT[previous.status] ?? previous.status} → ${STATUS_PT[sub.status] ?? sub.status}`,
      event.id,
      { ...meta, from: previous.status, to: sub.status },
    );
  }
  if (previous.cancel_at_period_end === false && sub.cancel_at_period_end) {
    return entry(
      customer,
      'subscription_updated',
      event.created,
      'Cancelamento agendado para o fim do período',
      event.id,
      meta,
    );
  }
  return [];
}
