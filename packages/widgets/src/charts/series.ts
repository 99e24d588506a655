import { csvValue, formatDate, formatValue, isoDay, unitSuffix, type ValueFormat } from '../format.ts';
import type { Column } from './ChartFrame.tsx';

export interface SeriesPoint {
  date: Date | string;
  value: number;
}

/** Summary of a series for screen readers: range, first and last values, extremes. */
export function describeSeries(label: string, data: SeriesPoint[], format: ValueFormat): string {
  const first = data[0];
  const last = data[data.length - 1];
  if (!first || !last) return `${label}: sem dados.`;
  const values = data.map((d) => d.value);
  return (
    `${label} de ${formatDate(first.date)} a ${formatDate(last.date)}: ` +
    `de ${formatValue(format, first.value)} para ${formatValue(format, last.value)}; ` +
    `mínimo ${formatValue(format, Math.min(...values))}, máximo ${formatValue(format, Math.max(...values))}.`
  );
}

export function seriesColumns(valueLabel: string, format: ValueFormat): Column<SeriesPoint>[] {
  return [
    { label: 'Data', text: (d) => formatDate(d.date), csv: (d) => isoDay(d.date) },
    {
      label: `${valueLabel}${unitSuffix(format)}`,
      text: (d) => formatValue(format, d.value),
      csv: (d) => csvValue(format, d.value),
    },
  ];
}
