import Stripe from 'stripe';
import type { Simulator } from '../src/index.ts';

export const NOW = '2026-11-25';

export function client(sim: Simulator, key = sim.secretKey): Stripe {
  return new Stripe(key, { host: sim.host, port: sim.port, protocol: 'http', maxNetworkRetries: 0 });
}

export async function all<T>(iter: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iter) out.push(x);
  return out;
}

/** GET with a raw query string (to test parameters the SDK would not send). */
export async function raw(sim: Simulator, path: string, key: string | null = sim.secretKey) {
  const res = await fetch(`${sim.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { error?: Record<string, unknown> },
  };
}
