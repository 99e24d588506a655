/** startSimulator(): account (generated or fixture) + HTTP server + optional live activity and webhooks. */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { type Account, GeneratedAccount, generateAccount } from './account.ts';
import type { FaultOptions } from './faults.ts';
import { type FixtureAccountData, loadFixture } from './fixture.ts';
import type { GenerateOptions } from './generate.ts';
import type { GroundTruth } from './groundtruth.ts';
import { Live } from './live.ts';
import { SimServer, type Stats } from './server.ts';
import { WebhookDispatcher } from './webhooks.ts';

export interface SimulatorOptions extends GenerateOptions, FaultOptions {
  /** TCP port (0 = random, default 12111). */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** The one secret key accepted (default: random `sk_test_sim_…`). */
  secretKey?: string;
  /** Serve these Stripe objects (path to JSON or the object) instead of generating an account. */
  fixture?: string | FixtureAccountData;
  /** Serve an account generated beforehand. */
  account?: Account;
  /** Write the ground truth to this path after generation. */
  groundTruthPath?: string;
  /** Keep the account living (generated accounts only). */
  live?: boolean;
  /** Interval between live ticks (default 3000 ms). */
  liveIntervalMs?: number;
  /** Deliver live events to this URL. */
  webhookUrl?: string;
  /** Endpoint secret used to sign webhooks (`whsec_…`). */
  webhookSecret?: string;
  duplicateRate?: number;
  reorder?: boolean;
  /** First webhook retry delay in ms (doubles each attempt). */
  webhookRetryBaseMs?: number;
  webhookMaxAttempts?: number;
}

export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:12111 */
  url: string;
  port: number;
  host: string;
  secretKey: string;
  account: Account;
  /** Ground truth at the current clock (null for fixtures). */
  readonly groundTruth: GroundTruth | null;
  stats: Stats;
  /** Runs one live tick now (live mode), returning the number of new events. */
  tick(): number;
  stop(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const account: Account =
    options.account ??
    (options.fixture !== undefined ? loadFixture(options.fixture) : generateAccount(options));
  if (options.groundTruthPath) {
    const gt = account.groundTruth();
    if (!gt) throw new Error('ground truth is only available for generated accounts');
    writeFileSync(options.groundTruthPath, JSON.stringify(gt));
  }
  const secretKey = options.secretKey ?? `sk_test_sim_${randomBytes(12).toString('hex')}`;
  let live: Live | null = null;
  const server: SimServer = new SimServer(account.store, {
    port: options.port ?? 12111,
    host: options.host ?? '127.0.0.1',
    secretKey,
    ...options,
    simRoutes: {
      stats: (): unknown => ({ ...server.stats, clock: account.store.clock(), counts: account.counts() }),
      'ground-truth': () => account.groundTruth(),
    },
  });
  const { port, host } = await server.listen();
  let webhooks: WebhookDispatcher | null = null;
  if (options.webhookUrl) {
    if (!options.webhookSecret) throw new Error('webhookUrl needs webhookSecret');
    webhooks = new WebhookDispatcher(
      {
        url: options.webhookUrl,
        secret: options.webhookSecret,
        ...(options.duplicateRate !== undefined ? { duplicateRate: options.duplicateRate } : {}),
        ...(options.reorder !== undefined ? { reorder: options.reorder } : {}),
        ...(options.webhookRetryBaseMs !== undefined ? { retryBaseMs: options.webhookRetryBaseMs } : {}),
        ...(options.webhookMaxAttempts !== undefined ? { maxAttempts: options.webhookMaxAttempts } : {}),
        seed: options.seed ?? 42,
      },
      server.stats,
    );
  }
  if (options.live) {
    if (!(account instanceof GeneratedAccount)) {
      await server.close();
      throw new Error('live mode needs a generated account (not a fixture)');
    }
    const gen = account;
    live = new Live(gen, {
      intervalMs: options.liveIntervalMs ?? 3000,
      seed: options.seed ?? 42,
      onEvents: (events) => {
        if (!webhooks) return;
        webhooks.send(events.map((e) => JSON.stringify(gen.store.render.event(e))));
      },
    });
    live.start();
  }
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    host,
    secretKey,
    account,
    get groundTruth() {
      return account.groundTruth();
    },
    stats: server.stats,
    tick: () => {
      if (!live) throw new Error('not in live mode');
      return live.tick().length;
    },
    stop: async () => {
      live?.stop();
      await webhooks?.stop();
      await server.close();
    },
  };
}
