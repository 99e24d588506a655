/**
 * The benchmark harness: runs scenarios, repeats each measurement, and reports the median
 * with min–max next to its target. Benchmarks are never part of `npm test`.
 */
export type Scale = '10k' | '100k';
export type DbKind = 'sqlite' | 'mysql';

export interface BenchContext {
  scale: Scale;
  customers: number;
  db: DbKind;
  /** How many times to repeat a measurement (the median is reported). */
  runs: number;
  log(message: string): void;
  /** Runs `cleanup` after the last scenario, even a failed one (for what scenarios share). */
  onFinish(cleanup: () => Promise<void>): void;
}

export interface Target {
  /** e.g. '<' 50 ms, or '>' 1.0 ratio */
  op: '<' | '>';
  value: number;
  /** Where the target comes from, e.g. "issue 6", "plan: API < 200 ms". */
  source: string;
}

export interface Figure {
  name: string;
  unit: string;
  samples: number[];
  target?: Target;
  note?: string;
}

export interface Scenario {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<Figure[]>;
}

export interface FigureSummary {
  scenario: string;
  name: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  runs: number;
  target?: Target;
  pass?: boolean;
  note?: string;
}

export function median(values: number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summarize(scenario: string, figure: Figure): FigureSummary {
  const m = median(figure.samples);
  const pass = figure.target
    ? figure.target.op === '<'
      ? m < figure.target.value
      : m > figure.target.value
    : undefined;
  return {
    scenario,
    name: figure.name,
    unit: figure.unit,
    median: m,
    min: Math.min(...figure.samples),
    max: Math.max(...figure.samples),
    runs: figure.samples.length,
    ...(figure.target ? { target: figure.target } : {}),
    ...(pass === undefined ? {} : { pass }),
    ...(figure.note ? { note: figure.note } : {}),
  };
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(Math.abs(n) >= 10 ? 1 : 2);
}

export function renderTable(rows: FigureSummary[]): string {
  const header = ['scenario', 'figure', 'median', 'min–max', 'target', 'mark'];
  const body = rows.map((r) => [
    r.scenario,
    r.name,
    `${fmt(r.median)} ${r.unit}`,
    r.runs > 1 ? `${fmt(r.min)}–${fmt(r.max)}` : '',
    r.target ? `${r.target.op} ${fmt(r.target.value)} ${r.unit} (${r.target.source})` : '',
    r.pass === undefined ? '' : r.pass ? 'pass' : 'SHORT',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/**
 * Cleanups scenarios register for what they share (ctx.onFinish): run after the last scenario,
 * last registered first (what started last may depend on what started before it); a failing
 * one is reported and the others still run.
 */
export class Cleanups {
  private readonly list: (() => Promise<void>)[] = [];

  add(cleanup: () => Promise<void>): void {
    this.list.push(cleanup);
  }

  async runAll(report: (error: unknown) => void = console.error): Promise<void> {
    while (this.list.length) {
      const cleanup = this.list.pop()!;
      await cleanup().catch(report);
    }
  }
}

/** Peak RSS in MB from GNU time's `-f maxrss_kb=%M` line on stderr; throws if it is missing. */
export function parseMaxRssMb(stderr: string): number {
  const kb = /maxrss_kb=(\d+)/.exec(stderr)?.[1];
  if (!kb) throw new Error(`no peak RSS from /usr/bin/time in: ${stderr.trim().slice(-500)}`);
  return Number(kb) / 1024;
}

/** "12 min 5 s" / "42 s": how long the whole run took, for the last line of the output. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Each scenario's time and the total, against the suite's budget (issue 9: 10k in < 15 min). */
export function renderTimings(timings: { scenario: string; ms: number }[], budgetMs: number | null): string {
  const total = timings.reduce((sum, t) => sum + t.ms, 0);
  const parts = timings.map((t) => `${t.scenario} ${formatDuration(t.ms)}`).join(', ');
  const budget =
    budgetMs === null
      ? ''
      : total <= budgetMs
        ? ` (within the ${formatDuration(budgetMs)} budget)`
        : ` (OVER the ${formatDuration(budgetMs)} budget)`;
  return `total ${formatDuration(total)}${budget}: ${parts}`;
}

export function renderMarkdown(rows: FigureSummary[], meta: Record<string, string>): string {
  const lines = [
    '| scenario | figure | median | min–max | target | mark |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.name} | ${fmt(r.median)} ${r.unit} | ${r.runs > 1 ? `${fmt(r.min)}–${fmt(r.max)}` : ''} | ${
          r.target ? `${r.target.op} ${fmt(r.target.value)} ${r.unit} (${r.target.source})` : ''
        } | ${r.pass === undefined ? '' : r.pass ? 'pass' : '**short**'} |`,
    ),
  ];
  const head = Object.entries(meta).map(([k, v]) => `- ${k}: ${v}`);
  return [...head, '', ...lines, ''].join('\n');
}
