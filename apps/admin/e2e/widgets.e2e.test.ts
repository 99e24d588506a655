import { createServer } from 'node:net';
import { revokeApiToken, writeSettings } from '@medpro/db';
import { createTestDatabase } from '@medpro/db/testing';
import { createApiToken } from '@medpro/trpc';
import { EMBED_ORIGIN, PASSWORD, seedAccount } from '@medpro/trpc/testing';
import { formatMoney, formatPercent } from '@medpro/widgets';
import { buildBundle, DEFAULT_DIST_DIR } from '@medpro/widgets/bundle';
import { type DemoServer, startDemoServer } from '@medpro/widgets/demo';
import type { Browser, Page } from 'playwright-core';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, collectConsoleErrors, launchBrowser, saveScreenshot } from './browser';
import { type RunningApp, serveBuiltApp } from './built-app';

const HOSTILE_CSS = 'div, span, svg { color: red !important; font-size: 40px !important; display: block }';
const PRODUCT = { id: 'prod_clinic', name: 'MedPro Clínica 10 usuários' };
const CUSTOMER = { id: 'cus_ana', name: 'Ana Souza' };
const plain = (s: string | null) => (s ?? '').replace(/\s/g, ' ').trim();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Compares two PNGs in the browser (canvas): pixels whose colour moved by more than 32 in a channel. */
async function pixelDiff(page: Page, a: Buffer, b: Buffer) {
  return page.evaluate(
    async ([x, y]) => {
      const load = async (b64: string) => {
        const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d')!;
        context.drawImage(bitmap, 0, 0);
        return context.getImageData(0, 0, bitmap.width, bitmap.height);
      };
      const [p, q] = [await load(x), await load(y)];
      if (p.width !== q.width || p.height !== q.height) return { sameSize: false, changed: 0, total: 0 };
      let changed = 0;
      for (let i = 0; i < p.data.length; i += 4) {
        for (let c = 0; c < 4; c++) {
          if (Math.abs(p.data[i + c]! - q.data[i + c]!) > 32) {
            changed++;
            break;
          }
        }
      }
      return { sameSize: true, changed, total: p.width * p.height };
    },
    [a.toString('base64'), b.toString('base64')] as const,
  );
}

/** The same UTC day arithmetic as the widget: the first day of the last `days` days. */
function rangeStart(days: number): string {
  return new Date(Date.now() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
}

describe.runIf(chromiumAvailable())('embeddable widgets on a catalog page of another origin', () => {
  let app: RunningApp;
  let browser: Browser;
  let cleanup: () => Promise<void>;
  const demos: Record<'good' | 'wrongOrigin' | 'expired' | 'revoked', DemoServer> = {} as never;
  let goodToken: string;

  beforeAll(async () => {
    const t = await createTestDatabase('sqlite');
    cleanup = t.destroy;
    await seedAccount(t.db);
    const ports = { good: 0, wrongOrigin: 0, expired: 0, revoked: 0 };
    for (const k of Object.keys(ports) as (keyof typeof ports)[]) ports[k] = await freePort();
    const origin = (p: number) => `http://127.0.0.1:${p}`;
    // Every demo origin may embed widgets; each token is allowed on the "good" page only,
    // except the expired and revoked ones, allowed on their own pages.
    const now = new Date();
    await writeSettings(
      t.db,
      { widgets: { allowedOrigins: [EMBED_ORIGIN, ...Object.values(ports).map(origin)] } },
      'e2e',
      now,
    );
    const token = (origins: string[], expiresAt: Date, createdAt = now) =>
      createApiToken(
        t.db,
        {
          name: 'e2e',
          kind: 'embed',
          role: 'viewer',
          allowedOrigins: origins,
          expiresAt,
          createdByUserId: null,
        },
        createdAt,
      );
    const good = await token([origin(ports.good)], new Date(now.getTime() + 86_400_000));
    const expired = await token(
      [origin(ports.expired)],
      new Date(now.getTime() - 60_000),
      new Date(now.getTime() - 86_400_000),
    );
    const revoked = await token([origin(ports.revoked)], new Date(now.getTime() + 86_400_000));
    await revokeApiToken(t.db, revoked.token.id, now);
    goodToken = good.secret;

    await buildBundle(DEFAULT_DIST_DIR);
    [app, browser] = await Promise.all([serveBuiltApp({ DATABASE_URL: t.url }), launchBrowser()]);
    const tokens = {
      good: good.secret,
      wrongOrigin: good.secret,
      expired: expired.secret,
      revoked: revoked.secret,
    };
    for (const k of Object.keys(ports) as (keyof typeof ports)[]) {
      demos[k] = await startDemoServer({
        port: ports[k],
        apiBase: app.baseUrl,
        token: tokens[k],
        product: PRODUCT,
        customer: CUSTOMER,
      });
    }
  });

  afterAll(async () => {
    await Promise.all(Object.values(demos).map((d) => d.close()));
    await browser?.close();
    await app?.stop();
    await cleanup?.();
  });

  /** Calls a widget procedure from Node the way the page does (token + Origin). */
  async function api<T>(procedure: string, input: unknown, origin: string): Promise<T> {
    const res = await fetch(
      `${app.baseUrl}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`,
      { headers: { Authorization: `Bearer ${goodToken}`, Origin: origin } },
    );
    expect(res.status).toBe(200);
    return superjson.deserialize<T>((await res.json()).result.data);
  }

  async function openCatalog(page: Page, demo: DemoServer) {
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/trpc/widgets.') && r.request().method() === 'GET') statuses.push(r.status());
    });
    await page.goto(demo.url);
    // Both elements settle into data, empty or error; aria-busy is gone then.
    await page.waitForFunction(
      `[...document.querySelectorAll('medpro-mrr, medpro-customer-health, medpro-customer-list')].every((el) => el.state && el.state.status !== 'loading')`,
    );
    return statuses;
  }

  it('renders the numbers the API answers, loads the bundle by its hashed name, without console errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors = collectConsoleErrors(page);
    const scripts: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/widgets/medpro-widgets'))
        scripts.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    const statuses = await openCatalog(page, demos.good);
    expect(scripts[0]).toBe('302 /widgets/medpro-widgets.js');
    expect(scripts[1]).toMatch(/^200 \/widgets\/medpro-widgets\.[\w-]+\.js$/);
    expect(statuses).toEqual([200, 200, 200]);

    const mrr = await api<{ mrr: number; currency: string; change: { relative: number | null } }>(
      'widgets.mrrSummary',
      { from: rangeStart(90), granularity: 'week', product: PRODUCT.id },
      demos.good.url,
    );
    expect(mrr.mrr).toBeGreaterThan(0);
    expect(plain(await page.locator('#product-mrr .mp-card__value').textContent())).toBe(
      plain(formatMoney(mrr.mrr, mrr.currency)),
    );
    const health = await api<{ healthScore: number; churnRiskScore: number; mrr: number; currency: string }>(
      'widgets.customerHealth',
      { id: CUSTOMER.id },
      demos.good.url,
    );
    const badge = plain(await page.locator('#customer-health .mp-badge').textContent());
    expect(badge.startsWith(`${health.healthScore} de 100`)).toBe(true);
    const figures = plain(await page.locator('#customer-health .mp-health__figures').textContent());
    expect(figures).toContain(plain(formatMoney(health.mrr, health.currency)));
    expect(figures).toContain(formatPercent(health.churnRiskScore));
    expect(await page.locator('#customer-health a').getAttribute('href')).toBe(
      `${app.baseUrl}/customers/${CUSTOMER.id}`,
    );
    const atRisk = await api<{ customers: { name: string | null; stripeCustomerId: string }[] }>(
      'widgets.atRiskCustomers',
      { product: PRODUCT.id, limit: 5 },
      demos.good.url,
    );
    expect(atRisk.customers.length).toBeGreaterThan(0);
    const names = await page.locator('#at-risk .mp-list__item .mp-link').allTextContents();
    expect(names).toEqual(atRisk.customers.map((c) => c.name || c.stripeCustomerId));
    // Nothing leaked into the host page: no styles, no globals besides the config and elements.
    expect(await page.evaluate('document.querySelectorAll("head style").length')).toBe(1);
    const blank = await browser.newPage();
    await blank.goto(`${demos.good.url}/no-such-page`);
    const baseline = await blank.evaluate('Object.keys(window)');
    await blank.close();
    expect(
      await page.evaluate(`Object.keys(window).filter((k) => !${JSON.stringify(baseline)}.includes(k))`),
    ).toEqual(['MedProWidgets']);
    await saveScreenshot(page, 'widgets-catalog');
    expect(errors).toEqual([]);
  });

  it('looks the same under a hostile host stylesheet', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors = collectConsoleErrors(page);
    await openCatalog(page, demos.good);
    // The widgets' own boxes: the host element itself may be stretched by the page's grid.
    const shots = async () => [
      await page.locator('#product-mrr .mp-root').screenshot(),
      await page.locator('#customer-health .mp-root').screenshot(),
    ];
    const before = await shots();
    await page.addStyleTag({ content: HOSTILE_CSS });
    // The host page's own divs did change: the stylesheet is in force.
    expect(
      await page.evaluate('getComputedStyle(document.querySelector(".customer-row > div")).fontSize'),
    ).toBe('40px');
    const after = await shots();
    await saveScreenshot(page, 'widgets-catalog-hostile-css');
    for (const i of [0, 1]) {
      const diff = await pixelDiff(page, before[i]!, after[i]!);
      expect(diff.sameSize).toBe(true);
      // Sub-pixel moves of the box may re-antialias a few edge pixels; nothing more.
      expect(diff.changed / diff.total).toBeLessThan(0.002);
    }
    expect(errors).toEqual([]);
  });

  it.each([
    ['wrongOrigin', 403, 'Este site não está autorizado a usar este token de incorporação.'],
    ['expired', 401, 'Token de incorporação inválido, revogado ou expirado.'],
    ['revoked', 401, 'Token de incorporação inválido, revogado ou expirado.'],
  ] as const)('a %s token is refused with %i and says so in the widget', async (kind, status, message) => {
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    const statuses = await openCatalog(page, demos[kind]);
    expect(statuses).toEqual([status, status, status]);
    for (const id of ['#product-mrr', '#customer-health', '#at-risk']) {
      expect(plain(await page.locator(`${id} [role="alert"]`).textContent())).toBe(message);
    }
    await saveScreenshot(page, `widgets-${kind}-token`);
    // The only console errors are the browser's own reports of the three refused requests.
    expect(errors).toHaveLength(3);
    for (const e of errors) expect(e).toMatch(new RegExp(`the server responded with a status of ${status}`));
  });

  it('works on the admin app pages with the session cookie and no token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectConsoleErrors(page);
    // A bare page of the admin origin (its favicon.ico request is not what is tested here).
    await page.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
    // Signed out first: the widget asks to sign in.
    await page.goto(`${app.baseUrl}/healthz`);
    const mount = () =>
      page.evaluate(`(async () => {
        const el = document.createElement('medpro-customer-health');
        el.setAttribute('customer-id', 'cus_ana');
        document.body.replaceChildren(el);
        await import('/widgets/medpro-widgets.js');
        await new Promise((resolve) => {
          const done = () => el.state.status !== 'loading' ? resolve() : setTimeout(done, 50);
          done();
        });
      })()`);
    await mount();
    expect(plain(await page.locator('medpro-customer-health [role="alert"]').textContent())).toBe(
      'Acesso negado: entre no MedPro ou configure um token de incorporação.',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/status of 401/);
    errors.length = 0;

    const signIn = await page.request.post(`${app.baseUrl}/api/trpc/auth.signIn`, {
      data: { json: { email: 'viewer@medpro.test', password: PASSWORD } },
    });
    expect(signIn.status()).toBe(200);
    const sent: (string | null)[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/trpc/widgets.')) sent.push(r.headers().authorization ?? null);
    });
    await page.reload();
    await mount();
    expect(sent).toEqual([null]);
    expect(plain(await page.locator('medpro-customer-health .mp-badge').textContent())).toMatch(
      /^\d+ de 100/,
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('serves the bundle for long caching under its hashed name, and the alias uncached', async () => {
    const alias = await fetch(`${app.baseUrl}/widgets/medpro-widgets.js`, { redirect: 'manual' });
    expect(alias.status).toBe(302);
    expect(alias.headers.get('cache-control')).toBe('no-cache');
    expect(alias.headers.get('access-control-allow-origin')).toBe('*');
    const hashed = await fetch(new URL(alias.headers.get('location')!, app.baseUrl));
    expect(hashed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(hashed.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(hashed.headers.get('access-control-allow-origin')).toBe('*');
    expect(await hashed.text()).toContain('medpro-customer-health');
    expect((await fetch(`${app.baseUrl}/widgets/medpro-widgets.0000.js`)).status).toBe(404);
  });

  it('answers CORS only for allowed origins, never with credentials', async () => {
    const preflight = (origin: string) =>
      fetch(`${app.baseUrl}/api/trpc/widgets.customerHealth`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization',
        },
      });
    const allowed = await preflight(demos.good.url);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(demos.good.url);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
