import { describe, expect, it } from 'vitest';
import { median, percentile, renderTable, summarize } from './harness.ts';

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
});
