import { handleRestV1 } from '@medpro/trpc';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { getDb } from '~/lib/db.server';

/** The plan's REST API and its OpenAPI document (/api/v1/openapi.json), answered by the router. */
function handle({ request }: LoaderFunctionArgs | ActionFunctionArgs) {
  return handleRestV1(request, { db: getDb(), basePath: '/api/v1' });
}

export const loader = handle;
export const action = handle;
