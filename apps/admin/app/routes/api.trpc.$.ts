import { handleTrpcRequest } from '@medpro/trpc';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { getDb } from '~/lib/db.server';

/** The router over HTTP (session cookie or Bearer token; CORS for the widget origins). */
function handle({ request }: LoaderFunctionArgs | ActionFunctionArgs) {
  return handleTrpcRequest(request, { db: getDb(), endpoint: '/api/trpc' });
}

export const loader = handle;
export const action = handle;
