import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { appRouter } from '@medpro/trpc';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { getDb } from '~/lib/db.server';

function handle({ request }: LoaderFunctionArgs | ActionFunctionArgs) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: request,
    router: appRouter,
    createContext: () => ({ db: getDb() }),
  });
}

export const loader = handle;
export const action = handle;
