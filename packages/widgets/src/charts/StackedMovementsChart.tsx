import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { LinePath } from '@visx/shape';
import { type KeyboardEvent, useState } from 'react';
import { isoDay, moneyDecimal } from '../format.ts';
import { useFormat } from '../format-context.tsx';
import { ChartFrame, type Column } from './ChartFrame.tsx';
import { ChartTooltip } from './Tooltip.tsx';

export type MovementType = 'new' | 'expansion' | 'reactivation' | 'contraction' | 'churn';

/** MRR movements of one period, in minor units of the reporting currency. */
export interface MovementsPeriod {
  /** The period's first day (ISO date or Date). */
  period: Date | string;
  new: number;
  expansion: number;
  reactivation: number;
  /** Contraction and churn are losses: shown below zero whatever their sign here. */
  contraction: number;
  churn: number;
}

export const MOVEMENT_LABELS: Record<MovementType, string> = {
  new: 'Novo',
  expansion: 'Expansão',
  reactivation: 'Reativação',
  contraction: 'Contração',
  churn: 'Cancelamento',
};

const GAINS: MovementType[] = ['new', 'expansion', 'reactivation'];
const LOSSES: MovementType[] = ['contraction', 'churn'];

export function signedMovement(row: MovementsPeriod, type: MovementType): number {
  // `|| 0` so a zero loss is 0, not -0 (which formats as "-R$ 0,00").
  return LOSSES.includes(type) ? -Math.abs(row[type]) || 0 : row[type];
}

export function netMovement(row: MovementsPeriod): number {
  return [...GAINS, ...LOSSES].reduce((sum, type) => sum + signedMovement(row, type), 0);
}

export interface StackedMovementsChartProps {
  title: string;
  data: MovementsPeriod[];
  currency: string;
  /** Called when a segment is clicked (or activated with Enter/Space): list the customers behind it. */
  onSelect?: (selection: { period: string; type: MovementType }) => void;
  formatPeriod?: (period: Date | string) => string;
  height?: number;
  emptyMessage?: string;
  filename?: string;
}

const MARGIN = { top: 12, right: 16, bottom: 28, left: 64 };
const LEGEND_HEIGHT = 24;

/** MRR movements per period as stacked bars (gains above zero, losses below) with the net line. */
export function StackedMovementsChart(props: StackedMovementsChartProps) {
  const f = useFormat();
  const { title, data, currency, onSelect, formatPeriod = f.month, height = 280 } = props;
  const [active, setActive] = useState<{ index: number; type: MovementType } | null>(null);
  const money = (v: number) => f.money(v, currency);
  const columns: Column<MovementsPeriod>[] = [
    { label: 'Período', text: (r) => formatPeriod(r.period), csv: (r) => isoDay(r.period) },
    ...[...GAINS, ...LOSSES].map(
      (type): Column<MovementsPeriod> => ({
        label: `${MOVEMENT_LABELS[type]} (${currency.toUpperCase()})`,
        text: (r) => money(signedMovement(r, type)),
        csv: (r) => moneyDecimal(signedMovement(r, type), currency),
      }),
    ),
    {
      label: `Líquido (${currency.toUpperCase()})`,
      text: (r) => money(netMovement(r)),
      csv: (r) => moneyDecimal(netMovement(r), currency),
    },
  ];
  const nets = data.map(netMovement);
  const summary =
    data.length === 0
      ? `${title}: sem dados.`
      : `${title}, ${data.length} períodos de ${formatPeriod(data[0]!.period)} a ${formatPeriod(data[data.length - 1]!.period)}. ` +
        `Movimento líquido total ${money(nets.reduce((a, b) => a + b, 0))}.` +
        (onSelect ? ' Ative um segmento para ver os clientes.' : '');

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
        const innerHeight = Math.max(1, height - LEGEND_HEIGHT - MARGIN.top - MARGIN.bottom);
        const keys = data.map((r) => isoDay(r.period));
        const x = scaleBand({ domain: keys, range: [0, innerWidth], padding: 0.25 });
        const tops = data.map((r) => GAINS.reduce((s, t) => s + signedMovement(r, t), 0));
        const bottoms = data.map((r) => LOSSES.reduce((s, t) => s + signedMovement(r, t), 0));
        const y = scaleLinear({
          domain: [Math.min(0, ...bottoms, ...nets), Math.max(0, ...tops, ...nets)],
          range: [innerHeight, 0],
          nice: true,
        });
        const center = (i: number) => (x(keys[i]!) ?? 0) + x.bandwidth() / 2;
        const select = (i: number, type: MovementType) => onSelect?.({ period: keys[i]!, type });
        const segments = data.flatMap((row, i) => {
          let up = 0;
          let down = 0;
          return [...GAINS, ...LOSSES].flatMap((type) => {
            const value = signedMovement(row, type);
            if (value === 0) return [];
            const from = value > 0 ? up : down;
            const to = from + value;
            if (value > 0) up = to;
            else down = to;
            return [{ i, type, value, y0: y(Math.max(from, to)), y1: y(Math.min(from, to)) }];
          });
        });
        const hovered = active ? data[active.index] : undefined;
        return (
          <>
            {/* biome-ignore lint/a11y/useSemanticElements: an SVG group of labelled segments, not a form fieldset */}
            <svg
              width={width}
              height={height - LEGEND_HEIGHT}
              role="group"
              aria-label={summary}
              className="mp-svg"
            >
              <Group left={MARGIN.left} top={MARGIN.top}>
                <AxisLeft
                  scale={y}
                  numTicks={Math.max(2, Math.floor(innerHeight / 40))}
                  tickFormat={(v) => f.moneyCompact(Number(v), currency)}
                  axisClassName="mp-axis"
                />
                <line x1={0} x2={innerWidth} y1={y(0)} y2={y(0)} className="mp-zero" />
                {segments.map((s) => {
                  const label = `${MOVEMENT_LABELS[s.type]}, ${formatPeriod(data[s.i]!.period)}: ${money(s.value)}`;
                  const onKey = (event: KeyboardEvent<SVGRectElement>) => {
                    if (onSelect && (event.key === 'Enter' || event.key === ' ')) {
                      event.preventDefault();
                      select(s.i, s.type);
                    }
                  };
                  return (
                    // biome-ignore lint/a11y/noStaticElementInteractions: focusable and labelled; a button when onSelect is given
                    <rect
                      key={`${s.i}-${s.type}`}
                      x={x(keys[s.i]!)}
                      y={s.y0}
                      width={x.bandwidth()}
                      height={Math.max(1, s.y1 - s.y0)}
                      className={`mp-seg mp-seg--${s.type}`}
                      data-type={s.type}
                      role={onSelect ? 'button' : 'img'}
                      aria-label={label}
                      tabIndex={0}
                      onClick={onSelect ? () => select(s.i, s.type) : undefined}
                      onKeyDown={onKey}
                      onPointerEnter={() => setActive({ index: s.i, type: s.type })}
                      onPointerLeave={() => setActive(null)}
                      onFocus={() => setActive({ index: s.i, type: s.type })}
                      onBlur={() => setActive(null)}
                    />
                  );
                })}
                <LinePath data={nets} x={(_, i) => center(i)} y={(v) => y(v) ?? 0} className="mp-net" />
                {nets.map((v, i) => (
                  <circle key={keys[i]} cx={center(i)} cy={y(v)} r={3} className="mp-net-dot" />
                ))}
                <AxisBottom
                  top={innerHeight}
                  scale={x}
                  tickFormat={(v) => formatPeriod(v)}
                  numTicks={Math.max(2, Math.floor(innerWidth / 80))}
                  axisClassName="mp-axis"
                />
              </Group>
            </svg>
            {active && hovered ? (
              <ChartTooltip left={MARGIN.left + center(active.index)} top={MARGIN.top}>
                <strong>{formatPeriod(hovered.period)}</strong>
                <span>
                  {MOVEMENT_LABELS[active.type]}: {money(signedMovement(hovered, active.type))}
                </span>
                <span>Líquido: {money(netMovement(hovered))}</span>
              </ChartTooltip>
            ) : null}
            <ul className="mp-legend" aria-hidden="true">
              {[...GAINS, ...LOSSES].map((type) => (
                <li key={type}>
                  <span className={`mp-swatch mp-seg--${type}`} />
                  {MOVEMENT_LABELS[type]}
                </li>
              ))}
              <li>
                <span className="mp-swatch mp-swatch--net" />
                Líquido
              </li>
            </ul>
          </>
        );
      }}
    </ChartFrame>
  );
}
