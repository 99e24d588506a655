import { scaleLinear } from '@visx/scale';
import { LinePath } from '@visx/shape';
import { NUMBER_FORMAT, type ValueFormat } from '../format.ts';
import { useFormat } from '../format-context.tsx';
import { ChartFrame } from './ChartFrame.tsx';
import { describeSeries, type SeriesPoint, seriesColumns } from './series.ts';

export interface SparklineProps {
  title: string;
  data: SeriesPoint[];
  valueLabel: string;
  valueFormat?: ValueFormat;
  height?: number;
  filename?: string;
}

/** A small trend line without axes; its table view and CSV carry the exact values. */
export function Sparkline(props: SparklineProps) {
  const f = useFormat();
  const { title, data, valueLabel, valueFormat = NUMBER_FORMAT, height = 40 } = props;
  return (
    <ChartFrame
      title={title}
      columns={seriesColumns(f, valueLabel, valueFormat)}
      rows={data}
      filename={props.filename ?? title}
      height={height}
      compact
      emptyMessage="Sem histórico no período."
    >
      {(width) => {
        const values = data.map((d) => d.value);
        const x = scaleLinear({ domain: [0, Math.max(1, data.length - 1)], range: [2, width - 2] });
        const y = scaleLinear({ domain: [Math.min(...values), Math.max(...values)], range: [height - 3, 3] });
        // A flat series sits in the middle rather than on the bottom edge.
        const flat = Math.min(...values) === Math.max(...values);
        const px = (i: number) => x(data.length === 1 ? 0.5 : i);
        const py = (v: number) => (flat ? height / 2 : y(v));
        return (
          <svg
            width={width}
            height={height}
            role="img"
            aria-label={describeSeries(f, valueLabel, data, valueFormat)}
            className="mp-svg mp-sparkline"
          >
            <LinePath data={values} x={(_, i) => px(i)} y={py} className="mp-line" />
            {/* The latest value, marked; also what a single point shows. */}
            <circle
              cx={px(values.length - 1)}
              cy={py(values[values.length - 1]!)}
              r={2.5}
              className="mp-dot"
            />
          </svg>
        );
      }}
    </ChartFrame>
  );
}
