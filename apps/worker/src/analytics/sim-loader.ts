/**
 * Loads a simulator account straight into the mirror tables, through the sync's own mapping and
 * writing (`writePage`), without HTTP: the objects are rendered as the API would return them to
 * the backfill's list calls, with the expansions the engine relies on (price tiers, invoice
 * discounts and payments, the customer's default payment method). For tests and benchmarks only.
 */
import type { Database } from '@medpro/db';
import type { Account } from '@medpro/stripe-sim';
import type Stripe from 'stripe';
import { type ObjectType, type PageOf, writePage } from '../sync/store.ts';

const PAGE = 1000;

function listed(account: Account, kind: Parameters<Account['store']['collection']>[0]): number[] {
  const store = account.store;
  const col = store.collection(kind);
  const asOf = store.clock();
  const out: number[] = [];
  const order = col.order();
  for (let p = 0; p < order.length; p++) {
    const i = order[p] ?? 0;
    if (col.retrievable(i, asOf)) out.push(i);
  }
  return out;
}

/** Every object of the account, page by page, in the backfill's type order. */
export async function loadSimulatorAccount(db: Database, account: Account): Promise<void> {
  const store = account.store;
  const asOf = store.clock();
  const stamp = { version: asOf * 1000, now: new Date(asOf * 1000) };
  const render = <T>(kind: Parameters<Account['store']['collection']>[0], i: number) =>
    store.collection(kind).render(i, asOf) as T;
  const discounts = store.collection('discount');

  // Rendered page by page: a 100k-customer account does not fit in memory as objects at once.
  const write = async <T extends ObjectType>(
    type: T,
    kind: Parameters<Account['store']['collection']>[0],
    one: (i: number) => PageOf[T],
  ) => {
    const all = listed(account, kind);
    for (let i = 0; i < all.length; i += PAGE)
      await writePage(db, type, all.slice(i, i + PAGE).map(one), stamp);
  };

  await write('products', 'product', (i) => render<Stripe.Product>('product', i));
  await write('prices', 'price', (i) => {
    const p = render<Stripe.Price>('price', i);
    const tiers = store.include('price', i, 'tiers', asOf);
    return Array.isArray(tiers) ? { ...p, tiers: tiers as Stripe.Price.Tier[] } : p;
  });
  await write('coupons', 'coupon', (i) => render<Stripe.Coupon>('coupon', i));
  await write('customers', 'customer', (i) => {
    const c = render<Stripe.Customer>('customer', i);
    const pmId = c.invoice_settings?.default_payment_method;
    if (typeof pmId !== 'string') return c;
    const pm = render<Stripe.PaymentMethod>('payment_method', store.collection('payment_method').find(pmId));
    return { ...c, invoice_settings: { ...c.invoice_settings, default_payment_method: pm } };
  });
  await write('payment_methods', 'payment_method', (i) => render<Stripe.PaymentMethod>('payment_method', i));
  await write('subscriptions', 'subscription', (s) => ({
    subscription: render<Stripe.Subscription>('subscription', s),
    items: store
      .subscriptionItems(s, asOf)
      .map((it) => render<Stripe.SubscriptionItem>('subscription_item', it)),
  }));
  await write('invoices', 'invoice', (i) => {
    const inv = render<Stripe.Invoice>('invoice', i);
    const expanded = (inv.discounts ?? []).map((d) =>
      typeof d === 'string' ? (discounts.render(discounts.find(d), asOf) as Stripe.Discount) : d,
    );
    const payments = store.include('invoice', i, 'payments', asOf) as Stripe.ApiList<Stripe.InvoicePayment>;
    return {
      invoice: { ...inv, discounts: expanded, payments },
      lines: store.invoiceLines(i).map((l) => render<Stripe.InvoiceLineItem>('line_item', l)),
      payments: payments.data,
    };
  });
  await write('charges', 'charge', (i) => render<Stripe.Charge>('charge', i));
  await write('refunds', 'refund', (i) => render<Stripe.Refund>('refund', i));
}
