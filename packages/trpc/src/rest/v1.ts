/**
 * The plan's REST API (`/api/v1`) as a thin adapter over the router: each endpoint names a
 * procedure, and the request is answered by calling it through `createCaller` with the same
 * context (auth, roles, validation, audit). Responses are `{ success, data }` in snake_case.
 */
import type { Database } from '@medpro/db';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { ZodError, z } from 'zod';
import { createRequestContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { procedureDefs } from '../introspect.ts';
import { createCaller } from '../root.ts';
import { renameKeys, toCamel, toSnake } from './case.ts';
import { inputFromQuery } from './coerce.ts';
import { openApiDocument } from './openapi.ts';

export interface RestRoute {
  method: 'GET' | 'POST';
  /** Express-style, relative to /api/v1: `/customers/:id`. */
  path: string;
  /** Dotted procedure path, e.g. `customers.list`. */
  procedure: string;
  summary: string;
  tag: string;
  /** 202 for requests that queue work. */
  status?: number;
}

export const REST_ROUTES: RestRoute[] = [
  {
    method: 'GET',
    path: '/customers',
    procedure: 'customers.list',
    summary: 'List customers',
    tag: 'customers',
  },
  {
    method: 'POST',
    path: '/customers/sync',
    procedure: 'sync.start',
    summary: 'Queue a sync from Stripe',
    tag: 'customers',
    status: 202,
  },
  {
    method: 'GET',
    path: '/customers/:id',
    procedure: 'customers.get',
    summary: 'A customer with subscriptions, metrics, invoices and MRR history',
    tag: 'customers',
  },
  {
    method: 'GET',
    path: '/customers/:id/subscriptions',
    procedure: 'customers.subscriptions',
    summary: "A customer's subscriptions",
    tag: 'customers',
  },
  {
    method: 'GET',
    path: '/customers/:id/activity',
    procedure: 'customers.activity',
    summary: "A customer's activity timeline",
    tag: 'customers',
  },
  {
    method: 'GET',
    path: '/analytics/customers/overview',
    procedure: 'analytics.overview',
    summary: 'Dashboard figures against the previous period',
    tag: 'analytics',
  },
  {
    method: 'GET',
    path: '/analytics/customers/growth',
    procedure: 'analytics.growth',
    summary: 'Customer growth by period',
    tag: 'analytics',
  },
  {
    method: 'GET',
    path: '/analytics/customers/cohorts',
    procedure: 'analytics.cohorts',
    summary: 'Customer and MRR retention by signup cohort',
    tag: 'analytics',
  },
  {
    method: 'GET',
    path: '/analytics/customers/churn',
    procedure: 'analytics.churn',
    summary: 'Customer and MRR churn by period',
    tag: 'analytics',
  },
  {
    method: 'GET',
    path: '/analytics/customers/revenue',
    procedure: 'analytics.revenue',
    summary: 'MRR movements by period',
    tag: 'analytics',
  },
];

function match(route: RestRoute, path: string): Record<string, string> | null {
  const want = route.path.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      if (!g) return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) return null;
  }
  return params;
}

function json(body: unknown, status: number, headers?: Headers): Response {
  const h = new Headers(headers);
  h.set('Content-Type', 'application/json; charset=utf-8');
  h.set('Cache-Control', 'no-store');
  return new Response(JSON.stringify(body), { status, headers: h });
}

export function errorBody(code: string, message: string, fields?: Record<string, string[]>) {
  return { success: false as const, error: { code, message, ...(fields ? { fields } : {}) } };
}

/** A thrown procedure error as status + envelope; field names in snake_case. */
export function restError(error: unknown): { status: number; body: ReturnType<typeof errorBody> } {
  const trpc = error instanceof TRPCError ? error : null;
  const cause = trpc?.cause ?? error;
  if (cause instanceof ZodError) {
    const fields = z.flattenError(cause).fieldErrors as Record<string, string[]>;
    const formErrors = z.flattenError(cause).formErrors;
    return {
      status: 400,
      body: errorBody(
        'BAD_REQUEST',
        formErrors[0] ?? 'Invalid input',
        Object.fromEntries(Object.entries(fields).map(([k, v]) => [toSnake(k), v])),
      ),
    };
  }
  if (cause instanceof AppError) {
    const fields =
      cause.fields && Object.fromEntries(Object.entries(cause.fields).map(([k, v]) => [toSnake(k), v]));
    return {
      status: trpc ? getHTTPStatusCodeFromError(trpc) : 500,
      body: errorBody(cause.code, cause.message, fields),
    };
  }
  if (trpc && trpc.code !== 'INTERNAL_SERVER_ERROR') {
    return { status: getHTTPStatusCodeFromError(trpc), body: errorBody(trpc.code, trpc.message) };
  }
  console.error(error);
  return { status: 500, body: errorBody('INTERNAL_SERVER_ERROR', 'Internal error') };
}

type Procedure = (input: unknown) => Promise<unknown>;

function procedureOf(caller: ReturnType<typeof createCaller>, path: string): Procedure {
  let node: unknown = caller;
  for (const part of path.split('.')) node = (node as Record<string, unknown>)[part];
  return node as Procedure;
}

export async function handleRestV1(
  request: Request,
  options: { db: Database; basePath?: string; now?: () => Date },
): Promise<Response> {
  const url = new URL(request.url);
  const base = options.basePath ?? '/api/v1';
  const path = url.pathname.startsWith(base) ? url.pathname.slice(base.length) || '/' : url.pathname;
  if (path === '/openapi.json' && request.method === 'GET') return json(openApiDocument(base), 200);

  const candidates = REST_ROUTES.map((route) => ({ route, params: match(route, path) })).filter(
    (c) => c.params,
  );
  const hit = candidates.find((c) => c.route.method === request.method);
  if (!hit) {
    if (candidates.length) {
      const allow = [...new Set(candidates.map((c) => c.route.method))].join(', ');
      return json(
        errorBody('METHOD_NOT_SUPPORTED', `Use ${allow} for ${path}`),
        405,
        new Headers({ Allow: allow }),
      );
    }
    return json(errorBody('NOT_FOUND', `No endpoint ${request.method} ${base}${path}`), 404);
  }
  const { route, params } = hit;

  const resHeaders = new Headers();
  try {
    const ctx = await createRequestContext({
      db: options.db,
      request,
      resHeaders,
      ...(options.now ? { now: options.now } : {}),
    });
    let input: Record<string, unknown>;
    if (request.method === 'GET') {
      input = inputFromQuery(url.searchParams, procedureDefs()[route.procedure]?.input);
    } else {
      const text = await request.text();
      let body: unknown = {};
      if (text.trim()) {
        try {
          body = JSON.parse(text);
        } catch {
          throw new AppError('BAD_REQUEST', 'The request body is not valid JSON');
        }
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new AppError('BAD_REQUEST', 'The request body must be a JSON object');
      }
      input = renameKeys(body, toCamel) as Record<string, unknown>;
    }
    for (const [k, v] of Object.entries(params!)) input[toCamel(k)] = v;
    const data = await procedureOf(createCaller(ctx), route.procedure)(input);
    return json({ success: true, data: renameKeys(data, toSnake) }, route.status ?? 200, resHeaders);
  } catch (error) {
    // Errors before the procedure (a malformed body) are AppErrors of their own.
    const thrown =
      error instanceof AppError
        ? new TRPCError({ code: error.code, message: error.message, cause: error })
        : error;
    const { status, body } = restError(thrown);
    return json(body, status, resHeaders);
  }
}
