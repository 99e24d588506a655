import { csvValue, type Formatter, isoDay, unitSuffix, type ValueFormat } from '../format.ts';
import type { Column } from './ChartFrame.tsx';

export interface SeriesPoint {
  date: Date | string;
  value: number;
}

/** Summary of a series for screen readers: range, first and last values, extremes. */
export function describeSeries(
  f: Formatter,
  label: string,
  data: SeriesPoint[],
  format: ValueFormat,
): string {
  const first = data[0];
  const last = data[data.length - 1];
  if (!first || !last) return `${label}: sem dados.`;
  const values = data.map((d) => d.value);
  return (
    `${label} de ${f.date(first.date)} a ${f.date(last.date)}: ` +
    `de ${f.value(format, first.value)} para ${f.value(format, last.value)}; ` +
    `mínimo ${f.value(format, Math.min(...values))}, máximo ${f.value(format, Math.max(...values))}.`
  );
}

export function seriesColumns(f: Formatter, valueLabel: string, format: ValueFormat): Column<SeriesPoint>[] {
  return [
    { label: 'Data', text: (d) => f.date(d.date), csv: (d) => isoDay(d.date) },
    {
      label: `${valueLabel}${unitSuffix(format)}`,
      text: (d) => f.value(format, d.value),
      csv: (d) => csvValue(format, d.value),
    },
  ];
}
