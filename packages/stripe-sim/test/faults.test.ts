import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.ts';
import { client, NOW, raw } from './helpers.ts';

let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

describe('faults', () => {
  it('rate limit answers 429 with Stripe rate_limit errors', async () => {
    // 0.01 req/s: a burst of one request, then no token for 100 s
    sim = await startSimulator({ customers: 20, months: 2, now: NOW, port: 0, rateLimit: 0.01 });
    const results = await Promise.all(Array.from({ length: 30 }, () => raw(sim!, '/v1/customers?limit=1')));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(29);
    expect(limited[0]!.body.error).toMatchObject({ type: 'invalid_request_error', code: 'rate_limit' });
    await expect(client(sim).customers.list()).rejects.toMatchObject({
      type: 'StripeRateLimitError',
      statusCode: 429,
    });
    expect(sim.stats.byStatus['429']).toBe(30);
  });

  it('error rate answers 500 api_error', async () => {
    sim = await startSimulator({ customers: 20, months: 2, now: NOW, port: 0, errorRate: 0.5 });
    const results = await Promise.all(Array.from({ length: 40 }, () => raw(sim!, '/v1/customers?limit=1')));
    const errors = results.filter((r) => r.status === 500);
    expect(errors.length).toBeGreaterThan(5);
    expect(errors.length).toBeLessThan(35);
    expect(errors[0]!.body.error?.type).toBe('api_error');
    expect(sim.stats.requests).toBe(40);
  });

  it('drop rate closes connections without answering', async () => {
    sim = await startSimulator({ customers: 20, months: 2, now: NOW, port: 0, dropRate: 1 });
    await expect(
      fetch(`${sim.url}/v1/customers`, { headers: { authorization: `Bearer ${sim.secretKey}` } }),
    ).rejects.toThrow();
    expect(sim.stats.dropped).toBeGreaterThan(0);
  });

  it('latency delays answers', async () => {
    sim = await startSimulator({ customers: 20, months: 2, now: NOW, port: 0, latencyMs: 150 });
    const t0 = performance.now();
    await raw(sim, '/v1/customers?limit=1');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('webhook faults: duplicated deliveries', async () => {
    const ids: string[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        ids.push((JSON.parse(body) as { id: string }).id);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    try {
      sim = await startSimulator({
        customers: 50,
        months: 3,
        now: NOW,
        port: 0,
        live: true,
        liveIntervalMs: 60_000,
        webhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`,
        webhookSecret: 'whsec_x',
        duplicateRate: 1,
        reorder: true,
      });
      let produced = 0;
      for (let i = 0; i < 4; i++) produced += sim.tick();
      expect(produced).toBeGreaterThan(0);
      for (let i = 0; i < 400 && ids.length < 2 * produced; i++) await new Promise((r) => setTimeout(r, 25));
      expect(ids.length).toBe(2 * produced);
      const counts = new Map<string, number>();
      for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
      expect([...counts.values()].every((n) => n === 2)).toBe(true);
    } finally {
      await new Promise<void>((r) => hook.close(() => r()));
    }
  });
});
