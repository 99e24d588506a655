import { createCaller, DEFAULT_DISPLAY_SETTINGS } from '@medpro/trpc';
import { DEFAULT_DISPLAY, FormatProvider } from '@medpro/widgets';
import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from '@remix-run/react';
import { Shell, type ShellUser } from '~/components/Shell';
import { RouteError } from '~/components/ui';
import { useLiveRevalidation } from '~/lib/live';
import { contextFor } from '~/lib/trpc.server';
import { useUser } from '~/lib/user';
import styles from '~/styles/app.css?url';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  // The shared chart components' stylesheet (the widgets put the same CSS in their shadow roots).
  { rel: 'stylesheet', href: '/chart.css' },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

/** Who is signed in, for the header; pages enforce access themselves through the router. */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await contextFor(request);
  const { principal } = ctx;
  const user: ShellUser | null =
    principal?.type === 'user'
      ? { email: principal.email, name: principal.name, role: principal.role }
      : null;
  // The data version this page shows; the live channel signals when it moves on.
  const caller = principal ? createCaller(ctx) : null;
  const [version, display] = caller
    ? await Promise.all([
        caller.sync.dataVersion({}).then((v) => v.version),
        caller.admin.settings.display({}),
      ])
    : [null, DEFAULT_DISPLAY_SETTINGS];
  return { user, version, display };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const user = useUser();
  const data = useRouteLoaderData<typeof loader>('root');
  useLiveRevalidation(data?.version ?? null);
  // Money and dates everywhere follow the display setting (the labels stay in Portuguese).
  const display = data?.display ?? DEFAULT_DISPLAY;
  return (
    <html lang="pt-BR">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="mp-root">
        <FormatProvider display={display}>
          <Shell user={user}>{children}</Shell>
        </FormatProvider>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <RouteError what="a página" />;
}
