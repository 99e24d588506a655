import { Group } from '@visx/group';
import { scaleBand } from '@visx/scale';
import { type KeyboardEvent, useState } from 'react';
import { isoDay, moneyDecimal } from '../format.ts';
import { useFormat } from '../format-context.tsx';
import { ChartFrame, type Column } from './ChartFrame.tsx';
import { ChartTooltip } from './Tooltip.tsx';

/** One signup cohort: its starting size and the share retained N months later (index N). */
export interface CohortRow {
  /** The cohort's month (its first day). */
  cohort: Date | string;
  /** Customers in the cohort, or its starting MRR in minor units (measure 'mrr'). */
  size: number;
  /** Retention ratios by months since signup; null where that month has not happened yet. */
  values: (number | null)[];
}

export interface CohortHeatmapProps {
  title: string;
  data: CohortRow[];
  /** What is retained: customers, or MRR (net, so above 100 % is possible). */
  measure: 'customers' | 'mrr';
  /** The reporting currency, when measure is 'mrr'. */
  currency?: string;
  height?: number;
  emptyMessage?: string;
  filename?: string;
}

const MARGIN = { top: 24, right: 8, bottom: 8, left: 84 };

/** Cohort retention grid: rows are signup months, columns months since; % text in every cell. */
export function CohortHeatmap(props: CohortHeatmapProps) {
  const { title, data, measure, currency = 'brl' } = props;
  const f = useFormat();
  const months = Math.max(0, ...data.map((r) => r.values.length));
  const height = props.height ?? MARGIN.top + MARGIN.bottom + Math.max(1, data.length) * 28;
  const [active, setActive] = useState<{ row: number; col: number } | null>(null);
  const sizeText = (r: CohortRow) => (measure === 'mrr' ? f.money(r.size, currency) : f.number(r.size));
  const columns: Column<CohortRow>[] = [
    { label: 'Coorte', text: (r) => f.month(r.cohort), csv: (r) => isoDay(r.cohort).slice(0, 7) },
    {
      label: measure === 'mrr' ? `MRR inicial (${currency.toUpperCase()})` : 'Clientes',
      text: sizeText,
      csv: (r) => (measure === 'mrr' ? moneyDecimal(r.size, currency) : r.size),
    },
    ...Array.from(
      { length: months },
      (_, m): Column<CohortRow> => ({
        label: `Mês ${m} (%)`,
        text: (r) => (r.values[m] == null ? '—' : f.percent(r.values[m]!)),
        csv: (r) => (r.values[m] == null ? null : Number((r.values[m]! * 100).toFixed(2))),
      }),
    ),
  ];
  const measureText = measure === 'mrr' ? 'do MRR' : 'dos clientes';
  const summary =
    `${title}: retenção ${measureText} de ${data.length} coortes` +
    (data.length ? ` (${f.month(data[0]!.cohort)} a ${f.month(data[data.length - 1]!.cohort)})` : '') +
    `, até ${Math.max(0, months - 1)} meses depois. Use as setas para percorrer as células.`;

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
        const innerWidth = Math.max(1, width - MARGIN.left - MARGIN.right);
        const innerHeight = Math.max(1, height - MARGIN.top - MARGIN.bottom);
        const x = scaleBand({
          domain: Array.from({ length: months }, (_, i) => i),
          range: [0, innerWidth],
          padding: 0.06,
        });
        const y = scaleBand({ domain: data.map((_, i) => i), range: [0, innerHeight], padding: 0.08 });
        const onKey = (event: KeyboardEvent<SVGSVGElement>) => {
          const at = active ?? { row: 0, col: 0 };
          const moves: Record<string, { row: number; col: number }> = {
            ArrowRight: { row: at.row, col: Math.min(months - 1, at.col + 1) },
            ArrowLeft: { row: at.row, col: Math.max(0, at.col - 1) },
            ArrowDown: { row: Math.min(data.length - 1, at.row + 1), col: at.col },
            ArrowUp: { row: Math.max(0, at.row - 1), col: at.col },
          };
          const next = moves[event.key];
          if (next) {
            event.preventDefault();
            setActive(next);
          }
        };
        const cell = active ? data[active.row] : undefined;
        const cellValue = active && cell ? cell.values[active.col] : undefined;
        return (
          <>
            <svg
              width={width}
              height={height}
              role="img"
              aria-label={summary}
              // biome-ignore lint/a11y/noNoninteractiveTabindex: one tab stop; arrow keys move the tooltip over the cells
              tabIndex={0}
              onKeyDown={onKey}
              onFocus={() => setActive(active ?? { row: 0, col: 0 })}
              onBlur={() => setActive(null)}
              className="mp-svg"
            >
              <Group left={MARGIN.left} top={MARGIN.top}>
                {Array.from({ length: months }, (_, m) => (
                  <text
                    // biome-ignore lint/suspicious/noArrayIndexKey: the column is the month index
                    key={m}
                    x={(x(m) ?? 0) + x.bandwidth() / 2}
                    y={-8}
                    textAnchor="middle"
                    className="mp-heat__head"
                  >
                    {m}
                  </text>
                ))}
                {data.map((row, r) => (
                  <g key={isoDay(row.cohort)}>
                    <text
                      x={-8}
                      y={(y(r) ?? 0) + y.bandwidth() / 2}
                      dy="0.35em"
                      textAnchor="end"
                      className="mp-heat__head"
                    >
                      {f.month(row.cohort)}
                    </text>
                    {row.values.map((value, m) =>
                      value == null ? null : (
                        <g
                          // biome-ignore lint/suspicious/noArrayIndexKey: the column is the month index
                          key={m}
                          onPointerEnter={() => setActive({ row: r, col: m })}
                          onPointerLeave={() => setActive(null)}
                        >
                          <rect
                            x={x(m)}
                            y={y(r)}
                            width={x.bandwidth()}
                            height={y.bandwidth()}
                            className={
                              active?.row === r && active.col === m
                                ? 'mp-heat__cell mp-heat__cell--active'
                                : 'mp-heat__cell'
                            }
                            style={{ fillOpacity: Math.max(0.08, Math.min(1, value)) }}
                          />
                          <text
                            x={(x(m) ?? 0) + x.bandwidth() / 2}
                            y={(y(r) ?? 0) + y.bandwidth() / 2}
                            dy="0.35em"
                            textAnchor="middle"
                            className={
                              value > 0.55 ? 'mp-heat__text mp-heat__text--on-dark' : 'mp-heat__text'
                            }
                          >
                            {f.percent(value)}
                          </text>
                        </g>
                      ),
                    )}
                  </g>
                ))}
              </Group>
            </svg>
            {active && cell ? (
              <ChartTooltip
                left={MARGIN.left + (x(active.col) ?? 0) + x.bandwidth() / 2}
                top={MARGIN.top + (y(active.row) ?? 0)}
              >
                <strong>
                  {f.month(cell.cohort)}, mês {active.col}
                </strong>
                <span>
                  {cellValue == null ? 'Ainda sem dados' : `Retenção ${measureText}: ${f.percent(cellValue)}`}
                </span>
                <span>
                  {measure === 'mrr' ? 'MRR inicial' : 'Clientes'}: {sizeText(cell)}
                </span>
              </ChartTooltip>
            ) : null}
          </>
        );
      }}
    </ChartFrame>
  );
}
