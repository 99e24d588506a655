import type { LoaderFunctionArgs } from '@remix-run/node';
import { WIDGET_ALIAS, widgetBundle } from '~/lib/widgets.server';

// Other sites load the bundle as a module script, which browsers fetch in CORS mode.
const PUBLIC = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };

/**
 * `/widgets/medpro-widgets.<hash>.js`: the embeddable bundle, cached for a year (its name
 * changes with its content). `/widgets/medpro-widgets.js` redirects to it and is never cached.
 */
export function loader({ params }: LoaderFunctionArgs) {
  const bundle = widgetBundle();
  if (!bundle) {
    return new Response('The widget bundle is not built: run `npm run build`.\n', {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
  if (params.file === WIDGET_ALIAS) {
    return new Response(null, {
      status: 302,
      headers: { ...PUBLIC, Location: `/widgets/${bundle.file}`, 'Cache-Control': 'no-cache' },
    });
  }
  if (params.file === bundle.file) {
    return new Response(bundle.code, {
      headers: {
        ...PUBLIC,
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': 'public, max-age=31536000, immutable',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  }
  return new Response('Not found\n', {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}
