/** Live activity: new events are delivered as webhooks signed exactly like Stripe's. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeneratedAccount } from '../src/account.ts';
import { type Simulator, signWebhookPayload, startSimulator } from '../src/index.ts';
import { all, client, NOW } from './helpers.ts';

const SECRET = 'whsec_test_simulator_secret';
const received: { body: string; signature: string }[] = [];
let failFirst = 3;
const hook = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (failFirst-- > 0) {
      res.writeHead(503).end();
      return;
    }
    received.push({
      body: Buffer.concat(chunks).toString('utf8'),
      signature: String(req.headers['stripe-signature']),
    });
    res.writeHead(200).end('{}');
  });
});
let sim: Simulator;

beforeAll(async () => {
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  const port = (hook.address() as AddressInfo).port;
  sim = await startSimulator({
    customers: 200,
    months: 13,
    seed: 3,
    now: NOW,
    port: 0,
    live: true,
    liveIntervalMs: 60_000,
    webhookUrl: `http://127.0.0.1:${port}/hooks`,
    webhookSecret: SECRET,
    webhookRetryBaseMs: 20,
  });
});
afterAll(async () => {
  await sim.stop();
  await new Promise<void>((r) => hook.close(() => r()));
});

async function waitFor(cond: () => boolean) {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
}

describe('live mode and webhooks', () => {
  it('appends events, serves them and delivers verifiable webhooks (with retries)', async () => {
    const stripe = client(sim);
    const before = await all(stripe.events.list({ limit: 100 }));
    let produced = 0;
    for (let i = 0; i < 6; i++) produced += sim.tick();
    expect(produced).toBeGreaterThan(0);
    const after = await all(stripe.events.list({ limit: 100 }));
    expect(after.length).toBe(before.length + produced);
    await waitFor(() => received.length >= produced);
    expect(received.length).toBe(produced);
    expect(sim.stats.webhookAttempts).toBeGreaterThan(produced);
    const verifier = new Stripe('sk_test_unused');
    const ids = new Set(after.map((e) => e.id));
    for (const r of received) {
      const event = verifier.webhooks.constructEvent(r.body, r.signature, SECRET);
      expect(ids.has(event.id)).toBe(true);
      expect(event.api_version).toBe('2026-10-28.endive');
    }
    const first = received[0]!;
    const tampered = first.body.replace('"livemode":false', '"livemode":true');
    expect(tampered).not.toBe(first.body);
    expect(() => verifier.webhooks.constructEvent(tampered, first.signature, SECRET)).toThrow(/signature/i);
    expect(() => verifier.webhooks.constructEvent(first.body, first.signature, 'whsec_other')).toThrow(
      /signature/i,
    );
    expect(() =>
      verifier.webhooks.constructEvent(first.body, signWebhookPayload(first.body, SECRET), SECRET),
    ).not.toThrow();
  });

  it('keeps the ground truth following live changes', async () => {
    const account = sim.account as GeneratedAccount;
    const eventsBefore = account.data.events.length;
    for (let i = 0; i < 10; i++) sim.tick();
    expect(account.data.events.length).toBeGreaterThan(eventsBefore);
    const gt = sim.groundTruth!;
    const day = new Date(account.data.clock * 1000).toISOString().slice(0, 10);
    expect(gt.now).toBe(day);
    // current MRR from the served subscription objects (subscriptions that never had a discount)
    const stripe = client(sim);
    const subs = await all(stripe.subscriptions.list({ status: 'all', limit: 100 }));
    expect(subs.length).toBe(account.data.subscriptions.length);
    const tiers = new Map(
      (await all(stripe.prices.list({ limit: 100, expand: ['data.tiers'] }))).map((p) => [p.id, p.tiers]),
    );
    let checked = 0;
    for (const sub of subs) {
      const rec = account.data.subscriptions[account.data.ids.subscription.parse(sub.id)]!;
      if (rec.discount >= 0) continue;
      let items = sub.items.data;
      if (sub.items.has_more)
        items = await all(stripe.subscriptionItems.list({ subscription: sub.id, limit: 100 }));
      let monthly = 0;
      for (const it of items) {
        const r = it.price.recurring!;
        if (r.usage_type !== 'licensed') continue;
        const qty = it.quantity ?? 0;
        const t = tiers.get(it.price.id)?.find((x) => x.up_to === null || qty <= x.up_to);
        const amount =
          it.price.billing_scheme === 'tiered'
            ? (t?.unit_amount ?? 0) * qty
            : (it.price.unit_amount ?? 0) * qty;
        monthly += r.interval === 'year' ? amount / (12 * r.interval_count) : amount / r.interval_count;
      }
      const expected = sub.status === 'active' || sub.status === 'past_due' ? Math.round(monthly) : 0;
      const spans = gt.subscriptions[sub.id]?.spans ?? [];
      const current = spans.find(([a, b]) => a <= day && day < b)?.[2] ?? 0;
      expect({ id: sub.id, mrr: current }).toEqual({ id: sub.id, mrr: expected });
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});
