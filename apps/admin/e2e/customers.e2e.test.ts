import { createTestDatabase } from '@medpro/db/testing';
import { createUser } from '@medpro/trpc';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, collectConsoleErrors, launchBrowser, saveScreenshot } from './browser';
import { type RunningApp, serveBuiltApp } from './built-app';

describe.runIf(chromiumAvailable())('customers page in Chromium', () => {
  let app: RunningApp;
  let browser: Browser;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await createTestDatabase('sqlite');
    cleanup = t.destroy;
    await t.db.models.Customer.bulkCreate([
      {
        stripe_customer_id: 'cus_x1',
        email: 'x1@example.com',
        name: '<img src=x onerror=alert(1)>',
        stripe_created_at: new Date(),
      },
      {
        stripe_customer_id: 'cus_x2',
        email: 'bruna@clinica.com.br',
        name: 'Bruna Lima',
        stripe_created_at: new Date(),
      },
    ]);
    await createUser(
      t.db,
      { email: 'viewer@example.com', role: 'viewer', password: 'a long test password' },
      new Date(),
    );
    [app, browser] = await Promise.all([serveBuiltApp({ DATABASE_URL: t.url }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await cleanup?.();
  });

  it('searches by part of the email and shows a name containing HTML as text, without console errors', async () => {
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto(`${app.baseUrl}/customers?view=table`);
    // Pages need a session: the app sends us to sign in, then back.
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('E-mail').fill('viewer@example.com');
    await page.getByLabel('Senha').fill('a long test password');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.waitForURL(/\/customers\?view=table$/);
    await page.locator('table').waitFor();
    await expect(page.getByRole('cell', { name: '<img src=x onerror=alert(1)>' }).count()).resolves.toBe(1);
    await page.getByLabel('Buscar').fill('clinica.com');
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.waitForURL(/q=clinica\.com/);
    await page.getByRole('cell', { name: 'Bruna Lima' }).waitFor();
    await expect(page.getByRole('cell', { name: 'Bruna Lima' }).count()).resolves.toBe(1);
    await expect(page.getByRole('cell', { name: 'x***@example.com' }).count()).resolves.toBe(0);
    await saveScreenshot(page, 'customers-search');
    expect(dialogs).toBe(0);
    expect(errors).toEqual([]);
  });
});
