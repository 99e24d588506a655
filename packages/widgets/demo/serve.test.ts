// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoServer, renderCatalog, renderConfig, startDemoServer } from './serve.ts';

describe('demo catalog server', () => {
  let demo: DemoServer;
  beforeAll(async () => {
    demo = await startDemoServer({
      port: 0,
      apiBase: 'http://127.0.0.1:3000/',
      token: 'mp_demo',
      product: { id: 'prod_1', name: 'MedPro <Clínica> 10 usuários' },
      customer: { id: 'cus_1', name: '"Ana" & Co' },
    });
  });
  afterAll(() => demo.close());

  it('serves the page with the widgets pointed at the admin app, values escaped', async () => {
    const res = await fetch(`${demo.url}/`);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain('<script type="module" src="http://127.0.0.1:3000/widgets/medpro-widgets.js">');
    expect(html).toContain('<medpro-mrr id="product-mrr" product="prod_1" range="90d" granularity="week">');
    expect(html).toContain('<medpro-customer-health id="customer-health" customer-id="cus_1">');
    expect(html).toContain('MedPro &lt;Clínica&gt; 10 usuários');
    expect(html).toContain('&quot;Ana&quot; &amp; Co');
    expect(html).not.toMatch(/\{\{[A-Z_]+\}\}/);
  });

  it('serves the page-wide widget config as a script', async () => {
    const res = await fetch(`${demo.url}/config.js`);
    expect(await res.text()).toBe(
      'window.MedProWidgets = {"apiBase":"http://127.0.0.1:3000/","token":"mp_demo"};\n',
    );
  });

  it('answers unknown paths with 404 and writes with 405', async () => {
    expect((await fetch(`${demo.url}/nope`)).status).toBe(404);
    expect((await fetch(`${demo.url}/`, { method: 'POST' })).status).toBe(405);
  });

  it('cannot be made to close the config script early', () => {
    expect(renderConfig({ apiBase: 'x', token: '</script><script>alert(1)</script>' })).not.toContain(
      '</script>',
    );
    expect(
      renderCatalog({ apiBase: 'x', product: { id: '"><x', name: 'n' }, customer: { id: 'c', name: 'n' } }),
    ).toContain('product="&quot;&gt;&lt;x"');
  });
});
