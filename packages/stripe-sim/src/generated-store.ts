/** Store over generated records; objects are rendered on demand as of the store clock. */
import { Engine } from './engine.ts';
import type { IdCodec } from './ids.ts';
import type { AccountData, Kind } from './model.ts';
import { apiList, Renderer } from './render.ts';
import { type Collection, type CustomerSearchFields, NOT_INCLUDED, type Store } from './store.ts';

const EMPTY: readonly number[] = [];

function sortedOrder(n: number, created: (i: number) => number): number[] {
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = created(i);
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0) || a - b);
  return Array.from(idx);
}

class GenCollection implements Collection {
  private cached: number[] | null = null;
  private cachedLength = 0;
  constructor(
    readonly kind: Kind,
    readonly noun: string,
    private readonly codec: IdCodec,
    private readonly size: () => number,
    readonly created: (i: number) => number,
    readonly render: (i: number, asOf: number) => object,
    private readonly exists: (i: number, asOf: number) => boolean = (i, asOf) => created(i) <= asOf,
    private readonly inList: (i: number, asOf: number) => boolean = exists,
  ) {}
  id(i: number): string {
    return this.codec.id(i);
  }
  find(id: string): number {
    const i = this.codec.parse(id);
    return i >= 0 && i < this.size() ? i : -1;
  }
  retrievable(i: number, asOf: number): boolean {
    return i >= 0 && i < this.size() && this.exists(i, asOf);
  }
  listed(i: number, asOf: number): boolean {
    return this.inList(i, asOf);
  }
  order(): number[] {
    const n = this.size();
    if (!this.cached) {
      this.cached = sortedOrder(n, this.created);
      this.cachedLength = n;
    } else if (this.cachedLength < n) {
      // live mode appends objects (mostly at the advancing clock): insert each at its sorted place
      const arr = this.cached;
      for (let i = this.cachedLength; i < n; i++) {
        const c = this.created(i);
        const last = arr[arr.length - 1];
        if (last === undefined || this.created(last) <= c) {
          arr.push(i);
          continue;
        }
        let lo = 0;
        let hi = arr.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (this.created(arr[mid] ?? 0) <= c) lo = mid + 1;
          else hi = mid;
        }
        arr.splice(lo, 0, i);
      }
      this.cachedLength = n;
    }
    return this.cached;
  }
}

export class GeneratedStore implements Store {
  readonly engine: Engine;
  readonly render: Renderer;
  private readonly cols: Map<Kind, Collection>;

  constructor(readonly d: AccountData) {
    this.engine = new Engine(d, d.clock);
    this.render = new Renderer(this.engine);
    const r = this.render;
    const ids = d.ids;
    const inv = d.invoices;
    const ch = d.charges;
    const list: Collection[] = [
      new GenCollection(
        'customer',
        'customer',
        ids.customer,
        () => d.customers.length,
        (i) => d.customers[i]?.created ?? 0,
        (i, a) => r.customer(i, a),
        (i, a) => r.customerExists(i, a),
        (i, a) => r.customerExists(i, a) && !r.customerDeleted(i, a),
      ),
      new GenCollection(
        'subscription',
        'subscription',
        ids.subscription,
        () => d.subscriptions.length,
        (i) => d.subscriptions[i]?.created ?? 0,
        (i, a) => r.subscription(i, a),
      ),
      new GenCollection(
        'subscription_item',
        'subscription item',
        ids.subscription_item,
        () => d.items.length,
        (i) => d.items[i]?.created ?? 0,
        (i, a) => r.subscriptionItem(i, a),
        (i, a) => r.itemAlive(i, a),
      ),
      new GenCollection(
        'invoice',
        'invoice',
        ids.invoice,
        () => inv.length,
        (i) => inv.created.data[i] ?? 0,
        (i, a) => r.invoice(i, a),
      ),
      new GenCollection(
        'line_item',
        'line item',
        ids.line_item,
        () => d.lines.length,
        (i) => inv.created.data[d.lines.invoice.data[i] ?? 0] ?? 0,
        (i) => r.line(i),
      ),
      new GenCollection(
        'invoice_payment',
        'invoice payment',
        ids.invoice_payment,
        () => inv.length,
        (i) => ch.created.data[inv.chargeStart.data[i] ?? 0] ?? 0,
        (i, a) => r.invoicePayment(i, a),
        (i, a) => r.hasPayment(i, a),
      ),
      new GenCollection(
        'payment_method',
        'payment method',
        ids.payment_method,
        () => d.paymentMethods.length,
        (i) => d.paymentMethods[i]?.created ?? 0,
        (i) => r.paymentMethod(i),
      ),
      new GenCollection(
        'product',
        'product',
        ids.product,
        () => d.products.length,
        (i) => d.products[i]?.created ?? 0,
        (i, a) => r.product(i, a),
      ),
      new GenCollection(
        'price',
        'price',
        ids.price,
        () => d.prices.length,
        (i) => d.prices[i]?.created ?? 0,
        (i, a) => r.price(i, a),
      ),
      new CouponCollection(d, r),
      new GenCollection(
        'discount',
        'discount',
        ids.discount,
        () => d.discounts.length,
        (i) => d.discounts[i]?.start ?? 0,
        (i) => r.discount(i),
      ),
      new GenCollection(
        'charge',
        'charge',
        ids.charge,
        () => ch.length,
        (i) => ch.created.data[i] ?? 0,
        (i, a) => r.charge(i, a),
      ),
      new GenCollection(
        'refund',
        'refund',
        ids.refund,
        () => d.refunds.length,
        (i) => d.refunds[i]?.created ?? 0,
        (i) => r.refund(i),
      ),
      new GenCollection(
        'event',
        'event',
        ids.event,
        () => d.events.length,
        (i) => d.events.created.data[i] ?? 0,
        (i) => r.event(i),
        (i, a) => {
          const c = d.events.created.data[i] ?? 0;
          return c <= a && c > a - 30 * 86_400;
        },
      ),
    ];
    this.cols = new Map(list.map((c) => [c.kind, c]));
  }

  clock(): number {
    return this.d.clock;
  }
  version(): number {
    return this.d.version;
  }
  collection(kind: Kind): Collection {
    const c = this.cols.get(kind);
    if (!c) throw new Error(`no collection ${kind}`);
    return c;
  }
  customerSubscriptions(c: number) {
    return this.d.customers[c]?.subscriptions ?? EMPTY;
  }
  customerInvoices(c: number) {
    return this.d.customers[c] ? this.engine.customerInvoices(c) : EMPTY;
  }
  customerCharges(c: number) {
    return this.d.customers[c] ? this.engine.customerCharges(c) : EMPTY;
  }
  customerPaymentMethods(c: number) {
    return this.d.customers[c]?.paymentMethods ?? EMPTY;
  }
  subscriptionInvoices(s: number) {
    return this.d.subscriptions[s]?.invoices ?? EMPTY;
  }
  chargeRefunds(ch: number) {
    return this.d.refundsByCharge.get(ch) ?? EMPTY;
  }
  productPrices(p: number) {
    return this.d.prices.filter((x) => x.product === p).map((x) => x.idx);
  }
  subscriptionItems(s: number, asOf: number) {
    return this.render.subscriptionItemsAt(s, asOf);
  }
  invoiceLines(i: number) {
    return this.render.invoiceLines(i);
  }
  invoicePayments(i: number, asOf: number) {
    return this.render.hasPayment(i, asOf) ? [i] : EMPTY;
  }
  subscriptionStatus(s: number, asOf: number) {
    return this.render.subscriptionStatus(s, asOf);
  }
  subscriptionPriceIds(s: number, asOf: number) {
    const sub = this.d.subscriptions[s];
    if (!sub) return [];
    return this.engine.itemsAt(sub, asOf).map((x) => this.d.ids.price.id(x.price));
  }
  subscriptionCustomer(s: number) {
    return this.d.subscriptions[s]?.customer ?? -1;
  }
  invoiceStatus(i: number, asOf: number) {
    return this.render.invoiceStatus(i, asOf);
  }
  invoiceCustomer(i: number) {
    return this.d.invoices.customer.data[i] ?? -1;
  }
  invoiceSubscription(i: number) {
    return this.d.invoices.subscription.data[i] ?? -1;
  }
  priceProduct(p: number) {
    return this.d.prices[p]?.product ?? -1;
  }
  priceActive(p: number, asOf: number) {
    const a = this.d.prices[p]?.archivedAt ?? null;
    return a === null || asOf < a;
  }
  priceCurrency(p: number) {
    return this.d.prices[p]?.currency ?? '';
  }
  priceLookupKey(p: number) {
    return this.d.prices[p]?.lookupKey ?? null;
  }
  priceInterval(p: number) {
    return this.d.prices[p]?.interval ?? null;
  }
  productActive() {
    return true;
  }
  paymentMethodType() {
    return 'card';
  }
  paymentMethodCustomer(pm: number) {
    return this.d.paymentMethods[pm]?.customer ?? -1;
  }
  chargeCustomer(ch: number) {
    return this.d.invoices.customer.data[this.d.charges.invoice.data[ch] ?? 0] ?? -1;
  }
  chargeInvoice(ch: number) {
    return this.d.charges.invoice.data[ch] ?? -1;
  }
  refundCharge(r: number) {
    return this.d.refunds[r]?.charge ?? -1;
  }
  eventType(e: number) {
    return this.render.eventKind(e)[0];
  }
  customerSearch(c: number): CustomerSearchFields {
    const cu = this.d.customers[c];
    if (!cu) return { email: null, name: null, phone: null, created: 0, metadata: {} };
    return { email: cu.email, name: cu.name, phone: cu.phone, created: cu.created, metadata: cu.metadata };
  }
  paymentIntentCharges(pi: string): readonly number[] {
    const inv = this.d.ids.payment_intent.parse(pi);
    const t = this.d.invoices;
    if (inv < 0 || inv >= t.length) return EMPTY;
    const start = t.chargeStart.data[inv] ?? -1;
    const n = t.chargeCount.data[inv] ?? 0;
    return Array.from({ length: n }, (_, k) => start + k);
  }
  include(kind: Kind, i: number, field: string, asOf: number): unknown {
    if (kind === 'invoice' && field === 'payments') {
      const ids = this.invoicePayments(i, asOf);
      return apiList(
        ids.map((x) => this.render.invoicePayment(x, asOf)),
        false,
        `/v1/invoice_payments?invoice=${this.d.ids.invoice.id(i)}`,
      );
    }
    if (kind === 'price' && field === 'tiers') return this.render.priceTiers(i) ?? NOT_INCLUDED;
    if (kind === 'charge' && field === 'refunds') {
      const ids = this.chargeRefunds(i).filter((r) => (this.d.refunds[r]?.created ?? 0) <= asOf);
      return apiList(
        ids.slice(0, 10).map((r) => this.render.refund(r)),
        ids.length > 10,
        `/v1/charges/${this.d.ids.charge.id(i)}/refunds`,
      );
    }
    return undefined;
  }
}

class CouponCollection implements Collection {
  readonly kind = 'coupon' as const;
  readonly noun = 'coupon';
  constructor(
    private readonly d: AccountData,
    private readonly r: Renderer,
  ) {}
  id(i: number) {
    return this.d.coupons[i]?.id ?? '';
  }
  created(i: number) {
    return this.d.coupons[i]?.created ?? 0;
  }
  find(id: string) {
    return this.d.couponById.get(id) ?? -1;
  }
  retrievable(i: number, asOf: number) {
    return this.created(i) <= asOf;
  }
  listed(i: number, asOf: number) {
    return this.created(i) <= asOf;
  }
  render(i: number, asOf: number) {
    return this.r.coupon(i, asOf);
  }
  order() {
    return sortedOrder(this.d.coupons.length, (i) => this.created(i)).sort(
      (a, b) => this.created(a) - this.created(b) || (this.id(a) < this.id(b) ? -1 : 1),
    );
  }
}
