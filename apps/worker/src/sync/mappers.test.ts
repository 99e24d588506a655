import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { eventActivity, invoiceActivity, money } from './activity.ts';
import {
  customerRow,
  decimalText,
  invoiceLineRow,
  invoicePaymentRow,
  invoiceRow,
  priceRow,
  subscriptionItemRow,
  subscriptionRow,
} from './mappers.ts';

const s = { version: 1_700_000_000_123, now: new Date('2026-01-01T00:00:00Z') };
const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function price(id: string, amount: number, usage: 'licensed' | 'metered' = 'licensed'): Stripe.Price {
  return {
    id,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: at('2025-01-01T00:00:00Z'),
    currency: 'brl',
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: `prod_${id}`,
    recurring: {
      interval: 'month',
      interval_count: 1,
      meter: null,
      trial_period_days: null,
      usage_type: usage,
    },
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'recurring',
    unit_amount: amount,
    unit_amount_decimal: Stripe.Decimal.from(String(amount)),
  } as Stripe.Price;
}

function item(
  id: string,
  p: Stripe.Price,
  quantity: number,
  start: string,
  end: string,
): Stripe.SubscriptionItem {
  return {
    id,
    object: 'subscription_item',
    billing_thresholds: null,
    created: at('2025-02-01T00:00:00Z'),
    current_period_start: at(start),
    current_period_end: at(end),
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: {} as Stripe.Plan,
    price: p,
    quantity,
    subscription: 'sub_1',
    tax_rates: [],
  };
}

describe('mappers', () => {
  it('derives the plan columns of a subscription from its first licensed item', () => {
    const metered = item(
      'si_m',
      price('price_m', 5, 'metered'),
      1,
      '2026-01-05T00:00:00Z',
      '2026-02-05T00:00:00Z',
    );
    const seats = item('si_s', price('price_s', 37700), 3, '2026-01-10T00:00:00Z', '2026-02-10T00:00:00Z');
    const sub = {
      id: 'sub_1',
      object: 'subscription',
      cancel_at: null,
      cancel_at_period_end: true,
      canceled_at: at('2026-01-20T00:00:00Z'),
      collection_method: 'charge_automatically',
      created: at('2025-02-01T00:00:00Z'),
      currency: 'brl',
      customer: { id: 'cus_1', object: 'customer', deleted: true },
      ended_at: null,
      items: { object: 'list', data: [metered, seats], has_more: false, url: '' },
      latest_invoice: 'in_9',
      metadata: { plan: 'pro' },
      start_date: at('2025-02-01T00:00:00Z'),
      status: 'active',
      trial_end: null,
      trial_start: null,
    } as unknown as Stripe.Subscription;
    const row = subscriptionRow(sub, [metered, seats], s);
    expect(row).toMatchObject({
      stripe_subscription_id: 'sub_1',
      stripe_customer_id: 'cus_1',
      stripe_price_id: 'price_s',
      stripe_product_id: 'prod_price_s',
      quantity: 3,
      current_period_start: new Date('2026-01-10T00:00:00Z'),
      current_period_end: new Date('2026-02-10T00:00:00Z'),
      cancel_at_period_end: true,
      canceled_at: new Date('2026-01-20T00:00:00Z'),
      latest_invoice_id: 'in_9',
      metadata: { plan: 'pro' },
      source_version: s.version,
    });
    // The items have rows (and raw JSON) of their own: the subscription keeps the list's envelope.
    expect(JSON.parse(row.raw as string).items).toEqual({ object: 'list', has_more: false, url: '' });
    // Decimal objects are stored as their exact text inside raw too.
    expect(subscriptionItemRow(seats, s).raw).toContain('"unit_amount_decimal":"37700"');
  });

  it('reaches an invoice subscription through parent, and line price/product through pricing', () => {
    const line = {
      id: 'il_1',
      object: 'line_item',
      amount: 75400,
      currency: 'brl',
      description: '2 × Pro',
      discount_amounts: [
        { amount: 1000, discount: 'di_1' },
        { amount: 500, discount: 'di_2' },
      ],
      invoice: 'in_1',
      parent: {
        type: 'subscription_item_details',
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: null,
          proration: true,
          proration_details: null,
          subscription: 'sub_1',
          subscription_item: 'si_s',
        },
      },
      period: { start: at('2026-01-10T00:00:00Z'), end: at('2026-02-10T00:00:00Z') },
      pricing: {
        type: 'price_details',
        price_details: { price: 'price_s', product: 'prod_s' },
        unit_amount_decimal: '37700.5',
      },
      quantity: 2,
      subscription: null,
    } as unknown as Stripe.InvoiceLineItem;
    const inv = {
      id: 'in_1',
      object: 'invoice',
      customer: 'cus_1',
      parent: {
        type: 'subscription_details',
        quote_details: null,
        subscription_details: { metadata: null, subscription: 'sub_1' },
      },
      status: 'paid',
      status_transitions: {
        finalized_at: at('2026-01-10T00:00:00Z'),
        paid_at: at('2026-01-10T01:00:00Z'),
        marked_uncollectible_at: null,
        voided_at: null,
      },
      total_taxes: [{ amount: 120 }, { amount: 30 }],
      total_discount_amounts: [{ amount: 1500, discount: 'di_1' }],
      currency: 'brl',
      amount_paid: 37700,
      created: at('2026-01-10T00:00:00Z'),
      period_start: at('2025-12-10T00:00:00Z'),
      period_end: at('2026-01-10T00:00:00Z'),
      lines: { object: 'list', data: [line], has_more: false, url: '' },
    } as unknown as Stripe.Invoice;
    expect(invoiceRow(inv, s)).toMatchObject({
      stripe_subscription_id: 'sub_1',
      tax: 150,
      total_discount_amount: 1500,
      paid_at: new Date('2026-01-10T01:00:00Z'),
    });
    // Lines are stored as rows with their own raw JSON, not again inside the invoice's.
    expect(JSON.parse(invoiceRow(inv, s).raw as string).lines).toEqual({
      object: 'list',
      has_more: false,
      url: '',
    });
    expect(invoiceLineRow(line, inv, s)).toMatchObject({
      stripe_subscription_id: 'sub_1',
      stripe_subscription_item_id: 'si_s',
      stripe_price_id: 'price_s',
      stripe_product_id: 'prod_s',
      parent_type: 'subscription_item_details',
      proration: true,
      quantity: 2,
      discount_amount: 1500,
      period_start: new Date('2026-01-10T00:00:00Z'),
    });
    expect(invoiceActivity(inv)).toEqual([
      expect.objectContaining({
        activity_type: 'payment_succeeded',
        source_id: 'in_1',
        description: 'Pagamento recebido (R$ 377,00)',
      }),
    ]);
  });

  it('links an invoice payment to its invoice by payment intent, or by charge when paid out of band', () => {
    const payment: Stripe.InvoicePayment = {
      id: 'inpay_1',
      object: 'invoice_payment',
      amount_paid: 29900,
      amount_requested: 29900,
      created: at('2026-03-01T10:00:00Z'),
      currency: 'brl',
      invoice: 'in_1',
      is_default: true,
      livemode: false,
      payment: { type: 'payment_intent', payment_intent: 'pi_1' },
      status: 'paid',
      status_transitions: { canceled_at: null, paid_at: at('2026-03-01T10:05:00Z') },
    };
    expect(invoicePaymentRow(payment, s)).toMatchObject({
      stripe_invoice_payment_id: 'inpay_1',
      stripe_invoice_id: 'in_1',
      stripe_payment_intent_id: 'pi_1',
      stripe_charge_id: null,
      status: 'paid',
      amount_paid: 29900,
      paid_at: new Date('2026-03-01T10:05:00Z'),
      canceled_at: null,
    });
    const outOfBand = { ...payment, payment: { type: 'charge', charge: 'ch_9' } } as Stripe.InvoicePayment;
    expect(invoicePaymentRow(outOfBand, s)).toMatchObject({
      stripe_payment_intent_id: null,
      stripe_charge_id: 'ch_9',
    });
  });

  it("stores '' for a customer without email and the default payment method's id", () => {
    const row = customerRow(
      {
        id: 'cus_2',
        object: 'customer',
        balance: -500,
        created: at('2025-03-01T00:00:00Z'),
        email: null,
        invoice_settings: { default_payment_method: { id: 'pm_1', object: 'payment_method' } },
        metadata: {},
        address: { city: 'Recife', country: 'BR', line1: null, line2: null, postal_code: null, state: 'PE' },
      } as unknown as Stripe.Customer,
      s,
    );
    expect(row).toMatchObject({
      email: '',
      default_payment_method_id: 'pm_1',
      address_city: 'Recife',
      balance: -500,
      deleted: false,
    });
  });

  it('keeps Decimal fields exact, whether a Decimal (listed) or a string (event payload)', () => {
    expect(decimalText(Stripe.Decimal.from('0.000000000123'))).toBe('0.000000000123');
    expect(decimalText('12.5')).toBe('12.5');
    expect(decimalText(null)).toBeNull();
    expect(priceRow(price('price_x', 990), s).unit_amount_decimal).toBe('990');
  });

  it('classifies an upgrade from the event previous_attributes, in pt-BR', () => {
    const before = item('si_s', price('price_a', 10000), 1, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z');
    const after = item('si_s', price('price_b', 37700), 1, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z');
    const event = {
      id: 'evt_1',
      object: 'event',
      type: 'customer.subscription.updated',
      created: at('2026-01-15T12:00:00Z'),
      data: {
        object: {
          id: 'sub_1',
          object: 'subscription',
          customer: 'cus_1',
          currency: 'brl',
          status: 'active',
          items: { data: [after] },
        },
        previous_attributes: { items: { data: [before] } },
      },
    } as unknown as Stripe.Event;
    expect(eventActivity(event)).toEqual([
      expect.objectContaining({
        activity_type: 'upgrade',
        source_id: 'evt_1',
        description: 'Upgrade de plano (R$ 100,00/mês → R$ 377,00/mês)',
      }),
    ]);
    expect(money(123456, 'usd')).toBe('US$ 1.234,56');
  });
});
