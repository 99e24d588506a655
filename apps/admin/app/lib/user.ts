import { useRouteLoaderData } from '@remix-run/react';
import type { ShellUser } from '~/components/Shell';
import type { loader as rootLoader } from '~/root';

/** The signed-in user from the root loader (null on the sign-in page). */
export function useUser(): ShellUser | null {
  return useRouteLoaderData<typeof rootLoader>('root')?.user ?? null;
}
