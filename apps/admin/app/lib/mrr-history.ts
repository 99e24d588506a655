/** A customer's MRR spans as a chart series: the MRR on the first of every month, and today. */
export interface MrrSpan {
  startDate: string;
  /** Exclusive; null while current. */
  endDate: string | null;
  mrr: number;
  currency: string;
  mrrReporting: number;
}

export function mrrHistoryPoints(
  spans: MrrSpan[],
  today: string,
  reportingCurrency: string,
): { currency: string; points: { date: string; value: number }[] } {
  if (spans.length === 0) return { currency: reportingCurrency, points: [] };
  // One currency reads best in the customer's own money; mixed ones fall back to reporting.
  const currencies = new Set(spans.map((s) => s.currency.toUpperCase()));
  const own = currencies.size === 1;
  const currency = own ? spans[0]!.currency : reportingCurrency;
  const mrrOn = (day: string) => {
    const span = spans.find((s) => s.startDate <= day && (s.endDate === null || day < s.endDate));
    return span ? (own ? span.mrr : span.mrrReporting) : 0;
  };
  const first = spans.map((s) => s.startDate).sort()[0]!;
  const points: { date: string; value: number }[] = [{ date: first, value: mrrOn(first) }];
  const cursor = new Date(`${first.slice(0, 7)}-01T00:00:00Z`);
  for (;;) {
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
    const day = cursor.toISOString().slice(0, 10);
    if (day >= today) break;
    points.push({ date: day, value: mrrOn(day) });
  }
  if (today > first) points.push({ date: today, value: mrrOn(today) });
  return { currency, points };
}
