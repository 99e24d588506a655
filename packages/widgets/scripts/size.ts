/**
 * `npm run size -w @medpro/widgets`: the built bundle's size, raw and gzipped, against the
 * budget. Run `npm run build -w @medpro/widgets` first. The benchmark suite imports it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** What a host page downloads before a widget can show anything. */
export const BUNDLE_BUDGET_GZIP_BYTES = 80 * 1024;
export const DEFAULT_DIST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');

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

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { file, bytes, gzipBytes } = bundleSize();
    const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
    const within = gzipBytes <= BUNDLE_BUDGET_GZIP_BYTES;
    console.log(
      `${path.basename(file)}: ${kb(bytes)} raw, ${kb(gzipBytes)} gzipped (budget ${kb(BUNDLE_BUDGET_GZIP_BYTES)}: ${within ? 'within' : 'OVER'})`,
    );
    process.exitCode = within ? 0 : 1;
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
  }
}
