import { AreaChart, type Formatter, HealthBadge, useFormat } from '@medpro/widgets';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useNavigation } from '@remix-run/react';
import { Fragment } from 'react';
import { PageHeader, Pagination, RouteError, StatusBadge } from '~/components/ui';
import { readAppError } from '~/lib/app-error.server';
import { env } from '~/lib/env.server';
import { activityLabel, activityTone, billingInterval, stripeDashboardUrl, tenure } from '~/lib/labels';
import { mrrHistoryPoints } from '~/lib/mrr-history';
import { callerFor } from '~/lib/trpc.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.detail.customer.name || data?.detail.customer.stripeCustomerId || 'Cliente'} · MedPro` },
];

const ACTIVITY_PAGE = 15;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = params.id ?? '';
  const url = new URL(request.url);
  const activityPage = Math.max(1, Math.floor(Number(url.searchParams.get('atividades'))) || 1);
  const caller = await callerFor(request);
  try {
    const [detail, all, activity] = await Promise.all([
      caller.customers.get({ id }),
      caller.customers.subscriptions({ id, status: 'all' }),
      caller.customers.activity({ id, page: activityPage, limit: ACTIVITY_PAGE }),
    ]);
    const live = new Set(detail.subscriptions.map((s) => s.stripeSubscriptionId));
    const today = new Date().toISOString().slice(0, 10);
    return {
      detail,
      past: all.subscriptions.filter((s) => !live.has(s.stripeSubscriptionId)),
      activity,
      history: mrrHistoryPoints(detail.mrrHistory, today, detail.customer.currency),
      stripeUrl: stripeDashboardUrl(detail.customer.stripeCustomerId, env.stripeTestMode),
      now: new Date(),
    };
  } catch (error) {
    const known = readAppError(error);
    // An unknown or malformed id is a 404 page, not a crash.
    if (known && (known.status === 404 || known.status === 400)) {
      throw new Response(`Não há cliente com o ID “${id}”.`, { status: 404, statusText: 'Not Found' });
    }
    throw error;
  }
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Subscription = Data['detail']['subscriptions'][number];

function money(f: Formatter, minor: number | null, currency: string | null): string {
  return minor === null || !currency ? '—' : f.money(minor, currency);
}

function day(f: Formatter, value: string | Date | null): string {
  return value ? f.date(value) : '—';
}

function SubscriptionsTable({ subscriptions, past }: { subscriptions: Subscription[]; past: boolean }) {
  const f = useFormat();
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Itens</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Mensal
            </th>
            <th scope="col">Início</th>
            <th scope="col">{past ? 'Encerrada em' : 'Renovação / fim'}</th>
            <th scope="col" className="hide-narrow">
              Teste até
            </th>
          </tr>
        </thead>
        <tbody>
          {subscriptions.map((s) => (
            <tr key={s.stripeSubscriptionId}>
              <td>
                <ul style={{ margin: 0, paddingLeft: '1rem' }}>
                  {s.items.map((i, n) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: items of one subscription keep their order
                    <li key={n}>
                      {i.quantity > 1 ? `${i.quantity} × ` : ''}
                      {i.productName || i.priceNickname || i.stripePriceId || 'Item'} —{' '}
                      {/* Tiered prices have no unit amount: the monthly total says it. */}
                      {i.unitAmount === null
                        ? `preço escalonado, ${billingInterval(i.interval, i.intervalCount)}`
                        : `${money(f, i.unitAmount, s.currency)} ${billingInterval(i.interval, i.intervalCount)}`}
                    </li>
                  ))}
                </ul>
                <span className="mono muted">{s.stripeSubscriptionId}</span>
              </td>
              <td>
                <StatusBadge status={s.status} />
              </td>
              <td className="num">{money(f, s.monthlyAmount, s.currency)}</td>
              <td>{day(f, s.startDate)}</td>
              <td>
                {past
                  ? day(f, s.endedAt ?? s.canceledAt)
                  : s.renewsAt
                    ? `renova em ${day(f, s.renewsAt)}`
                    : s.cancelAt || s.cancelAtPeriodEnd
                      ? `cancela em ${day(f, s.cancelAt ?? s.currentPeriodEnd)}`
                      : '—'}
              </td>
              <td className="hide-narrow">{day(f, s.trialEnd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function CustomerDetail() {
  const { detail, past, activity, history, stripeUrl, now } = useLoaderData<typeof loader>();
  const f = useFormat();
  const navigation = useNavigation();
  const { customer: c, paymentMethod: pm, metrics, invoices } = detail;
  const address = [
    c.address.line1,
    c.address.line2,
    c.address.city,
    c.address.state,
    c.address.postalCode,
    c.address.country,
  ]
    .filter(Boolean)
    .join(', ');
  const factors = [...(metrics?.healthFactors ?? [])]
    .filter((x) => x.impact !== 0)
    .sort((a, b) => a.impact - b.impact);
  const riskFactors = [...(metrics?.churnRiskFactors ?? [])]
    .filter((x) => x.impact !== 0)
    .sort((a, b) => b.impact - a.impact);
  const currency = c.customerCurrency ?? c.currency;

  return (
    <section className="page" aria-busy={navigation.state === 'loading'}>
      <p className="small">
        <Link to="/customers">← Clientes</Link>
      </p>
      <PageHeader
        title={
          <>
            {c.name || c.email || c.stripeCustomerId} <StatusBadge status={c.status} />
          </>
        }
      >
        <a className="button secondary" href={stripeUrl} target="_blank" rel="noreferrer noopener">
          Abrir no Stripe ↗
        </a>
      </PageHeader>
      {c.erased ? (
        <p className="notice">Os dados pessoais deste cliente foram apagados (LGPD/GDPR).</p>
      ) : null}

      <div className="grid section">
        <section className="card" aria-labelledby="overview">
          <h2 id="overview">Visão geral</h2>
          <dl className="facts">
            <dt>E-mail</dt>
            <dd>{c.email ?? '—'}</dd>
            <dt>Telefone</dt>
            <dd>{c.phone ?? '—'}</dd>
            <dt>Cliente desde</dt>
            <dd>
              {day(f, c.createdAt)}{' '}
              {c.createdAt ? <span className="muted">({tenure(c.createdAt, new Date(now))})</span> : null}
            </dd>
            <dt>MRR</dt>
            <dd>
              {money(f, c.customerMrr, c.customerCurrency)}
              {c.customerCurrency && c.customerCurrency.toUpperCase() !== c.currency.toUpperCase() ? (
                <span className="muted"> ({money(f, c.mrr, c.currency)})</span>
              ) : null}
            </dd>
            <dt>LTV</dt>
            <dd>{money(f, c.lifetimeValue, c.customerCurrency)}</dd>
            <dt>Moeda</dt>
            <dd>{c.customerCurrency?.toUpperCase() ?? '—'}</dd>
            <dt>Saldo Stripe</dt>
            <dd>{money(f, c.balance, currency)}</dd>
            <dt>Endereço</dt>
            <dd>{address || '—'}</dd>
            <dt>ID Stripe</dt>
            <dd className="mono">{c.stripeCustomerId}</dd>
            {Object.entries(c.metadata).map(([key, value]) => (
              <Fragment key={key}>
                <dt>
                  <span className="visually-hidden">Metadado </span>
                  <span className="mono">{key}</span>
                </dt>
                <dd>{value}</dd>
              </Fragment>
            ))}
          </dl>
        </section>

        <section className="card mp-root" aria-labelledby="health">
          <h2 id="health">Saúde</h2>
          <p>
            <HealthBadge score={c.healthScore} />{' '}
            <span>
              Risco de churn: <strong>{c.churnRiskScore === null ? '—' : f.percent(c.churnRiskScore)}</strong>
            </span>
          </p>
          {factors.length ? (
            <>
              <h3>Fatores do score</h3>
              <ul className="small">
                {factors.map((x) => (
                  <li key={x.factor}>
                    {x.label}: <strong>{x.impact > 0 ? `+${x.impact}` : x.impact}</strong>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="muted small">Nenhum fator reduz o score.</p>
          )}
          {riskFactors.length ? (
            <>
              <h3>Fatores de risco</h3>
              <ul className="small">
                {riskFactors.map((r) => (
                  <li key={r.factor}>
                    {r.label}: <strong>+{f.percent(r.impact)}</strong>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {metrics ? (
            <p className="small muted">
              Calculado em {day(f, metrics.metricDate)} · último pagamento {day(f, metrics.lastPaymentDate)}
            </p>
          ) : (
            <p className="small muted">Métricas ainda não calculadas.</p>
          )}
        </section>

        <section className="card" aria-labelledby="payment">
          <h2 id="payment">Forma de pagamento</h2>
          {pm ? (
            <dl className="facts">
              <dt>Tipo</dt>
              <dd>{pm.brand ? pm.brand.toUpperCase() : pm.type}</dd>
              <dt>Final</dt>
              <dd>{pm.last4 ? `•••• ${pm.last4}` : '—'}</dd>
              <dt>Validade</dt>
              <dd>
                {pm.expMonth && pm.expYear ? `${String(pm.expMonth).padStart(2, '0')}/${pm.expYear}` : '—'}
              </dd>
            </dl>
          ) : (
            <p className="muted">Nenhuma forma de pagamento cadastrada.</p>
          )}
        </section>
      </div>

      <section className="section" aria-labelledby="subs">
        <h2 id="subs">Assinaturas ativas</h2>
        {detail.subscriptions.length ? (
          <SubscriptionsTable subscriptions={detail.subscriptions} past={false} />
        ) : (
          <p className="empty-state">Nenhuma assinatura ativa.</p>
        )}
      </section>
      {past.length ? (
        <section className="section" aria-labelledby="past">
          <h2 id="past">Assinaturas anteriores</h2>
          <SubscriptionsTable subscriptions={past} past />
        </section>
      ) : null}

      <div className="grid-wide section">
        <section className="card mp-root" aria-labelledby="mrr-history">
          <h2 id="mrr-history">Histórico de MRR</h2>
          <AreaChart
            title={`MRR de ${c.name || c.stripeCustomerId}`}
            data={history.points}
            valueLabel="MRR"
            valueFormat={{ kind: 'money', currency: history.currency }}
            filename={`mrr-${c.stripeCustomerId}`}
            emptyMessage="Este cliente ainda não teve MRR."
          />
        </section>
        <section className="card" aria-labelledby="invoices">
          <h2 id="invoices">Faturas</h2>
          {invoices.length ? (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Data</th>
                    <th scope="col">Número</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Total
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {invoices.map((i) => (
                    <tr key={i.stripeInvoiceId}>
                      <td>{day(f, i.createdAt)}</td>
                      <td className="mono">{i.number ?? i.stripeInvoiceId}</td>
                      <td>
                        <span
                          className={`badge ${i.status === 'paid' ? 'good' : i.status === 'open' ? 'warning' : i.status === 'uncollectible' ? 'risk' : ''}`}
                        >
                          {INVOICE_STATUS[i.status ?? ''] ?? i.status ?? '—'}
                        </span>
                      </td>
                      <td className="num">{f.money(i.total, i.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">Nenhuma fatura.</p>
          )}
        </section>
      </div>

      <section className="card section" aria-labelledby="timeline">
        <h2 id="timeline">Linha do tempo</h2>
        {activity.activities.length ? (
          <ol className="timeline">
            {activity.activities.map((a) => (
              <li key={a.id}>
                <time className="small muted" dateTime={a.date ? new Date(a.date).toISOString() : undefined}>
                  {day(f, a.date)}
                </time>
                <div>
                  <span className={`badge ${activityTone(a.type)}`}>{activityLabel(a.type)}</span>{' '}
                  {a.description ?? ''}
                </div>
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">Nenhuma atividade registrada.</p>
        )}
        {activity.total > ACTIVITY_PAGE ? (
          <Pagination page={activity.page} limit={ACTIVITY_PAGE} total={activity.total} param="atividades" />
        ) : null}
      </section>
    </section>
  );
}

const INVOICE_STATUS: Record<string, string> = {
  paid: 'Paga',
  open: 'Em aberto',
  draft: 'Rascunho',
  void: 'Anulada',
  uncollectible: 'Incobrável',
};

export function ErrorBoundary() {
  return <RouteError what="este cliente" />;
}
