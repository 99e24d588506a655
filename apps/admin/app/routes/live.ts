import type { LoaderFunctionArgs } from '@remix-run/node';
import { pollStream } from '~/lib/sse.server';
import { callerFor } from '~/lib/trpc.server';

/**
 * The live channel of every open page: a `changed` event whenever the data version moves
 * (events processed, a sync progressing or finishing, metrics recomputed); the page then
 * reloads its loader data (see useLiveRevalidation in root).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await callerFor(request);
  await caller.sync.dataVersion({});
  // The version the page was rendered with: a change in between is signalled at once.
  const since = new URL(request.url).searchParams.get('since');
  return pollStream({
    ...(since ? { baseline: since } : {}),
    poll: async () => (await caller.sync.dataVersion({})).version,
    event: 'changed',
    sendInitial: false,
    intervalMs: 1500,
    signal: request.signal,
  });
}
