import { describe, expect, it } from 'vitest';
import { formatDuration, phaseLabel, readProgress } from './sync-progress';

describe('readProgress', () => {
  it('sums the types with a known total and takes the slowest ETA', () => {
    const view = readProgress(
      {
        phase: 'listing',
        types: {
          customers: { done: 150, estimatedTotal: 200, rate: 50, etaSeconds: 1 },
          invoices: { done: 50, estimatedTotal: 300, rate: 25, etaSeconds: 10 },
          charges: { done: 10, estimatedTotal: null, rate: 5, etaSeconds: null },
        },
      },
      'running',
    );
    expect(view.fraction).toBeCloseTo(200 / 500);
    expect(view.etaSeconds).toBe(10);
    expect(view.rate).toBe(80);
    expect(view.types.map((t) => t.type)).toEqual(['customers', 'invoices', 'charges']);
  });

  it('is complete when the run succeeded, whatever the estimates said', () => {
    expect(
      readProgress({ types: { customers: { done: 10, estimatedTotal: 12 } } }, 'succeeded').fraction,
    ).toBe(1);
  });

  it('survives missing or malformed progress', () => {
    expect(readProgress(null, 'queued')).toEqual({
      phase: null,
      note: null,
      types: [],
      fraction: null,
      etaSeconds: null,
      rate: 0,
    });
    expect(readProgress({ types: { customers: 'x' } }, 'running').types).toEqual([
      { type: 'customers', done: 0, total: null, rate: null, etaSeconds: null },
    ]);
  });
});

describe('formatDuration', () => {
  it('reads naturally', () => {
    expect([formatDuration(42), formatDuration(65), formatDuration(7380), formatDuration(null)]).toEqual([
      '42 s',
      '1 min 05 s',
      '2 h 03 min',
      '—',
    ]);
  });
});

describe('phaseLabel', () => {
  it('names the worker phases in Portuguese and shows an unknown one as it came', () => {
    expect([phaseLabel('listing'), phaseLabel('building indexes'), phaseLabel('rehashing')]).toEqual([
      'listando objetos',
      'criando índices',
      'rehashing',
    ]);
  });
});
