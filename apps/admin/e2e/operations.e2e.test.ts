/**
 * Operations pages end to end in Chromium on a synced simulator account: a sync started from
 * the page and watched to 100 % without a reload, the CSV export, settings (tokens, validated
 * metric rules, display locale, 403 for non-admins), live revalidation when the worker changes
 * data, keyboard use.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCustomers } from '../../worker/src/analytics/engine.ts';
import { chromiumAvailable, collectConsoleErrors, launchBrowser, saveScreenshot } from './browser';
import { pageAs, type Stack, startStack } from './stack';

describe.runIf(chromiumAvailable())('sync, export, settings and live updates', () => {
  let stack: Stack;
  let browser: Browser;
  let admin: Page;
  let errors: string[];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    admin = await pageAs(browser, stack, 'admin');
    errors = collectConsoleErrors(admin);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('starts a full sync and shows its progress live up to 100 %, without reloading', async () => {
    const stopWorker = stack.startSyncWorker();
    try {
      await admin.goto(`${stack.app.baseUrl}/sync`);
      await admin.evaluate(() => {
        (window as unknown as { marker: string }).marker = 'same page';
      });
      const before = (await stack.caller('admin').sync.history({})).total;
      await admin.getByRole('button', { name: 'Sincronização completa' }).click();
      await admin.getByRole('status').filter({ hasText: 'na fila' }).waitFor();
      const seen: string[] = [];
      const percent = admin.getByTestId('sync-percent');
      for (let i = 0; i < 600; i++) {
        const text = await percent.textContent({ timeout: 1000 }).catch(() => null);
        const heading = await admin.locator('#progress-title').textContent();
        if (text && seen.at(-1) !== text) seen.push(text);
        if (text === '100 %' && heading?.includes(`#${before + 1}`) && heading.includes('Concluída')) break;
        await admin.waitForTimeout(100);
      }
      // Several states went by on the same page (queued "…", percentages), ending at 100 %.
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.at(-1)).toBe('100 %');
      await expect(admin.locator('#progress-title').textContent()).resolves.toContain('Concluída');
      // The page was updated in place: same document, and the history now lists the run.
      await expect(admin.evaluate(() => (window as unknown as { marker?: string }).marker)).resolves.toBe(
        'same page',
      );
      await admin.locator('section[aria-labelledby="history"] tbody tr').nth(before).waitFor();
      const history = await stack.caller('admin').sync.history({});
      expect(history.total).toBe(before + 1);
      expect(history.runs[0]).toMatchObject({ kind: 'full', status: 'succeeded' });
      await saveScreenshot(admin, 'sync');
    } finally {
      await stopWorker();
    }
  });

  it('refuses a second sync while one is queued, with a clear message', async () => {
    await stack.caller('analyst').sync.start({ kind: 'full' });
    await admin.goto(`${stack.app.baseUrl}/sync`);
    // The buttons are disabled while a run is active…
    await expect(admin.getByRole('button', { name: 'Sincronização completa' }).isDisabled()).resolves.toBe(
      true,
    );
    // …and a page that still posts (opened before) gets the router's 409 as a message.
    const page = await admin.evaluate(async () => {
      const r = await fetch('/sync', { method: 'POST', body: new URLSearchParams({ kind: 'full' }) });
      return { status: r.status, text: await r.text() };
    });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Já há uma sincronização em andamento');
    const stopWorker = stack.startSyncWorker();
    await admin
      .locator('button:not([disabled])', { hasText: 'Sincronização completa' })
      .waitFor({ timeout: 60_000 });
    await stopWorker();
  });

  it('exports the current filter as CSV, counting rows against the total', async () => {
    await admin.goto(`${stack.app.baseUrl}/customers?status=active`);
    const expected = await stack.caller('admin').customers.list({ status: ['active'] });
    const download = admin.waitForEvent('download');
    await admin.getByRole('button', { name: 'Exportar CSV' }).click();
    const file = await (await download).path();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^stripe_customer_id,name,email/);
    expect(lines.length - 1).toBe(expected.total);
    await admin
      .getByRole('status')
      .filter({ hasText: `${expected.total} linhas exportadas` })
      .waitFor();
  });

  it('creates an API token, shows its secret once, and revokes it', async () => {
    await admin.goto(`${stack.app.baseUrl}/settings`);
    await admin.getByLabel('Nome', { exact: true }).last().fill('Relatórios BI');
    await admin.getByRole('button', { name: 'Criar token' }).click();
    const secret = await admin.getByTestId('secret').textContent();
    expect(secret).toMatch(/^mp_/);
    await admin.getByRole('cell', { name: 'Relatórios BI', exact: true }).waitFor();
    await saveScreenshot(admin, 'settings-token-created');
    await admin.reload();
    await expect(admin.getByTestId('secret').count()).resolves.toBe(0);
    await admin.getByRole('button', { name: 'Revogar Relatórios BI' }).click();
    await admin.getByText('Token revogado.').waitFor();
    const { tokens } = await stack.caller('admin').admin.tokens.list({});
    expect(tokens.find((t) => t.name === 'Relatórios BI')?.active).toBe(false);
  });

  it('validates settings forms with the router’s field errors and keeps what was typed', async () => {
    await admin.goto(`${stack.app.baseUrl}/settings`);
    await admin.getByLabel('Tipo').selectOption('embed');
    await admin.getByLabel('Nome', { exact: true }).last().fill('Catálogo');
    await admin.getByRole('button', { name: 'Criar token' }).click();
    // Field errors are in the page's language, not the API's.
    await admin.getByText('Tokens de incorporação precisam de origens permitidas.').waitFor();

    const before = await stack.caller('admin').admin.settings.get({});
    const currency = admin.getByLabel('Moeda de relatório');
    const error = admin.locator('[id="metrics-metrics.reportingCurrency-error"]');
    for (const typed of ['R$', 'REA']) {
      await currency.fill(typed);
      await admin.getByRole('button', { name: 'Salvar regras' }).click();
      // The message sits under the field it is about, and what was typed stays.
      await admin.getByText('Confira os campos destacados.').waitFor();
      await expect(error.textContent()).resolves.toBe(
        'Moeda desconhecida: use um código ISO 4217, como BRL ou USD.',
      );
      await expect(currency.inputValue()).resolves.toBe(typed);
    }
    await saveScreenshot(admin, 'settings-errors');
    const after = await stack.caller('admin').admin.settings.get({});
    expect(after.metrics).toEqual(before.metrics);
    expect(after.metricsVersion.version).toBe(before.metricsVersion.version);
  });

  it('shows money and dates in the display locale chosen in the settings', async () => {
    const mrr = admin.locator('.stats .stat', { hasText: 'MRR' }).locator('dd');
    await admin.goto(`${stack.app.baseUrl}/customers`);
    await expect(mrr.textContent()).resolves.toMatch(/^R\$\s[\d.]+,\d{2}$/);
    await admin.goto(`${stack.app.baseUrl}/settings`);
    await admin.getByLabel('Formato (idioma e região)').selectOption('en-US');
    await admin.getByLabel(/Fuso horário/).fill('Europe/Lisbon');
    await admin.getByRole('button', { name: 'Salvar exibição' }).click();
    await admin.getByText('Exibição salva: valores e datas seguem o novo formato.').waitFor();
    await admin.getByRole('columnheader', { name: 'Quando (Europe/Lisbon)' }).waitFor();
    await admin.goto(`${stack.app.baseUrl}/customers`);
    await expect(mrr.textContent()).resolves.toMatch(/^R\$[\d,]+\.\d{2}$/);
    await admin.goto(`${stack.app.baseUrl}/analytics`);
    // Chart axes follow too: en-US month abbreviations without the pt-BR "de".
    await admin.locator('figure.mp-chart svg').first().waitFor();
    const ticks = await admin.locator('figure.mp-chart .visx-axis-bottom text').allTextContents();
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks.every((t) => /^[A-Z][a-z]{2} \d{1,2}$|^[A-Z][a-z]{2} \d{4}$/.test(t))).toBe(true);
    await stack
      .caller('admin')
      .admin.settings.update({ display: { locale: 'pt-BR', timeZone: 'America/Sao_Paulo' } });
  });

  it('gives analysts and viewers a clear 403 page on settings', async () => {
    const viewer = await pageAs(browser, stack, 'viewer');
    const viewerErrors = collectConsoleErrors(viewer);
    const response = await viewer.goto(`${stack.app.baseUrl}/settings`);
    expect(response?.status()).toBe(403);
    await expect(viewer.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Acesso restrito');
    await saveScreenshot(viewer, 'settings-403');
    expect(viewerErrors).toEqual([expect.stringMatching(/status of 403/)]);
    // Viewers may watch syncs but not start them.
    await viewer.goto(`${stack.app.baseUrl}/sync`);
    await expect(viewer.getByRole('button', { name: /Sincronização/ }).count()).resolves.toBe(0);
    await viewer.context().close();
  });

  it('reflects data the worker changes within seconds, without a reload', async () => {
    const { customers } = await stack
      .caller('admin')
      .customers.list({ sort: 'name', order: 'asc', limit: 1 });
    const id = customers[0]!.stripeCustomerId;
    await admin.goto(`${stack.app.baseUrl}/customers?view=table&sort=name&order=asc`);
    await admin.locator('table').waitFor();
    await admin.evaluate(() => {
      (window as unknown as { marker: string }).marker = 'same page';
    });
    // What the worker does after processing an event: new data, and metrics stamped.
    await stack.db.sequelize.query(
      "UPDATE customers SET name = 'AAA Clínica Ao Vivo' WHERE stripe_customer_id = :id",
      {
        replacements: { id },
      },
    );
    await updateCustomers(stack.db, [id], { today: new Date().toISOString().slice(0, 10) });
    await admin.getByRole('link', { name: 'AAA Clínica Ao Vivo' }).waitFor({ timeout: 15_000 });
    await expect(admin.evaluate(() => (window as unknown as { marker?: string }).marker)).resolves.toBe(
      'same page',
    );
  });

  it('is usable from the keyboard: the skip link leads to the content', async () => {
    await admin.goto(`${stack.app.baseUrl}/analytics`);
    await admin.keyboard.press('Tab');
    await expect(admin.evaluate(() => document.activeElement?.textContent)).resolves.toBe(
      'Pular para o conteúdo',
    );
    await admin.keyboard.press('Enter');
    await expect(admin.evaluate(() => document.activeElement?.id)).resolves.toBe('main');
  });

  it('takes clicks while the page is still hydrating', async () => {
    // A click before hydration makes React hydrate synchronously; while Remix was still decoding
    // the page's streamed data, React 18 threw "Root did not complete" (#345). The page clicks
    // its body on every task from the first script on, until React owns the content.
    const page = await admin.context().newPage();
    const pageErrors = collectConsoleErrors(page);
    await page.addInitScript(() => {
      const clickUntilHydrated = () => {
        const main = document.getElementById('main');
        if (main && Object.keys(main).some((key) => key.startsWith('__reactFiber$'))) return;
        document.body?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
        setTimeout(clickUntilHydrated, 0);
      };
      clickUntilHydrated();
    });
    for (const route of ['/analytics', '/customers', '/sync']) {
      await page.goto(`${stack.app.baseUrl}${route}`);
      await page.waitForFunction(() => {
        const main = document.getElementById('main');
        return main !== null && Object.keys(main).some((key) => key.startsWith('__reactFiber$'));
      });
    }
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('logged no console error', () => {
    expect(errors).toEqual([]);
  });
});
