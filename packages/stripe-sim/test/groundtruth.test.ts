/**
 * The generator's ground truth must agree with what it serves: for every subscription, the MRR
 * implied by its invoices' subscription lines (reconstructed here through the official SDK, with
 * an MRR computation written independently of the package) equals the ground-truth spans.
 */
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GroundTruth, type Simulator, startSimulator } from '../src/index.ts';
import { all, client, NOW } from './helpers.ts';

let sim: Simulator;
let stripe: Stripe;
let gt: GroundTruth;

beforeAll(async () => {
  sim = await startSimulator({ customers: 320, months: 20, seed: 2024, now: NOW, port: 0 });
  stripe = client(sim);
  gt = sim.groundTruth as GroundTruth;
});
afterAll(() => sim.stop());

type Price = Stripe.Price;
type Coupon = Stripe.Coupon;

function licensedAmount(price: Price, qty: number): bigint {
  if (price.billing_scheme === 'tiered') {
    const tiers = price.tiers ?? [];
    if (price.tiers_mode === 'volume') {
      const t = tiers.find((x) => x.up_to === null || qty <= x.up_to);
      if (!t || qty === 0) return 0n;
      return BigInt(t.unit_amount ?? 0) * BigInt(qty) + BigInt(t.flat_amount ?? 0);
    }
    let total = 0n;
    let prev = 0;
    for (const t of tiers) {
      const upper = t.up_to === null ? qty : Math.min(qty, t.up_to);
      if (upper > prev)
        total += BigInt(upper - prev) * BigInt(t.unit_amount ?? 0) + BigInt(t.flat_amount ?? 0);
      prev = upper;
    }
    return total;
  }
  return BigInt(price.unit_amount ?? 0) * BigInt(qty);
}

/** MRR per the documented rules, with exact rational arithmetic and Math.round-like rounding. */
function mrr(items: { price: Price; qty: number }[], coupon: Coupon | null): number {
  let sum = 0n;
  let num = 1n;
  let den = 1n;
  for (const { price, qty } of items) {
    const r = price.recurring;
    if (r?.usage_type !== 'licensed') continue;
    sum += licensedAmount(price, qty);
    const c = BigInt(r.interval_count);
    [num, den] =
      r.interval === 'month'
        ? [1n, c]
        : r.interval === 'year'
          ? [1n, 12n * c]
          : r.interval === 'week'
            ? [52n, 12n * c]
            : [365n, 12n * c];
  }
  const c = coupon && coupon.duration !== 'once' ? coupon : null;
  const bp = BigInt(Math.round((c?.percent_off ?? 0) * 100));
  const off = BigInt(c?.amount_off ?? 0);
  const scaled = sum * (10000n - bp) - off * 10000n;
  if (scaled <= 0n) return 0;
  const n = scaled * num;
  const d = 10000n * den;
  return Number((2n * n + d) / (2n * d));
}

const DAY = 86400;
function spans(points: [number, number][], nowDay: number): [string, string, number][] {
  const byDay = new Map<number, number>();
  for (const [ts, v] of [...points].sort((a, b) => a[0] - b[0])) {
    const day = Math.floor(ts / DAY);
    if (day <= nowDay) byDay.set(day, v);
  }
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const iso = (day: number) => new Date(day * DAY * 1000).toISOString().slice(0, 10);
  const out: [string, string, number][] = [];
  let cur = 0;
  let from = 0;
  for (const day of [...days, nowDay + 1]) {
    const v = day > nowDay ? Number.NaN : (byDay.get(day) ?? 0);
    if (v === cur) continue;
    if (cur !== 0) out.push([iso(from), iso(day), cur]);
    cur = v;
    from = day;
  }
  return out;
}

describe('ground truth vs invoices', () => {
  it('reconstructs every subscription MRR from its invoice lines', async () => {
    const prices = new Map(
      (await all(stripe.prices.list({ limit: 100, expand: ['data.tiers'] }))).map((p) => [p.id, p]),
    );
    const coupons = new Map((await all(stripe.coupons.list({ limit: 100 }))).map((c) => [c.id, c]));
    const subs = await all(stripe.subscriptions.list({ status: 'all', limit: 100 }));
    expect(subs.length).toBeGreaterThan(200);
    expect(Object.keys(gt.subscriptions).sort()).toEqual(subs.map((s) => s.id).sort());
    const nowDay = Math.floor(Date.parse(`${NOW}T00:00:00Z`) / 1000 / DAY);
    let withProrations = 0;
    let withDiscounts = 0;
    let nonZero = 0;
    for (const sub of subs) {
      const points: [number, number][] = [];
      if (sub.status !== 'incomplete' && sub.status !== 'incomplete_expired') {
        const invoices = (
          await all(stripe.invoices.list({ subscription: sub.id, limit: 100, expand: ['data.discounts'] }))
        ).sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
        let state = new Map<string, { price: Price; qty: number }>();
        let coupon: Coupon | null = null;
        for (const inv of invoices) {
          let lines = inv.lines.data;
          if (inv.lines.has_more) lines = await all(stripe.invoices.listLineItems(inv.id, { limit: 100 }));
          const subLines = lines.filter((l) => l.parent?.subscription_item_details);
          const priceOf = (l: Stripe.InvoiceLineItem) => {
            const id = l.pricing?.price_details?.price;
            const p = prices.get(typeof id === 'string' ? id : (id?.id ?? ''));
            if (!p) throw new Error(`line ${l.id} has an unknown price`);
            return p;
          };
          const itemOf = (l: Stripe.InvoiceLineItem) =>
            l.parent?.subscription_item_details?.subscription_item ?? '';
          if (inv.billing_reason === 'subscription_create' || inv.billing_reason === 'subscription_cycle') {
            const licensed = subLines.filter((l) => priceOf(l).recurring?.usage_type === 'licensed');
            state = new Map(licensed.map((l) => [itemOf(l), { price: priceOf(l), qty: l.quantity ?? 0 }]));
            const d = inv.discounts[0];
            const cid = d && typeof d === 'object' && 'source' in d ? d.source.coupon : null;
            coupon = cid ? (coupons.get(typeof cid === 'string' ? cid : cid.id) ?? null) : null;
            if (coupon) withDiscounts++;
            const first = licensed[0];
            if (!first) continue;
            const trial = sub.trial_end !== null && first.period.end <= sub.trial_end;
            points.push([first.period.start, trial ? 0 : mrr([...state.values()], coupon)]);
          } else if (inv.billing_reason === 'subscription_update') {
            withProrations++;
            const touched = new Map<string, Stripe.InvoiceLineItem | null>();
            for (const l of subLines) {
              const item = itemOf(l);
              if (l.description?.startsWith('Remaining time')) touched.set(item, l);
              else if (!touched.has(item)) touched.set(item, null);
            }
            for (const [item, l] of touched) {
              if (l) state.set(item, { price: priceOf(l), qty: l.quantity ?? 0 });
              else state.delete(item);
            }
            const start = subLines[0]?.period.start ?? inv.created;
            points.push([start, mrr([...state.values()], coupon)]);
          }
        }
        if (sub.ended_at !== null) points.push([sub.ended_at, 0]);
        if (sub.status === 'unpaid') {
          const last = invoices.filter((i) => i.status === 'uncollectible').pop();
          expect(last?.status_transitions.marked_uncollectible_at).toBeTypeOf('number');
          points.push([last?.status_transitions.marked_uncollectible_at ?? 0, 0]);
        }
      }
      const expected = gt.subscriptions[sub.id]?.spans ?? [];
      if (expected.length > 0) nonZero++;
      expect({ sub: sub.id, spans: spans(points, nowDay) }).toEqual({ sub: sub.id, spans: expected });
    }
    expect(withProrations).toBeGreaterThan(5);
    expect(withDiscounts).toBeGreaterThan(5);
    expect(nonZero).toBeGreaterThan(150);
  }, 120_000);

  it('customer spans and account MRR are the sums of the subscription spans', () => {
    const iso = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
    const valueOn = (sp: [string, string, number][], day: number) =>
      sp.reduce((s, [a, b, v]) => (iso(a) <= day && day < iso(b) ? s + v : s), 0);
    const last = iso(gt.now);
    const first = iso(gt.firstDay);
    const rate4 = (r: string) => Math.round(Number(r) * 10000);
    const accountOn = (day: number) => {
      let v = 0;
      for (const [d, x] of gt.accountMrr) if (iso(d) <= day) v = x;
      return v;
    };
    for (let day = first; day <= last; day += 7) {
      let account = 0;
      const perCustomer = new Map<string, number>();
      for (const s of Object.values(gt.subscriptions)) {
        const v = valueOn(s.spans, day);
        perCustomer.set(s.customer, (perCustomer.get(s.customer) ?? 0) + v);
        account += Math.round((v * rate4(gt.rates[s.currency.toUpperCase()] ?? '0')) / 10000);
      }
      for (const [c, v] of perCustomer) expect(valueOn(gt.customers[c]?.spans ?? [], day)).toBe(v);
      expect(accountOn(day)).toBe(account);
    }
    expect(gt.accountMrr[0]?.[0]).toBe(gt.firstDay);
    expect(gt.accountMrr.at(-1)?.[1]).toBeGreaterThan(0);
  });
});
