/**
 * The simulator in a child process (its CLI), for benchmarks: serving Stripe's JSON costs CPU,
 * and in the process under measurement it would compete with the client on one Node thread,
 * which real Stripe never does. Request counts come from its `/_sim/stats` endpoint.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Stats } from './server.ts';

const BIN = fileURLToPath(new URL('../bin/stripe-sim.js', import.meta.url));

export interface SimulatorProcessOptions {
  customers: number;
  months: number;
  seed: number;
  latencyMs?: number;
  rateLimit?: number;
  /** Live mode: a tick every intervalMs, its events sent as signed webhooks to webhookUrl. */
  live?: { intervalMs: number; webhookUrl: string; webhookSecret: string };
}

export interface SimulatorProcess {
  url: string;
  secretKey: string;
  /** The child's request statistics (GET /_sim/stats). */
  stats(): Promise<Stats>;
  stop(): Promise<void>;
}

export async function startSimulatorProcess(options: SimulatorProcessOptions): Promise<SimulatorProcess> {
  // `--name=value`: a value such as -1 must reach the CLI's own validation, not read as a flag.
  const args = [
    BIN,
    '--port=0',
    `--customers=${options.customers}`,
    `--months=${options.months}`,
    `--seed=${options.seed}`,
  ];
  if (options.latencyMs !== undefined) args.push(`--latency-ms=${options.latencyMs}`);
  if (options.rateLimit !== undefined) args.push(`--rate-limit=${options.rateLimit}`);
  if (options.live) {
    args.push(
      '--live',
      `--live-interval-ms=${options.live.intervalMs}`,
      `--webhook-url=${options.live.webhookUrl}`,
      `--webhook-secret=${options.live.webhookSecret}`,
    );
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  try {
    const { url, secretKey } = await ready(child, () => stderr);
    return {
      url,
      secretKey,
      async stats() {
        const response = await fetch(`${url}/_sim/stats`);
        if (!response.ok) throw new Error(`stripe-sim stats answered ${response.status}`);
        return (await response.json()) as Stats;
      },
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** Resolves with the URL and key the CLI prints once it listens; rejects if it exits first. */
function ready(child: ChildProcess, stderr: () => string): Promise<{ url: string; secretKey: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const url = /listening on (\S+)/.exec(out)?.[1];
      const secretKey = /secret key: (\S+)/.exec(out)?.[1];
      if (url && secretKey) {
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        child.stdout?.resume();
        resolve({ url, secretKey });
      }
    };
    const onExit = (code: number | null) =>
      reject(new Error(`stripe-sim exited (${code}) before listening: ${stderr().trim().slice(0, 500)}`));
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}
