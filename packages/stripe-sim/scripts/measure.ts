/**
 * Measures the simulator at scale: generation time, RSS, and the time to serve list pages.
 * Usage: npx tsx packages/stripe-sim/scripts/measure.ts [--customers 100000] [--months 24] [--seed 42]
 *   [--now 2026-11-25] [--requests 200] [--low-memory] [--json]
 */
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { parseForm } from '../src/http/form.ts';
import { Api } from '../src/http/routes.ts';
import { generateAccount, startSimulator } from '../src/index.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '10000' },
    months: { type: 'string', default: '24' },
    seed: { type: 'string', default: '42' },
    now: { type: 'string', default: '2026-11-25' },
    requests: { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
    'low-memory': { type: 'boolean', default: false },
  },
});
if (values['low-memory']) v8.setFlagsFromString('--optimize-for-size');

const mb = (b: number) => Math.round(b / 1e6);
const gc = (globalThis as { gc?: () => void }).gc;

const t0 = performance.now();
const account = generateAccount({
  customers: Number(values.customers),
  months: Number(values.months),
  seed: Number(values.seed),
  now: values.now,
});
const genMs = performance.now() - t0;
gc?.();
const rssAfterGen = process.memoryUsage().rss;
const counts = account.counts();
const t1 = performance.now();
const gt = account.groundTruth();
const gtMs = performance.now() - t1;
const gtBytes = JSON.stringify(gt).length;

const sim = await startSimulator({ account, port: 0, secretKey: 'sk_test_sim_measure' });
const headers = { authorization: `Bearer ${sim.secretKey}` };

async function get(
  path: string,
): Promise<{ ms: number; body: { data: { id: string }[]; has_more: boolean } }> {
  const s = performance.now();
  const res = await fetch(`${sim.url}${path}`, { headers });
  const body = (await res.json()) as { data: { id: string }[]; has_more: boolean };
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return { ms: performance.now() - s, body };
}

function summary(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return { median: +q(0.5).toFixed(2), p95: +q(0.95).toFixed(2), max: +q(1).toFixed(2) };
}

const n = Number(values.requests);
type Summary = ReturnType<typeof summary>;
/** Walks a list with starting_after, timing every page. */
async function walk(name: string, first: string): Promise<[string, Summary]> {
  const times: number[] = [];
  let path = first;
  for (let i = 0; i < n; i++) {
    const { ms, body } = await get(path);
    times.push(ms);
    const last = body.data.at(-1);
    path = body.has_more && last ? `${first}&starting_after=${last.id}` : first;
  }
  return [name, summary(times)];
}
const results: [string, Summary][] = [];
results.push(await walk('customers limit=100', '/v1/customers?limit=100'));
results.push(await walk('invoices limit=100 (with lines)', '/v1/invoices?limit=100'));
results.push(await walk('subscriptions status=all limit=100', '/v1/subscriptions?status=all&limit=100'));
results.push(
  await walk('subscriptions status=past_due limit=100', '/v1/subscriptions?status=past_due&limit=100'),
);
results.push(await walk('invoices status=open limit=100', '/v1/invoices?status=open&limit=100'));
results.push(await walk('charges limit=100', '/v1/charges?limit=100'));
results.push(await walk('events limit=100', '/v1/events?limit=100'));
{
  const ids = (await get('/v1/customers?limit=100')).body.data.map((c) => c.id);
  const times: number[] = [];
  for (let i = 0; i < n; i++)
    times.push((await get(`/v1/invoices?limit=100&customer=${ids[i % ids.length]}`)).ms);
  results.push(['invoices customer=… limit=100', summary(times)]);
}
{
  const times: number[] = [];
  for (let i = 0; i < Math.min(n, 20); i++)
    times.push(
      (await get(`/v1/customers/search?query=${encodeURIComponent("name~'Clínica'")}&limit=100`)).ms,
    );
  results.push(["customers/search name~'Clínica' limit=100", summary(times)]);
}
// server-side cost of a page (routing, rendering, JSON) without the HTTP client
const api = new Api(account.store);
const serverSide: Record<string, Summary> = {};
for (const path of [
  '/v1/customers?limit=100',
  '/v1/invoices?limit=100',
  '/v1/subscriptions?status=all&limit=100',
  '/v1/charges?limit=100',
  '/v1/events?limit=100',
]) {
  const [p, q] = path.split('?') as [string, string];
  const times: number[] = [];
  let cursor = '';
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const body = api.handle(p, parseForm(q + cursor)) as { data: { id: string }[]; has_more: boolean };
    JSON.stringify(body);
    times.push(performance.now() - s);
    const last = body.data.at(-1);
    cursor = body.has_more && last ? `&starting_after=${last.id}` : '';
  }
  serverSide[path] = summary(times);
}
gc?.();
const rssEnd = process.memoryUsage().rss;
await sim.stop();

const report = {
  customers: Number(values.customers),
  months: Number(values.months),
  generationMs: Math.round(genMs),
  groundTruthMs: Math.round(gtMs),
  groundTruthMB: mb(gtBytes),
  rssAfterGenerationMB: mb(rssAfterGen),
  rssAfterServingMB: mb(rssEnd),
  counts,
  pageMs: Object.fromEntries(results),
  serverSidePageMs: serverSide,
};
if (values.json) console.log(JSON.stringify(report));
else {
  console.log(`stripe-sim: ${report.customers} customers x ${report.months} months`);
  console.log(
    `  generation ${report.generationMs} ms, ground truth ${report.groundTruthMs} ms (${report.groundTruthMB} MB JSON)`,
  );
  console.log(
    `  RSS after generation ${report.rssAfterGenerationMB} MB, after serving ${report.rssAfterServingMB} MB`,
  );
  console.log(`  objects ${JSON.stringify(counts)}`);
  console.log('  HTTP round trip incl. client JSON parse:');
  for (const [name, s] of results)
    console.log(`    ${name.padEnd(44)} median ${s.median} ms  p95 ${s.p95} ms  max ${s.max} ms`);
  console.log('  server side (route + render + JSON.stringify):');
  for (const [name, s] of Object.entries(serverSide))
    console.log(`    ${name.padEnd(44)} median ${s.median} ms  p95 ${s.p95} ms  max ${s.max} ms`);
}
