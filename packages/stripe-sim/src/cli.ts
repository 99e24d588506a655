/** CLI: `stripe-sim --port 12111 [--customers N --months M --seed S --now D | --fixture F] …` */
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { type SimulatorOptions, startSimulator } from './simulator.ts';
import { parseDay } from './time.ts';

const USAGE = `Usage: stripe-sim [--port 12111] [--host 127.0.0.1] [--secret-key sk_test_sim_…]
  [--customers N] [--months M] [--seed S] [--now YYYY-MM-DD] | [--fixture file.json]
  [--ground-truth out.json]
  [--live] [--live-interval-ms 3000] [--webhook-url URL --webhook-secret whsec_…]
  [--duplicate-rate 0..1] [--reorder]
  [--latency-ms L] [--rate-limit R] [--error-rate 0..1] [--drop-rate 0..1]
  [--low-memory]   (V8 --optimize-for-size: about half the RSS, generation 2-3x slower)`;

class UsageError extends Error {}

function num(
  v: string | undefined,
  name: string,
  opts: { int?: boolean; min?: number; max?: number } = {},
): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (opts.int && !Number.isInteger(n))) {
    throw new UsageError(
      `--${name} must be ${opts.int ? 'an integer' : 'a number'}, got ${JSON.stringify(v)}`,
    );
  }
  if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
    throw new UsageError(`--${name} must be between ${opts.min ?? '-∞'} and ${opts.max ?? '∞'}, got ${v}`);
  }
  return n;
}

export function parseCli(argv: string[]): SimulatorOptions & { lowMemory?: boolean } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'secret-key': { type: 'string' },
        customers: { type: 'string' },
        months: { type: 'string' },
        seed: { type: 'string' },
        now: { type: 'string' },
        fixture: { type: 'string' },
        'ground-truth': { type: 'string' },
        live: { type: 'boolean' },
        'live-interval-ms': { type: 'string' },
        'webhook-url': { type: 'string' },
        'webhook-secret': { type: 'string' },
        'duplicate-rate': { type: 'string' },
        reorder: { type: 'boolean' },
        'latency-ms': { type: 'string' },
        'rate-limit': { type: 'string' },
        'error-rate': { type: 'string' },
        'drop-rate': { type: 'string' },
        'low-memory': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  const s = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  if (values.help) throw new UsageError('help');
  const now = s('now');
  if (now !== undefined && parseDay(now) === null)
    throw new UsageError(`--now must be a date YYYY-MM-DD, got ${JSON.stringify(now)}`);
  const fixture = s('fixture');
  if (
    fixture !== undefined &&
    ['customers', 'months', 'seed', 'now', 'ground-truth', 'live'].some((k) => values[k] !== undefined)
  ) {
    throw new UsageError(
      '--fixture cannot be combined with --customers/--months/--seed/--now/--ground-truth/--live',
    );
  }
  const webhookUrl = s('webhook-url');
  const webhookSecret = s('webhook-secret');
  if (webhookUrl !== undefined) {
    try {
      new URL(webhookUrl);
    } catch {
      throw new UsageError(`--webhook-url must be a URL, got ${JSON.stringify(webhookUrl)}`);
    }
    if (!webhookSecret) throw new UsageError('--webhook-url needs --webhook-secret whsec_…');
    if (!values.live) throw new UsageError('--webhook-url needs --live');
  }
  const key = s('secret-key');
  if (key !== undefined && !/^sk_(test|live)_\w+$/.test(key))
    throw new UsageError('--secret-key must look like sk_test_…');
  const opts: SimulatorOptions & { lowMemory?: boolean } = {
    port: num(s('port'), 'port', { int: true, min: 0, max: 65535 }) ?? 12111,
    host: s('host') ?? '127.0.0.1',
  };
  const set = <K extends keyof SimulatorOptions>(k: K, v: SimulatorOptions[K] | undefined) => {
    if (v !== undefined) opts[k] = v;
  };
  set('secretKey', key);
  set('customers', num(s('customers'), 'customers', { int: true, min: 0 }));
  set('months', num(s('months'), 'months', { int: true, min: 1, max: 240 }));
  set('seed', num(s('seed'), 'seed', { int: true }));
  set('now', now);
  set('fixture', fixture);
  set('groundTruthPath', s('ground-truth'));
  set('live', values.live === true ? true : undefined);
  set('liveIntervalMs', num(s('live-interval-ms'), 'live-interval-ms', { int: true, min: 10 }));
  set('webhookUrl', webhookUrl);
  set('webhookSecret', webhookSecret);
  set('duplicateRate', num(s('duplicate-rate'), 'duplicate-rate', { min: 0, max: 1 }));
  set('reorder', values.reorder === true ? true : undefined);
  set('latencyMs', num(s('latency-ms'), 'latency-ms', { min: 0 }));
  set('rateLimit', num(s('rate-limit'), 'rate-limit', { min: 0 }));
  set('errorRate', num(s('error-rate'), 'error-rate', { min: 0, max: 1 }));
  set('dropRate', num(s('drop-rate'), 'drop-rate', { min: 0, max: 1 }));
  if (values['low-memory'] === true) opts.lowMemory = true;
  return opts;
}

async function main(): Promise<void> {
  let opts: SimulatorOptions & { lowMemory?: boolean };
  try {
    opts = parseCli(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message === 'help') {
        console.log(USAGE);
        process.exit(0);
      }
      console.error(`stripe-sim: ${e.message} (see --help)`);
      process.exit(2);
    }
    throw e;
  }
  if (opts.lowMemory) v8.setFlagsFromString('--optimize-for-size');
  const t0 = performance.now();
  const sim = await startSimulator(opts);
  const c = sim.account.counts();
  const what = opts.fixture
    ? `fixture ${opts.fixture}`
    : `${c.customer} customers, ${c.subscription} subscriptions, ${c.invoice} invoices`;
  console.log(
    `stripe-sim listening on ${sim.url} (${what}, ready in ${Math.round(performance.now() - t0)} ms)`,
  );
  console.log(`secret key: ${sim.secretKey}`);
  if (opts.groundTruthPath) console.log(`ground truth written to ${opts.groundTruthPath}`);
  if (opts.live)
    console.log(
      `live activity every ${opts.liveIntervalMs ?? 3000} ms${opts.webhookUrl ? `, webhooks to ${opts.webhookUrl}` : ''}`,
    );
  const shutdown = () => {
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] && /stripe-sim(\.js)?$|cli\.ts$/.test(process.argv[1])) {
  void main().catch((e: unknown) => {
    console.error(`stripe-sim: ${(e as Error).message}`);
    process.exit(1);
  });
}
