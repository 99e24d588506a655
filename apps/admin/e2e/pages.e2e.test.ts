/**
 * The admin pages end to end, in Chromium, on a simulator account synced and computed for real
 * (see stack.ts): sign-in, customers (search, filter, views, HTML-named customers), customer
 * detail, analytics (every chart, cards equal to the API's numbers, drill-down), and viewers'
 * masked emails. Every page is screenshotted and must log no console error.
 */
import { formatMoney, formatNumber, formatPercent, formatValue } from '@medpro/widgets';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAnalyticsRange } from '../app/lib/analytics-range';
import { chromiumAvailable, collectConsoleErrors, launchBrowser, saveScreenshot } from './browser';
import { pageAs, type Stack, startStack } from './stack';

describe.runIf(chromiumAvailable())('admin pages on a synced simulator account', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let dialogs = 0;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs in through the sign-in page and lands on the customers page', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    errors = collectConsoleErrors(page);
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto(`${stack.app.baseUrl}/customers`);
    await page.waitForURL(/\/login\?next=%2Fcustomers/);
    await saveScreenshot(page, 'login');
    await page.getByLabel('E-mail').fill(stack.users.admin.email);
    await page.getByLabel('Senha').fill('e2e-password-1234');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.waitForURL(/\/customers$/);
    await page.locator('.role-tag').waitFor();
    await expect(page.getByRole('banner').textContent()).resolves.toContain('E2E admin');
    await expect(page.locator('.role-tag').textContent()).resolves.toBe('Administrador');
    await expect(page.getByRole('heading', { level: 1, name: 'Clientes' }).count()).resolves.toBe(1);
    // The stats cards show the router's numbers for the (empty) filter.
    const list = await stack.caller('admin').customers.list({});
    const stats = page.locator('dl.stats');
    await expect(stats.textContent()).resolves.toContain(formatNumber(list.stats.total));
    await expect(stats.textContent()).resolves.toContain(formatMoney(list.stats.mrr, list.currency));
    await saveScreenshot(page, 'customers');
  });

  it('refuses a wrong password with a message (the only console error is that 401)', async () => {
    const other = await browser.newPage();
    const otherErrors = collectConsoleErrors(other);
    await other.goto(`${stack.app.baseUrl}/login`);
    await other.getByLabel('E-mail').fill(stack.users.admin.email);
    await other.getByLabel('Senha').fill('wrong password!!');
    await other.getByRole('button', { name: 'Entrar' }).click();
    await other.getByRole('alert').waitFor();
    await expect(other.getByRole('alert').textContent()).resolves.toContain('incorretos');
    expect(new URL(other.url()).pathname).toBe('/login');
    expect(otherErrors).toEqual([expect.stringMatching(/status of 401/)]);
    await other.close();
  });

  it('finds a customer by part of their email', async () => {
    const { customers } = await stack.caller('admin').customers.list({ status: ['active'], limit: 5 });
    const target = customers.find((c) => c.email)!;
    const part = target.email!.slice(2, 14);
    await page.getByLabel('Buscar').fill(part);
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === part);
    const expected = await stack.caller('admin').customers.list({ search: part });
    // The target is on the unfiltered page too: wait for the search's own result count.
    await page
      .getByRole('status')
      .filter({ hasText: new RegExp(`^${formatNumber(expected.total)} clientes? encontrados?$`) })
      .waitFor();
    await expect(page.locator('.customer-card').count()).resolves.toBe(Math.min(expected.total, 24));
    await expect(page.getByText(target.email!, { exact: true }).count()).resolves.toBe(1);
    await saveScreenshot(page, 'customers-search-email');
  });

  it('filters by status, keeps the filter in the URL across the table view and the back button', async () => {
    await page.goto(`${stack.app.baseUrl}/customers`);
    await page.getByLabel('Status').selectOption('past_due');
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.waitForURL(/status=past_due/);
    const expected = await stack.caller('admin').customers.list({ status: ['past_due'] });
    expect(expected.total).toBeGreaterThan(0);
    await page
      .getByRole('status')
      .filter({ hasText: new RegExp(`^${formatNumber(expected.total)} clientes? encontrados?$`) })
      .waitFor();
    await page.getByRole('link', { name: 'Tabela' }).click();
    await page.waitForURL(/view=table/);
    await page.locator('table').waitFor();
    expect(new URL(page.url()).searchParams.get('status')).toBe('past_due');
    const badges = await page.locator('tbody .badge:not(.mp-badge)').allTextContents();
    expect(badges.length).toBe(Math.min(expected.total, 24));
    expect(new Set(badges)).toEqual(new Set(['Pagamento atrasado']));
    await saveScreenshot(page, 'customers-table-past-due');
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.get('view') !== 'table');
    await page.locator('.customer-cards').waitFor();
    await expect(page.getByLabel('Status').inputValue()).resolves.toBe('past_due');
  });

  it('filters by plan, and names a malformed product in the URL instead of failing', async () => {
    const products = await stack.caller('admin').customers.products({});
    const plans = products.flatMap((p) => p.plans);
    const totals = await Promise.all(
      plans.map(async (plan) => ({
        plan,
        total: (await stack.caller('admin').customers.list({ price: plan.stripePriceId })).total,
      })),
    );
    const { plan, total } = totals.find((t) => t.total > 0)!;
    await page.goto(`${stack.app.baseUrl}/customers`);
    await page.getByLabel('Plano').selectOption(plan.stripePriceId);
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.waitForURL(new RegExp(`price=${plan.stripePriceId}`));
    await page
      .getByRole('status')
      .filter({ hasText: new RegExp(`^${formatNumber(total)} clientes? encontrados?$`) })
      .waitFor();
    const response = await page.goto(`${stack.app.baseUrl}/customers?product=prod%20x`);
    expect(response?.status()).toBe(200);
    await page.getByText('Produto desconhecido; o filtro foi ignorado.').waitFor();
  });

  it('shows customers whose names contain HTML as text', async () => {
    await page.goto(`${stack.app.baseUrl}/customers?q=${encodeURIComponent('<')}&view=table`);
    const links = await page.locator('tbody td:first-child a').allTextContents();
    expect(links).toEqual(expect.arrayContaining(['<script>alert(1)</script> Consultório']));
    expect(links.some((l) => l.includes('<b>Clínica</b>'))).toBe(true);
    await expect(page.locator('tbody script, tbody b').count()).resolves.toBe(0);
    expect(dialogs).toBe(0);
    await saveScreenshot(page, 'customers-html-names');
  });

  it('opens a customer with subscriptions, payment method, invoices and timeline', async () => {
    const caller = stack.caller('admin');
    const { customers } = await caller.customers.list({ status: ['active'], sort: 'ltv', limit: 20 });
    let chosen: Awaited<ReturnType<typeof caller.customers.get>> | null = null;
    for (const c of customers) {
      const detail = await caller.customers.get({ id: c.stripeCustomerId });
      if (detail.paymentMethod?.last4 && detail.subscriptions.length) {
        chosen = detail;
        break;
      }
    }
    expect(chosen).not.toBeNull();
    const c = chosen!;
    await page.goto(`${stack.app.baseUrl}/customers?q=${encodeURIComponent(c.customer.stripeCustomerId)}`);
    await page.getByRole('link', { name: c.customer.name ?? c.customer.stripeCustomerId }).click();
    await page.waitForURL(new RegExp(`/customers/${c.customer.stripeCustomerId}$`));
    await page.locator('section[aria-labelledby="payment"]').waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
      c.customer.name ?? '',
    );
    const subs = page
      .getByRole('region', { name: 'Assinaturas ativas' })
      .or(page.locator('section[aria-labelledby="subs"]'));
    await expect(subs.locator('tbody tr').count()).resolves.toBe(c.subscriptions.length);
    await expect(page.locator('section[aria-labelledby="payment"]').textContent()).resolves.toContain(
      `•••• ${c.paymentMethod!.last4}`,
    );
    const activity = await caller.customers.activity({ id: c.customer.stripeCustomerId, limit: 15 });
    expect(activity.total).toBeGreaterThan(0);
    await expect(page.locator('.timeline li').count()).resolves.toBe(Math.min(activity.total, 15));
    await expect(page.locator('section[aria-labelledby="mrr-history"] .mp-empty').count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: /Abrir no Stripe/ }).getAttribute('href')).resolves.toBe(
      `https://dashboard.stripe.com/test/customers/${c.customer.stripeCustomerId}`,
    );
    await saveScreenshot(page, 'customer-detail');
  });

  it('answers an unknown customer with a 404 page (the only console error is that 404)', async () => {
    const other = await page.context().newPage();
    const otherErrors = collectConsoleErrors(other);
    const response = await other.goto(`${stack.app.baseUrl}/customers/cus_doesnotexist`);
    expect(response?.status()).toBe(404);
    await expect(other.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Não encontrado');
    await expect(other.getByRole('alert').textContent()).resolves.toContain('cus_doesnotexist');
    await saveScreenshot(other, 'customer-404');
    expect(otherErrors).toEqual([expect.stringMatching(/status of 404/)]);
    await other.close();
  });

  it('renders every analytics chart with data, and cards equal to the API', async () => {
    await page.goto(`${stack.app.baseUrl}/analytics?range=365d&granularity=month`);
    const range = parseAnalyticsRange(new URLSearchParams('range=365d&granularity=month'), new Date());
    const o = await stack.caller('admin').analytics.overview({
      from: range.from,
      to: range.to,
      granularity: range.granularity,
    });
    const card = (label: string) =>
      page
        .locator('.mp-card')
        .filter({ has: page.getByText(label, { exact: true }) })
        .locator('.mp-card__value');
    const money = { kind: 'money', currency: o.currency } as const;
    const percent = (v: number | null) => (v === null ? '—' : formatPercent(v));
    const amount = (v: number | null) => (v === null ? '—' : formatValue(money, v));
    await expect(card('Total de clientes').textContent()).resolves.toBe(formatNumber(o.totalCustomers));
    await expect(card('Novos clientes').textContent()).resolves.toBe(formatNumber(o.newCustomers));
    await expect(card('MRR').textContent()).resolves.toBe(formatValue(money, o.mrr));
    await expect(card('Taxa de churn').textContent()).resolves.toBe(percent(o.churnRate));
    await expect(card('ARPA').textContent()).resolves.toBe(amount(o.arpa));
    await expect(card('NRR').textContent()).resolves.toBe(percent(o.nrr));
    await expect(card('LTV').textContent()).resolves.toBe(amount(o.ltv));
    await expect(card('Conversão de trials').textContent()).resolves.toBe(percent(o.trialConversion));
    expect(o.mrr).toBeGreaterThan(0);
    expect(o.ltv).toBeGreaterThan(0);
    expect(o.trialConversion).toBeGreaterThan(0);

    await expect(page.locator('figure.mp-chart').count()).resolves.toBe(5);
    await expect(page.locator('.mp-empty').count()).resolves.toBe(0);
    await expect(page.locator('.mp-line').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('.mp-area').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('.mp-seg').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('.mp-heat__cell').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('[class*="mp-slice--"]').count()).resolves.toBeGreaterThan(0);
    await saveScreenshot(page, 'analytics');

    // Every chart can show its data as a table.
    await page.getByRole('button', { name: 'Ver como tabela' }).first().click();
    await expect(page.locator('table.mp-table').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Ver gráfico' }).click();

    // The MRR cohort view is one link away and keeps the period.
    await page.getByRole('link', { name: 'MRR', exact: true }).click();
    await page.waitForURL(/cohort=mrr/);
    expect(new URL(page.url()).searchParams.get('range')).toBe('365d');
  });

  it('lists the customers behind a movement bar', async () => {
    await page.locator('.mp-seg--new').first().click();
    const panel = page.locator('section.drilldown');
    await panel.locator('tbody tr').first().waitFor();
    const links = panel.locator('tbody a[href^="/customers/"]');
    expect(await links.count()).toBeGreaterThan(0);
    await expect(panel.locator('h3').textContent()).resolves.toContain('Novo');
    await saveScreenshot(page, 'analytics-drilldown');
    await links.first().click();
    await page.waitForURL(/\/customers\/cus_/);
  });

  it('limits the page to a customer segment from the form, and its drill-down too', async () => {
    await page.goto(`${stack.app.baseUrl}/analytics?range=365d&granularity=month`);
    await page.getByLabel('Moeda').fill('usd');
    await page.getByRole('button', { name: 'Aplicar' }).click();
    await page.getByText('Segmento: moeda USD.').waitFor();
    await saveScreenshot(page, 'analytics-segment');
    const range = parseAnalyticsRange(new URLSearchParams('range=365d&granularity=month'), new Date());
    const input = { from: range.from, to: range.to, granularity: range.granularity };
    const [usd, all] = await Promise.all([
      stack.caller('admin').analytics.overview({ ...input, currency: 'USD' }),
      stack.caller('admin').analytics.overview(input),
    ]);
    expect(usd.mrr).toBeGreaterThan(0);
    expect(usd.mrr).toBeLessThan(all.mrr);
    const mrrCard = page
      .locator('.mp-card')
      .filter({ has: page.getByText('MRR', { exact: true }) })
      .locator('.mp-card__value');
    await expect(mrrCard.textContent()).resolves.toBe(
      formatValue({ kind: 'money', currency: usd.currency }, usd.mrr),
    );
    await page.locator('.mp-seg--new').first().click();
    const panel = page.locator('section.drilldown');
    await panel.locator('tbody tr').first().waitFor();
    const ids = await panel
      .locator('tbody a[href^="/customers/"]')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')!.split('/').pop()!));
    const customers = await Promise.all(ids.map((id) => stack.caller('admin').customers.get({ id })));
    expect(customers.map((c) => c.customer.customerCurrency)).toEqual(ids.map(() => 'USD'));
    // A product: its part of the MRR, the same figure as the API's (and the widget's).
    const products = await stack.caller('admin').customers.products({});
    const product = products[0]!;
    await page.goto(`${stack.app.baseUrl}/analytics?range=365d&granularity=month`);
    await page.getByLabel('Produto').selectOption(product.stripeProductId);
    await page.getByRole('button', { name: 'Aplicar' }).click();
    await page.getByText(`Segmento: produto ${product.name ?? product.stripeProductId}.`).waitFor();
    const byProduct = await stack
      .caller('admin')
      .analytics.overview({ ...input, product: product.stripeProductId });
    expect(byProduct.mrr).toBeGreaterThan(0);
    await expect(mrrCard.textContent()).resolves.toBe(
      formatValue({ kind: 'money', currency: byProduct.currency }, byProduct.mrr),
    );
    // A plan of that product: its part, no more than the product's.
    const plans = await Promise.all(
      product.plans.map(async (plan) => ({
        plan,
        overview: await stack.caller('admin').analytics.overview({ ...input, price: plan.stripePriceId }),
      })),
    );
    const plan = plans.find((p) => p.overview.mrr > 0)!;
    expect(plans.reduce((sum, p) => sum + p.overview.mrr, 0)).toBe(byProduct.mrr);
    await page.getByLabel('Plano').selectOption(plan.plan.stripePriceId);
    await page.getByRole('button', { name: 'Aplicar' }).click();
    await page.getByText(/Segmento: produto .*, plano .*\./).waitFor();
    await expect(mrrCard.textContent()).resolves.toBe(
      formatValue({ kind: 'money', currency: plan.overview.currency }, plan.overview.mrr),
    );
    // An invalid part is named and left out; the rest still applies.
    await page.goto(
      `${stack.app.baseUrl}/analytics?range=365d&granularity=month&currency=usd&country=Brasil`,
    );
    await page.getByText('País: use o código de 2 letras (ex.: BR).').waitFor();
    await expect(mrrCard.textContent()).resolves.toBe(
      formatValue({ kind: 'money', currency: usd.currency }, usd.mrr),
    );
  });

  it('works at half a laptop screen (640 px)', async () => {
    await page.setViewportSize({ width: 640, height: 900 });
    await page.goto(`${stack.app.baseUrl}/analytics`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'analytics-640');
    await page.goto(`${stack.app.baseUrl}/customers`);
    await saveScreenshot(page, 'customers-640');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('logged no console error on any page', () => {
    expect(errors).toEqual([]);
    expect(dialogs).toBe(0);
  });

  it('shows viewers masked emails, everywhere on the customers pages', async () => {
    const viewer = await pageAs(browser, stack, 'viewer');
    const viewerErrors = collectConsoleErrors(viewer);
    await viewer.goto(`${stack.app.baseUrl}/customers?view=table`);
    const emails = (await viewer.locator('tbody td:nth-child(2)').allTextContents()).filter((e) => e !== '—');
    expect(emails.length).toBeGreaterThan(0);
    for (const email of emails) expect(email).toMatch(/^.\*\*\*@/);
    await expect(viewer.getByRole('button', { name: 'Exportar CSV' }).count()).resolves.toBe(0);
    await viewer.locator('tbody td:first-child a').first().click();
    await viewer.waitForURL(/\/customers\/cus_/);
    await viewer.locator('section[aria-labelledby="overview"]').waitFor();
    const email = await viewer.locator('section[aria-labelledby="overview"] dd').first().textContent();
    expect(email).toMatch(/^(.\*\*\*@|—)/);
    await saveScreenshot(viewer, 'customers-viewer-masked');
    expect(viewerErrors).toEqual([]);
    await viewer.context().close();
  });
});
