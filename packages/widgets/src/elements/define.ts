import { MedProCustomerHealthElement, MedProCustomerListElement, MedProMrrElement } from './elements.tsx';

export { MedProCustomerHealthElement, MedProCustomerListElement, MedProMrrElement };

/**
 * Registers the custom elements. Safe to call more than once, and when another copy of the
 * bundle already registered them (the first registration stays).
 */
export function defineMedProElements(): void {
  if (!customElements.get('medpro-mrr')) customElements.define('medpro-mrr', MedProMrrElement);
  if (!customElements.get('medpro-customer-health'))
    customElements.define('medpro-customer-health', MedProCustomerHealthElement);
  if (!customElements.get('medpro-customer-list'))
    customElements.define('medpro-customer-list', MedProCustomerListElement);
}

type WidgetAttributes = {
  token?: string;
  'api-base'?: string;
  class?: string;
  id?: string;
  hidden?: boolean;
  children?: never;
};

declare global {
  interface HTMLElementTagNameMap {
    'medpro-mrr': MedProMrrElement;
    'medpro-customer-health': MedProCustomerHealthElement;
    'medpro-customer-list': MedProCustomerListElement;
  }
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'medpro-mrr': WidgetAttributes & {
        range?: string;
        granularity?: 'day' | 'week' | 'month';
        product?: string;
      };
      'medpro-customer-health': WidgetAttributes & { 'customer-id': string; factors?: number | string };
      'medpro-customer-list': WidgetAttributes & { product: string; limit?: number | string };
    }
  }
}
