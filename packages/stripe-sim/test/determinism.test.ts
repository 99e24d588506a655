import { describe, expect, it } from 'vitest';
import { generateAccount, hashAccount } from '../src/index.ts';
import { NOW } from './helpers.ts';

describe('deterministic generation', () => {
  it('same seed and now give a byte-identical account; another seed or now does not', () => {
    const opts = { customers: 200, months: 13, seed: 99, now: NOW };
    const a = hashAccount(generateAccount(opts));
    const b = hashAccount(generateAccount(opts));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(hashAccount(generateAccount({ ...opts, seed: 100 }))).not.toBe(a);
    expect(hashAccount(generateAccount({ ...opts, now: '2026-11-24' }))).not.toBe(a);
  });

  it('ground truth is stable and consistent with the options', () => {
    const opts = { customers: 200, months: 13, seed: 5, now: NOW };
    const gt = generateAccount(opts).groundTruth();
    expect(JSON.stringify(generateAccount(opts).groundTruth())).toBe(JSON.stringify(gt));
    expect(gt.seed).toBe(5);
    expect(gt.now).toBe(NOW);
    expect(gt.firstDay).toBe('2025-10-25');
    expect(gt.reportingCurrency).toBe('BRL');
    expect(gt.rates).toEqual({ BRL: '1', USD: '5.4321' });
    for (const s of Object.values(gt.subscriptions)) {
      for (const [from, to, v] of s.spans) {
        expect(from < to).toBe(true);
        expect(to <= '2026-11-26').toBe(true);
        expect(from >= gt.firstDay).toBe(true);
        expect(Number.isInteger(v) && v > 0).toBe(true);
      }
    }
  });

  it('rejects bad options', () => {
    expect(() => generateAccount({ now: '2026-02-30' })).toThrow(/now/);
    expect(() => generateAccount({ months: 0 })).toThrow(/months/);
    expect(() => generateAccount({ customers: -1 })).toThrow(/customers/);
  });

  it('never dates objects after `until`; a default account ends at 00:00 UTC today', () => {
    const until = Date.parse(`${NOW}T12:00:00Z`) / 1000;
    const a = generateAccount({ customers: 150, months: 6, seed: 3, now: NOW, until });
    expect(a.store.clock()).toBe(until);
    expect(hashAccount(generateAccount({ customers: 150, months: 6, seed: 3, now: NOW, until }))).toBe(
      hashAccount(a),
    );
    const maxCreated = (acc: typeof a) => {
      let max = 0;
      for (const kind of [
        'customer',
        'subscription',
        'invoice',
        'charge',
        'refund',
        'event',
        'payment_method',
      ] as const) {
        const col = acc.store.collection(kind);
        const order = col.order();
        const last = order[order.length - 1];
        if (last !== undefined) max = Math.max(max, col.created(last));
      }
      return max;
    };
    expect(maxCreated(a)).toBeLessThanOrEqual(until);
    const today = new Date().toISOString().slice(0, 10);
    const dflt = generateAccount({ customers: 150, months: 6, seed: 3 });
    const midnight = Date.parse(`${today}T00:00:00Z`) / 1000;
    expect(dflt.store.clock()).toBe(midnight);
    expect(maxCreated(dflt)).toBeLessThanOrEqual(midnight);
    expect(dflt.groundTruth().now).toBe(today);
    expect(hashAccount(generateAccount({ customers: 150, months: 6, seed: 3 }))).toBe(hashAccount(dflt));
  });
});
