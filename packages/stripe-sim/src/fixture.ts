/** Fixture mode: serve an account given as plain Stripe objects instead of generating one. */
import { readFileSync } from 'node:fs';
import type { Account } from './account.ts';
import { countObjects } from './account.ts';
import type { Kind } from './model.ts';
import type { Collection, CustomerSearchFields, Store } from './store.ts';

type Obj = Record<string, unknown> & { id: string };

export interface FixtureAccountData {
  customers?: object[];
  products?: object[];
  prices?: object[];
  coupons?: object[];
  subscriptions?: object[];
  invoices?: object[];
  payment_methods?: object[];
  charges?: object[];
  refunds?: object[];
  events?: object[];
  invoice_payments?: object[];
}

const EMBEDDED = 10;
const NOUNS: Record<Kind, string> = {
  customer: 'customer',
  subscription: 'subscription',
  subscription_item: 'subscription item',
  invoice: 'invoice',
  line_item: 'line item',
  invoice_payment: 'invoice payment',
  payment_intent: 'payment intent',
  payment_method: 'payment method',
  product: 'product',
  price: 'price',
  coupon: 'coupon',
  discount: 'discount',
  charge: 'charge',
  refund: 'refund',
  event: 'event',
};

const idOf = (v: unknown): string | null =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object' && typeof (v as Obj).id === 'string'
      ? (v as Obj).id
      : null;

class JsonCollection implements Collection {
  readonly noun: string;
  private readonly byId = new Map<string, number>();
  private readonly asc: number[];
  constructor(
    readonly kind: Kind,
    readonly objs: Obj[],
    private readonly view: (o: Obj) => object = (o) => structuredClone(o),
  ) {
    this.noun = NOUNS[kind];
    objs.forEach((o, i) => {
      if (typeof o.id !== 'string') throw new Error(`fixture ${kind} #${i} has no id`);
      if (this.byId.has(o.id)) throw new Error(`fixture has duplicate id ${o.id}`);
      this.byId.set(o.id, i);
    });
    this.asc = objs
      .map((_, i) => i)
      .sort((a, b) => this.created(a) - this.created(b) || (this.id(a) < this.id(b) ? -1 : 1));
  }
  id(i: number) {
    return this.objs[i]?.id ?? '';
  }
  created(i: number) {
    const c = this.objs[i]?.created;
    return typeof c === 'number' ? c : 0;
  }
  find(id: string) {
    return this.byId.get(id) ?? -1;
  }
  retrievable(i: number) {
    return i >= 0 && i < this.objs.length;
  }
  listed(i: number) {
    return this.objs[i]?.deleted !== true;
  }
  render(i: number) {
    return this.view(this.objs[i] as Obj);
  }
  order() {
    return this.asc;
  }
}

function listOf(v: unknown): Obj[] {
  if (v && typeof v === 'object' && Array.isArray((v as { data?: unknown }).data))
    return (v as { data: Obj[] }).data;
  return [];
}

export class FixtureStore implements Store {
  private readonly cols = new Map<Kind, JsonCollection>();
  private readonly itemsBySub = new Map<number, number[]>();
  private readonly linesByInvoice = new Map<number, number[]>();
  private readonly children = new Map<string, number[]>();
  private readonly now: number;

  constructor(data: FixtureAccountData) {
    const arr = (v: object[] | undefined) => (v ?? []) as Obj[];
    const subs = arr(data.subscriptions);
    const invoices = arr(data.invoices);
    const items: Obj[] = [];
    subs.forEach((s, si) => {
      const list = listOf(s.items);
      this.itemsBySub.set(
        si,
        list.map(
          (it) =>
            items.push({
              ...it,
              created: typeof it.created === 'number' ? it.created : (s.created as number),
            }) - 1,
        ),
      );
    });
    const lines: Obj[] = [];
    invoices.forEach((inv, ii) => {
      this.linesByInvoice.set(
        ii,
        listOf(inv.lines).map((l) => lines.push({ ...l, created: inv.created as number }) - 1),
      );
    });
    const discounts = new Map<string, Obj>();
    for (const o of [...subs, ...invoices, ...lines]) {
      for (const d of Array.isArray(o.discounts) ? o.discounts : []) {
        if (d && typeof d === 'object' && typeof (d as Obj).id === 'string')
          discounts.set((d as Obj).id, { ...(d as Obj), created: (d as Obj).start as number });
      }
    }
    const embed = (key: 'items' | 'lines', url: (o: Obj) => string) => (o: Obj) => {
      const copy = structuredClone(o);
      const all = listOf(o[key]);
      copy[key] = {
        object: 'list',
        data: structuredClone(all.slice(0, EMBEDDED)),
        has_more: all.length > EMBEDDED,
        url: url(o),
      };
      return copy;
    };
    const add = (kind: Kind, objs: Obj[], view?: (o: Obj) => object) =>
      this.cols.set(kind, new JsonCollection(kind, objs, view));
    add('customer', arr(data.customers));
    add('product', arr(data.products));
    add('price', arr(data.prices));
    add('coupon', arr(data.coupons));
    add(
      'subscription',
      subs,
      embed('items', (o) => `/v1/subscription_items?subscription=${o.id}`),
    );
    add('subscription_item', items);
    add(
      'invoice',
      invoices,
      embed('lines', (o) => `/v1/invoices/${o.id}/lines`),
    );
    add('line_item', lines);
    add('invoice_payment', arr(data.invoice_payments));
    add('payment_method', arr(data.payment_methods));
    add('discount', [...discounts.values()]);
    add('charge', arr(data.charges));
    add('refund', arr(data.refunds));
    add('event', arr(data.events));
    add('payment_intent', []);
    const index = (key: string, kind: Kind, field: (o: Obj) => string | null) => {
      const col = this.col(kind);
      col.objs.forEach((o, i) => {
        const parent = field(o);
        if (parent === null) return;
        const k = `${key}:${parent}`;
        const list = this.children.get(k);
        if (list) list.push(i);
        else this.children.set(k, [i]);
      });
    };
    index('cs', 'subscription', (o) => idOf(o.customer));
    index('ci', 'invoice', (o) => idOf(o.customer));
    index('cc', 'charge', (o) => idOf(o.customer));
    index('cp', 'payment_method', (o) => idOf(o.customer));
    index('si', 'invoice', (o) => this.invoiceSubId(o));
    index('cr', 'refund', (o) => idOf(o.charge));
    index('pp', 'price', (o) => idOf(o.product));
    index('ip', 'invoice_payment', (o) => idOf(o.invoice));
    index('pi', 'charge', (o) => idOf(o.payment_intent));
    let max = 0;
    for (const col of this.cols.values())
      for (let i = 0; i < col.objs.length; i++) max = Math.max(max, col.created(i));
    this.now = max;
  }

  private invoiceSubId(o: Obj): string | null {
    const parent = o.parent as { subscription_details?: { subscription?: unknown } } | null | undefined;
    return idOf(parent?.subscription_details?.subscription) ?? idOf(o.subscription);
  }
  private col(kind: Kind): JsonCollection {
    const c = this.cols.get(kind);
    if (!c) throw new Error(`no collection ${kind}`);
    return c;
  }
  private kids(key: string, kind: Kind, i: number): number[] {
    return this.children.get(`${key}:${this.col(kind).id(i)}`) ?? [];
  }
  private obj(kind: Kind, i: number): Obj {
    return (this.col(kind).objs[i] ?? { id: '' }) as Obj;
  }
  private parentIdx(kind: Kind, v: unknown): number {
    const id = idOf(v);
    return id === null ? -1 : this.col(kind).find(id);
  }

  clock() {
    return this.now;
  }
  version() {
    return 0;
  }
  collection(kind: Kind): Collection {
    return this.col(kind);
  }
  customerSubscriptions(c: number) {
    return this.kids('cs', 'customer', c);
  }
  customerInvoices(c: number) {
    return this.kids('ci', 'customer', c);
  }
  customerCharges(c: number) {
    return this.kids('cc', 'customer', c);
  }
  customerPaymentMethods(c: number) {
    return this.kids('cp', 'customer', c);
  }
  subscriptionInvoices(s: number) {
    return this.kids('si', 'subscription', s);
  }
  chargeRefunds(ch: number) {
    return this.kids('cr', 'charge', ch);
  }
  productPrices(p: number) {
    return this.kids('pp', 'product', p);
  }
  subscriptionItems(s: number) {
    return this.itemsBySub.get(s) ?? [];
  }
  invoiceLines(i: number) {
    return this.linesByInvoice.get(i) ?? [];
  }
  invoicePayments(i: number) {
    return this.kids('ip', 'invoice', i);
  }
  subscriptionStatus(s: number) {
    return String(this.obj('subscription', s).status ?? '');
  }
  subscriptionPriceIds(s: number) {
    return this.subscriptionItems(s).map((i) => idOf(this.obj('subscription_item', i).price) ?? '');
  }
  subscriptionCustomer(s: number) {
    return this.parentIdx('customer', this.obj('subscription', s).customer);
  }
  invoiceStatus(i: number) {
    return String(this.obj('invoice', i).status ?? '');
  }
  invoiceCustomer(i: number) {
    return this.parentIdx('customer', this.obj('invoice', i).customer);
  }
  invoiceSubscription(i: number) {
    return this.parentIdx('subscription', this.invoiceSubId(this.obj('invoice', i)));
  }
  priceProduct(p: number) {
    return this.parentIdx('product', this.obj('price', p).product);
  }
  priceActive(p: number) {
    return this.obj('price', p).active !== false;
  }
  priceCurrency(p: number) {
    return String(this.obj('price', p).currency ?? '');
  }
  priceLookupKey(p: number) {
    const k = this.obj('price', p).lookup_key;
    return typeof k === 'string' ? k : null;
  }
  priceInterval(p: number) {
    const r = this.obj('price', p).recurring as { interval?: string } | null | undefined;
    return r?.interval ?? null;
  }
  productActive(p: number) {
    return this.obj('product', p).active !== false;
  }
  paymentMethodType(pm: number) {
    return String(this.obj('payment_method', pm).type ?? '');
  }
  paymentMethodCustomer(pm: number) {
    return this.parentIdx('customer', this.obj('payment_method', pm).customer);
  }
  chargeCustomer(ch: number) {
    return this.parentIdx('customer', this.obj('charge', ch).customer);
  }
  chargeInvoice() {
    return -1;
  }
  refundCharge(r: number) {
    return this.parentIdx('charge', this.obj('refund', r).charge);
  }
  eventType(e: number) {
    return String(this.obj('event', e).type ?? '');
  }
  customerSearch(c: number): CustomerSearchFields {
    const o = this.obj('customer', c);
    const s = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      email: s(o.email),
      name: s(o.name),
      phone: s(o.phone),
      created: typeof o.created === 'number' ? o.created : 0,
      metadata: (o.metadata as Record<string, string> | undefined) ?? {},
    };
  }
  paymentIntentCharges(pi: string) {
    return this.children.get(`pi:${pi}`) ?? [];
  }
  include(kind: Kind, i: number, field: string): unknown {
    if (kind === 'invoice' && field === 'payments') {
      const col = this.col('invoice_payment');
      return {
        object: 'list',
        data: this.invoicePayments(i).map((x) => col.render(x)),
        has_more: false,
        url: `/v1/invoice_payments?invoice=${this.col('invoice').id(i)}`,
      };
    }
    return undefined;
  }
}

export class FixtureAccount implements Account {
  readonly kind = 'fixture' as const;
  readonly store: FixtureStore;
  constructor(data: FixtureAccountData) {
    this.store = new FixtureStore(data);
  }
  groundTruth(): null {
    return null;
  }
  counts() {
    return countObjects(this.store);
  }
}

/** Loads a fixture from a JSON file path or an object. */
export function loadFixture(source: string | FixtureAccountData): FixtureAccount {
  const data =
    typeof source === 'string' ? (JSON.parse(readFileSync(source, 'utf8')) as FixtureAccountData) : source;
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new Error('fixture must be a JSON object');
  return new FixtureAccount(data);
}
