/**
 * `npm run size -w @medpro/widgets`: the built bundle's size, raw and gzipped, against the
 * budget. Run `npm run build -w @medpro/widgets` first.
 */
import path from 'node:path';
import { BUNDLE_BUDGET_GZIP_BYTES, bundleSize } from './bundle.ts';

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
