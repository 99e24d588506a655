import { handleCustomerExport } from '@medpro/trpc';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { parseCustomerQuery } from '~/lib/customer-query';
import { getDb } from '~/lib/db.server';

/** The customer list's current filter as a CSV download, streamed row by row. */
export function loader({ request }: LoaderFunctionArgs) {
  const {
    page: _page,
    limit: _limit,
    sort: _sort,
    order: _order,
    ...filter
  } = parseCustomerQuery(new URL(request.url).searchParams).query;
  return handleCustomerExport(request, { db: getDb(), input: filter });
}
