/**
 * The read model the HTTP layer serves from. Implemented over generated records (GeneratedStore)
 * and over a fixture of plain Stripe objects (FixtureStore, see fixture.ts).
 */
import type { Kind } from './model.ts';

/** Returned by Store.include for a known includable field that does not apply to this object. */
export const NOT_INCLUDED: unique symbol = Symbol('not included');

export interface Collection {
  readonly kind: Kind;
  /** Noun used in "No such <noun>: 'id'" messages. */
  readonly noun: string;
  id(i: number): string;
  created(i: number): number;
  /** Internal index of an id, or -1. */
  find(id: string): number;
  /** Whether the object can be retrieved at asOf (deleted customers can). */
  retrievable(i: number, asOf: number): boolean;
  /** Whether the object appears in lists at asOf. */
  listed(i: number, asOf: number): boolean;
  render(i: number, asOf: number): object;
  /** All indexes ascending by (created, id). */
  order(): ArrayLike<number>;
}

export interface CustomerSearchFields {
  email: string | null;
  name: string | null;
  phone: string | null;
  created: number;
  metadata: Record<string, string>;
}

export interface Store {
  /** Instant the account is rendered at (end of `now`, advancing in live mode). */
  clock(): number;
  /** Bumped on every mutation. */
  version(): number;
  collection(kind: Kind): Collection;
  // selective indexes (any order; the HTTP layer sorts small lists)
  customerSubscriptions(c: number): readonly number[];
  customerInvoices(c: number): readonly number[];
  customerCharges(c: number): readonly number[];
  customerPaymentMethods(c: number): readonly number[];
  subscriptionInvoices(s: number): readonly number[];
  chargeRefunds(ch: number): readonly number[];
  productPrices(p: number): readonly number[];
  /** Items of a subscription shown at asOf, in the order of the embedded list. */
  subscriptionItems(s: number, asOf: number): readonly number[];
  /** Lines of an invoice in the order of the embedded list. */
  invoiceLines(i: number): readonly number[];
  /** Invoice payments of an invoice (index in the invoice_payment collection). */
  invoicePayments(i: number, asOf: number): readonly number[];
  // filter fields
  subscriptionStatus(s: number, asOf: number): string;
  subscriptionPriceIds(s: number, asOf: number): string[];
  subscriptionCustomer(s: number): number;
  invoiceStatus(i: number, asOf: number): string;
  invoiceCustomer(i: number): number;
  invoiceSubscription(i: number): number;
  priceProduct(p: number): number;
  priceActive(p: number, asOf: number): boolean;
  priceCurrency(p: number): string;
  priceLookupKey(p: number): string | null;
  priceInterval(p: number): string | null;
  productActive(p: number, asOf: number): boolean;
  paymentMethodType(pm: number): string;
  paymentMethodCustomer(pm: number): number;
  chargeCustomer(ch: number): number;
  chargeInvoice(ch: number): number;
  refundCharge(r: number): number;
  eventType(e: number): string;
  customerSearch(c: number): CustomerSearchFields;
  /** Charges made for a payment intent id (empty when unknown). */
  paymentIntentCharges(pi: string): readonly number[];
  /** Includable fields (not in the default response): invoice.payments, price.tiers, charge.refunds. */
  include(kind: Kind, i: number, field: string, asOf: number): unknown;
}
