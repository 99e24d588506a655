import type { ReactNode } from 'react';
import type { ValueFormat } from '../format.ts';
import { useFormat } from '../format-context.tsx';

export interface MetricCardProps {
  label: string;
  /** null when the figure is undefined (nothing to divide by): shown as a dash with `emptyText`. */
  value: number | null;
  format: ValueFormat;
  /** Why the value is missing, e.g. "Nenhum trial terminou no período". */
  emptyText?: string;
  /** Change against the previous period as a ratio (0.05 = +5 %); null when there is nothing to compare. */
  change?: number | null;
  /** Whether a rise is good news (MRR) or bad news (churn). */
  goodWhen?: 'up' | 'down';
  /** e.g. "vs. 30 dias antes". */
  comparedTo?: string;
  /** Optional content under the value, e.g. a Sparkline. */
  children?: ReactNode;
}

export function changeTone(change: number, goodWhen: 'up' | 'down'): 'good' | 'bad' | 'flat' {
  if (change === 0) return 'flat';
  return change > 0 === (goodWhen === 'up') ? 'good' : 'bad';
}

/** A headline figure with its change against the previous period, in words as well as colour. */
export function MetricCard(props: MetricCardProps) {
  const { label, value, format, change = null, goodWhen = 'up', comparedTo = 'vs. período anterior' } = props;
  const f = useFormat();
  const tone = change === null ? 'flat' : changeTone(change, goodWhen);
  const words =
    change === null
      ? 'sem comparação com o período anterior'
      : change === 0
        ? `sem variação ${comparedTo}`
        : `${change > 0 ? 'aumento' : 'queda'} de ${f.percent(Math.abs(change))} ${comparedTo}`;
  return (
    <section className="mp-card" part="card">
      <p className="mp-card__label">{label}</p>
      <p className="mp-card__value" part="value">
        {value === null ? '—' : f.value(format, value)}
      </p>
      {value === null && props.emptyText ? <p className="mp-card__note">{props.emptyText}</p> : null}
      <p className={`mp-change mp-change--${tone}`} part="change">
        {change === null ? (
          <span>—</span>
        ) : (
          <span aria-hidden="true">
            {change > 0 ? '▲' : change < 0 ? '▼' : '●'} {f.percent(change, { signed: true })} {comparedTo}
          </span>
        )}
        <span className="mp-sr-only">{words[0]!.toUpperCase() + words.slice(1)}</span>
      </p>
      {props.children}
    </section>
  );
}
