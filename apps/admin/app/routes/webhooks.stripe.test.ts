import { readWebhookSignatureHealth } from '@medpro/db/stripe-inbox';
import { createTestDatabase, type TestDatabase, testDialects } from '@medpro/db/testing';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const SECRET = 'whsec_test_secret';

function event(id: string, created: number) {
  return {
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'customer.updated',
    data: { object: { id: 'cus_1', object: 'customer', email: 'a@b.c' } },
  };
}

function post(body: string, signature: string | null) {
  const headers = new Headers({ 'Content-Type': 'application/json' });
  if (signature !== null) headers.set('Stripe-Signature', signature);
  return new Request('http://localhost/webhooks/stripe', { method: 'POST', body, headers });
}

const sign = (payload: string, secret = SECRET) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret });

describe.each(await testDialects())('POST /webhooks/stripe on %s', (dialect) => {
  let t: TestDatabase & { db: import('@medpro/db').Database };
  let action: (args: { request: Request; params: object; context: object }) => Promise<Response>;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    vi.resetModules();
    (globalThis as { medproDb?: unknown }).medproDb = undefined;
    vi.stubEnv('DATABASE_URL', t.url);
    vi.stubEnv('STRIPE_WEBHOOK_SECRET', SECRET);
    action = (await import('./webhooks.stripe')).action as never;
  });
  afterAll(async () => {
    const cached = (globalThis as { medproDb?: { close(): Promise<void> } }).medproDb;
    await cached?.close();
    (globalThis as { medproDb?: unknown }).medproDb = undefined;
    vi.unstubAllEnvs();
    await t.destroy();
  });

  const stored = async () => {
    const [rows] = (await t.db.sequelize.query(
      'SELECT stripe_event_id, source FROM stripe_events ORDER BY id',
    )) as [{ stripe_event_id: string; source: string }[], unknown];
    return rows;
  };
  const call = (request: Request) => action({ request, params: {}, context: {} });

  it('refuses a bad or missing signature with 400, stores nothing, and counts the failure', async () => {
    const body = JSON.stringify(event('evt_bad', 1_700_000_000));
    const wrong = await call(post(body, sign(body, 'whsec_other')));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: expect.stringMatching(/signature/i) });
    const missing = await call(post(body, null));
    expect(missing.status).toBe(400);
    // A body altered after signing.
    const tampered = await call(post(body.replace('a@b.c', 'x@y.z'), sign(body)));
    expect(tampered.status).toBe(400);
    expect(await stored()).toEqual([]);
    const health = await readWebhookSignatureHealth(t.db);
    expect(health.signatureFailures).toBe(3);
    expect(health.lastFailureAt).toBeInstanceOf(Date);
  });

  it('stores a verified event once, however often it is delivered', async () => {
    const body = JSON.stringify(event('evt_ok', 1_700_000_100));
    const first = await call(post(body, sign(body)));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    const again = await call(post(body, sign(body)));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(await stored()).toEqual([{ stripe_event_id: 'evt_ok', source: 'webhook' }]);
    expect((await readWebhookSignatureHealth(t.db)).lastReceivedAt).toBeInstanceOf(Date);
  });
});
