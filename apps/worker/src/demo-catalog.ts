/**
 * `npm start` on demo data also serves a product-catalog page on another origin (PORT+1 by
 * default) that embeds the widgets from the admin app with an embed token made for it.
 */
import {
  createDatabase,
  type Database,
  listApiTokens,
  listCustomers,
  readSettings,
  revokeApiToken,
  SETTING_KEYS,
  writeSettings,
} from '@medpro/db';
import { createApiToken } from '@medpro/trpc';
import { type DemoServer, startDemoServer } from '@medpro/widgets/demo';

export const DEMO_PRODUCT_NAME = 'MedPro Clínica 10 usuários';
const TOKEN_NAME = 'Demo catalog page';
const TOKEN_DAYS = 30;

/** The demo product and one of its customers (the least healthy), once the sync has them. */
async function demoContent(db: Database) {
  const product = await db.models.Product.findOne({ where: { name: DEMO_PRODUCT_NAME } });
  if (!product) return null;
  const productId = String(product.get('stripe_product_id'));
  const { items } = await listCustomers(db, { productId, page: 1, limit: 1, sort: 'health', order: 'asc' });
  const customer = items[0];
  if (!customer) return null;
  return {
    product: { id: productId, name: DEMO_PRODUCT_NAME },
    customer: { id: customer.stripeCustomerId, name: customer.name ?? customer.stripeCustomerId },
  };
}

/**
 * Allows the page's origin for widgets, replaces the previous demo token with a new one for
 * that origin only, and serves the page. Waits for the first sync to bring the demo product;
 * returns null if it never comes (or `cancelled()` says stop).
 */
export async function startDemoCatalog(options: {
  databaseUrl: string;
  port: number;
  apiBase: string;
  cancelled: () => boolean;
  waitMs: number;
}): Promise<DemoServer | null> {
  const db = createDatabase(options.databaseUrl);
  try {
    return await setUpDemoCatalog(db, options);
  } finally {
    await db.close();
  }
}

async function setUpDemoCatalog(
  db: Database,
  options: { port: number; apiBase: string; cancelled: () => boolean; waitMs: number },
): Promise<DemoServer | null> {
  const deadline = Date.now() + options.waitMs;
  let content = await demoContent(db);
  while (!content && Date.now() < deadline && !options.cancelled()) {
    await new Promise((r) => setTimeout(r, 2000));
    content = await demoContent(db);
  }
  if (!content || options.cancelled()) return null;
  const origin = `http://localhost:${options.port}`;
  const now = new Date();
  const stored = (await readSettings(db, [SETTING_KEYS.widgets])).get(SETTING_KEYS.widgets)?.value as
    | { allowedOrigins?: string[] }
    | undefined;
  const origins = stored?.allowedOrigins ?? [];
  if (!origins.includes(origin)) {
    await writeSettings(
      db,
      { widgets: { ...stored, allowedOrigins: [...origins, origin] } },
      'medpro start (demo)',
      now,
    );
  }
  for (const t of await listApiTokens(db)) {
    if (t.name === TOKEN_NAME && !t.revokedAt) await revokeApiToken(db, t.id, now);
  }
  const { secret } = await createApiToken(
    db,
    {
      name: TOKEN_NAME,
      kind: 'embed',
      role: 'viewer',
      allowedOrigins: [origin],
      expiresAt: new Date(now.getTime() + TOKEN_DAYS * 86_400_000),
      createdByUserId: null,
    },
    now,
  );
  return startDemoServer({
    port: options.port,
    host: 'localhost',
    apiBase: options.apiBase,
    token: secret,
    ...content,
  });
}
