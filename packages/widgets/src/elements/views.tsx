import { HealthBadge } from '../cards/HealthBadge.tsx';
import { MetricCard } from '../cards/MetricCard.tsx';
import { Sparkline } from '../charts/Sparkline.tsx';
import { formatMoney, formatPercent } from '../format.ts';

/** widgets.mrrSummary */
export interface MrrSummary {
  /** Reporting currency (ISO code). */
  currency: string;
  /** Minor units of the reporting currency. */
  mrr: number;
  previousMrr: number;
  /** (mrr − previousMrr) ÷ previousMrr; null when previousMrr is 0. */
  change: number | null;
  series: { date: Date | string; mrr: number }[];
}

/** widgets.customerHealth */
export interface CustomerHealth {
  customerId: string;
  name: string | null;
  healthScore: number | null;
  band: 'good' | 'warning' | 'at_risk' | null;
  churnRisk: number | null;
  factors: { factor: string; label: string; impact: number }[];
  mrr: number;
  currency: string;
  adminUrl: string;
}

export function rangeLabel(days: number): string {
  return days === 1 ? '1 dia' : `${days} dias`;
}

export function MrrView({ data, days, product }: { data: MrrSummary; days: number; product: string | null }) {
  const format = { kind: 'money', currency: data.currency } as const;
  return (
    <MetricCard
      label={product ? 'MRR do produto' : 'MRR'}
      value={data.mrr}
      format={format}
      change={data.change}
      comparedTo={`vs. ${rangeLabel(days)} antes`}
    >
      <Sparkline
        title={`MRR nos últimos ${rangeLabel(days)}`}
        data={data.series.map((p) => ({ date: p.date, value: p.mrr }))}
        valueLabel="MRR"
        valueFormat={format}
        filename="mrr"
      />
    </MetricCard>
  );
}

/** Only http(s) links: a javascript: URL from a misconfigured server must not become a link. */
export function safeHttpUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export function CustomerHealthView({ data, maxFactors }: { data: CustomerHealth; maxFactors: number }) {
  const factors = [...data.factors]
    .filter((f) => f.impact !== 0)
    .sort((a, b) => Math.abs(b.impact) - Math.abs(a.impact))
    .slice(0, maxFactors);
  const link = safeHttpUrl(data.adminUrl);
  return (
    <section className="mp-health" part="card">
      <div className="mp-health__head">
        <p className="mp-health__name" part="name">
          {data.name || data.customerId}
        </p>
        <HealthBadge score={data.healthScore} />
      </div>
      <dl className="mp-health__figures">
        <div>
          <dt>Risco de cancelamento</dt>
          <dd>{data.churnRisk === null ? '—' : formatPercent(data.churnRisk)}</dd>
        </div>
        <div>
          <dt>MRR</dt>
          <dd>{formatMoney(data.mrr, data.currency)}</dd>
        </div>
      </dl>
      {factors.length ? (
        <>
          <p className="mp-health__subtitle">Principais fatores</p>
          <ul className="mp-health__factors" part="factors">
            {factors.map((f) => (
              <li
                key={f.factor}
                className={f.impact < 0 ? 'mp-factor mp-factor--bad' : 'mp-factor mp-factor--good'}
              >
                <span>{f.label}</span>
                <span className="mp-factor__impact">
                  {f.impact > 0 ? '+' : '−'}
                  {Math.abs(f.impact)} pts
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="mp-state">Nenhum fator de risco.</p>
      )}
      {link ? (
        <a className="mp-link" part="link" href={link} target="_blank" rel="noopener noreferrer">
          Ver cliente no MedPro
        </a>
      ) : null}
    </section>
  );
}
