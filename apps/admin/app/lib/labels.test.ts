import { describe, expect, it } from 'vitest';
import { activityLabel, healthBand, statusLabel, stripeDashboardUrl, tenure } from './labels';

describe('labels', () => {
  it('bands health as the plan does: 80 good, 79 warning, 50 warning, 49 at risk, none unknown', () => {
    expect([80, 79, 50, 49, 0].map(healthBand)).toEqual(['good', 'warning', 'warning', 'at_risk', 'at_risk']);
    expect(healthBand(null)).toBeNull();
  });

  it('says how long someone has been a customer in pt-BR', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    expect(tenure('2024-11-20T00:00:00Z', now)).toBe('cliente há 2 anos');
    expect(tenure('2024-11-26T00:00:00Z', now)).toBe('cliente há 1 ano');
    expect(tenure('2026-05-25T00:00:00Z', now)).toBe('cliente há 6 meses');
    expect(tenure('2026-11-22T00:00:00Z', now)).toBe('cliente há 3 dias');
    expect(tenure(null, now)).toBeNull();
    expect(tenure('2027-01-01T00:00:00Z', now)).toBeNull();
  });

  it('labels statuses and unknown activity types without inventing text', () => {
    expect(statusLabel('past_due')).toBe('Pagamento atrasado');
    expect(statusLabel(null)).toBe('Sem assinatura');
    expect(statusLabel('weird_new_status')).toBe('weird_new_status');
    expect(activityLabel('payment_failed')).toBe('Pagamento falhou');
    expect(activityLabel('charge.dispute_created')).toBe('charge dispute created');
  });

  it('links to the Stripe dashboard, under /test for test-mode data, with the id encoded', () => {
    expect(stripeDashboardUrl('cus_1', false)).toBe('https://dashboard.stripe.com/customers/cus_1');
    expect(stripeDashboardUrl('cus_1', true)).toBe('https://dashboard.stripe.com/test/customers/cus_1');
    expect(stripeDashboardUrl('cus/../x', false)).toBe('https://dashboard.stripe.com/customers/cus%2F..%2Fx');
  });
});
