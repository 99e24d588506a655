import {
  AreaChart,
  CohortHeatmap,
  DonutChart,
  LineChart,
  MetricCard,
  MOVEMENT_LABELS,
  type MovementType,
  StackedMovementsChart,
  useFormat,
} from '@medpro/widgets';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useFetcher, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { PlanSelect, planName } from '~/components/PlanSelect';
import { PageHeader, RouteError } from '~/components/ui';
import {
  type AnalyticsSegment,
  cohortMonths,
  GRANULARITIES,
  parseAnalyticsRange,
  parseAnalyticsSegment,
  RANGE_PRESETS,
  segmentParams,
} from '~/lib/analytics-range';
import { statusLabel } from '~/lib/labels';
import { callerFor } from '~/lib/trpc.server';
import type { loader as movementsLoader } from './analytics_.movements';

export const meta: MetaFunction = () => [{ title: 'Analytics · MedPro' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const range = parseAnalyticsRange(url.searchParams, new Date());
  const { segment, problems } = parseAnalyticsSegment(url.searchParams);
  const input = { from: range.from, to: range.to, granularity: range.granularity, ...segment };
  const caller = await callerFor(request);
  const [overview, growth, revenue, status, cohorts, products] = await Promise.all([
    caller.analytics.overview(input),
    caller.analytics.growth(input),
    caller.analytics.revenue(input),
    caller.analytics.statusBreakdown(segment),
    caller.analytics.cohorts({ ...cohortMonths(range.to), ...segment }),
    caller.customers.products({}),
  ]);
  const cohortMeasure = url.searchParams.get('cohort') === 'mrr' ? 'mrr' : 'customers';
  return {
    range: { ...range, problems: [...range.problems, ...problems] },
    segment,
    products,
    overview,
    growth,
    revenue,
    status,
    cohorts,
    cohortMeasure,
  } as const;
}

const COMPARED = 'vs. período anterior';

export default function Analytics() {
  const { range, segment, products, overview, growth, revenue, status, cohorts, cohortMeasure } =
    useLoaderData<typeof loader>();
  const productName = (id: string) => products.find((p) => p.stripeProductId === id)?.name ?? id;
  const f = useFormat();
  const segmentText = segmentLabel(segment, productName, (id) => planName(products, id, f));
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const currency = overview.currency;
  const periodLabel = range.granularity === 'month' ? f.month : f.dateShort;
  const [selection, setSelection] = useState<{ period: string; type: MovementType } | null>(null);
  const cohortHref = (measure: 'customers' | 'mrr') => {
    const next = new URLSearchParams(params);
    next.set('cohort', measure);
    return `?${next}#coortes`;
  };

  return (
    <section className="page" aria-busy={navigation.state === 'loading'}>
      <PageHeader title="Analytics">
        <Form method="get" className="filters" aria-label="Período">
          <input type="hidden" name="cohort" value={cohortMeasure} />
          <div className="field">
            <label htmlFor="range">Período</label>
            <select id="range" name="range" defaultValue={range.preset}>
              {RANGE_PRESETS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="from">De</label>
            <input id="from" name="from" type="date" defaultValue={range.from} />
          </div>
          <div className="field">
            <label htmlFor="to">Até</label>
            <input id="to" name="to" type="date" defaultValue={range.to} />
          </div>
          <div className="field">
            <label htmlFor="granularity">Granularidade</label>
            <select id="granularity" name="granularity" defaultValue={range.granularity}>
              {GRANULARITIES.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="filters segment">
            <legend>Segmento</legend>
            <div className="field">
              <label htmlFor="product">Produto</label>
              <select id="product" name="product" defaultValue={segment.product ?? ''}>
                <option value="">Todos</option>
                {products.map((p) => (
                  <option key={p.stripeProductId} value={p.stripeProductId}>
                    {p.name ?? p.stripeProductId}
                    {p.active ? '' : ' (inativo)'}
                  </option>
                ))}
              </select>
            </div>
            <PlanSelect products={products} value={segment.price} />
            <div className="field">
              <label htmlFor="currency">Moeda</label>
              <input
                id="currency"
                name="currency"
                defaultValue={segment.currency ?? ''}
                placeholder="Todas"
                pattern="[A-Za-z]{3}"
                title="Código de 3 letras, ex.: BRL"
                size={6}
              />
            </div>
            <div className="field">
              <label htmlFor="country">País</label>
              <input
                id="country"
                name="country"
                defaultValue={segment.country ?? ''}
                placeholder="Todos"
                pattern="[A-Za-z]{2}"
                title="Código de 2 letras, ex.: BR"
                size={5}
              />
            </div>
            <div className="field">
              <label htmlFor="meta_key">Metadado</label>
              <input
                id="meta_key"
                name="meta_key"
                defaultValue={segment.metadataKey ?? ''}
                placeholder="chave"
                pattern="[A-Za-z0-9_]{1,40}"
                title="Letras, dígitos e _"
                size={12}
              />
            </div>
            <div className="field">
              <label htmlFor="meta_value">Valor do metadado</label>
              <input
                id="meta_value"
                name="meta_value"
                defaultValue={segment.metadataValue ?? ''}
                placeholder="valor"
                maxLength={500}
                size={12}
              />
            </div>
          </fieldset>
          <button type="submit">Aplicar</button>
        </Form>
      </PageHeader>
      <p className="muted small">
        {f.date(range.from)} a {f.date(range.to)} · valores em {currency.toUpperCase()}
        {overview.asOf ? ` · dados até ${f.date(overview.asOf)}` : ''}. As datas “De/Até” valem para o período
        “Personalizado”.
        {segmentText ? <strong> Segmento: {segmentText}.</strong> : null}
        {segment.product || segment.price
          ? ' O MRR de cada assinatura é repartido entre os produtos e planos dos seus itens, na proporção dos preços de tabela.'
          : ''}
      </p>
      {range.problems.length ? (
        <div className="notice error" role="status">
          {range.problems.map((p) => (
            <div key={p}>{p}</div>
          ))}
        </div>
      ) : null}

      <section className="stats mp-root" aria-label="Indicadores">
        <MetricCard
          label="Total de clientes"
          value={overview.totalCustomers}
          format={{ kind: 'number' }}
          change={overview.change.totalCustomers.relative}
          comparedTo={COMPARED}
        />
        <MetricCard
          label="Novos clientes"
          value={overview.newCustomers}
          format={{ kind: 'number' }}
          change={overview.change.newCustomers.relative}
          comparedTo={COMPARED}
        />
        <MetricCard
          label="MRR"
          value={overview.mrr}
          format={{ kind: 'money', currency }}
          change={overview.change.mrr.relative}
          comparedTo={COMPARED}
        />
        <MetricCard
          label="Taxa de churn"
          value={overview.churnRate}
          emptyText="Nenhum cliente ativo no início"
          format={{ kind: 'percent' }}
          change={overview.change.churnRate.absolute}
          goodWhen="down"
          comparedTo="p.p. vs. período anterior"
        />
        <MetricCard
          label="ARPA"
          value={overview.arpa}
          emptyText="Nenhum cliente ativo"
          format={{ kind: 'money', currency }}
          change={overview.change.arpa.relative}
          comparedTo={COMPARED}
        />
        <MetricCard
          label="NRR"
          value={overview.nrr}
          emptyText="Sem MRR no início"
          format={{ kind: 'percent' }}
          change={overview.change.nrr.absolute}
          comparedTo="p.p. vs. período anterior"
        />
        <MetricCard
          label="LTV"
          value={overview.ltv}
          format={{ kind: 'money', currency }}
          change={overview.change.ltv.relative}
          comparedTo={COMPARED}
          emptyText="Sem churn nos últimos 6 meses"
        />
        <MetricCard
          label="Conversão de trials"
          value={overview.trialConversion}
          format={{ kind: 'percent' }}
          change={overview.change.trialConversion.absolute}
          comparedTo="p.p. vs. período anterior"
          emptyText="Nenhum trial terminou no período"
        />
      </section>

      <div className="grid-wide mp-root">
        <div className="card">
          <LineChart
            title="Crescimento de clientes (ativos)"
            data={growth.points.map((p) => ({ date: p.period, value: p.activeCustomers }))}
            valueLabel="Clientes ativos"
            filename="crescimento-clientes"
            emptyMessage="Sem clientes no período."
          />
        </div>
        <div className="card">
          <AreaChart
            title="Tendência de MRR"
            data={revenue.points.map((p) => ({ date: p.period, value: p.mrr }))}
            valueLabel="MRR"
            valueFormat={{ kind: 'money', currency }}
            filename="tendencia-mrr"
            emptyMessage="Sem receita no período."
          />
        </div>
      </div>

      <div className="card section mp-root" style={{ marginTop: '1rem' }}>
        <StackedMovementsChart
          title="Movimentações de MRR (clique numa barra para ver os clientes)"
          data={revenue.points.map((p) => ({
            period: p.period,
            new: p.new,
            expansion: p.expansion,
            reactivation: p.reactivation,
            contraction: p.contraction,
            churn: p.churn,
          }))}
          currency={currency}
          formatPeriod={periodLabel}
          onSelect={setSelection}
          filename="movimentacoes-mrr"
          emptyMessage="Nenhuma movimentação de MRR no período."
        />
        <p className="small muted">
          Líquido no período: {f.money(revenue.totals.net, currency)} · novo{' '}
          {f.money(revenue.totals.new, currency)} · expansão {f.money(revenue.totals.expansion, currency)} ·
          reativação {f.money(revenue.totals.reactivation, currency)} · contração −
          {f.money(revenue.totals.contraction, currency)} · cancelamento −
          {f.money(revenue.totals.churn, currency)}
        </p>
        {selection ? (
          <MovementDrillDown
            key={`${selection.type}-${selection.period}`}
            selection={selection}
            bucket={revenue.points.find((p) => p.period === selection.period) ?? null}
            segment={segment}
            onClose={() => setSelection(null)}
          />
        ) : null}
      </div>

      <div className="grid-wide mp-root">
        <div className="card">
          <DonutChart
            title="Clientes por status de assinatura"
            data={status.customers.map((s) => ({
              key: s.status,
              label: statusLabel(s.status === 'none' ? null : s.status),
              value: s.customers,
            }))}
            valueLabel="Clientes"
            filename="status-assinaturas"
            emptyMessage="Nenhum cliente ainda."
          />
        </div>
        <div className="card" id="coortes">
          <div className="page-header">
            <h2>Retenção por coorte</h2>
            <p className="actions">
              <span className="visually-hidden">Medida:</span>
              <Link
                className={`button ${cohortMeasure === 'customers' ? '' : 'secondary'}`}
                to={cohortHref('customers')}
                aria-current={cohortMeasure === 'customers' ? 'true' : undefined}
                preventScrollReset
              >
                Clientes
              </Link>
              <Link
                className={`button ${cohortMeasure === 'mrr' ? '' : 'secondary'}`}
                to={cohortHref('mrr')}
                aria-current={cohortMeasure === 'mrr' ? 'true' : undefined}
                preventScrollReset
              >
                MRR
              </Link>
            </p>
          </div>
          <CohortHeatmap
            title={cohortMeasure === 'mrr' ? 'Retenção de MRR por coorte' : 'Retenção de clientes por coorte'}
            measure={cohortMeasure}
            currency={cohorts.currency}
            data={cohorts.cohorts.map((c) => ({
              cohort: `${c.cohort}-01`,
              size: cohortMeasure === 'mrr' ? c.startingMrr : c.customers,
              values: c.cells.map((cell) =>
                cohortMeasure === 'mrr' ? cell.mrrRetention : cell.customerRetention,
              ),
            }))}
            filename={`coortes-${cohortMeasure}`}
            emptyMessage="Nenhuma coorte nos últimos 12 meses."
          />
        </div>
      </div>
    </section>
  );
}

function MovementDrillDown({
  selection,
  bucket,
  segment,
  onClose,
}: {
  selection: { period: string; type: MovementType };
  bucket: { from: string; to: string } | null;
  segment: AnalyticsSegment;
  onClose: () => void;
}) {
  const fetcher = useFetcher<typeof movementsLoader>();
  const f = useFormat();
  const from = bucket?.from ?? selection.period;
  const to = bucket?.to ?? selection.period;
  const [page, setPage] = useState(1);
  const href = `/analytics/movements?${new URLSearchParams({ type: selection.type, from, to, page: String(page), ...segmentParams(segment) })}`;
  const load = useRef(fetcher.load);
  load.current = fetcher.load;
  useEffect(() => {
    load.current(href);
  }, [href]);
  const data = fetcher.data;
  return (
    <section className="card drilldown" aria-labelledby="drill-title" aria-busy={fetcher.state !== 'idle'}>
      <div className="page-header">
        <h3 id="drill-title">
          {MOVEMENT_LABELS[selection.type]} · {f.date(from)} a {f.date(to)}
        </h3>
        <button type="button" className="secondary" onClick={onClose}>
          Fechar
        </button>
      </div>
      {!data || fetcher.state !== 'idle' ? (
        <p role="status">Carregando clientes…</p>
      ) : 'error' in data ? (
        <p className="field-error" role="alert">
          {data.error}
        </p>
      ) : data.movements.length === 0 ? (
        <p>Nenhum cliente nesta movimentação.</p>
      ) : (
        <>
          <p className="small muted">
            {f.number(data.total)} {data.total === 1 ? 'movimentação' : 'movimentações'} · líquido{' '}
            {f.money(data.netAmount, data.currency)}
          </p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Data</th>
                  <th scope="col">Cliente</th>
                  <th scope="col" className="num">
                    Variação
                  </th>
                  <th scope="col" className="num hide-narrow">
                    Em {data.currency.toUpperCase()}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.movements.map((m) => (
                  <tr key={`${m.stripeCustomerId}-${m.date}-${m.type}`}>
                    <td>{f.date(m.date)}</td>
                    <td>
                      <Link to={`/customers/${encodeURIComponent(m.stripeCustomerId)}`}>
                        {m.customerName || m.customerEmail || m.stripeCustomerId}
                      </Link>
                    </td>
                    <td className="num">{f.money(m.amount, m.customerCurrency)}</td>
                    <td className="num hide-narrow">{f.money(m.reportingAmount, data.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.totalPages > 1 ? (
            <p className="pagination">
              <span className="small muted">
                Página {data.page} de {data.totalPages}
              </span>
              <span className="links">
                <button
                  type="button"
                  className="secondary"
                  disabled={page <= 1}
                  onClick={() => setPage(page - 1)}
                >
                  ← Anterior
                </button>
                <button
                  type="button"
                  className="secondary"
                  disabled={page >= data.totalPages}
                  onClick={() => setPage(page + 1)}
                >
                  Próxima →
                </button>
              </span>
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <RouteError what="os indicadores" />;
}

/** The segment in words, or null for the whole account. */
function segmentLabel(
  segment: AnalyticsSegment,
  productName: (id: string) => string,
  planOf: (id: string) => string,
): string | null {
  const parts = [
    segment.product ? `produto ${productName(segment.product)}` : null,
    segment.price ? `plano ${planOf(segment.price)}` : null,
    segment.currency ? `moeda ${segment.currency}` : null,
    segment.country ? `país ${segment.country}` : null,
    segment.metadataKey ? `${segment.metadataKey} = “${segment.metadataValue}”` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}
