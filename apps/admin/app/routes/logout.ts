import { createCaller } from '@medpro/trpc';
import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { contextFor } from '~/lib/trpc.server';

/** POST /logout: ends the session (the row and the cookie). GET does nothing, so a link cannot sign anyone out. */
export async function action({ request }: ActionFunctionArgs) {
  const ctx = await contextFor(request);
  if (ctx.principal?.type === 'user') await createCaller(ctx).auth.signOut({});
  return redirect('/login', { headers: ctx.resHeaders });
}

export const loader = () => redirect('/customers');
