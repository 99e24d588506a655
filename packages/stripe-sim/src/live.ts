/**
 * Live activity: the generated account keeps living on a clock that advances with real time
 * (end of `now` + elapsed seconds). Each tick plays due renewals and payment retries, then a few
 * random actions (sign-ups, upgrades, cancellations, payments, refunds), all through the Engine.
 */
import type { GeneratedAccount } from './account.ts';
import { ATTEMPT_OFFSETS, type Engine } from './engine.ts';
import {
  type Catalog,
  card,
  catalogFromData,
  choosePlan,
  customerIdentity,
  EN_US,
  PT_BR,
  paymentPlan,
  pickChange,
} from './generate.ts';
import { Outcome } from './model.ts';
import { Rng } from './prng.ts';
import { periodIndexAt } from './time.ts';

export interface LiveOptions {
  intervalMs: number;
  seed: number;
  /** Called with the indexes of events appended by a tick. */
  onEvents: (events: number[]) => void;
}

export class Live {
  private readonly engine: Engine;
  private readonly cat: Catalog;
  private readonly rng: Rng;
  private readonly startedAt = performance.now();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly account: GeneratedAccount,
    private readonly opts: LiveOptions,
  ) {
    this.engine = account.store.engine;
    this.cat = catalogFromData(account.data);
    this.rng = new Rng(opts.seed, 0x11fe);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Advances the clock and plays one step of the account's life. Returns the new events. */
  tick(): number[] {
    const d = this.account.data;
    const before = d.events.length;
    d.clock = Math.max(d.clock + 1, d.nowTs + Math.floor((performance.now() - this.startedAt) / 1000));
    this.engine.limit = d.clock;
    this.playDue();
    const actions = this.rng.int(1, 3);
    for (let i = 0; i < actions; i++) this.randomAction();
    d.version++;
    this.account.store.render.touch();
    const events: number[] = [];
    for (let e = before; e < d.events.length; e++) events.push(e);
    if (events.length > 0) this.opts.onEvents(events);
    return events;
  }

  /** Renewals whose period started, drafts to finalize and payment retries that came due. */
  private playDue(): void {
    const d = this.account.data;
    const now = d.clock;
    const t = d.invoices;
    for (const sub of d.subscriptions) {
      if (sub.endedAt !== null) continue;
      const st = this.engine.statusAt(sub, now);
      if (st === 'unpaid' || st === 'incomplete' || st === 'incomplete_expired' || st === 'canceled')
        continue;
      if (st === 'trialing') {
        if (
          sub.trialEnd !== null &&
          sub.trialEnd <= now &&
          this.engine.endTrial(sub.idx, this.rng.chance(0.7))
        ) {
          this.engine.renew(sub.idx, 0, paymentPlan(this.rng), 0);
        }
        continue;
      }
      const k = periodIndexAt(sub.anchor, sub.interval, sub.intervalCount, now);
      const last = sub.invoices[sub.invoices.length - 1];
      const lastP = last === undefined ? 0 : (t.periodStart.data[last] ?? 0);
      const P = this.engine.periodStartOf(sub, k);
      if (P > lastP && P <= now) this.engine.renew(sub.idx, k, paymentPlan(this.rng), this.rng.int(0, 400));
      else if (sub.cancelAt !== null && sub.cancelAt <= now)
        this.engine.renew(sub.idx, k, paymentPlan(this.rng), 0);
    }
    for (const sub of d.subscriptions) {
      const last = sub.invoices[sub.invoices.length - 1];
      if (last === undefined) continue;
      if (
        (t.finalizedAt.data[last] ?? 0) === 0 &&
        (t.created.data[last] ?? 0) + 3600 <= now &&
        sub.endedAt === null
      ) {
        this.engine.finalize(last, now);
        this.engine.pay(last, now, paymentPlan(this.rng));
      }
      const next = t.nextAttempt.data[last] ?? 0;
      if (t.outcome.data[last] === Outcome.Open && next !== 0 && next <= now) {
        const n = t.chargeCount.data[last] ?? 0;
        const final = n + 1 >= ATTEMPT_OFFSETS.length ? (this.rng.chance(0.7) ? 'cancel' : 'unpaid') : null;
        this.engine.attempt(last, now, this.rng.chance(0.5), final);
      }
    }
  }

  private activeSubscription(): number {
    const subs = this.account.data.subscriptions;
    for (let tries = 0; tries < 50 && subs.length > 0; tries++) {
      const s = this.rng.int(0, subs.length - 1);
      const sub = subs[s];
      if (
        sub &&
        sub.endedAt === null &&
        sub.cancelAt === null &&
        this.engine.statusAt(sub, this.engine.limit) === 'active'
      )
        return s;
    }
    return -1;
  }

  private randomAction(): void {
    const d = this.account.data;
    const now = d.clock;
    const kind = this.rng.weighted([
      ['signup', 30],
      ['change', 25],
      ['cancel', 12],
      ['recover', 10],
      ['refund', 10],
      ['card', 5],
    ] as const);
    if (kind === 'signup') {
      const c = d.customers.length;
      const usd = this.rng.chance(0.04);
      const id = customerIdentity(this.rng, c, usd);
      const cust = this.engine.createCustomer({
        created: now,
        name: id.name,
        email: id.email,
        phone: id.phone,
        description: id.description,
        metadata: id.metadata,
        locales: usd ? EN_US : PT_BR,
        invoicePrefix: id.prefix,
      });
      if (this.rng.chance(0.2)) return;
      const trial = this.rng.chance(0.3) ? 14 : 0;
      if (trial === 0 || this.rng.chance(0.5))
        this.engine.attachPaymentMethod(cust, now, card(this.rng, now, usd));
      this.engine.createSubscription(cust, now, {
        items: choosePlan(this.rng, this.cat, usd, false, now),
        trialDays: trial,
        coupon: -1,
        metadata: { source: 'live' },
        firstPaymentFails: trial === 0 && this.rng.chance(0.05),
      });
      return;
    }
    if (kind === 'recover') {
      const t = d.invoices;
      for (let i = t.length - 1; i >= Math.max(0, t.length - 5000); i--) {
        if (
          t.outcome.data[i] === Outcome.Open &&
          (t.nextAttempt.data[i] ?? 0) > now &&
          (t.chargeCount.data[i] ?? 0) > 0
        ) {
          this.engine.attempt(i, now, true, null);
          return;
        }
      }
      return;
    }
    if (kind === 'refund') {
      const ch = d.charges;
      const i = this.rng.int(Math.max(0, ch.length - 2000), ch.length - 1);
      if (i >= 0 && ch.succeeded.data[i] === 1 && this.engine.refundedAmount(i, now) === 0) {
        const amount = ch.amount.data[i] ?? 0;
        this.engine.refund(
          i,
          now,
          this.rng.chance(0.6) ? amount : Math.max(1, Math.floor(amount / 2)),
          'requested_by_customer',
        );
      }
      return;
    }
    if (kind === 'card') {
      const c = this.rng.int(0, d.customers.length - 1);
      const cust = d.customers[c];
      if (cust && cust.deletedAt === null && cust.paymentMethods.length > 0)
        this.engine.attachPaymentMethod(c, now, card(this.rng, now, false));
      return;
    }
    const s = this.activeSubscription();
    if (s < 0) return;
    if (kind === 'cancel') {
      this.engine.cancel(s, now, this.rng.chance(0.6));
      return;
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const change = pickChange(this.engine, this.cat, this.rng, s, now, this.rng.next() * 0.1, 1);
      if (change.length > 0) {
        this.engine.changeItems(s, now, change);
        return;
      }
    }
  }
}
