/**
 * The one formatting module of the app, its charts and the widgets. pt-BR by default, as the
 * plan formats BRL; the admin app's display setting picks another locale and time zone, and
 * components read it through `useFormat()` (format-context.tsx). CSV values stay machine-readable.
 */
export const DEFAULT_LOCALE = 'pt-BR';

/** How the admin app displays figures (the admin settings router owns the choices). */
export interface DisplaySettings {
  /** BCP 47 locale, e.g. pt-BR or en-US. */
  locale: string;
  /** IANA time zone for timestamps (sync runs, audit log); calendar days stay UTC days. */
  timeZone: string;
}

export const DEFAULT_DISPLAY: DisplaySettings = { locale: DEFAULT_LOCALE, timeZone: 'America/Sao_Paulo' };

/** Decimal places of a currency's minor unit (2 for BRL/USD, 0 for JPY). */
export function currencyDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}

export function formatMoney(minor: number, currency: string, locale = DEFAULT_LOCALE): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() }).format(
    minor / 10 ** currencyDigits(currency),
  );
}

/** "R$ 12,5 mil" — for axes and cards where the exact value is a tooltip away. */
export function formatMoneyCompact(minor: number, currency: string, locale = DEFAULT_LOCALE): string {
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    notation: 'compact',
    // Explicit, because ICU versions disagree on the default (Node: "R$ 0,0", Chromium: "R$ 0"),
    // and server-rendered charts must format exactly as the browser does or hydration fails.
    minimumFractionDigits: 0,
    maximumFractionDigits: 1,
  }).format(minor / 10 ** currencyDigits(currency));
}

/** Minor units as a plain decimal in major units ("1234.50"), for CSV files. */
export function moneyDecimal(minor: number, currency: string): string {
  return (minor / 10 ** currencyDigits(currency)).toFixed(currencyDigits(currency));
}

export function formatNumber(value: number, locale = DEFAULT_LOCALE): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

export function formatNumberCompact(value: number, locale = DEFAULT_LOCALE): string {
  return new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/** A ratio as a percentage (0.125 → "12,5%"); `signed` adds + for rises. */
export function formatPercent(ratio: number, { signed = false, locale = DEFAULT_LOCALE } = {}): string {
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 1,
    signDisplay: signed ? 'exceptZero' : 'auto',
  }).format(ratio);
}

export function formatDate(value: Date | string, locale = DEFAULT_LOCALE): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(value));
}

/** "15 de jan." — axis ticks. */
export function formatDateShort(value: Date | string, locale = DEFAULT_LOCALE): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(value),
  );
}

/** "jan. de 2024" — cohorts and monthly periods. */
export function formatMonth(value: Date | string, locale = DEFAULT_LOCALE): string {
  return new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(value),
  );
}

/** A moment in the display time zone, e.g. "25/11/2026, 21:30:05". */
export function formatDateTime(value: Date | string, locale = DEFAULT_LOCALE, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium', timeZone }).format(
    new Date(value),
  );
}

/** The date as 'YYYY-MM-DD' (UTC), for tables and CSV files. */
export function isoDay(value: Date | string): string {
  return new Date(value).toISOString().slice(0, 10);
}

/** How a chart shows its values: counts, money in minor units of a currency, or ratios. */
export type ValueFormat = { kind: 'number' } | { kind: 'money'; currency: string } | { kind: 'percent' };

export const NUMBER_FORMAT: ValueFormat = { kind: 'number' };

export function formatValue(format: ValueFormat, value: number, locale = DEFAULT_LOCALE): string {
  if (format.kind === 'money') return formatMoney(value, format.currency, locale);
  if (format.kind === 'percent') return formatPercent(value, { locale });
  return formatNumber(value, locale);
}

export function formatValueCompact(format: ValueFormat, value: number, locale = DEFAULT_LOCALE): string {
  if (format.kind === 'money') return formatMoneyCompact(value, format.currency, locale);
  if (format.kind === 'percent') return formatPercent(value, { locale });
  return formatNumberCompact(value, locale);
}

/** A value as written to CSV: money in major units, ratios and counts as plain numbers. */
export function csvValue(format: ValueFormat, value: number): string | number {
  return format.kind === 'money' ? moneyDecimal(value, format.currency) : value;
}

/** The column header suffix naming the unit, e.g. " (BRL)". */
export function unitSuffix(format: ValueFormat): string {
  return format.kind === 'money'
    ? ` (${format.currency.toUpperCase()})`
    : format.kind === 'percent'
      ? ' (%)'
      : '';
}

/** The formatters above bound to one display setting: what components get from `useFormat()`. */
export interface Formatter {
  display: DisplaySettings;
  money(minor: number, currency: string): string;
  moneyCompact(minor: number, currency: string): string;
  number(value: number): string;
  numberCompact(value: number): string;
  percent(ratio: number, options?: { signed?: boolean }): string;
  date(value: Date | string): string;
  dateShort(value: Date | string): string;
  month(value: Date | string): string;
  dateTime(value: Date | string): string;
  value(format: ValueFormat, value: number): string;
  valueCompact(format: ValueFormat, value: number): string;
}

export function createFormatter(display: DisplaySettings = DEFAULT_DISPLAY): Formatter {
  const { locale, timeZone } = display;
  return {
    display,
    money: (minor, currency) => formatMoney(minor, currency, locale),
    moneyCompact: (minor, currency) => formatMoneyCompact(minor, currency, locale),
    number: (value) => formatNumber(value, locale),
    numberCompact: (value) => formatNumberCompact(value, locale),
    percent: (ratio, options) => formatPercent(ratio, { ...options, locale }),
    date: (value) => formatDate(value, locale),
    dateShort: (value) => formatDateShort(value, locale),
    month: (value) => formatMonth(value, locale),
    dateTime: (value) => formatDateTime(value, locale, timeZone),
    value: (format, value) => formatValue(format, value, locale),
    valueCompact: (format, value) => formatValueCompact(format, value, locale),
  };
}
