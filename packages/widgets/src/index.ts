export { HEALTH_BAND_LABELS, HealthBadge, type HealthBand, healthBand } from './cards/HealthBadge.tsx';
export { changeTone, MetricCard, type MetricCardProps } from './cards/MetricCard.tsx';
export { ChartFrame, type ChartFrameProps, type Column } from './charts/ChartFrame.tsx';
export { CohortHeatmap, type CohortHeatmapProps, type CohortRow } from './charts/CohortHeatmap.tsx';
export { DonutChart, type DonutChartProps, type DonutSlice } from './charts/DonutChart.tsx';
export { Sparkline, type SparklineProps } from './charts/Sparkline.tsx';
export {
  MOVEMENT_LABELS,
  type MovementsPeriod,
  type MovementType,
  netMovement,
  StackedMovementsChart,
  type StackedMovementsChartProps,
} from './charts/StackedMovementsChart.tsx';
export type { SeriesPoint } from './charts/series.ts';
export { AreaChart, LineChart, type TimeSeriesChartProps } from './charts/TimeSeriesChart.tsx';
export { type CsvCell, downloadCsv, toCsv } from './csv.ts';
export { type WidgetConfig, WidgetError } from './elements/client.ts';
export type { MedProWidgetsGlobal } from './elements/config.ts';
export {
  defineMedProElements,
  MedProCustomerHealthElement,
  MedProCustomerListElement,
  MedProMrrElement,
} from './elements/define.ts';
export type { AtRiskCustomers, CustomerHealth, MrrSummary } from './elements/views.tsx';
export {
  createFormatter,
  csvValue,
  currencyDigits,
  DEFAULT_DISPLAY,
  DEFAULT_LOCALE,
  type DisplaySettings,
  type Formatter,
  formatDate,
  formatDateShort,
  formatDateTime,
  formatMoney,
  formatMoneyCompact,
  formatMonth,
  formatNumber,
  formatNumberCompact,
  formatPercent,
  formatValue,
  formatValueCompact,
  isoDay,
  moneyDecimal,
  type ValueFormat,
} from './format.ts';
export { FormatProvider, useFormat } from './format-context.tsx';
export { CHART_CSS } from './styles.ts';
