/**
 * `npm run bench [-- --scale 10k|100k] [--only <name>] [--db sqlite|mysql] [--runs N]`
 * Runs each scenario on a fresh simulator account and database, prints a table, and writes
 * bench/results/latest.json and latest.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  type BenchContext,
  Cleanups,
  type DbKind,
  type FigureSummary,
  formatDuration,
  renderMarkdown,
  renderTable,
  renderTimings,
  type Scale,
  summarize,
} from './harness.ts';
import { SCENARIOS } from './scenarios/index.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '10k' },
    only: { type: 'string', multiple: true },
    db: { type: 'string', default: 'sqlite' },
    runs: { type: 'string', default: '3' },
  },
  strict: true,
});

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

const scale = values.scale as Scale;
if (scale !== '10k' && scale !== '100k') fail(`--scale must be 10k or 100k (got "${values.scale}")`);
const db = values.db as DbKind;
if (db !== 'sqlite' && db !== 'mysql') fail(`--db must be sqlite or mysql (got "${values.db}")`);
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 20)
  fail(`--runs must be an integer 1–20 (got "${values.runs}")`);
const unknown = (values.only ?? []).filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length)
  fail(`unknown scenario(s): ${unknown.join(', ')} (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);

const selected = values.only?.length ? SCENARIOS.filter((s) => values.only!.includes(s.name)) : SCENARIOS;
if (!selected.length) {
  console.log('no benchmarks yet');
  process.exit(0);
}

const cleanups = new Cleanups();
const ctx: BenchContext = {
  scale,
  customers: scale === '10k' ? 10_000 : 100_000,
  db,
  runs,
  log: (message) => console.log(`  · ${message}`),
  onFinish: (cleanup) => cleanups.add(cleanup),
};

// Issue 9: the whole suite at 10k must finish in under 15 minutes on the 2-core machine.
const BUDGET_MS = scale === '10k' && !values.only?.length ? 15 * 60_000 : null;
const started = Date.now();
const rows: FigureSummary[] = [];
const timings: { scenario: string; ms: number }[] = [];
try {
  for (const scenario of selected) {
    console.log(`\n▶ ${scenario.name}: ${scenario.description}`);
    const t0 = Date.now();
    const figures = await scenario.run(ctx);
    rows.push(...figures.map((f) => summarize(scenario.name, f)));
    timings.push({ scenario: scenario.name, ms: Date.now() - t0 });
    console.log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
} finally {
  await cleanups.runAll();
}

const meta = {
  command: `npm run bench -- --scale ${scale} --db ${db} --runs ${runs}${values.only ? ` --only ${values.only.join(' --only ')}` : ''}`,
  date: new Date().toISOString(),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  'total time': formatDuration(Date.now() - started),
  timings: renderTimings(timings, BUDGET_MS),
};
console.log(`\n${renderTable(rows)}\n`);
const dir = path.join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify({ meta, figures: rows }, null, 2)}\n`);
writeFileSync(path.join(dir, 'latest.md'), renderMarkdown(rows, meta));
console.log(`wrote ${path.relative(process.cwd(), dir)}/latest.json and latest.md`);
console.log(`\n${renderTimings(timings, BUDGET_MS)}`);
