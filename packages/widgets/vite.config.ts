import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The embeddable bundle: one ES module with React, the charts and the elements inside, named
 * by content hash for long caching; dist/.vite/manifest.json tells the admin app its name.
 * Built as an app entry rather than in library mode: library mode keeps whitespace in ES output
 * (for re-bundlers), which costs ~9 kB gzipped in a file browsers load as is (decision 005).
 */
export default defineConfig({
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  // Production JSX whatever NODE_ENV the build runs under (tests run it with NODE_ENV=test).
  esbuild: { jsxDev: false },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    target: 'es2022',
    modulePreload: false,
    rollupOptions: {
      input: fileURLToPath(new URL('src/elements/index.ts', import.meta.url)),
      // Keep the entry's exports (defineMedProElements) for pages that import the module.
      preserveEntrySignatures: 'strict',
      output: { format: 'es', entryFileNames: 'medpro-widgets.[hash].js' },
    },
  },
});
