/**
 * A customer's lifetime value as shown on the plan's cards: net revenue collected to date =
 * paid invoice totals − refunds, taxes excluded.
 */
import { convertToReporting } from './currency.ts';
import { DEFAULT_METRIC_SETTINGS, type MetricSettings } from './settings.ts';

export interface InvoiceInput {
  id?: string;
  /** Only 'paid' invoices count. */
  status: 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';
  /** Invoice total including tax, minor units. */
  total: number;
  /** Tax included in `total`, minor units (Stripe: sum of total_taxes / `tax`). Default 0. */
  tax?: number | null;
  currency: string;
}

export interface RefundInput {
  /** Refunded amount, minor units, positive. */
  amount: number;
  currency: string;
  /**
   * The refunded invoice. When given and known, the refund's tax share is removed pro rata
   * (refund × (total − tax) ÷ total, rounded once); otherwise the whole refund is deducted.
   */
  invoiceId?: string | null;
  status?: 'succeeded' | 'pending' | 'failed' | 'canceled';
}

export interface NetRevenue {
  /** In the reporting currency, minor units. */
  amountMinor: number;
  currency: string;
  /** Net revenue per original currency, minor units. */
  byCurrency: Record<string, number>;
}

export function netRevenueCollected(
  invoices: readonly InvoiceInput[],
  refunds: readonly RefundInput[] = [],
  settings: Pick<MetricSettings, 'reportingCurrency' | 'rates'> = DEFAULT_METRIC_SETTINGS,
): NetRevenue {
  const byCurrency: Record<string, number> = {};
  const invoicesById = new Map<string, InvoiceInput>();
  const bump = (currency: string, v: number) => {
    const c = currency.toUpperCase();
    byCurrency[c] = (byCurrency[c] ?? 0) + v;
  };
  for (const inv of invoices) {
    if (inv.id) invoicesById.set(inv.id, inv);
    if (inv.status !== 'paid') continue;
    const tax = inv.tax ?? 0;
    if (!Number.isSafeInteger(inv.total) || !Number.isSafeInteger(tax)) {
      throw new RangeError(`Invoice ${inv.id ?? ''}: total and tax must be integers (minor units)`);
    }
    bump(inv.currency, inv.total - tax);
  }
  for (const r of refunds) {
    if (r.status && r.status !== 'succeeded') continue;
    if (!Number.isSafeInteger(r.amount) || r.amount < 0) {
      throw new RangeError(`Refund amount must be a non-negative integer, got ${r.amount}`);
    }
    const inv = r.invoiceId ? invoicesById.get(r.invoiceId) : undefined;
    const tax = inv?.tax ?? 0;
    const net =
      inv && tax > 0 && inv.total > 0 ? Math.round((r.amount * (inv.total - tax)) / inv.total) : r.amount;
    bump(r.currency, -net);
  }
  let amountMinor = 0;
  for (const [currency, v] of Object.entries(byCurrency))
    amountMinor += convertToReporting(v, currency, settings);
  return { amountMinor, currency: settings.reportingCurrency, byCurrency };
}
