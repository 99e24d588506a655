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
});
