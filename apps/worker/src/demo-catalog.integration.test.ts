import { createServer } from 'node:net';
import { listApiTokens, readSettings, SETTING_KEYS } from '@medpro/db';
import { createTestDatabase, testDialects } from '@medpro/db/testing';
import { EMBED_ORIGIN, seedAccount } from '@medpro/trpc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCT_NAME, startDemoCatalog } from './demo-catalog.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(await testDialects())('demo catalog page on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await seedAccount(t.db);
  });
  afterAll(() => t?.destroy());

  const start = async (port: number, waitMs = 0) =>
    startDemoCatalog({
      databaseUrl: t.url,
      port,
      apiBase: 'http://localhost:3000',
      cancelled: () => false,
      waitMs,
    });

  it('waits for the demo product and gives up (null) when the sync never brings it', async () => {
    expect(await start(await freePort())).toBeNull();
  });

  it('allows its origin, makes an embed token for it alone, and serves the page with it', async () => {
    await t.db.models.Product.update(
      { name: DEMO_PRODUCT_NAME },
      { where: { stripe_product_id: 'prod_clinic' } },
    );
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const first = await start(port);
    expect(first).not.toBeNull();
    await first!.close();
    const second = await start(port);
    try {
      const widgets = (await readSettings(t.db, [SETTING_KEYS.widgets])).get(SETTING_KEYS.widgets)?.value;
      // Existing origins stay; this one is added once however often `npm start` runs.
      expect(widgets).toEqual({ allowedOrigins: [EMBED_ORIGIN, origin] });
      const tokens = (await listApiTokens(t.db)).filter((k) => k.name === 'Demo catalog page');
      expect(tokens).toHaveLength(2);
      expect(tokens.filter((k) => !k.revokedAt)).toHaveLength(1);
      expect(tokens.every((k) => k.kind === 'embed' && k.allowedOrigins.join() === origin)).toBe(true);
      const html = await (await fetch(`${second!.url}/`)).text();
      expect(html).toContain('product="prod_clinic"');
      expect(html).toMatch(/customer-id="cus_\w+"/);
      const config = await (await fetch(`${second!.url}/config.js`)).text();
      expect(config).toMatch(/"token":"mp_/);
    } finally {
      await second?.close();
    }
  });
});
