/** GET endpoints of the Stripe API subset our sync uses. */
import type { Kind } from '../model.ts';
import type { Collection, Store } from '../store.ts';
import { invalid, missing } from './errors.ts';
import { Expander, expandPaths } from './expand.ts';
import type { Form } from './form.ts';
import { listQuery, type Page, pageSmall, pageSorted } from './list.ts';
import { bool, checkKnown, limitOf, str, stringList } from './params.ts';
import { matches, parseSearch } from './search.ts';

const PAGING = ['limit', 'starting_after', 'ending_before', 'expand'];
const SUB_STATUSES = [
  'active',
  'past_due',
  'unpaid',
  'canceled',
  'incomplete',
  'incomplete_expired',
  'trialing',
  'paused',
  'all',
  'ended',
];
const INVOICE_STATUSES = ['draft', 'open', 'paid', 'uncollectible', 'void'];

type Pred = (i: number) => boolean;

/** Filtered views over whole collections, cached per account version (bounded). */
class FilterCache {
  private readonly entries = new Map<string, { version: number; asc: number[] }>();
  constructor(private readonly store: Store) {}
  get(col: Collection, key: string, pred: Pred): number[] {
    const k = `${col.kind}|${key}`;
    const v = this.store.version();
    const hit = this.entries.get(k);
    if (hit && hit.version === v) return hit.asc;
    const order = col.order();
    const asc: number[] = [];
    for (let p = 0; p < order.length; p++) {
      const i = order[p] ?? 0;
      if (pred(i)) asc.push(i);
    }
    this.entries.delete(k);
    this.entries.set(k, { version: v, asc });
    if (this.entries.size > 64) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return asc;
  }
}

export interface RouteResult {
  status: number;
  body: unknown;
}

export class Api {
  private readonly cache: FilterCache;
  private emailIndex: { version: number; map: Map<string, number[]> } | null = null;

  constructor(private readonly store: Store) {
    this.cache = new FilterCache(store);
  }

  handle(path: string, form: Form): unknown {
    const asOf = this.store.clock();
    const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (seg[0] !== 'v1') throw unrecognized(path);
    const [, res, id, sub, subId] = seg;
    if (seg.length > 5 || res === undefined) throw unrecognized(path);
    switch (res) {
      case 'customers':
        if (id === undefined) return this.listCustomers(form, asOf);
        if (id === 'search' && sub === undefined) return this.searchCustomers(form, asOf);
        if (sub === undefined) return this.retrieve('customer', id, form, asOf);
        if (sub === 'payment_methods') {
          const c = this.mustFind('customer', id, 'customer', asOf);
          if (subId !== undefined) {
            const pm = this.store.collection('payment_method').find(subId);
            if (pm < 0 || this.store.paymentMethodCustomer(pm) !== c) throw missing('payment method', subId);
            return this.retrieve('payment_method', subId, form, asOf);
          }
          checkKnown(form, [...PAGING, 'type', 'allow_redisplay']);
          const type = str(form, 'type');
          return this.small(
            'payment_method',
            form,
            asOf,
            this.store.customerPaymentMethods(c),
            `/v1/customers/${id}/payment_methods`,
            (i) => type === undefined || this.store.paymentMethodType(i) === type,
            false,
          );
        }
        break;
      case 'subscriptions':
        if (id === undefined) return this.listSubscriptions(form, asOf);
        if (sub === undefined) return this.retrieve('subscription', id, form, asOf);
        break;
      case 'subscription_items':
        if (id === undefined) {
          checkKnown(form, PAGING.concat('subscription'));
          const s = str(form, 'subscription');
          if (s === undefined)
            throw invalid('Missing required param: subscription.', 'parameter_missing', 'subscription');
          const si = this.mustFind('subscription', s, 'subscription', asOf);
          return this.small(
            'subscription_item',
            form,
            asOf,
            this.store.subscriptionItems(si, asOf),
            '/v1/subscription_items',
            () => true,
            false,
            false,
          );
        }
        if (sub === undefined) return this.retrieve('subscription_item', id, form, asOf);
        break;
      case 'invoices':
        if (id === undefined) return this.listInvoices(form, asOf);
        if (sub === undefined) return this.retrieve('invoice', id, form, asOf);
        if (sub === 'lines' && subId === undefined) {
          const inv = this.mustFind('invoice', id, 'invoice', asOf);
          checkKnown(form, PAGING);
          return this.small(
            'line_item',
            form,
            asOf,
            this.store.invoiceLines(inv),
            `/v1/invoices/${id}/lines`,
            () => true,
            false,
            false,
          );
        }
        break;
      case 'invoice_payments':
        if (id === undefined) {
          checkKnown(form, [...PAGING, 'invoice', 'status', 'payment']);
          const status = str(form, 'status');
          const inv = str(form, 'invoice');
          const col = this.store.collection('invoice_payment');
          const pred: Pred = (i) =>
            status === undefined || (col.render(i, asOf) as { status: string }).status === status;
          if (inv !== undefined) {
            const ii = this.store.collection('invoice').find(inv);
            return this.small(
              'invoice_payment',
              form,
              asOf,
              ii < 0 ? [] : this.store.invoicePayments(ii, asOf),
              '/v1/invoice_payments',
              pred,
            );
          }
          return this.big(
            'invoice_payment',
            form,
            asOf,
            '/v1/invoice_payments',
            status ? `status=${status}` : null,
            pred,
          );
        }
        if (sub === undefined) return this.retrieve('invoice_payment', id, form, asOf);
        break;
      case 'payment_methods':
        if (id === undefined) {
          checkKnown(form, [...PAGING, 'customer', 'type', 'allow_redisplay']);
          const type = str(form, 'type');
          const cust = str(form, 'customer');
          const pred: Pred = (i) => type === undefined || this.store.paymentMethodType(i) === type;
          if (cust === undefined) {
            // Stripe lists only payment methods attached to the given customer (or Treasury ones)
            return { object: 'list', data: [], has_more: false, url: '/v1/payment_methods' };
          }
          const c = this.store.collection('customer').find(cust);
          return this.small(
            'payment_method',
            form,
            asOf,
            c < 0 ? [] : this.store.customerPaymentMethods(c),
            '/v1/payment_methods',
            pred,
          );
        }
        if (sub === undefined) return this.retrieve('payment_method', id, form, asOf);
        break;
      case 'products':
        if (id === undefined) {
          checkKnown(form, [...PAGING, 'created', 'active', 'ids', 'shippable', 'url']);
          const active = bool(form, 'active');
          const ids = stringList(form, 'ids');
          const url = str(form, 'url');
          const shippable = bool(form, 'shippable');
          return this.big(
            'product',
            form,
            asOf,
            '/v1/products',
            null,
            (i) =>
              (active === undefined || this.store.productActive(i, asOf) === active) &&
              (ids === undefined || ids.includes(this.store.collection('product').id(i))) &&
              url === undefined &&
              shippable !== true,
          );
        }
        if (sub === undefined) return this.retrieve('product', id, form, asOf);
        break;
      case 'prices':
        if (id === undefined) return this.listPrices(form, asOf);
        if (sub === undefined) return this.retrieve('price', id, form, asOf);
        break;
      case 'coupons':
        if (id === undefined) {
          checkKnown(form, [...PAGING, 'created']);
          return this.big('coupon', form, asOf, '/v1/coupons', null, () => true);
        }
        if (sub === undefined) return this.retrieve('coupon', id, form, asOf);
        break;
      case 'charges':
        if (id === undefined) {
          checkKnown(form, [...PAGING, 'created', 'customer', 'payment_intent']);
          const cust = str(form, 'customer');
          const pi = str(form, 'payment_intent');
          if (pi !== undefined) {
            const c = cust === undefined ? -2 : this.store.collection('customer').find(cust);
            return this.small(
              'charge',
              form,
              asOf,
              this.store.paymentIntentCharges(pi),
              '/v1/charges',
              (i) => (c === -2 ? true : this.store.chargeCustomer(i) === c),
            );
          }
          if (cust !== undefined) {
            const c = this.store.collection('customer').find(cust);
            return this.small(
              'charge',
              form,
              asOf,
              c < 0 ? [] : this.store.customerCharges(c),
              '/v1/charges',
              () => true,
            );
          }
          return this.big('charge', form, asOf, '/v1/charges', null, () => true);
        }
        if (sub === undefined) return this.retrieve('charge', id, form, asOf);
        if (sub === 'refunds' && subId === undefined) {
          const ch = this.mustFind('charge', id, 'charge', asOf);
          checkKnown(form, PAGING);
          return this.small(
            'refund',
            form,
            asOf,
            this.store.chargeRefunds(ch),
            `/v1/charges/${id}/refunds`,
            () => true,
          );
        }
        break;
      case 'refunds':
        if (id === undefined) {
          checkKnown(form, [...PAGING, 'created', 'charge', 'payment_intent']);
          const charge = str(form, 'charge');
          const pi = str(form, 'payment_intent');
          if (pi !== undefined) {
            const refunds = this.store.paymentIntentCharges(pi).flatMap((ch) => this.store.chargeRefunds(ch));
            const chIdx = charge === undefined ? -2 : this.store.collection('charge').find(charge);
            return this.small('refund', form, asOf, refunds, '/v1/refunds', (r) =>
              chIdx === -2 ? true : this.store.refundCharge(r) === chIdx,
            );
          }
          if (charge !== undefined) {
            const ch = this.store.collection('charge').find(charge);
            return this.small(
              'refund',
              form,
              asOf,
              ch < 0 ? [] : this.store.chargeRefunds(ch),
              '/v1/refunds',
              () => true,
            );
          }
          return this.big('refund', form, asOf, '/v1/refunds', null, () => true);
        }
        if (sub === undefined) return this.retrieve('refund', id, form, asOf);
        break;
      case 'events':
        if (id === undefined) {
          checkKnown(form, [...PAGING, 'created', 'type', 'types', 'delivery_success']);
          const type = str(form, 'type');
          const types = stringList(form, 'types');
          if (type !== undefined && types !== undefined) {
            throw invalid(
              'You may only specify one of these parameters: type, types.',
              'parameters_exclusive',
              'types',
            );
          }
          bool(form, 'delivery_success');
          const wanted = types ?? (type !== undefined ? [type] : undefined);
          const matchers = wanted?.map((t) =>
            t.endsWith('*') ? (x: string) => x.startsWith(t.slice(0, -1)) : (x: string) => x === t,
          );
          return this.big(
            'event',
            form,
            asOf,
            '/v1/events',
            wanted ? `types=${wanted.join(',')}` : null,
            (i) => {
              if (!matchers) return true;
              const t = this.store.eventType(i);
              return matchers.some((m) => m(t));
            },
          );
        }
        if (sub === undefined) return this.retrieve('event', id, form, asOf);
        break;
    }
    throw unrecognized(path);
  }

  // ---------------------------------------------------------------- helpers

  private mustFind(kind: Kind, id: string, param: string, asOf: number): number {
    const col = this.store.collection(kind);
    const i = col.find(id);
    if (i < 0 || !col.retrievable(i, asOf)) throw missing(col.noun, id, param);
    return i;
  }

  private retrieve(kind: Kind, id: string, form: Form, asOf: number): unknown {
    checkKnown(form, ['expand']);
    const paths = expandPaths(form);
    const col = this.store.collection(kind);
    const i = this.mustFind(kind, id, 'id', asOf);
    const obj = col.render(i, asOf);
    if (paths.length > 0) new Expander(this.store, asOf).apply(obj, paths);
    return obj;
  }

  private respond(kind: Kind, page: Page, url: string, form: Form, asOf: number): unknown {
    const paths = expandPaths(form);
    const col = this.store.collection(kind);
    const body = {
      object: 'list',
      data: page.data.map((i) => col.render(i, asOf)),
      has_more: page.hasMore,
      url,
    };
    if (paths.length > 0) new Expander(this.store, asOf).apply(body, paths);
    return body;
  }

  /** A small list (children of one parent). `keyed`: newest first; otherwise natural order. */
  private small(
    kind: Kind,
    form: Form,
    asOf: number,
    items: readonly number[],
    url: string,
    pred: Pred,
    keyed = true,
    created = true,
  ): unknown {
    expandPaths(form);
    const col = this.store.collection(kind);
    const q = listQuery(form, created);
    const page = pageSmall(col, items, q, (i) => col.listed(i, asOf) && pred(i), keyed);
    return this.respond(kind, page, url, form, asOf);
  }

  /** A whole-collection list, optionally filtered (cached by `filterKey`). */
  private big(
    kind: Kind,
    form: Form,
    asOf: number,
    url: string,
    filterKey: string | null,
    pred: Pred,
  ): unknown {
    expandPaths(form);
    const col = this.store.collection(kind);
    const q = listQuery(form);
    let page: Page;
    if (filterKey !== null) {
      const asc = this.cache.get(col, filterKey, (i) => col.listed(i, asOf) && pred(i));
      page = pageSorted(col, asc, q, () => true);
    } else {
      page = pageSorted(col, col.order(), q, (i) => col.listed(i, asOf) && pred(i));
    }
    return this.respond(kind, page, url, form, asOf);
  }

  private listCustomers(form: Form, asOf: number): unknown {
    checkKnown(form, [...PAGING, 'created', 'email', 'test_clock']);
    const email = str(form, 'email');
    if (email === undefined) return this.big('customer', form, asOf, '/v1/customers', null, () => true);
    const v = this.store.version();
    if (!this.emailIndex || this.emailIndex.version !== v) {
      const map = new Map<string, number[]>();
      const col = this.store.collection('customer');
      const order = col.order();
      for (let p = 0; p < order.length; p++) {
        const i = order[p] ?? 0;
        const e = this.store.customerSearch(i).email;
        if (e === null) continue;
        const arr = map.get(e);
        if (arr) arr.push(i);
        else map.set(e, [i]);
      }
      this.emailIndex = { version: v, map };
    }
    return this.small(
      'customer',
      form,
      asOf,
      this.emailIndex.map.get(email) ?? [],
      '/v1/customers',
      () => true,
    );
  }

  private searchCustomers(form: Form, asOf: number): unknown {
    checkKnown(form, ['query', 'limit', 'page', 'expand']);
    const query = str(form, 'query');
    if (query === undefined) throw invalid('Missing required param: query.', 'parameter_missing', 'query');
    const limit = limitOf(form);
    const pageToken = str(form, 'page');
    const paths = expandPaths(form);
    const wantTotal = paths.includes('total_count');
    const parsed = parseSearch(query);
    const col = this.store.collection('customer');
    const order = col.order();
    let p = order.length - 1;
    if (pageToken !== undefined) {
      let cursor: string;
      try {
        cursor = Buffer.from(pageToken, 'base64url').toString('utf8');
      } catch {
        throw invalid('Invalid page token.', undefined, 'page');
      }
      const ci = col.find(cursor);
      if (ci < 0) throw invalid('Invalid page token.', undefined, 'page');
      const pos = Array.prototype.indexOf.call(order, ci);
      if (pos < 0) throw invalid('Invalid page token.', undefined, 'page');
      p = pos - 1;
    }
    const data: number[] = [];
    let more = false;
    let total = 0;
    const accept = (i: number) => col.listed(i, asOf) && matches(parsed, this.store.customerSearch(i));
    if (wantTotal) {
      for (let k = 0; k < order.length; k++) if (accept(order[k] ?? 0)) total++;
    }
    for (; p >= 0; p--) {
      const i = order[p] ?? 0;
      if (!accept(i)) continue;
      if (data.length === limit) {
        more = true;
        break;
      }
      data.push(i);
    }
    const last = data[data.length - 1];
    const body: Record<string, unknown> = {
      object: 'search_result',
      data: data.map((i) => col.render(i, asOf)),
      has_more: more,
      next_page: more && last !== undefined ? Buffer.from(col.id(last), 'utf8').toString('base64url') : null,
      url: '/v1/customers/search',
    };
    if (wantTotal) body.total_count = total;
    const rest = paths.filter((x) => x !== 'total_count');
    if (rest.length > 0) new Expander(this.store, asOf).apply(body, rest);
    return body;
  }

  private listSubscriptions(form: Form, asOf: number): unknown {
    checkKnown(form, [
      ...PAGING,
      'created',
      'customer',
      'price',
      'status',
      'collection_method',
      'test_clock',
    ]);
    const status = str(form, 'status');
    if (status !== undefined && !SUB_STATUSES.includes(status)) {
      throw invalid(`Invalid status: must be one of ${SUB_STATUSES.join(', ')}`, undefined, 'status');
    }
    const cm = str(form, 'collection_method');
    if (cm !== undefined && cm !== 'charge_automatically' && cm !== 'send_invoice') {
      throw invalid(
        'Invalid collection_method: must be one of charge_automatically or send_invoice',
        undefined,
        'collection_method',
      );
    }
    const price = str(form, 'price');
    const cust = str(form, 'customer');
    const statusOk = (i: number) => {
      const st = this.store.subscriptionStatus(i, asOf);
      if (status === undefined) return st !== 'canceled';
      if (status === 'all') return true;
      if (status === 'ended') return st === 'canceled' || st === 'incomplete_expired';
      return st === status;
    };
    const pred: Pred = (i) =>
      cm !== 'send_invoice' &&
      statusOk(i) &&
      (price === undefined || this.store.subscriptionPriceIds(i, asOf).includes(price));
    if (cust !== undefined) {
      const c = this.store.collection('customer').find(cust);
      return this.small(
        'subscription',
        form,
        asOf,
        c < 0 ? [] : this.store.customerSubscriptions(c),
        '/v1/subscriptions',
        pred,
      );
    }
    return this.big(
      'subscription',
      form,
      asOf,
      '/v1/subscriptions',
      `status=${status ?? ''}&price=${price ?? ''}&cm=${cm ?? ''}`,
      pred,
    );
  }

  private listInvoices(form: Form, asOf: number): unknown {
    checkKnown(form, [
      ...PAGING,
      'created',
      'customer',
      'subscription',
      'status',
      'collection_method',
      'due_date',
    ]);
    const status = str(form, 'status');
    if (status !== undefined && !INVOICE_STATUSES.includes(status)) {
      throw invalid(`Invalid status: must be one of ${INVOICE_STATUSES.join(', ')}`, undefined, 'status');
    }
    const cm = str(form, 'collection_method');
    if (form.due_date !== undefined)
      throw invalid('due_date is not supported by this simulator', undefined, 'due_date');
    const cust = str(form, 'customer');
    const subId = str(form, 'subscription');
    const pred: Pred = (i) =>
      cm !== 'send_invoice' && (status === undefined || this.store.invoiceStatus(i, asOf) === status);
    if (subId !== undefined) {
      const s = this.store.collection('subscription').find(subId);
      const c = cust === undefined ? -2 : this.store.collection('customer').find(cust);
      return this.small(
        'invoice',
        form,
        asOf,
        s < 0 ? [] : this.store.subscriptionInvoices(s),
        '/v1/invoices',
        (i) => pred(i) && (c === -2 || this.store.invoiceCustomer(i) === c),
      );
    }
    if (cust !== undefined) {
      const c = this.store.collection('customer').find(cust);
      return this.small(
        'invoice',
        form,
        asOf,
        c < 0 ? [] : this.store.customerInvoices(c),
        '/v1/invoices',
        pred,
      );
    }
    return this.big(
      'invoice',
      form,
      asOf,
      '/v1/invoices',
      status || cm ? `status=${status ?? ''}&cm=${cm ?? ''}` : null,
      pred,
    );
  }

  private listPrices(form: Form, asOf: number): unknown {
    checkKnown(form, [
      ...PAGING,
      'created',
      'product',
      'active',
      'currency',
      'type',
      'lookup_keys',
      'recurring',
    ]);
    const product = str(form, 'product');
    const active = bool(form, 'active');
    const currency = str(form, 'currency');
    const type = str(form, 'type');
    const lookupKeys = stringList(form, 'lookup_keys');
    const recurring = form.recurring;
    let interval: string | undefined;
    if (recurring !== undefined) {
      if (typeof recurring !== 'object' || Array.isArray(recurring))
        throw invalid('Invalid recurring', undefined, 'recurring');
      for (const [k, v] of Object.entries(recurring)) {
        if (k === 'interval' && typeof v === 'string') interval = v;
        else if (k !== 'meter' && k !== 'usage_type')
          throw invalid(
            `Received unknown parameter: recurring[${k}]`,
            'parameter_unknown',
            `recurring[${k}]`,
          );
      }
    }
    const prodIdx = product === undefined ? -2 : this.store.collection('product').find(product);
    return this.big(
      'price',
      form,
      asOf,
      '/v1/prices',
      null,
      (i) =>
        (prodIdx === -2 || this.store.priceProduct(i) === prodIdx) &&
        (active === undefined || this.store.priceActive(i, asOf) === active) &&
        (currency === undefined || this.store.priceCurrency(i) === currency.toLowerCase()) &&
        (type === undefined || type === 'recurring') &&
        (lookupKeys === undefined || lookupKeys.includes(this.store.priceLookupKey(i) ?? '')) &&
        (interval === undefined || this.store.priceInterval(i) === interval),
    );
  }
}

function unrecognized(path: string) {
  return invalid(
    `Unrecognized request URL (GET: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  ).withStatus(404);
}
