/** `expand[]` like Stripe: dotted paths through objects, lists (`data.`) and arrays, at most 4 levels. */
import type { Kind } from '../model.ts';
import { NOT_INCLUDED, type Store } from '../store.ts';
import { invalid } from './errors.ts';
import type { Form } from './form.ts';
import { stringList } from './params.ts';

export const MAX_EXPAND_DEPTH = 4;

const KINDS_BY_OBJECT: Record<string, Kind> = {
  customer: 'customer',
  subscription: 'subscription',
  subscription_item: 'subscription_item',
  invoice: 'invoice',
  line_item: 'line_item',
  invoice_payment: 'invoice_payment',
  payment_method: 'payment_method',
  product: 'product',
  price: 'price',
  coupon: 'coupon',
  discount: 'discount',
  charge: 'charge',
  refund: 'refund',
  event: 'event',
};

/** Kinds an id may resolve to, tried in order. */
const RESOLVABLE: Kind[] = [
  'customer',
  'subscription',
  'subscription_item',
  'invoice',
  'payment_method',
  'product',
  'price',
  'discount',
  'charge',
  'refund',
  'coupon',
];

export function expandPaths(form: Form): string[] {
  const paths = stringList(form, 'expand') ?? [];
  for (const p of paths) {
    if (p.split('.').length > MAX_EXPAND_DEPTH) {
      throw invalid(
        `You cannot expand more than ${MAX_EXPAND_DEPTH} levels of a property. Property: ${p}`,
        'property_expansion_max_depth',
        'expand',
      );
    }
  }
  return paths;
}

export class Expander {
  constructor(
    private readonly store: Store,
    private readonly asOf: number,
  ) {}

  private resolve(id: string): object | undefined {
    if (id.startsWith('cus_') || id.includes('_')) {
      for (const kind of RESOLVABLE) {
        const col = this.store.collection(kind);
        const i = col.find(id);
        if (i >= 0 && col.retrievable(i, this.asOf)) return col.render(i, this.asOf);
      }
    }
    const coupons = this.store.collection('coupon');
    const c = coupons.find(id);
    return c >= 0 ? coupons.render(c, this.asOf) : undefined;
  }

  /** Applies the paths to a rendered object in place. `root` paths that start with `data.` apply to a list. */
  apply(target: object, paths: string[]): void {
    for (const p of paths) this.walk(target, p.split('.'), p);
  }

  private walk(node: unknown, segs: string[], full: string): void {
    if (node === null || node === undefined || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) this.walk(x, segs, full);
      return;
    }
    const [seg, ...rest] = segs;
    if (seg === undefined) return;
    const obj = node as Record<string, unknown>;
    let value = obj[seg];
    if (value === undefined) {
      const kind = typeof obj.object === 'string' ? KINDS_BY_OBJECT[obj.object] : undefined;
      const col = kind ? this.store.collection(kind) : undefined;
      const i = col && typeof obj.id === 'string' ? col.find(obj.id) : -1;
      const included = kind && i >= 0 ? this.store.include(kind, i, seg, this.asOf) : undefined;
      if (included === undefined)
        throw invalid(`This property cannot be expanded (${full}).`, undefined, 'expand');
      if (included === NOT_INCLUDED) return;
      obj[seg] = included;
      value = included;
    } else if (seg === 'id' || seg === 'object') {
      throw invalid(`This property cannot be expanded (${full}).`, undefined, 'expand');
    } else if (typeof value === 'string') {
      const r = this.resolve(value);
      if (!r) throw invalid(`This property cannot be expanded (${full}).`, undefined, 'expand');
      obj[seg] = r;
      value = r;
    } else if (Array.isArray(value) && value.some((x) => typeof x === 'string')) {
      value = value.map((x) => {
        if (typeof x !== 'string') return x;
        const r = this.resolve(x);
        if (!r) throw invalid(`This property cannot be expanded (${full}).`, undefined, 'expand');
        return r;
      });
      obj[seg] = value;
    }
    if (rest.length > 0) this.walk(value, rest, full);
  }
}
