import type { WidgetConfig } from './client.ts';

/** The optional page-wide configuration: `window.MedProWidgets = { token, apiBase }`. */
export interface MedProWidgetsGlobal {
  token?: string;
  apiBase?: string;
}

declare global {
  interface Window {
    MedProWidgets?: MedProWidgetsGlobal;
  }
}

/** Where the bundle was loaded from: the admin app serves it, so that is the API's origin too. */
function scriptOrigin(): string {
  try {
    const origin = new URL(import.meta.url).origin;
    return origin === 'null' ? '' : origin;
  } catch {
    return '';
  }
}

/** Attributes win over the page-wide object; the API defaults to the bundle's own origin. */
export function readConfig(element: Element): WidgetConfig {
  const global = typeof window === 'undefined' ? undefined : window.MedProWidgets;
  return {
    apiBase: element.getAttribute('api-base') || global?.apiBase || scriptOrigin(),
    token: element.getAttribute('token') || global?.token || null,
  };
}
