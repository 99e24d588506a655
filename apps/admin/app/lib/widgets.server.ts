import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { env } from './env.server';

/** The stable name pages may use; it redirects to the current hashed file. */
export const WIDGET_ALIAS = 'medpro-widgets.js';

export interface WidgetBundle {
  /** The hashed file name, e.g. medpro-widgets.DNzqIcyh.js */
  file: string;
  code: string;
}

let cached: WidgetBundle | undefined;

/**
 * The bundle `npm run build -w @medpro/widgets` wrote, found through its Vite manifest; null
 * when it has not been built. Read once in production, on every request in development.
 */
export function widgetBundle(): WidgetBundle | null {
  if (cached && env.NODE_ENV === 'production') return cached;
  const require = createRequire(import.meta.url);
  const dist = path.join(path.dirname(require.resolve('@medpro/widgets/package.json')), 'dist');
  try {
    const manifest = JSON.parse(readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8')) as Record<
      string,
      { file: string; isEntry?: boolean }
    >;
    const entry = Object.values(manifest).find((e) => e.isEntry);
    if (!entry) return null;
    cached = { file: entry.file, code: readFileSync(path.join(dist, entry.file), 'utf8') };
    return cached;
  } catch {
    return null;
  }
}

/** The cache-busted URL of the bundle, for pages of this app that embed widgets. */
export function widgetScriptUrl(): string {
  const bundle = widgetBundle();
  return `/widgets/${bundle?.file ?? WIDGET_ALIAS}`;
}
