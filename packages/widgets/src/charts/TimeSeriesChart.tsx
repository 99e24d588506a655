import { AxisBottom, AxisLeft } from '@visx/axis';
import { curveMonotoneX } from '@visx/curve';
import { Group } from '@visx/group';
import { scaleLinear, scaleUtc } from '@visx/scale';
import { AreaClosed, Line, LinePath } from '@visx/shape';
import { type KeyboardEvent, type PointerEvent, useState } from 'react';
import { NUMBER_FORMAT, type ValueFormat } from '../format.ts';
import { useFormat } from '../format-context.tsx';
import { ChartFrame } from './ChartFrame.tsx';
import { describeSeries, type SeriesPoint, seriesColumns } from './series.ts';
import { ChartTooltip, nextIndex } from './Tooltip.tsx';

export interface TimeSeriesChartProps {
  title: string;
  data: SeriesPoint[];
  /** What the values are, e.g. "Clientes ativos" or "MRR". */
  valueLabel: string;
  valueFormat?: ValueFormat;
  height?: number;
  emptyMessage?: string;
  /** Base name of the CSV download (default: the title). */
  filename?: string;
}

const MARGIN = { top: 12, right: 16, bottom: 28, left: 64 };

function TimeSeriesChart({ variant, ...props }: TimeSeriesChartProps & { variant: 'line' | 'area' }) {
  const { title, data, valueLabel, valueFormat = NUMBER_FORMAT, height = 240 } = props;
  const f = useFormat();
  const [active, setActive] = useState<number | null>(null);
  return (
    <ChartFrame
      title={title}
      columns={seriesColumns(f, valueLabel, valueFormat)}
      rows={data}
      filename={props.filename ?? title}
      height={height}
      {...(props.emptyMessage ? { emptyMessage: props.emptyMessage } : {})}
    >
      {(width) => {
        const innerWidth = Math.max(1, width - MARGIN.left - MARGIN.right);
        const innerHeight = Math.max(1, height - MARGIN.top - MARGIN.bottom);
        const times = data.map((d) => new Date(d.date).getTime());
        const values = data.map((d) => d.value);
        const x = scaleUtc({ domain: [Math.min(...times), Math.max(...times)], range: [0, innerWidth] });
        const y = scaleLinear({
          domain: [Math.min(0, ...values), Math.max(0, ...values)],
          range: [innerHeight, 0],
          nice: true,
        });
        // A single point spans the whole width rather than collapsing to the left edge.
        const px = (i: number) => (data.length === 1 ? innerWidth / 2 : (x(times[i]!) ?? 0));
        const point = active === null ? undefined : data[active];
        const onPointer = (event: PointerEvent<SVGRectElement>) => {
          const box = event.currentTarget.getBoundingClientRect();
          const at = event.clientX - box.left;
          let best = 0;
          for (let i = 1; i < data.length; i++) if (Math.abs(px(i) - at) < Math.abs(px(best) - at)) best = i;
          setActive(best);
        };
        const onKey = (event: KeyboardEvent<SVGSVGElement>) => {
          const next = nextIndex(event.key, active, data.length);
          if (next !== active) {
            event.preventDefault();
            setActive(next);
          }
        };
        return (
          <>
            <svg
              width={width}
              height={height}
              role="img"
              aria-label={describeSeries(f, valueLabel, data, valueFormat)}
              // biome-ignore lint/a11y/noNoninteractiveTabindex: one tab stop; arrow keys move the tooltip over the points
              tabIndex={0}
              onKeyDown={onKey}
              onFocus={() => setActive(active ?? data.length - 1)}
              onBlur={() => setActive(null)}
              className="mp-svg"
            >
              <Group left={MARGIN.left} top={MARGIN.top}>
                {variant === 'area' ? (
                  <AreaClosed
                    data={data}
                    x={(_, i) => px(i)}
                    y={(d) => y(d.value) ?? 0}
                    yScale={y}
                    curve={curveMonotoneX}
                    className="mp-area"
                  />
                ) : null}
                <LinePath
                  data={data}
                  x={(_, i) => px(i)}
                  y={(d) => y(d.value) ?? 0}
                  curve={curveMonotoneX}
                  className="mp-line"
                />
                <AxisLeft
                  scale={y}
                  numTicks={Math.max(2, Math.floor(innerHeight / 40))}
                  tickFormat={(v) => f.valueCompact(valueFormat, Number(v))}
                  axisClassName="mp-axis"
                />
                <AxisBottom
                  top={innerHeight}
                  scale={x}
                  numTicks={Math.max(2, Math.floor(innerWidth / 90))}
                  tickFormat={(v) => f.dateShort(v as Date)}
                  axisClassName="mp-axis"
                />
                {point && active !== null ? (
                  <>
                    <Line
                      from={{ x: px(active), y: 0 }}
                      to={{ x: px(active), y: innerHeight }}
                      className="mp-crosshair"
                    />
                    <circle cx={px(active)} cy={y(point.value)} r={4} className="mp-dot" />
                  </>
                ) : null}
                <rect
                  width={innerWidth}
                  height={innerHeight}
                  fill="transparent"
                  onPointerMove={onPointer}
                  onPointerLeave={() => setActive(null)}
                />
              </Group>
            </svg>
            {point && active !== null ? (
              <ChartTooltip left={MARGIN.left + px(active)} top={MARGIN.top + (y(point.value) ?? 0)}>
                <strong>{f.date(point.date)}</strong>
                <span>
                  {valueLabel}: {f.value(valueFormat, point.value)}
                </span>
              </ChartTooltip>
            ) : null}
          </>
        );
      }}
    </ChartFrame>
  );
}

/** A series over time as a line (e.g. customer growth). */
export function LineChart(props: TimeSeriesChartProps) {
  return <TimeSeriesChart variant="line" {...props} />;
}

/** A series over time as a filled area (e.g. revenue or MRR trend). */
export function AreaChart(props: TimeSeriesChartProps) {
  return <TimeSeriesChart variant="area" {...props} />;
}
