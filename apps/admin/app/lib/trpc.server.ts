import { type Context, createCaller, createRequestContext } from '@medpro/trpc';
import { redirect } from '@remix-run/node';
import { getDb } from './db.server';

/** The request's context: who is calling (session cookie or Bearer token), from where. */
export function contextFor(request: Request): Promise<Context> {
  return createRequestContext({ db: getDb(), request });
}

/** Where to come back to after signing in: a path on this app only. */
export function safeNext(value: string | null | undefined): string {
  return value?.startsWith('/') && !value.startsWith('//') ? value : '/customers';
}

/**
 * The router, called in-process by loaders and actions (no HTTP hop), as the signed-in user.
 * Without a valid session the page redirects to /login (and back afterwards); a cross-site
 * form post is refused with 403.
 */
export async function callerFor(request: Request) {
  const ctx = await contextFor(request);
  if (ctx.authError?.code === 'FORBIDDEN') throw new Response(ctx.authError.message, { status: 403 });
  if (!ctx.principal) {
    const url = new URL(request.url);
    const next = request.method === 'GET' ? `${url.pathname}${url.search}` : url.pathname;
    throw redirect(`/login?next=${encodeURIComponent(next)}`, { headers: ctx.resHeaders });
  }
  return createCaller(ctx);
}
