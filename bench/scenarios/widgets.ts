/**
 * The embeddable widgets as a host page gets them: the bundle's gzipped size, and the time
 * from navigation start until <medpro-mrr> (365 daily points) and <medpro-customer-health>
 * have both rendered their data in Chromium, cold cache. The API is a local stub answering
 * in the router's wire format, so the figure is the widgets' own cost, not the database's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import superjson from 'superjson';
import { chromiumAvailable, launchBrowser } from '../../apps/admin/e2e/browser.ts';
import { BUNDLE_BUDGET_GZIP_BYTES, buildBundle, bundleSize } from '../../packages/widgets/scripts/bundle.ts';
import type { Figure, Scenario } from '../harness.ts';

const DAY = 86_400_000;

function fixtures(): Record<string, unknown> {
  const today = Date.UTC(2025, 2, 31);
  const series = Array.from({ length: 365 }, (_, i) => ({
    period: new Date(today - (364 - i) * DAY).toISOString().slice(0, 10),
    mrr: 10_000_000 + i * 12_345,
  }));
  const mrr = series.at(-1)!.mrr;
  return {
    'widgets.mrrSummary': {
      from: series[0]!.period,
      to: series.at(-1)!.period,
      granularity: 'day',
      currency: 'BRL',
      product: null,
      mrr,
      previousMrr: 9_000_000,
      change: { absolute: mrr - 9_000_000, relative: (mrr - 9_000_000) / 9_000_000 },
      series,
      excludedSubscriptions: 0,
    },
    'widgets.customerHealth': {
      stripeCustomerId: 'cus_bench',
      name: 'Clínica Bench',
      healthScore: 64,
      healthBand: 'warning',
      churnRiskScore: 0.18,
      mrr: 29_900,
      currency: 'BRL',
      topFactors: [
        { factor: 'failed_payments_90d', label: '1 pagamento falhou', impact: -10 },
        { factor: 'card_expiring', label: 'Cartão expira antes da renovação', impact: -10 },
      ],
      metricsUpdatedAt: new Date(today),
    },
  };
}

const PAGE = `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module" src="/widgets/medpro-widgets.js"></script></head><body style="width:800px">
<medpro-mrr range="365d"></medpro-mrr><medpro-customer-health customer-id="cus_bench"></medpro-customer-health>
</body></html>`;

/** Resolves in the page with performance.now() once both widgets fired medpro-ready. */
const WAIT_FOR_BOTH = `new Promise((resolve, reject) => {
  const els = [...document.querySelectorAll('medpro-mrr, medpro-customer-health')];
  let left = els.length;
  for (const el of els) {
    if (el.state && el.state.status === 'ready') { if (--left === 0) resolve(performance.now()); continue; }
    el.addEventListener('medpro-ready', () => { if (--left === 0) resolve(performance.now()); }, { once: true });
    el.addEventListener('medpro-error', (e) => reject(new Error(e.detail.message)), { once: true });
  }
})`;

export const widgetsScenario: Scenario = {
  name: 'widgets',
  description: 'embeddable widget bundle: gzipped size, time to first render in Chromium',
  async run(ctx) {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'medpro-widgets-bench-'));
    try {
      const file = await buildBundle(outDir);
      const size = bundleSize(outDir);
      ctx.log(`${path.basename(file)}: ${(size.gzipBytes / 1024).toFixed(1)} kB gzipped`);
      const figures: Figure[] = [
        {
          name: 'bundle gzip size',
          unit: 'kB',
          samples: [size.gzipBytes / 1024],
          target: { op: '<', value: BUNDLE_BUDGET_GZIP_BYTES / 1024, source: 'widget budget, decision 005' },
        },
      ];
      if (!chromiumAvailable()) return figures;

      const code = readFileSync(file, 'utf8');
      const answers = fixtures();
      const server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://bench');
        const procedure = url.pathname.replace('/api/trpc/', '');
        if (url.pathname === '/') res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
        else if (url.pathname === '/widgets/medpro-widgets.js')
          res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(code);
        else if (procedure in answers)
          res
            .writeHead(200, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ result: { data: superjson.serialize(answers[procedure]) } }));
        else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const browser = await launchBrowser();
      try {
        const samples: number[] = [];
        for (let i = 0; i < ctx.runs; i++) {
          // A new context each run: empty cache, as a first visit to the catalog page.
          const context = await browser.newContext();
          const page = await context.newPage();
          await page.goto(base);
          samples.push(await page.evaluate(WAIT_FOR_BOTH));
          await context.close();
        }
        figures.push({
          name: 'time to first render',
          unit: 'ms',
          samples,
          target: { op: '<', value: 1000, source: 'widgets on a catalog page, decision 005' },
          note: 'navigation start → both widgets rendered with data; local stub API, cold cache',
        });
      } finally {
        await browser.close();
        await new Promise((resolve) => server.close(resolve));
      }
      return figures;
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  },
};
