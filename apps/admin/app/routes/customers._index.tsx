import { useFormat } from '@medpro/widgets';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useLocation, useNavigation, useSearchParams } from '@remix-run/react';
import { CustomerCards, CustomerTable } from '~/components/CustomerList';
import { ExportButton } from '~/components/ExportButton';
import { PlanSelect } from '~/components/PlanSelect';
import { EmptyState, PageHeader, Pagination, RouteError, Skeleton } from '~/components/ui';
import { exportHref, parseCustomerQuery, SORT_OPTIONS } from '~/lib/customer-query';
import { HEALTH_OPTIONS, STATUS_OPTIONS, statusLabel } from '~/lib/labels';
import { callerFor } from '~/lib/trpc.server';
import { useUser } from '~/lib/user';

export const meta: MetaFunction = () => [{ title: 'Clientes · MedPro' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const { query, view, problems } = parseCustomerQuery(url.searchParams);
  const caller = await callerFor(request);
  const [list, products] = await Promise.all([caller.customers.list(query), caller.customers.products({})]);
  return { ...list, query, view, problems, products, now: new Date() };
}

export default function Customers() {
  const data = useLoaderData<typeof loader>();
  const { customers: items, total, stats, currency, query, view, problems, products } = data;
  const navigation = useNavigation();
  const f = useFormat();
  const user = useUser();
  const location = useLocation();
  const [params] = useSearchParams();
  const now = new Date(data.now);
  const loading = navigation.state === 'loading' && navigation.location.pathname === location.pathname;
  const viewHref = (v: 'cards' | 'table') => {
    const next = new URLSearchParams(params);
    next.set('view', v);
    return `?${next}`;
  };
  const filtered = Boolean(
    query.search ||
      query.status ||
      query.health ||
      query.product ||
      query.price ||
      query.dateFrom ||
      query.dateTo,
  );

  return (
    <section className="page" aria-busy={loading}>
      <PageHeader title="Clientes">
        {/* Exports are for analysts and admins (viewers see masked data only). */}
        {user && user.role !== 'viewer' ? (
          <ExportButton href={exportHref(params)} total={total} filename="clientes.csv" />
        ) : null}
      </PageHeader>

      <dl className="stats" aria-label="Resumo do filtro">
        <div className="stat">
          <dt>Total</dt>
          <dd>{f.number(stats.total)}</dd>
        </div>
        <div className="stat">
          <dt>Ativos</dt>
          <dd>{f.number(stats.active)}</dd>
        </div>
        <div className="stat">
          <dt>Em risco</dt>
          <dd>{f.number(stats.atRisk)}</dd>
        </div>
        <div className="stat">
          <dt>MRR</dt>
          <dd>{f.money(stats.mrr, currency)}</dd>
        </div>
      </dl>

      <Form method="get" role="search" className="filters card" aria-label="Filtros de clientes">
        <input type="hidden" name="view" value={view} />
        <div className="field grow">
          <label htmlFor="q">Buscar</label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={query.search ?? ''}
            placeholder="Nome, e-mail ou ID do Stripe"
          />
        </div>
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={query.status?.[0] ?? ''}>
            <option value="">Todos</option>
            {STATUS_OPTIONS.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s === 'none' ? null : s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="health">Saúde</label>
          <select id="health" name="health" defaultValue={query.health?.[0] ?? ''}>
            <option value="">Todas</option>
            {HEALTH_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="product">Produto</label>
          <select id="product" name="product" defaultValue={query.product ?? ''}>
            <option value="">Todos</option>
            {products.map((p) => (
              <option key={p.stripeProductId} value={p.stripeProductId}>
                {p.name ?? p.stripeProductId}
              </option>
            ))}
          </select>
        </div>
        <PlanSelect products={products} value={query.price} />
        <div className="field">
          <label htmlFor="from">Cadastro de</label>
          <input id="from" name="from" type="date" defaultValue={params.get('from') ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="to">até</label>
          <input id="to" name="to" type="date" defaultValue={params.get('to') ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="sort">Ordenar por</label>
          <select id="sort" name="sort" defaultValue={query.sort}>
            {SORT_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="order">Ordem</label>
          <select id="order" name="order" defaultValue={query.order}>
            <option value="desc">Decrescente</option>
            <option value="asc">Crescente</option>
          </select>
        </div>
        <button type="submit">Buscar</button>
        {filtered ? (
          <Link to={`?view=${view}`} className="button secondary">
            Limpar
          </Link>
        ) : null}
      </Form>

      {problems.length ? (
        <div className="notice error" role="status">
          {problems.map((p) => (
            <div key={p}>{p}</div>
          ))}
        </div>
      ) : null}

      <div className="page-header">
        <p className="muted" role="status">
          {f.number(total)} {total === 1 ? 'cliente encontrado' : 'clientes encontrados'}
        </p>
        <p className="actions">
          <span className="visually-hidden">Visualização:</span>
          <Link
            className={`button ${view === 'cards' ? '' : 'secondary'}`}
            to={viewHref('cards')}
            aria-current={view === 'cards' ? 'page' : undefined}
          >
            Cartões
          </Link>
          <Link
            className={`button ${view === 'table' ? '' : 'secondary'}`}
            to={viewHref('table')}
            aria-current={view === 'table' ? 'page' : undefined}
          >
            Tabela
          </Link>
        </p>
      </div>

      {loading && items.length === 0 ? (
        <Skeleton lines={6} />
      ) : items.length === 0 ? (
        filtered ? (
          <EmptyState title="Nenhum cliente corresponde ao filtro">
            <p>
              Ajuste os filtros ou <Link to={`?view=${view}`}>limpe todos</Link>.
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="Ainda não há clientes">
            <p>
              Os clientes aparecem aqui depois da primeira <Link to="/sync">sincronização com o Stripe</Link>.
            </p>
          </EmptyState>
        )
      ) : view === 'table' ? (
        <CustomerTable items={items} now={now} />
      ) : (
        <CustomerCards items={items} now={now} />
      )}

      {total > query.limit ? <Pagination page={query.page} limit={query.limit} total={total} /> : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <RouteError what="a lista de clientes" />;
}
