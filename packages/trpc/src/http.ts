/**
 * The router over HTTP (fetch API Request → Response), used by the admin app's resource routes:
 * /api/trpc (with CORS for the widget origins), and the streamed CSV export.
 */
import type { Database } from '@medpro/db';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createRequestContext } from './context.ts';
import { procedureDefs } from './introspect.ts';
import { inputFromQuery } from './rest/coerce.ts';
import { restError } from './rest/v1.ts';
import { appRouter, createCaller } from './root.ts';
import { readWidgetOrigins } from './settings.ts';

/** Widgets embedded on the allowed origins call /api/trpc cross-origin with an embed token (no cookies). */
async function corsHeaders(db: Database, request: Request): Promise<Headers> {
  const headers = new Headers();
  const origin = request.headers.get('origin');
  if (origin && (await readWidgetOrigins(db)).includes(origin)) {
    headers.set('Access-Control-Allow-Origin', origin);
    headers.set('Access-Control-Allow-Methods', 'GET, OPTIONS');
    headers.set('Access-Control-Allow-Headers', 'authorization, content-type, trpc-accept');
    headers.set('Access-Control-Max-Age', '600');
  }
  headers.set('Vary', 'Origin');
  return headers;
}

export async function handleTrpcRequest(
  request: Request,
  options: { db: Database; endpoint?: string; now?: () => Date },
): Promise<Response> {
  const cors = await corsHeaders(options.db, request);
  if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
  const response = await fetchRequestHandler({
    endpoint: options.endpoint ?? '/api/trpc',
    req: request,
    router: appRouter,
    createContext: ({ resHeaders }) =>
      createRequestContext({
        db: options.db,
        request,
        resHeaders,
        ...(options.now ? { now: options.now } : {}),
      }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'}:`, error.cause ?? error);
    },
  });
  for (const [k, v] of cors) response.headers.set(k, v);
  return response;
}

/**
 * `GET …/customers.csv?<list filters>`: every matching customer as CSV, streamed row by row
 * from the repository's keyset iterator (memory stays flat at any size).
 */
export async function handleCustomerExport(
  request: Request,
  /** `input`: the filter already read from the request (else the query string, named like the procedure's input). */
  options: { db: Database; input?: unknown; now?: () => Date },
): Promise<Response> {
  const resHeaders = new Headers();
  try {
    const ctx = await createRequestContext({
      db: options.db,
      request,
      resHeaders,
      ...(options.now ? { now: options.now } : {}),
    });
    const input =
      options.input ??
      inputFromQuery(new URL(request.url).searchParams, procedureDefs()['customers.export']?.input);
    const lines = await createCaller(ctx).customers.export(
      input as Parameters<ReturnType<typeof createCaller>['customers']['export']>[0],
    );
    const iterator = lines[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        // A few hundred rows per chunk: fewer, larger writes than one per row.
        let chunk = '';
        for (let i = 0; i < 500; i++) {
          const next = await iterator.next();
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += next.value;
        }
        controller.enqueue(encoder.encode(chunk));
      },
      async cancel() {
        await iterator.return?.();
      },
    });
    const stamp = (options.now?.() ?? new Date()).toISOString().slice(0, 10);
    resHeaders.set('Content-Type', 'text/csv; charset=utf-8');
    resHeaders.set('Content-Disposition', `attachment; filename="customers-${stamp}.csv"`);
    resHeaders.set('Cache-Control', 'no-store');
    return new Response(body, { status: 200, headers: resHeaders });
  } catch (error) {
    const { status, body } = restError(error);
    resHeaders.set('Content-Type', 'application/json; charset=utf-8');
    return new Response(JSON.stringify(body), { status, headers: resHeaders });
  }
}
