import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase } from '@medpro/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appDir = path.resolve(__dirname, '..');
const requireFromApp = createRequire(path.join(appDir, 'package.json'));

/** Builds the app into a temp dir and serves it with remix-serve against a seeded SQLite file. */
describe('the built admin app on SQLite', () => {
  // Inside the app so the server bundle resolves its dependencies from node_modules.
  mkdirSync(path.join(appDir, '.cache'), { recursive: true });
  const buildDir = mkdtempSync(path.join(appDir, '.cache', 'test-build-'));
  let server: ChildProcess;
  let base: string;
  let cleanup: () => Promise<void>;

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
      { stripe_customer_id: 'cus_plain', email: 'ana@example.com', name: 'Ana Souza', stripe_created_at: new Date() },
    ]);
    await promisify(execFile)(process.execPath, [requireFromApp.resolve('@remix-run/dev/dist/cli.js'), 'vite:build'], {
      cwd: appDir,
      env: { ...process.env, REMIX_BUILD_DIR: buildDir },
    });
    const port = 20000 + Math.floor(Math.random() * 20000);
    base = `http://127.0.0.1:${port}`;
    server = spawn(
      process.execPath,
      [requireFromApp.resolve('@remix-run/serve/dist/cli.js'), path.join(buildDir, 'server/index.js')],
      { cwd: appDir, env: { ...process.env, PORT: String(port), DATABASE_URL: t.url, NODE_ENV: 'production' } },
    );
    let output = '';
    server.stdout?.on('data', (d) => { output += d; });
    server.stderr?.on('data', (d) => { output += d; });
    for (let i = 0; i < 100; i++) {
      if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`admin app did not start: ${output}`);
  }, 120_000);

  afterAll(async () => {
    server?.kill('SIGTERM');
    await cleanup?.();
    rmSync(buildDir, { recursive: true, force: true });
  });

  it('renders the customers page from data read through the tRPC router', async () => {
    const html = await (await fetch(`${base}/customers`)).text();
    expect(html).toContain('Ana Souza');
    expect(html).toContain('cus_plain');
    // Stripe data is text, never markup.
    expect(html).toContain('&lt;b&gt;Clínica&lt;/b&gt; São João');
    expect(html).not.toContain('<b>Clínica</b>');
  });

  it('serves the same router over HTTP at /api/trpc with superjson', async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { search: 'ana@' } }));
    const body = await (await fetch(`${base}/api/trpc/customers.list?input=${input}`)).json();
    expect(body.result.data.json.total).toBe(1);
    expect(body.result.data.json.items[0].stripeCustomerId).toBe('cus_plain');
    expect(body.result.data.meta.values['items.0.createdAt']).toEqual(['Date']);
  });

  it('answers invalid input with 400 and field errors', async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { limit: 1000 } }));
    const res = await fetch(`${base}/api/trpc/customers.list?input=${input}`);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.json.data.fieldErrors.limit[0]).toMatch(/100/);
  });
});
