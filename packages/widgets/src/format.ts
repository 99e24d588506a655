/** pt-BR formatting by default, as the plan formats BRL. */
export const DEFAULT_LOCALE = 'pt-BR';

export function formatMoney(minor: number, currency: string, locale = DEFAULT_LOCALE): string {
  const digits = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions()
    .maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() }).format(
    minor / 10 ** digits,
  );
}

export function formatDate(value: Date | string, locale = DEFAULT_LOCALE): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(value));
}
