/**
 * The router over HTTP: REST v1 (same data as tRPC, envelope, errors, OpenAPI) and the session
 * cookie (flags, throttling, logout, expiry, cross-site refusal), through the fetch handlers the
 * admin app mounts.
 */
import type { Database } from '@medpro/db';
import { createTestDatabase, testDialects } from '@medpro/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from './auth/crypto.ts';
import { createContext, SESSION_MAX_AGE_MS, SESSION_TTL_MS } from './context.ts';
import { handleCustomerExport, handleTrpcRequest } from './http.ts';
import { renameKeys, toCamel, toSnake } from './rest/case.ts';
import { handleRestV1, REST_ROUTES } from './rest/v1.ts';
import { MAX_FAILURES_PER_IP } from './routers/auth.ts';
import { callProcedure } from './testing/call.ts';
import { EMBED_ORIGIN, PASSWORD, SEED_NOW, type SeededAccount, seedAccount } from './testing/seed.ts';

const BASE = 'http://admin.test';
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions themselves
type Json = any;
const json = async (res: Response): Promise<Json> => res.json();
const dialects = await testDialects();

describe.each(dialects)('HTTP on %s', (dialect) => {
  let db: Database;
  let seed: SeededAccount;
  let destroy: () => Promise<void>;
  let clock = SEED_NOW.getTime();
  const now = () => new Date(clock);

  beforeAll(async () => {
    const t = await createTestDatabase(dialect);
    db = t.db;
    destroy = t.destroy;
    seed = await seedAccount(db);
  });
  afterAll(() => destroy?.());

  const rest = (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
    return handleRestV1(new Request(`${BASE}/api/v1${path}`, { ...init, headers }), { db, now });
  };

  describe('REST v1', () => {
    const queries: Record<string, string> = {
      '/customers': '?search=souza&status=active,past_due&sort=mrr&limit=5',
      '/customers/:id': '',
      '/customers/:id/subscriptions': '?status=all',
      '/customers/:id/activity': '?page=2&limit=10',
      '/analytics/customers/overview': '?from=2025-03-02&to=2025-03-31',
      '/analytics/customers/growth': '?from=2025-01-01&to=2025-03-31&granularity=month',
      '/analytics/customers/cohorts': '?from=2024-09&to=2025-02',
      '/analytics/customers/churn':
        '?from=2024-12-01&to=2025-03-31&granularity=month&country=us&metadata_key=crm&metadata_value=crm-cus_usd',
      '/analytics/customers/revenue': '?from=2025-01-01&to=2025-03-31&granularity=month',
    };

    it.each(REST_ROUTES.filter((r) => r.method === 'GET'))(
      'GET $path gives the data of $procedure, in snake_case',
      async (route) => {
        const path = route.path.replace(':id', 'cus_ana');
        const res = await rest(`${path}${queries[route.path]}`, { token: seed.tokens.analyst });
        expect(res.status).toBe(200);
        const body = await json(res);
        expect(body.success).toBe(true);
        const params = Object.fromEntries(new URL(`${BASE}${queries[route.path]}`).searchParams);
        const input: Record<string, unknown> = route.path.includes(':id') ? { id: 'cus_ana' } : {};
        for (const [k, v] of Object.entries(params)) {
          input[toCamel(k)] =
            k === 'status' && route.path === '/customers' ? v.split(',') : /^\d+$/.test(v) ? Number(v) : v;
        }
        const viaTrpc = await callProcedure(
          createContext(db, seed.principals.analyst, { now }),
          route.procedure,
          input,
        );
        expect(body.data).toEqual(renameKeys(JSON.parse(JSON.stringify(viaTrpc)), toSnake));
      },
    );

    it('lists customers with the plan’s field names', async () => {
      const body = await json(await rest('/customers?search=lima', { token: seed.tokens.analyst }));
      expect(body.data).toMatchObject({ total: 1, total_pages: 1, currency: 'BRL' });
      expect(body.data.customers[0]).toMatchObject({
        stripe_customer_id: 'cus_joao',
        email: 'joao.lima@example.com',
        name: 'João Lima',
        status: 'past_due',
        mrr: 9900,
        lifetime_value: 59400,
        health_score: 35,
        churn_risk_score: 0.71,
        active_subscriptions: 1,
      });
      const overview = await json(
        await rest('/analytics/customers/overview?to=2025-03-31', { token: seed.tokens.viewer }),
      );
      for (const field of [
        'total_customers',
        'active_customers',
        'new_customers_30d',
        'mrr',
        'arr',
        'churn_rate',
        'currency',
      ]) {
        expect(overview.data, field).toHaveProperty(field);
      }
    });

    it('answers 401, 403, 400 with fields, 404, 405 in the error envelope', async () => {
      expect(await json(await rest('/customers'))).toEqual({
        success: false,
        error: { code: 'UNAUTHORIZED', message: expect.stringContaining('Bearer') },
      });
      const forbidden = await rest('/customers/sync', { method: 'POST', token: seed.tokens.viewer });
      expect(forbidden.status).toBe(403);
      const embed = await rest('/customers', { token: seed.tokens.embed, headers: { Origin: EMBED_ORIGIN } });
      expect(embed.status).toBe(403);
      const revokedOrWrong = await rest('/customers', { token: 'mp_not-a-real-token' });
      expect(revokedOrWrong.status).toBe(401);
      const bad = await rest('/customers?limit=1000&date_from=2025-02-30&mrr_min=x', {
        token: seed.tokens.viewer,
      });
      expect(bad.status).toBe(400);
      expect((await json(bad)).error).toMatchObject({
        code: 'BAD_REQUEST',
        fields: {
          limit: [expect.any(String)],
          date_from: [expect.any(String)],
          mrr_min: [expect.any(String)],
        },
      });
      const missing = await rest('/customers/cus_nobody', { token: seed.tokens.viewer });
      expect(missing.status).toBe(404);
      expect((await json(missing)).error.code).toBe('NOT_FOUND');
      expect((await rest('/customers/cus_ana', { method: 'DELETE', token: seed.tokens.admin })).status).toBe(
        405,
      );
      expect((await rest('/nowhere', { token: seed.tokens.admin })).status).toBe(404);
      const badJson = await rest('/customers/sync', {
        method: 'POST',
        token: seed.tokens.admin,
        body: '{oops',
      });
      expect(badJson.status).toBe(400);
    });

    it('masks contact data for viewer tokens', async () => {
      const body = await json(await rest('/customers/cus_ana', { token: seed.tokens.viewer }));
      expect(body.data.customer).toMatchObject({ email: 'a***@example.com', phone: '***21' });
    });

    it('queues a sync with POST /customers/sync (202), then refuses another with 409', async () => {
      const first = await rest('/customers/sync', {
        method: 'POST',
        token: seed.tokens.analyst,
        body: JSON.stringify({ kind: 'full' }),
      });
      expect(first.status).toBe(202);
      expect((await json(first)).data.run).toMatchObject({
        kind: 'full',
        status: 'queued',
        triggered_by: 'token:analyst-token',
      });
      const second = await rest('/customers/sync', { method: 'POST', token: seed.tokens.analyst });
      expect(second.status).toBe(409);
    });

    it('serves an OpenAPI 3.1 document generated from the zod schemas', async () => {
      const doc = await json(await rest('/openapi.json'));
      expect(doc.openapi).toBe('3.1.0');
      for (const route of REST_ROUTES) {
        expect(doc.paths[route.path.replace(':id', '{id}')], route.path).toHaveProperty(
          route.method.toLowerCase(),
        );
      }
      const list = doc.paths['/customers'].get;
      expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
        expect.arrayContaining(['page', 'limit', 'search', 'status', 'date_from', 'date_to', 'mrr_min']),
      );
      const item =
        list.responses['200'].content['application/json'].schema.properties.data.properties.customers.items;
      expect(item.required).toEqual(
        expect.arrayContaining(['stripe_customer_id', 'lifetime_value', 'health_score']),
      );
      expect(doc.paths['/customers/{id}'].get.parameters[0]).toMatchObject({
        name: 'id',
        in: 'path',
        required: true,
      });
    });
  });

  describe('sessions', () => {
    const trpc = (path: string, init: RequestInit = {}) =>
      handleTrpcRequest(new Request(`${BASE}/api/trpc/${path}`, init), { db, now });
    const post = (path: string, input: unknown, headers: Record<string, string> = {}) =>
      trpc(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', Origin: BASE, ...headers },
        body: JSON.stringify({ json: input }),
      });
    const signIn = (email: string, password: string, headers: Record<string, string> = {}) =>
      post('auth.signIn', { email, password }, headers);
    const me = (cookie: string) => trpc('auth.me', { headers: { cookie } });
    const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;

    it('signs in with an HttpOnly, SameSite=Lax cookie, Secure behind TLS, holding no user data', async () => {
      const res = await signIn('analyst@medpro.test', PASSWORD);
      expect(res.status).toBe(200);
      const cookie = res.headers.get('set-cookie')!;
      expect(cookie).toMatch(
        new RegExp(
          `^medpro_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_MAX_AGE_MS / 1000}$`,
        ),
      );
      expect((await me(cookieOf(res))).status).toBe(200);
      const tls = await signIn('analyst@medpro.test', PASSWORD, { 'X-Forwarded-Proto': 'https' });
      expect(tls.headers.get('set-cookie')).toMatch(/; Secure$/);
      // The database holds only a hash of the id.
      const id = decodeURIComponent(cookieOf(res).split('=')[1]!);
      expect(await db.models.Session.count({ where: { id } })).toBe(0);
    });

    it('refuses a wrong password, then throttles the account from that address with 429', async () => {
      const headers = { 'X-Forwarded-For': '198.51.100.7' };
      for (let i = 0; i < MAX_FAILURES_PER_IP; i++) {
        const res = await signIn('admin@medpro.test', 'wrong password!', headers);
        expect(res.status).toBe(401);
      }
      const throttled = await signIn('admin@medpro.test', PASSWORD, headers);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('900');
      expect((await json(throttled)).error.json.message).toMatch(/Too many failed sign-in attempts/);
      // Another address is not locked out by these five.
      expect((await signIn('admin@medpro.test', PASSWORD, { 'X-Forwarded-For': '192.0.2.1' })).status).toBe(
        200,
      );
      // The window passes.
      clock += 16 * 60 * 1000;
      expect((await signIn('admin@medpro.test', PASSWORD, headers)).status).toBe(200);
    });

    it('signs out: the session is gone and its cookie no longer works', async () => {
      const cookie = cookieOf(await signIn('analyst@medpro.test', PASSWORD));
      const out = await post('auth.signOut', {}, { cookie });
      expect(out.status).toBe(200);
      expect(out.headers.get('set-cookie')).toMatch(/^medpro_session=; .*Max-Age=0/);
      expect((await me(cookie)).status).toBe(401);
    });

    it('refuses an expired session, and slides the expiry of one in use', async () => {
      const cookie = cookieOf(await signIn('analyst@medpro.test', PASSWORD));
      const id = decodeURIComponent(cookie.split('=')[1]!);
      const expiry = async () =>
        ((await db.models.Session.findByPk(sha256(id), { raw: true })) as unknown as { expires_at: unknown })
          .expires_at;
      const first = new Date(String(await expiry()));
      clock += SESSION_TTL_MS * 0.6;
      expect((await me(cookie)).status).toBe(200);
      const slid = new Date(String(await expiry()));
      expect(slid.getTime()).toBeGreaterThan(first.getTime());
      clock += SESSION_TTL_MS + 1000;
      const expired = await me(cookie);
      expect(expired.status).toBe(401);
      expect((await json(expired)).error.json.message).toMatch(/expired/);
    });

    it('refuses cookie-authenticated mutations from another site, and mutations over GET', async () => {
      const cookie = cookieOf(await signIn('analyst@medpro.test', PASSWORD));
      const evil = await post('sync.start', {}, { cookie, Origin: 'https://evil.example' });
      expect(evil.status).toBe(403);
      const sameSite = await post('sync.start', {}, { cookie, 'Sec-Fetch-Site': 'cross-site' });
      expect(sameSite.status).toBe(403);
      const viaGet = await trpc(`sync.start?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`, {
        headers: { cookie },
      });
      expect(viaGet.status).toBe(405);
      await db.sequelize.query("UPDATE sync_runs SET status = 'succeeded' WHERE status = 'queued'");
      expect((await post('sync.start', {}, { cookie, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    });

    it('lets an embed token read widgets cross-origin from its allowed origins only', async () => {
      const input = encodeURIComponent(JSON.stringify({ json: { id: 'cus_ana' } }));
      const get = (origin: string) =>
        trpc(`widgets.customerHealth?input=${input}`, {
          headers: { Authorization: `Bearer ${seed.tokens.embed}`, Origin: origin },
        });
      const ok = await get(EMBED_ORIGIN);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(EMBED_ORIGIN);
      const elsewhere = await get('https://other.example');
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await trpc('widgets.customerHealth', {
        method: 'OPTIONS',
        headers: { Origin: EMBED_ORIGIN },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    });

    it('streams the CSV export to analysts and refuses viewers', async () => {
      const exportAs = (token: string) =>
        handleCustomerExport(
          new Request(`${BASE}/customers/export?country=BR&health=good`, {
            headers: { Authorization: `Bearer ${token}` },
          }),
          { db, now },
        );
      const res = await exportAs(seed.tokens.analyst);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="customers-/);
      const lines = (await res.text()).trimEnd().split('\r\n');
      expect(lines.map((l) => l.split(',')[0])).toEqual(['stripe_customer_id', 'cus_ana']);
      expect((await exportAs(seed.tokens.viewer)).status).toBe(403);
      // A filter read by the page (its own parameter names) is passed as input.
      const viaPage = await handleCustomerExport(
        new Request(`${BASE}/customers/export?q=lima`, {
          headers: { Authorization: `Bearer ${seed.tokens.analyst}` },
        }),
        { db, now, input: { search: 'lima' } },
      );
      expect(
        (await viaPage.text())
          .trimEnd()
          .split('\r\n')
          .map((l) => l.split(',')[0]),
      ).toEqual(['stripe_customer_id', 'cus_joao']);
    });
  });
});
