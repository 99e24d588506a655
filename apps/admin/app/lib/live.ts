import { useRevalidator } from '@remix-run/react';
import { useEffect, useRef } from 'react';

/**
 * Listens to `/live` (server-sent events) and reloads the current page's data — not the
 * page — whenever the server says the data changed (new Stripe events processed, a sync or
 * a metrics rebuild finished). EventSource reconnects by itself after a dropped connection.
 */
export function useLiveRevalidation(version: string | null) {
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  // The version the page was rendered with, so a change before the stream opens is not missed.
  const since = useRef(version);
  since.current = version;
  const enabled = version !== null;
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource(`/live?since=${encodeURIComponent(since.current ?? '')}`);
    const onChanged = () => revalidate.current();
    source.addEventListener('changed', onChanged);
    return () => {
      source.removeEventListener('changed', onChanged);
      source.close();
    };
  }, [enabled]);
}
