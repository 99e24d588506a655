import { createTestDatabase } from '@medpro/db/testing';
import { createUser } from '@medpro/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, serveBuiltApp } from '../e2e/built-app';

const PASSWORD = 'a long test password';

describe('the built admin app on SQLite', () => {
  let app: RunningApp;
  let cleanup: () => Promise<void>;
  /** The session cookie of a signed-in analyst. */
  let cookie: string;

  const signIn = (headers: Record<string, string> = {}) =>
    fetch(`${app.baseUrl}/login`, {
      method: 'POST',
      body: new URLSearchParams({ email: 'analyst@example.com', password: PASSWORD, next: '/customers' }),
      headers: { Origin: app.baseUrl, ...headers },
      redirect: 'manual',
    });

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
    await createUser(t.db, { email: 'analyst@example.com', role: 'analyst', password: PASSWORD }, new Date());
    app = await serveBuiltApp({ DATABASE_URL: t.url });
    const login = await signIn();
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe('/customers');
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  });

  afterAll(async () => {
    await app?.stop();
    await cleanup?.();
  });

  it('sends visitors without a session to sign in (and back afterwards); the API answers 401', async () => {
    const page = await fetch(`${app.baseUrl}/customers?q=ana`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/customers?q=ana')}`);
    expect((await fetch(`${app.baseUrl}/api/trpc/customers.list`)).status).toBe(401);
    expect((await fetch(`${app.baseUrl}/api/v1/customers`)).status).toBe(401);
  });

  it('signs in with an HttpOnly, SameSite=Lax cookie, Secure behind TLS', async () => {
    const res = await signIn({ 'X-Forwarded-Proto': 'https' });
    expect(res.headers.get('set-cookie')).toMatch(
      /^medpro_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/,
    );
  });

  it('renders the customers page from data read through the tRPC router', async () => {
    const html = await (await fetch(`${app.baseUrl}/customers`, { headers: { cookie } })).text();
    expect(html).toContain('Ana Souza');
    expect(html).toContain('cus_plain');
    // Stripe data is text, never markup.
    expect(html).toContain('&lt;b&gt;Clínica&lt;/b&gt; São João');
    expect(html).not.toContain('<b>Clínica</b>');
  });

  it('serves the same router over HTTP at /api/trpc with superjson', async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { search: 'ana@' } }));
    const res = await fetch(`${app.baseUrl}/api/trpc/customers.list?input=${input}`, { headers: { cookie } });
    const body = await res.json();
    expect(body.result.data.json.total).toBe(1);
    expect(body.result.data.json.customers[0].stripeCustomerId).toBe('cus_plain');
    expect(body.result.data.meta.values['customers.0.createdAt']).toEqual(['Date']);
  });

  it('answers invalid input with 400 and field errors', async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { limit: 1000 } }));
    const res = await fetch(`${app.baseUrl}/api/trpc/customers.list?input=${input}`, { headers: { cookie } });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.json.data.fieldErrors.limit[0]).toMatch(/100/);
  });

  it('serves the REST API and its OpenAPI document', async () => {
    const res = await fetch(`${app.baseUrl}/api/v1/customers?search=ana&limit=5`, { headers: { cookie } });
    expect(await res.json()).toMatchObject({
      success: true,
      data: { total: 1, customers: [{ stripe_customer_id: 'cus_plain' }] },
    });
    const doc = await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/customers/{id}');
  });

  it('streams the CSV export of the current filter', async () => {
    const res = await fetch(`${app.baseUrl}/customers/export?q=ana`, { headers: { cookie } });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines, lines.join('\n')).toHaveLength(2);
    expect(lines[1]).toMatch(/^cus_plain,Ana Souza,ana@example\.com,/);
  });
});
