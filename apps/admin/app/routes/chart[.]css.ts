import { CHART_CSS } from '@medpro/widgets';

/** The chart components' stylesheet, served once for every page. */
export function loader() {
  return new Response(CHART_CSS, {
    headers: { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' },
  });
}
