import { useFormat } from '@medpro/widgets';
import { isRouteErrorResponse, Link, useLocation, useRouteError } from '@remix-run/react';
import type { ReactNode } from 'react';
import { statusLabel, statusTone } from '~/lib/labels';

export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children ? <div className="actions">{children}</div> : null}
    </div>
  );
}

export function StatusBadge({ status }: { status: string | null }) {
  return <span className={`badge ${statusTone(status)}`}>{statusLabel(status)}</span>;
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

export function Skeleton({ lines = 3 }: { lines?: number }) {
  return (
    <div aria-hidden="true">
      {Array.from({ length: lines }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have no identity
        <div key={i} className="skeleton" style={{ margin: '0.5rem 0', width: `${90 - i * 12}%` }} />
      ))}
    </div>
  );
}

/** Previous / next links that keep every other search parameter (filters stay shareable). */
export function Pagination({
  page,
  limit,
  total,
  param = 'page',
}: {
  page: number;
  limit: number;
  total: number;
  /** The search parameter holding the page, when a page has more than one paged list. */
  param?: string;
}) {
  const location = useLocation();
  const f = useFormat();
  const pages = Math.max(1, Math.ceil(total / limit));
  const href = (p: number) => {
    const params = new URLSearchParams(location.search);
    params.set(param, String(p));
    return `${location.pathname}?${params}`;
  };
  return (
    <nav className="pagination" aria-label="Paginação">
      <span className="muted small">
        Página {f.number(page)} de {f.number(pages)}
      </span>
      <span className="links">
        <Link
          className="button secondary"
          to={href(page - 1)}
          aria-disabled={page <= 1}
          tabIndex={page <= 1 ? -1 : undefined}
          rel="prev"
        >
          ← Anterior
        </Link>
        <Link
          className="button secondary"
          to={href(page + 1)}
          aria-disabled={page >= pages}
          tabIndex={page >= pages ? -1 : undefined}
          rel="next"
        >
          Próxima →
        </Link>
      </span>
    </nav>
  );
}

const STATUS_HELP: Record<number, { title: string; text: string }> = {
  400: { title: 'Pedido inválido', text: 'Algum parâmetro da página não é válido. Confira os filtros.' },
  401: { title: 'Sessão expirada', text: 'Entre novamente para continuar.' },
  403: {
    title: 'Acesso restrito',
    text: 'Seu papel não permite ver esta página. Peça acesso a um administrador.',
  },
  404: { title: 'Não encontrado', text: 'O que você procurava não existe ou foi removido.' },
  409: { title: 'Conflito', text: 'Outra operação está em andamento. Tente de novo em instantes.' },
  429: { title: 'Muitas tentativas', text: 'Aguarde um pouco antes de tentar de novo.' },
};

/** The per-route error boundary: a helpful message instead of a blank page. */
export function RouteError({ what }: { what: string }) {
  const error = useRouteError();
  const location = useLocation();
  if (isRouteErrorResponse(error)) {
    const help = STATUS_HELP[error.status] ?? {
      title: `Erro ${error.status}`,
      text: `Não foi possível carregar ${what}.`,
    };
    const detail = typeof error.data === 'string' && error.data !== help.text ? error.data : null;
    return (
      <section className="error-state" role="alert">
        <h1>{help.title}</h1>
        <p>{help.text}</p>
        {detail ? <p className="muted">{detail}</p> : null}
        <p>
          {error.status === 401 ? (
            <Link to={`/login?redirectTo=${encodeURIComponent(location.pathname + location.search)}`}>
              Entrar
            </Link>
          ) : (
            <Link to="/customers">Voltar para Clientes</Link>
          )}
        </p>
      </section>
    );
  }
  return (
    <section className="error-state" role="alert">
      <h1>Algo deu errado</h1>
      <p>
        Não foi possível carregar {what}. Tente recarregar a página; se persistir, veja os logs do servidor.
      </p>
      <p>
        <Link to={location.pathname + location.search} reloadDocument>
          Recarregar
        </Link>
      </p>
    </section>
  );
}
