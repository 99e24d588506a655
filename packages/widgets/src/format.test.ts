import { describe, expect, it } from 'vitest';
import {
  createFormatter,
  csvValue,
  formatDate,
  formatMoney,
  formatMoneyCompact,
  formatMonth,
  formatNumberCompact,
  formatPercent,
  moneyDecimal,
} from './format.ts';

const plain = (s: string) => s.replace(/\s/g, ' ');

describe('pt-BR formatting', () => {
  it('R$ 7.176,00 for 717600 BRL minor units (the plan’s 24 × R$299 LTV)', () => {
    expect(plain(formatMoney(717600, 'brl'))).toBe('R$ 7.176,00');
  });
  it('US$ 8,33 for 833 USD cents', () => {
    expect(plain(formatMoney(833, 'usd'))).toBe('US$ 8,33');
  });
  it('formats zero-decimal currencies without dividing (¥500)', () => {
    expect(plain(formatMoney(500, 'jpy'))).toBe('JP¥ 500');
  });
  it('15 de jan. de 2023 for a UTC date, whatever the server time zone', () => {
    expect(formatDate('2023-01-15T00:30:00Z')).toBe('15 de jan. de 2023');
  });
  it('compact money and numbers: R$ 12,5 mil, 1,2 mi', () => {
    expect(plain(formatMoneyCompact(1_250_000, 'brl'))).toBe('R$ 12,5 mil');
    // Whole values carry no decimal, in Node and in browsers alike (hydration must match).
    expect(plain(formatMoneyCompact(0, 'brl'))).toBe('R$ 0');
    expect(plain(formatMoneyCompact(1_000_000, 'brl'))).toBe('R$ 10 mil');
    expect(plain(formatNumberCompact(1_200_000))).toBe('1,2 mi');
  });
  it('percent, with a sign for changes', () => {
    expect(formatPercent(0.125)).toBe('12,5%');
    expect(formatPercent(0.05, { signed: true })).toBe('+5%');
    expect(formatPercent(-0.031, { signed: true })).toBe('-3,1%');
    expect(formatPercent(0, { signed: true })).toBe('0%');
  });
  it('months in UTC: jan. de 2024', () => {
    expect(formatMonth('2024-01-01')).toBe('jan. de 2024');
  });
  it('CSV money is a plain decimal in major units', () => {
    expect(moneyDecimal(123450, 'brl')).toBe('1234.50');
    expect(moneyDecimal(-99, 'brl')).toBe('-0.99');
    expect(moneyDecimal(500, 'jpy')).toBe('500');
    expect(csvValue({ kind: 'number' }, 7)).toBe(7);
  });
});

describe('createFormatter', () => {
  it('binds the display locale and time zone: en-US money and dates, timestamps in the zone', () => {
    const f = createFormatter({ locale: 'en-US', timeZone: 'America/New_York' });
    expect(plain(f.money(717600, 'brl'))).toBe('R$7,176.00');
    expect(f.date('2023-01-15T00:30:00Z')).toBe('Jan 15, 2023');
    expect(f.percent(0.125)).toBe('12.5%');
    // Calendar days stay UTC days; moments are shown in the display time zone.
    expect(plain(f.dateTime('2023-01-15T00:30:00Z'))).toBe('1/14/23, 7:30:00 PM');
    expect(plain(createFormatter({ locale: 'es-ES', timeZone: 'UTC' }).money(717600, 'brl'))).toBe(
      '7176,00 BRL',
    );
  });
});
