import { useRevalidator } from '@remix-run/react';
import { useEffect, useRef } from 'react';

/**
 * Listens to `/live` (server-sent events) and reloads the current page's data — not the
 * page — whenever the server says the data changed (new Stripe events processed, a sync or
 * a metrics rebuild finished). EventSource reconnects by itself after a dropped connection.
 */
export function useLiveRevalidation(enabled: boolean) {
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/live');
    const onChanged = () => revalidate.current();
    source.addEventListener('changed', onChanged);
    return () => {
      source.removeEventListener('changed', onChanged);
      source.close();
    };
  }, [enabled]);
}
