/**
 * The embeddable bundle for tests and benchmarks: build it into a directory of their own,
 * find it through the Vite manifest, measure it against the budget.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** What a host page downloads before a widget can show anything. */
export const BUNDLE_BUDGET_GZIP_BYTES = 80 * 1024;
const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DIST_DIR = path.join(PACKAGE_DIR, 'dist');

/** Runs the package's Vite build (vite.config.ts) into `outDir`; returns the bundle's path. */
export async function buildBundle(outDir: string): Promise<string> {
  const { build } = await import('vite');
  await build({
    root: PACKAGE_DIR,
    configFile: path.join(PACKAGE_DIR, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return bundlePath(outDir);
}

/** The hashed bundle file named by the Vite manifest. */
export function bundlePath(distDir = DEFAULT_DIST_DIR): string {
  const manifestFile = path.join(distDir, '.vite/manifest.json');
  let manifest: Record<string, { file: string; isEntry?: boolean }>;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch {
    throw new Error(`no widget bundle at ${distDir}: run \`npm run build -w @medpro/widgets\` first`);
  }
  const entry = Object.values(manifest).find((e) => e.isEntry);
  if (!entry) throw new Error(`${manifestFile} names no entry`);
  return path.join(distDir, entry.file);
}

export function bundleSize(distDir = DEFAULT_DIST_DIR): { file: string; bytes: number; gzipBytes: number } {
  const file = bundlePath(distDir);
  const code = readFileSync(file);
  return { file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}
