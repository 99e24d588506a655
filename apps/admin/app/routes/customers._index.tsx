import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useLoaderData, useNavigation } from '@remix-run/react';
import { formatDate } from '@medpro/widgets';
import { callerFor } from '~/lib/trpc.server';

export const meta: MetaFunction = () => [{ title: 'Clientes · MedPro' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const search = url.searchParams.get('q') ?? undefined;
  const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
  return (await callerFor(request)).customers.list({ search, page, limit: 20 });
}

export default function Customers() {
  const { customers: items, total } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  return (
    <section aria-busy={navigation.state === 'loading'}>
      <h1>Clientes</h1>
      <Form method="get" role="search" className="toolbar">
        <label htmlFor="q">Buscar</label>
        <input id="q" name="q" type="search" placeholder="Nome, e-mail ou ID do Stripe" />
        <button type="submit">Buscar</button>
      </Form>
      <p>{total.toLocaleString('pt-BR')} clientes</p>
      {items.length === 0 ? (
        <p className="empty-state">Nenhum cliente encontrado. Rode uma sincronização com o Stripe.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Nome</th>
              <th scope="col">E-mail</th>
              <th scope="col">ID Stripe</th>
              <th scope="col">Cliente desde</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.stripeCustomerId}>
                <td>{c.name ?? '—'}</td>
                <td>{c.email ?? '—'}</td>
                <td>
                  <code>{c.stripeCustomerId}</code>
                </td>
                <td>{c.createdAt ? formatDate(c.createdAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
