import type { LoaderFunctionArgs } from '@remix-run/node';
import { pollStream } from '~/lib/sse.server';
import { callerFor } from '~/lib/trpc.server';

/** Live sync status for the sync page: `status` events whenever the run's state changes. */
export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await callerFor(request);
  // Fails here (401/403) before the stream opens, so EventSource gets a real error status.
  await caller.sync.status({});
  return pollStream({ poll: () => caller.sync.status({}), event: 'status', signal: request.signal });
}
