import { useId } from 'react';
import { HealthBadge } from '../cards/HealthBadge.tsx';
import { MetricCard } from '../cards/MetricCard.tsx';
import { Sparkline } from '../charts/Sparkline.tsx';
import { formatMoney, formatPercent } from '../format.ts';

/** What widgets.mrrSummary answers (the fields the widget reads). */
export interface MrrSummary {
  /** Reporting currency (ISO code). */
  currency: string;
  product: string | null;
  /** Minor units of the reporting currency, at the end of the range. */
  mrr: number;
  /** At the end of the previous period of equal length. */
  previousMrr: number;
  /** relative = (mrr − previousMrr) ÷ previousMrr; null when previousMrr is 0. */
  change: { absolute: number | null; relative: number | null };
  /** MRR at the end of each bucket; period is the bucket's first day (YYYY-MM-DD). */
  series: { period: string; mrr: number }[];
}

/** What widgets.customerHealth answers. */
export interface CustomerHealth {
  stripeCustomerId: string;
  name: string | null;
  healthScore: number | null;
  healthBand: 'good' | 'warning' | 'at_risk' | null;
  churnRiskScore: number | null;
  mrr: number;
  currency: string;
  /** The factors that lower the score most. */
  topFactors: { factor: string; label: string; impact: number }[];
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
      change={data.change.relative}
      comparedTo={`vs. ${rangeLabel(days)} antes`}
    >
      <Sparkline
        title={`MRR nos últimos ${rangeLabel(days)}`}
        data={data.series.map((p) => ({ date: p.period, value: p.mrr }))}
        valueLabel="MRR"
        valueFormat={format}
        filename="mrr"
      />
    </MetricCard>
  );
}

/** Only http(s) links: a javascript: URL from a misconfigured attribute must not become a link. */
export function safeHttpUrl(url: string): string | null {
  try {
    const parsed = new URL(url, document.baseURI);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export function CustomerHealthView(props: { data: CustomerHealth; maxFactors: number; adminUrl: string }) {
  const { data, maxFactors } = props;
  const factors = [...data.topFactors]
    .filter((f) => f.impact !== 0)
    .sort((a, b) => Math.abs(b.impact) - Math.abs(a.impact))
    .slice(0, maxFactors);
  const link = safeHttpUrl(props.adminUrl);
  return (
    <section className="mp-health" part="card">
      <div className="mp-health__head">
        <p className="mp-health__name" part="name">
          {data.name || data.stripeCustomerId}
        </p>
        <HealthBadge score={data.healthScore} />
      </div>
      <dl className="mp-health__figures">
        <div>
          <dt>Risco de cancelamento</dt>
          <dd>{data.churnRiskScore === null ? '—' : formatPercent(data.churnRiskScore)}</dd>
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

/** What widgets.atRiskCustomers answers (the fields the widget reads). */
export interface AtRiskCustomers {
  product: string;
  productName: string | null;
  currency: string;
  /** All at-risk customers of the product, of which `customers` are the least healthy. */
  total: number;
  customers: {
    stripeCustomerId: string;
    name: string | null;
    healthScore: number | null;
    churnRiskScore: number | null;
    mrr: number;
  }[];
}

export function AtRiskCustomersView(props: { data: AtRiskCustomers; customerUrl: (id: string) => string }) {
  const { data } = props;
  const titleId = useId();
  return (
    <section className="mp-list" part="card" aria-labelledby={titleId}>
      <p id={titleId} className="mp-list__title">
        Clientes em risco{data.productName ? ` — ${data.productName}` : ''}
      </p>
      <p className="mp-state">
        {data.customers.length < data.total
          ? `Os ${data.customers.length} de menor saúde, de ${data.total}.`
          : `${data.total} ${data.total === 1 ? 'cliente' : 'clientes'}.`}
      </p>
      <ul className="mp-list__items" part="list">
        {data.customers.map((c) => {
          const link = safeHttpUrl(props.customerUrl(c.stripeCustomerId));
          const name = c.name || c.stripeCustomerId;
          return (
            <li key={c.stripeCustomerId} className="mp-list__item" part="item">
              {link ? (
                <a className="mp-link" href={link} target="_blank" rel="noopener noreferrer">
                  {name}
                </a>
              ) : (
                <span>{name}</span>
              )}
              <HealthBadge score={c.healthScore} />
              <span className="mp-list__figure">
                {formatMoney(c.mrr, data.currency)}
                {c.churnRiskScore === null ? '' : ` · risco ${formatPercent(c.churnRiskScore)}`}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
