import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorProcess, startSimulatorProcess } from '../src/index.ts';

describe('startSimulatorProcess', () => {
  let sim: SimulatorProcess;
  beforeAll(async () => {
    sim = await startSimulatorProcess({ customers: 20, months: 3, seed: 5 });
  }, 60_000);
  afterAll(async () => {
    await sim?.stop();
  });

  it('serves the account from a child process and reports its request count', async () => {
    const before = (await sim.stats()).requests;
    const response = await fetch(`${sim.url}/v1/customers?limit=3`, {
      headers: { authorization: `Bearer ${sim.secretKey}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: unknown[] };
    expect(body.data).toHaveLength(3);
    expect((await sim.stats()).requests).toBe(before + 1);
  });

  it('rejects with the CLI message when the child cannot start', async () => {
    await expect(startSimulatorProcess({ customers: -1, months: 3, seed: 5 })).rejects.toThrow(
      /--customers must be between/,
    );
  }, 60_000);

  it('in live mode sends each new event as a signed webhook to the URL, on a clock near today', async () => {
    const secret = 'whsec_process_test';
    const bodies: { body: string; signature: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => {
        bodies.push({ body, signature: String(req.headers['stripe-signature']) });
        res.end('{}');
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const { port } = receiver.address() as AddressInfo;
    const live = await startSimulatorProcess({
      customers: 30,
      months: 3,
      seed: 5,
      live: { intervalMs: 50, webhookUrl: `http://127.0.0.1:${port}/hooks`, webhookSecret: secret },
    });
    try {
      while (bodies.length === 0) await new Promise((r) => setTimeout(r, 50));
      const event = new Stripe('sk_test_x').webhooks.constructEvent(
        bodies[0]!.body,
        bodies[0]!.signature,
        secret,
      );
      // The default account ends at 00:00 UTC today, and live mode's clock runs on from there.
      const midnight = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`) / 1000;
      expect(event.created).toBeGreaterThanOrEqual(midnight);
      expect(event.created).toBeLessThanOrEqual(Date.now() / 1000);
    } finally {
      await live.stop();
      receiver.close();
    }
  }, 60_000);
});
