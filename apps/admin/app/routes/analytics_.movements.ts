import type { LoaderFunctionArgs } from '@remix-run/node';
import { parseAnalyticsSegment } from '~/lib/analytics-range';
import { readAppError } from '~/lib/app-error.server';
import { callerFor } from '~/lib/trpc.server';

const TYPES = ['new', 'expansion', 'reactivation', 'contraction', 'churn'] as const;

/** The customers behind one MRR movement bar (the analytics page's drill-down panel). */
export async function loader({ request }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const type = TYPES.find((t) => t === params.get('type'));
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const page = Math.max(1, Math.floor(Number(params.get('page'))) || 1);
  const caller = await callerFor(request);
  try {
    const { segment } = parseAnalyticsSegment(params);
    return await caller.analytics.movements({
      ...(type ? { type } : {}),
      from,
      to,
      page,
      limit: 25,
      ...segment,
    });
  } catch (error) {
    const known = readAppError(error);
    if (known?.status === 400) return { error: `Pedido inválido: ${known.message}` };
    throw error;
  }
}
