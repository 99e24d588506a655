import { describe, expect, it } from 'vitest';
import { cohortMonths, parseAnalyticsRange, parseAnalyticsSegment, segmentParams } from './analytics-range';

const now = new Date('2026-11-25T15:00:00Z');
const parse = (q: string) => parseAnalyticsRange(new URLSearchParams(q), now);

describe('parseAnalyticsRange', () => {
  it('defaults to the last 30 days by day, ending today (UTC)', () => {
    expect(parse('')).toEqual({
      preset: '30d',
      from: '2026-10-27',
      to: '2026-11-25',
      granularity: 'day',
      problems: [],
    });
  });

  it('resolves presets, with a readable default granularity', () => {
    expect(parse('range=7d')).toMatchObject({ from: '2026-11-19', to: '2026-11-25', granularity: 'day' });
    expect(parse('range=90d')).toMatchObject({ from: '2026-08-28', granularity: 'week' });
    expect(parse('range=365d&granularity=month')).toMatchObject({ from: '2025-11-26', granularity: 'month' });
    expect(parse('range=ytd')).toMatchObject({ from: '2026-01-01', to: '2026-11-25', granularity: 'month' });
  });

  it('takes a valid custom range and the chosen granularity', () => {
    expect(parse('range=custom&from=2025-01-01&to=2025-03-31&granularity=day')).toEqual({
      preset: 'custom',
      from: '2025-01-01',
      to: '2025-03-31',
      granularity: 'day',
      problems: [],
    });
  });

  it('falls back to 30 days with a message on a bad custom range', () => {
    for (const q of [
      'range=custom',
      'range=custom&from=2025-02-30&to=2025-03-01',
      'range=custom&from=2025-03-01&to=2025-01-01',
    ]) {
      const r = parse(q);
      expect(r.preset).toBe('30d');
      expect(r.from).toBe('2026-10-27');
      expect(r.problems).toHaveLength(1);
    }
  });

  it('coarsens a daily granularity the router would refuse (over 400 buckets)', () => {
    const r = parse('range=custom&from=2020-01-01&to=2026-01-01&granularity=day');
    expect(r.granularity).toBe('week');
    expect(r.problems).toHaveLength(1);
  });

  it('ignores an unknown preset or granularity', () => {
    expect(parse('range=forever&granularity=hour')).toMatchObject({
      preset: '30d',
      granularity: 'day',
      problems: [],
    });
  });
});

describe('cohortMonths', () => {
  it('spans the 12 months ending with the range, across years', () => {
    expect(cohortMonths('2026-03-15')).toEqual({ from: '2025-04', to: '2026-03' });
  });
});

describe('parseAnalyticsSegment', () => {
  const seg = (q: string) => parseAnalyticsSegment(new URLSearchParams(q));

  it('is empty for the whole account', () => {
    expect(seg('range=7d')).toEqual({ segment: {}, problems: [] });
  });

  it('reads currency, country and a metadata pair, upper-casing the codes', () => {
    expect(seg('product=prod_AI&currency=brl&country=pt&meta_key=clinic_size&meta_value=6-10')).toEqual({
      segment: {
        product: 'prod_AI',
        currency: 'BRL',
        country: 'PT',
        metadataKey: 'clinic_size',
        metadataValue: '6-10',
      },
      problems: [],
    });
  });

  it('leaves out an invalid part with a message and keeps the rest', () => {
    const r = seg('currency=reais&country=BR&meta_key=a%20b&meta_value=x');
    expect(r.segment).toEqual({ country: 'BR' });
    expect(r.problems).toHaveLength(3);
  });

  it('wants the metadata key and value together', () => {
    expect(seg('meta_key=clinic_size')).toEqual({
      segment: {},
      problems: ['Metadado: informe a chave e o valor.'],
    });
  });

  it('round-trips through segmentParams', () => {
    const { segment } = seg('product=prod_x&currency=usd&meta_key=k&meta_value=v');
    expect(seg(new URLSearchParams(segmentParams(segment)).toString()).segment).toEqual(segment);
  });
});
