import { describe, expect, it } from 'vitest';
import { formatDate, formatMoney } from './format.ts';

describe('pt-BR formatting', () => {
  it('R$ 7.176,00 for 717600 BRL minor units (the plan’s 24 × R$299 LTV)', () => {
    expect(formatMoney(717600, 'brl').replace(/\s/g, ' ')).toBe('R$ 7.176,00');
  });
  it('US$ 8,33 for 833 USD cents', () => {
    expect(formatMoney(833, 'usd').replace(/\s/g, ' ')).toBe('US$ 8,33');
  });
  it('formats zero-decimal currencies without dividing (¥500)', () => {
    expect(formatMoney(500, 'jpy').replace(/\s/g, ' ')).toBe('JP¥ 500');
  });
  it('15 de jan. de 2023 for a UTC date, whatever the server time zone', () => {
    expect(formatDate('2023-01-15T00:30:00Z')).toBe('15 de jan. de 2023');
  });
});
