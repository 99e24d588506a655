import { createTestDatabase } from '@medpro/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, serveBuiltApp } from '../e2e/built-app';

describe('the built admin app on SQLite', () => {
  let app: RunningApp;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await createTestDatabase('sqlite');
    cleanup = t.destroy;
    await t.db.models.Customer.bulkCreate([
      {
        stripe_customer_id: 'cus_html',
        email: 'html@example.com',
        name: '<b>Clínica</b> São João',
        stripe_created_at: new Date('2024-03-01T00:00:00Z'),
      },
      {
        stripe_customer_id: 'cus_plain',
        email: 'ana@example.com',
        name: 'Ana Souza',
        stripe_created_at: new Date(),
      },
    ]);
    app = await serveBuiltApp({ DATABASE_URL: t.url });
  });

  afterAll(async () => {
    await app?.stop();
    await cleanup?.();
  });

  it('renders the customers page from data read through the tRPC router', async () => {
    const html = await (await fetch(`${app.baseUrl}/customers`)).text();
    expect(html).toContain('Ana Souza');
    expect(html).toContain('cus_plain');
    // Stripe data is text, never markup.
    expect(html).toContain('&lt;b&gt;Clínica&lt;/b&gt; São João');
    expect(html).not.toContain('<b>Clínica</b>');
  });

  it('serves the same router over HTTP at /api/trpc with superjson', async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { search: 'ana@' } }));
    const body = await (await fetch(`${app.baseUrl}/api/trpc/customers.list?input=${input}`)).json();
    expect(body.result.data.json.total).toBe(1);
    expect(body.result.data.json.items[0].stripeCustomerId).toBe('cus_plain');
    expect(body.result.data.meta.values['items.0.createdAt']).toEqual(['Date']);
  });

  it('answers invalid input with 400 and field errors', async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { limit: 1000 } }));
    const res = await fetch(`${app.baseUrl}/api/trpc/customers.list?input=${input}`);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.json.data.fieldErrors.limit[0]).toMatch(/100/);
  });
});
