/**
 * The simulator itself at ctx.customers × 24 months: generation time, memory, and the cost
 * of a 100-object list page — which must stay far below the 150 ms of Stripe-like latency the
 * sync benchmark adds, so the simulator is never what that benchmark measures. Each run is
 * its own process (packages/stripe-sim/scripts/measure.ts --json), so RSS is the simulator's.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figure, Scenario } from '../harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Summary {
  median: number;
  p95: number;
}
interface MeasureReport {
  generationMs: number;
  rssAfterServingMB: number;
  pageMs: Record<string, Summary>;
  serverSidePageMs: Record<string, Summary>;
}

function measure(customers: number): MeasureReport {
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'packages/stripe-sim/scripts/measure.ts'),
      '--customers',
      String(customers),
      '--requests',
      '100',
      '--json',
    ],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 2 ** 20 },
  );
  if (r.status !== 0) throw new Error(`simulator measure failed: ${r.stderr || r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as MeasureReport;
}

export const simulatorScenario: Scenario = {
  name: 'simulator',
  description: 'stripe-sim generation, memory and list-page cost at the benchmark scale',
  async run(ctx) {
    const reports: MeasureReport[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      const report = measure(ctx.customers);
      ctx.log(`generated in ${report.generationMs} ms, RSS ${report.rssAfterServingMB} MB`);
      reports.push(report);
    }
    const pick = (f: (r: MeasureReport) => number | undefined) =>
      reports.map(f).filter((v): v is number => typeof v === 'number');
    const figures: Figure[] = [
      {
        name: `generation (${ctx.scale} × 24 months)`,
        unit: 's',
        samples: pick((r) => r.generationMs / 1000),
      },
      {
        name: 'RSS after generating and serving',
        unit: 'MB',
        samples: pick((r) => r.rssAfterServingMB),
        target: { op: '<', value: 2000, source: 'issue 3' },
      },
      {
        name: 'invoices page (100, with lines), server side, median',
        unit: 'ms',
        samples: pick((r) => r.serverSidePageMs['/v1/invoices?limit=100']?.median),
        target: { op: '<', value: 15, source: 'issue 3: ≪ 150 ms latency' },
      },
      {
        name: 'customers page (100) over HTTP, p95',
        unit: 'ms',
        samples: pick((r) => r.pageMs['customers limit=100']?.p95),
        target: { op: '<', value: 15, source: 'issue 3: ≪ 150 ms latency' },
      },
    ];
    return figures;
  },
};
