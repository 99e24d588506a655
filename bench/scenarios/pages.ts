/**
 * The admin pages at scale: a simulator account of ctx.customers customers loaded through the
 * sync's writers and computed by the analytics engine (at 100k: bulk-seeded rows, see below),
 * served by the production build. For
 * /customers, /customers/:id and /analytics it measures the server's HTML response (fetch with
 * a session cookie) and the full page load in Chromium (navigation to the load event, and to the
 * charts drawn for /analytics). Medians over several loads after one warm-up.
 */
import { createTestDatabase } from '@medpro/db/testing';
import { generateAccount } from '@medpro/stripe-sim';
import { createUser } from '@medpro/trpc';
import { QueryTypes } from 'sequelize';
import { chromiumAvailable, launchBrowser } from '../../apps/admin/e2e/browser.ts';
import { buildApp, serveBuiltApp } from '../../apps/admin/e2e/built-app.ts';
import { rebuildAnalytics } from '../../apps/worker/src/analytics/engine.ts';
import { loadSimulatorAccount } from '../../apps/worker/src/analytics/sim-loader.ts';
import type { Figure, Scenario } from '../harness.ts';
import { seedApiAccount } from './api.ts';

const NOW = new Date().toISOString().slice(0, 10);
const PASSWORD = 'bench-password-1234';

async function signIn(baseUrl: string, email: string): Promise<string> {
  const response = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    body: new URLSearchParams({ email, password: PASSWORD, next: '/customers' }),
    headers: { Origin: baseUrl },
    redirect: 'manual',
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('medpro_session='));
  if (!cookie) throw new Error(`sign-in failed: HTTP ${response.status}`);
  return cookie.split(';')[0]!;
}

export const pagesScenario: Scenario = {
  name: 'pages',
  description: 'admin pages: server HTML response and full page load in Chromium, on a computed account',
  async run(ctx) {
    const loads = Math.max(5, ctx.runs);
    // Build first: the app measured is the source as it was when the run started, even if
    // files change during the minutes the account takes to load at 100k.
    let started = performance.now();
    await buildApp();
    ctx.log(`built the admin app in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const t = await createTestDatabase(ctx.db);
    try {
      started = performance.now();
      if (ctx.customers > 10_000) {
        // At 100k, loading a simulator account through the sync's writers and computing it takes
        // well over 25 minutes on this 2-core machine; the rows are bulk-inserted as the sync and
        // the engine leave them instead (the api scenario's account: customers, subscriptions,
        // items, metrics, MRR spans, invoices and two years of daily analytics).
        await seedApiAccount(t.db, ctx.customers);
        ctx.log(
          `seeded ${ctx.customers} customers in ${((performance.now() - started) / 1000).toFixed(0)} s`,
        );
      } else {
        await loadSimulatorAccount(
          t.db,
          generateAccount({ customers: ctx.customers, months: 24, seed: 42, now: NOW }),
        );
        await rebuildAnalytics(t.db, { today: NOW });
        ctx.log(
          `loaded and computed ${ctx.customers} customers in ${((performance.now() - started) / 1000).toFixed(0)} s`,
        );
      }
      await createUser(t.db, { email: 'bench@medpro.test', role: 'admin', password: PASSWORD }, new Date());
      const [row] = await t.db.sequelize.query<{ id: string }>(
        'SELECT stripe_customer_id AS id FROM customers WHERE mrr > 0 ORDER BY lifetime_value DESC LIMIT 1',
        { type: QueryTypes.SELECT },
      );
      started = performance.now();
      const app = await serveBuiltApp({ DATABASE_URL: t.url });
      ctx.log(`started the admin app in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      const figures: Figure[] = [];
      try {
        const cookie = await signIn(app.baseUrl, 'bench@medpro.test');
        const pages = [
          { name: '/customers', path: '/customers' },
          { name: '/customers/:id', path: `/customers/${row!.id}` },
          { name: '/analytics', path: '/analytics' },
        ];
        for (const p of pages) {
          const samples: number[] = [];
          for (let i = 0; i <= loads; i++) {
            const s = performance.now();
            const response = await fetch(`${app.baseUrl}${p.path}`, { headers: { cookie } });
            await response.text();
            if (!response.ok) throw new Error(`${p.path}: HTTP ${response.status}`);
            if (i > 0) samples.push(performance.now() - s);
          }
          figures.push({
            name: `${p.name} server response (HTML)`,
            unit: 'ms',
            samples,
            target: { op: '<', value: 500, source: 'issue 7' },
          });
        }
        if (chromiumAvailable()) {
          const browser = await launchBrowser();
          try {
            const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
            const [name, value] = cookie.split('=');
            await context.addCookies([{ name: name!, value: value!, url: app.baseUrl }]);
            const page = await context.newPage();
            for (const p of pages) {
              const samples: number[] = [];
              for (let i = 0; i <= loads; i++) {
                const s = performance.now();
                await page.goto(`${app.baseUrl}${p.path}`, { waitUntil: 'load' });
                // Loaded means hydrated with its content drawn: the charts' SVGs on /analytics.
                if (p.path === '/analytics') await page.locator('figure.mp-chart svg').first().waitFor();
                if (i > 0) samples.push(performance.now() - s);
              }
              figures.push({
                name: `${p.name} full load in Chromium`,
                unit: 'ms',
                samples,
                target: { op: '<', value: 2000, source: 'plan' },
                note: 'navigation to the load event (and the first chart drawn on /analytics)',
              });
            }
          } finally {
            await browser.close();
          }
        } else {
          ctx.log('no Chromium: page-load figures skipped');
        }
      } finally {
        await app.stop();
      }
      return figures;
    } finally {
      await t.destroy();
    }
  },
};
