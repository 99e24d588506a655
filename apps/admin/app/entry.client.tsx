import { RemixBrowser } from '@remix-run/react';
import { StrictMode, startTransition } from 'react';
import { hydrateRoot } from 'react-dom/client';

/**
 * Resolves once Remix has decoded the loader data streamed into the page (single fetch).
 *
 * RemixBrowser decodes it on its first render and suspends until then. A click or key press
 * before hydration makes React 18 hydrate synchronously, and a synchronous render that suspends
 * outside a Suspense boundary throws "Root did not complete" (#345) and leaves the page
 * unhydrated (remix-run/remix#10214). Calling the component once starts the decoding and throws
 * what it suspends on, before it reaches any hook; hydrating after that never suspends.
 */
async function streamedDataDecoded(): Promise<void> {
  try {
    RemixBrowser({});
  } catch (suspendedOn) {
    // Anything else (a decoding error) is thrown again by the real render, into the error boundary.
    if (suspendedOn instanceof Promise) await suspendedOn;
  }
}

void streamedDataDecoded().then(() => {
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
});
