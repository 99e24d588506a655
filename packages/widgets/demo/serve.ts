/**
 * The demo host page: a product-catalog page on its own origin that embeds the widgets from
 * the admin app, the way a customer's site would. `npm start` runs it on PORT+1 (DEMO_PORT).
 *
 *   tsx packages/widgets/demo/serve.ts --api-base http://localhost:3000 --token mp_… \
 *     --product prod_… --customer cus_… [--port 3001]
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface DemoOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The admin app's origin, e.g. http://localhost:3000 */
  apiBase: string;
  /** Embed token allowed for this page's origin; null to rely on an admin session cookie. */
  token: string | null;
  product: { id: string; name: string };
  customer: { id: string; name: string };
}

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

const TEMPLATE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'catalog.html');

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** The catalog page with the product, customer and admin origin filled in (escaped). */
export function renderCatalog(options: Omit<DemoOptions, 'port' | 'host' | 'token'>): string {
  const values: Record<string, string> = {
    API_BASE: options.apiBase.replace(/\/+$/, ''),
    PRODUCT_ID: options.product.id,
    PRODUCT_NAME: options.product.name,
    CUSTOMER_ID: options.customer.id,
    CUSTOMER_NAME: options.customer.name,
  };
  return readFileSync(TEMPLATE, 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) =>
    escapeHtml(values[key] ?? ''),
  );
}

/** `window.MedProWidgets`, as a script; JSON with `<` escaped cannot end the script early. */
export function renderConfig(options: Pick<DemoOptions, 'apiBase' | 'token'>): string {
  const config = { apiBase: options.apiBase, ...(options.token ? { token: options.token } : {}) };
  return `window.MedProWidgets = ${JSON.stringify(config).replace(/</g, '\\u003c')};\n`;
}

export async function startDemoServer(options: DemoOptions): Promise<DemoServer> {
  const page = renderCatalog(options);
  const config = renderConfig(options);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    } else if (url.pathname === '/' || url.pathname === '/catalog.html') {
      res
        .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
        .end(page);
    } else if (url.pathname === '/config.js') {
      res
        .writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' })
        .end(config);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      'api-base': { type: 'string', default: 'http://localhost:3000' },
      token: { type: 'string' },
      product: { type: 'string' },
      'product-name': { type: 'string', default: 'MedPro Clínica 10 usuários' },
      customer: { type: 'string' },
      'customer-name': { type: 'string', default: 'Cliente' },
      port: { type: 'string', default: '3001' },
    },
  });
  if (!values.product || !values.customer) {
    console.error('demo: --product prod_… and --customer cus_… are required');
    process.exit(2);
  }
  const demo = await startDemoServer({
    port: Number(values.port),
    apiBase: values['api-base'],
    token: values.token ?? null,
    product: { id: values.product, name: values['product-name'] },
    customer: { id: values.customer, name: values['customer-name'] },
  });
  console.log(`Demo catalog page: ${demo.url}`);
}
