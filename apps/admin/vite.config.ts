import path from 'node:path';
import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig } from 'vite';

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  resolve: { alias: { '~': path.resolve(__dirname, 'app') } },
  server: { port: Number(process.env.PORT ?? 3000) },
  plugins: [
    remix({
      // Tests build into a temporary directory so they never serve a stale build.
      buildDirectory: process.env.REMIX_BUILD_DIR ?? 'build',
      // Tests may sit beside route modules; they are not routes (and import server-only helpers).
      ignoredRouteFiles: ['**/*.test.*'],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
});
