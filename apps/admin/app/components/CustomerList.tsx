import { type Formatter, HealthBadge, useFormat } from '@medpro/widgets';
import { Link } from '@remix-run/react';
import { healthBand, tenure } from '~/lib/labels';
import { StatusBadge } from './ui';

/** What the customers page shows of one customer (the router's list item). */
export interface CustomerRow {
  stripeCustomerId: string;
  email: string | null;
  name: string | null;
  status: string;
  /** MRR in the reporting currency. */
  mrr: number;
  currency: string;
  /** MRR and LTV in the customer's own currency. */
  customerMrr: number;
  customerCurrency: string | null;
  lifetimeValue: number;
  createdAt: Date | string | null;
  healthScore: number | null;
  activeSubscriptions: number;
}

function subscriptions(f: Formatter, n: number): string {
  return n === 1 ? '1 assinatura ativa' : `${f.number(n)} assinaturas ativas`;
}

function money(f: Formatter, minor: number, currency: string | null): string {
  return currency ? f.money(minor, currency) : '—';
}

/** What the customer pays, in their own currency when known. */
function mrrOf(f: Formatter, c: CustomerRow): string {
  return c.customerCurrency ? f.money(c.customerMrr, c.customerCurrency) : f.money(c.mrr, c.currency);
}

export function CustomerCards({ items, now }: { items: CustomerRow[]; now: Date }) {
  const f = useFormat();
  return (
    <ul className="customer-cards">
      {items.map((c) => (
        <li key={c.stripeCustomerId} className={`card customer-card ${healthBand(c.healthScore) ?? ''}`}>
          <div>
            <Link className="name" to={`/customers/${encodeURIComponent(c.stripeCustomerId)}`}>
              {c.name || c.email || c.stripeCustomerId}
            </Link>
            <div className="muted small">{c.email ?? 'sem e-mail'}</div>
          </div>
          <div className="right">
            <StatusBadge status={c.status} /> <strong>{mrrOf(f, c)}/mês</strong>
          </div>
          <div className="small">{subscriptions(f, c.activeSubscriptions)}</div>
          <div className="right small muted">{tenure(c.createdAt, now) ?? ''}</div>
          <div className="small">
            <HealthBadge score={c.healthScore} />
          </div>
          <div className="right small">LTV: {money(f, c.lifetimeValue, c.customerCurrency)}</div>
        </li>
      ))}
    </ul>
  );
}

export function CustomerTable({ items, now }: { items: CustomerRow[]; now: Date }) {
  const f = useFormat();
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Clientes</caption>
        <thead>
          <tr>
            <th scope="col">Nome</th>
            <th scope="col">E-mail</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              MRR
            </th>
            <th scope="col" className="hide-narrow">
              Tempo de cliente
            </th>
            <th scope="col" className="num hide-narrow">
              Assinaturas
            </th>
            <th scope="col" className="num">
              LTV
            </th>
            <th scope="col">Saúde</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.stripeCustomerId}>
              <td>
                <Link to={`/customers/${encodeURIComponent(c.stripeCustomerId)}`}>
                  {c.name || c.stripeCustomerId}
                </Link>
              </td>
              <td>{c.email ?? '—'}</td>
              <td>
                <StatusBadge status={c.status} />
              </td>
              <td className="num">{mrrOf(f, c)}</td>
              <td className="hide-narrow">{tenure(c.createdAt, now) ?? '—'}</td>
              <td className="num hide-narrow">{f.number(c.activeSubscriptions)}</td>
              <td className="num">{money(f, c.lifetimeValue, c.customerCurrency)}</td>
              <td>
                <HealthBadge score={c.healthScore} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
