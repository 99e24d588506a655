import { MedProElement, type WidgetRequest } from './base.tsx';
import { readConfig } from './config.ts';
import {
  type AtRiskCustomers,
  AtRiskCustomersView,
  type CustomerHealth,
  CustomerHealthView,
  type MrrSummary,
  MrrView,
} from './views.tsx';

export const GRANULARITIES = ['day', 'week', 'month'] as const;
const MAX_RANGE_DAYS = 730;

/** The first day (UTC, YYYY-MM-DD) of a range of `days` days ending today. */
export function rangeStart(days: number, today = new Date()): string {
  return new Date(today.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
}

/** "30d" → 30; null when not a whole number of days from 1 to 730. */
export function parseRange(value: string): number | null {
  const match = /^(\d{1,3})d$/.exec(value.trim());
  const days = match ? Number(match[1]) : Number.NaN;
  return days >= 1 && days <= MAX_RANGE_DAYS ? days : null;
}

/**
 * `<medpro-mrr range="30d" granularity="day" product="prod_…">`: current MRR in the reporting
 * currency, its change against the previous period of the same length, and a sparkline.
 */
export class MedProMrrElement extends MedProElement<MrrSummary> {
  static readonly observedAttributes = ['range', 'granularity', 'product', 'token', 'api-base'];

  protected request(): WidgetRequest {
    const range = this.getAttribute('range') || '30d';
    const days = parseRange(range);
    if (days === null)
      return {
        invalid: `Atributo range inválido: "${range}". Use um número de dias, por exemplo 30d, 90d ou 365d.`,
      };
    const granularity = this.getAttribute('granularity') || 'day';
    if (!(GRANULARITIES as readonly string[]).includes(granularity))
      return { invalid: `Atributo granularity inválido: "${granularity}". Use day, week ou month.` };
    const product = this.getAttribute('product');
    return {
      procedure: 'widgets.mrrSummary',
      // The server's `to` defaults to its today; the range is the `days` days up to it.
      input: { from: rangeStart(days), granularity, ...(product ? { product } : {}) },
    };
  }

  protected emptyMessage(data: MrrSummary): string | null {
    const nothing = data.mrr === 0 && data.previousMrr === 0 && data.series.every((p) => p.mrr === 0);
    if (!nothing) return null;
    return this.getAttribute('product')
      ? 'Este produto ainda não tem MRR no período.'
      : 'Ainda não há MRR no período.';
  }

  protected view(data: MrrSummary) {
    return (
      <MrrView
        data={data}
        days={parseRange(this.getAttribute('range') || '30d')!}
        product={this.getAttribute('product')}
      />
    );
  }
}

/**
 * `<medpro-customer-health customer-id="cus_…" factors="3">`: health score and band, churn
 * risk, the factors that weigh most, MRR, and a link to the customer in the admin app.
 */
export class MedProCustomerHealthElement extends MedProElement<CustomerHealth> {
  static readonly observedAttributes = ['customer-id', 'factors', 'token', 'api-base'];
  protected override notFoundMessage = 'Cliente não encontrado.';

  protected request(): WidgetRequest {
    const customerId = this.getAttribute('customer-id')?.trim();
    if (!customerId) return { invalid: 'Informe o cliente no atributo customer-id (cus_…).' };
    return { procedure: 'widgets.customerHealth', input: { id: customerId } };
  }

  protected emptyMessage(): string | null {
    return null;
  }

  protected view(data: CustomerHealth) {
    const factors = Number(this.getAttribute('factors') ?? 3);
    const adminUrl = customerUrl(this, data.stripeCustomerId);
    return (
      <CustomerHealthView
        data={data}
        maxFactors={Number.isInteger(factors) && factors >= 0 ? factors : 3}
        adminUrl={adminUrl}
      />
    );
  }
}

/** The customer's page in the admin app, which also serves the API. */
function customerUrl(element: Element, id: string): string {
  return `${readConfig(element).apiBase.replace(/\/+$/, '')}/customers/${encodeURIComponent(id)}`;
}

/**
 * `<medpro-customer-list product="prod_…" limit="5">`: the product's at-risk customers
 * (health below 50), least healthy first, with links to them in the admin app.
 */
export class MedProCustomerListElement extends MedProElement<AtRiskCustomers> {
  static readonly observedAttributes = ['product', 'limit', 'token', 'api-base'];
  protected override notFoundMessage = 'Produto não encontrado.';

  protected request(): WidgetRequest {
    const product = this.getAttribute('product')?.trim();
    if (!product) return { invalid: 'Informe o produto no atributo product (prod_…).' };
    const limit = Number(this.getAttribute('limit') ?? 5);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50)
      return {
        invalid: `Atributo limit inválido: "${this.getAttribute('limit')}". Use um número de 1 a 50.`,
      };
    return { procedure: 'widgets.atRiskCustomers', input: { product, limit } };
  }

  protected emptyMessage(data: AtRiskCustomers): string | null {
    return data.customers.length ? null : 'Nenhum cliente em risco neste produto.';
  }

  protected view(data: AtRiskCustomers) {
    return <AtRiskCustomersView data={data} customerUrl={(id) => customerUrl(this, id)} />;
  }
}
