import { describe, expect, it } from 'vitest';
import {
  Cleanups,
  formatDuration,
  median,
  parseMaxRssMb,
  percentile,
  renderTable,
  renderTimings,
  summarize,
} from './harness.ts';

describe('bench harness', () => {
  it('median of 5, 1, 3 is 3; of 4, 1, 3, 2 is 2.5', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('p95 of 1..100 is 95, p50 is 50, p99 is 99', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(values, 50), percentile(values, 95), percentile(values, 99)]).toEqual([50, 95, 99]);
  });
  it('marks a figure short when its median misses the target', () => {
    const s = summarize('api', {
      name: 'p95',
      unit: 'ms',
      samples: [40, 60, 70],
      target: { op: '<', value: 50, source: 'issue 6' },
    });
    expect(s).toMatchObject({ median: 60, min: 40, max: 70, pass: false });
    expect(renderTable([s])).toMatch(/SHORT/);
  });
  it('reads the peak RSS from GNU time, and refuses output without it', () => {
    expect(parseMaxRssMb('sync done\nmaxrss_kb=524288\n')).toBe(512);
    expect(() => parseMaxRssMb('Command terminated by signal 9')).toThrow(/no peak RSS/);
  });
  it('formats durations in seconds, or minutes and seconds', () => {
    expect([formatDuration(42_400), formatDuration(60_000), formatDuration(725_000)]).toEqual([
      '42 s',
      '1 min 0 s',
      '12 min 5 s',
    ]);
  });
  it('totals the scenario times and says whether the suite kept its budget', () => {
    const timings = [
      { scenario: 'sync', ms: 600_000 },
      { scenario: 'memory', ms: 200_000 },
    ];
    expect(renderTimings(timings, 900_000)).toBe(
      'total 13 min 20 s (within the 15 min 0 s budget): sync 10 min 0 s, memory 3 min 20 s',
    );
    expect(renderTimings(timings, 700_000)).toMatch(/^total 13 min 20 s \(OVER the 11 min 40 s budget\)/);
    expect(renderTimings(timings, null)).toBe('total 13 min 20 s: sync 10 min 0 s, memory 3 min 20 s');
  });
  it('runs cleanups last registered first, and a failing one does not stop the rest', async () => {
    const cleanups = new Cleanups();
    const ran: string[] = [];
    const reported: unknown[] = [];
    cleanups.add(async () => {
      ran.push('simulator');
    });
    cleanups.add(async () => {
      throw new Error('database busy');
    });
    cleanups.add(async () => {
      ran.push('worker');
    });
    await cleanups.runAll((e) => reported.push(e));
    expect(ran).toEqual(['worker', 'simulator']);
    expect(String(reported[0])).toMatch(/database busy/);
    await cleanups.runAll((e) => reported.push(e));
    expect(ran).toHaveLength(2);
  });
});
