import { Group } from '@visx/group';
import { Pie } from '@visx/shape';
import { useState } from 'react';
import { useFormat } from '../format-context.tsx';
import { ChartFrame, type Column } from './ChartFrame.tsx';
import { ChartTooltip, nextIndex } from './Tooltip.tsx';

export interface DonutSlice {
  /** Stable key, also the colour class (e.g. a subscription status: active, past_due…). */
  key: string;
  label: string;
  value: number;
}

export interface DonutChartProps {
  title: string;
  data: DonutSlice[];
  /** What the values count, e.g. "Assinaturas". */
  valueLabel: string;
  height?: number;
  emptyMessage?: string;
  filename?: string;
}

/** Shares of a whole (e.g. subscriptions by status) as a donut with a legend. */
export function DonutChart(props: DonutChartProps) {
  const { title, valueLabel, height = 220 } = props;
  const f = useFormat();
  const data = props.data.filter((d) => d.value > 0);
  const total = data.reduce((sum, d) => sum + d.value, 0);
  const [active, setActive] = useState<number | null>(null);
  const share = (d: DonutSlice) => (total ? d.value / total : 0);
  const columns: Column<DonutSlice>[] = [
    { label: 'Categoria', text: (d) => d.label, csv: (d) => d.label },
    { label: valueLabel, text: (d) => f.number(d.value), csv: (d) => d.value },
    {
      label: 'Participação (%)',
      text: (d) => f.percent(share(d)),
      csv: (d) => Number((share(d) * 100).toFixed(2)),
    },
  ];
  const summary = `${title}: ${data.map((d) => `${d.label} ${f.number(d.value)} (${f.percent(share(d))})`).join('; ')}. Total ${f.number(total)}.`;
  return (
    <ChartFrame
      title={title}
      columns={columns}
      rows={data}
      filename={props.filename ?? title}
      height={height}
      {...(props.emptyMessage ? { emptyMessage: props.emptyMessage } : {})}
    >
      {(width) => {
        const size = Math.min(width, height);
        const radius = size / 2 - 4;
        const slice = active === null ? undefined : data[active];
        return (
          <div className="mp-donut">
            <svg
              width={size}
              height={size}
              role="img"
              aria-label={summary}
              // biome-ignore lint/a11y/noNoninteractiveTabindex: one tab stop; arrow keys move the tooltip over the slices
              tabIndex={0}
              onKeyDown={(event) => {
                const next = nextIndex(event.key, active, data.length);
                if (next !== active) {
                  event.preventDefault();
                  setActive(next);
                }
              }}
              onFocus={() => setActive(active ?? 0)}
              onBlur={() => setActive(null)}
              className="mp-svg"
            >
              <Group left={size / 2} top={size / 2}>
                <Pie
                  data={data}
                  pieValue={(d) => d.value}
                  outerRadius={radius}
                  innerRadius={radius * 0.6}
                  padAngle={0.01}
                >
                  {(pie) =>
                    pie.arcs.map((arc, i) => (
                      <path
                        key={arc.data.key}
                        d={pie.path(arc) ?? ''}
                        className={`mp-slice mp-slice--${i % 6}`}
                        data-key={arc.data.key}
                        onPointerEnter={() => setActive(i)}
                        onPointerLeave={() => setActive(null)}
                      />
                    ))
                  }
                </Pie>
                <text textAnchor="middle" dy="0.35em" className="mp-donut__total">
                  {f.number(total)}
                </text>
              </Group>
            </svg>
            {slice ? (
              <ChartTooltip left={size / 2} top={size / 2}>
                <strong>{slice.label}</strong>
                <span>
                  {f.number(slice.value)} ({f.percent(share(slice))})
                </span>
              </ChartTooltip>
            ) : null}
            <ul className="mp-legend mp-legend--column" aria-hidden="true">
              {data.map((d, i) => (
                <li key={d.key}>
                  <span className={`mp-swatch mp-slice--${i % 6}`} />
                  {d.label}: {f.number(d.value)}
                </li>
              ))}
            </ul>
          </div>
        );
      }}
    </ChartFrame>
  );
}
