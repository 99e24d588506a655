import { describe, expect, it } from 'vitest';
import {
  CHURN_RISK_INTERCEPT,
  type CustomerHealthInput,
  cancellationScheduledFactor,
  cardExpiryFactor,
  churnRiskFromFactors,
  customerHealth,
  delinquencyFactor,
  failedPaymentsFactor,
  healthBand,
  healthScoreFromFactors,
  lastPaymentFactor,
  mrrTrendFactor,
  recentContractionFactor,
  tenureFactor,
} from './health.ts';

const AS_OF = '2024-06-15';

describe('factors', () => {
  it('failed payments in the last 90 days: −10 each, capped at 3', () => {
    expect(failedPaymentsFactor(2)).toMatchObject({
      factor: 'failed_payments_90d',
      value: 2,
      impact: -20,
      weight: 1.2,
      label: '2 pagamentos falharam nos últimos 90 dias',
      labelKey: 'health.failed_payments_90d.some',
      params: { count: 2 },
    });
    expect(failedPaymentsFactor(1).label).toBe('1 pagamento falhou nos últimos 90 dias');
    expect(failedPaymentsFactor(5)).toMatchObject({ impact: -30, weight: 1.8, value: 5 });
    expect(failedPaymentsFactor(0)).toMatchObject({ impact: 0, weight: 0 });
    expect(() => failedPaymentsFactor(-1)).toThrow(/non-negative/);
  });

  it('delinquent / past_due', () => {
    expect(delinquencyFactor(true, false)).toMatchObject({
      impact: -25,
      weight: 1.5,
      labelKey: 'health.delinquent.past_due',
    });
    expect(delinquencyFactor(false, true)).toMatchObject({
      impact: -25,
      weight: 1.5,
      labelKey: 'health.delinquent.delinquent',
    });
    expect(delinquencyFactor(true, true).impact).toBe(-25); // one cause, counted once
    expect(delinquencyFactor(false, false)).toMatchObject({ impact: 0, weight: 0 });
  });

  it('cancellation scheduled', () => {
    expect(cancellationScheduledFactor(true)).toMatchObject({
      impact: -70,
      weight: 4,
      label: 'Cancelamento agendado',
    });
    expect(cancellationScheduledFactor(false)).toMatchObject({ impact: 0, weight: 0 });
  });

  it('recent contraction: within 30 days only', () => {
    expect(recentContractionFactor('2024-06-01', AS_OF)).toMatchObject({
      impact: -10,
      weight: 0.7,
      value: 14,
    });
    expect(recentContractionFactor('2024-05-16', AS_OF).impact).toBe(-10); // 30 days
    expect(recentContractionFactor('2024-05-15', AS_OF).impact).toBe(0); // 31 days
    expect(recentContractionFactor(null, AS_OF).impact).toBe(0);
  });

  it('card expiring before the next renewal (valid through the end of its expiry month)', () => {
    expect(cardExpiryFactor({ month: 6, year: 2024 }, '2024-07-01')).toMatchObject({
      impact: -10,
      weight: 0.7,
      labelKey: 'health.card_expiring.before_renewal',
    });
    expect(cardExpiryFactor({ month: 6, year: 2024 }, '2024-06-30').impact).toBe(0);
    expect(cardExpiryFactor({ month: 12, year: 2024 }, '2025-01-01').impact).toBe(-10);
    expect(cardExpiryFactor(null, '2024-07-01').impact).toBe(0);
  });

  it('tenure: new customers are fragile, long-tenured ones get a bonus', () => {
    expect(tenureFactor('2024-04-01', AS_OF)).toMatchObject({
      impact: -5,
      weight: 0.4,
      labelKey: 'health.tenure.new',
    });
    expect(tenureFactor('2024-01-01', AS_OF)).toMatchObject({ impact: 0, weight: 0 });
    expect(tenureFactor('2023-06-01', AS_OF)).toMatchObject({
      impact: 5,
      weight: -0.3,
      label: 'Cliente há 12 meses',
    });
    expect(tenureFactor('2022-06-01', AS_OF)).toMatchObject({ impact: 10, weight: -0.6 });
    expect(tenureFactor(null, AS_OF).impact).toBe(0);
  });

  it('MRR trend over 90 days', () => {
    expect(mrrTrendFactor(8_000, 10_000)).toMatchObject({
      impact: -10,
      weight: 0.6,
      label: 'MRR caiu 20% em 90 dias',
    });
    expect(mrrTrendFactor(9_000, 10_000).impact).toBe(-10); // −10 % exactly
    expect(mrrTrendFactor(9_500, 10_000).impact).toBe(0);
    expect(mrrTrendFactor(12_000, 10_000)).toMatchObject({ impact: 5, weight: -0.4 });
    expect(mrrTrendFactor(12_000, 0)).toMatchObject({ impact: 0, value: null });
  });

  it('days since last successful payment, relative to the billing interval', () => {
    expect(lastPaymentFactor('2024-05-20', AS_OF).impact).toBe(0); // 26 days, monthly
    expect(lastPaymentFactor('2024-05-01', AS_OF)).toMatchObject({ impact: -10, weight: 0.6, value: 45 }); // 14 overdue
    expect(lastPaymentFactor('2024-03-01', AS_OF)).toMatchObject({ impact: -20, weight: 1.2 }); // 75 days
    expect(lastPaymentFactor('2023-10-01', AS_OF, 366).impact).toBe(0); // yearly customer
    expect(lastPaymentFactor(null, AS_OF, 31, '2024-01-01').label).toBe(
      'Nenhum pagamento bem-sucedido em 166 dias',
    );
    expect(lastPaymentFactor(null, AS_OF).impact).toBe(0);
  });
});

describe('scores', () => {
  it.each([
    [100, 'good'],
    [80, 'good'],
    [79, 'warning'],
    [50, 'warning'],
    [49, 'at_risk'],
    [0, 'at_risk'],
  ] as const)('band of %i is %s', (score, band) => {
    expect(healthBand(score)).toBe(band);
  });

  it('health = 100 − penalties + bonuses, clamped to 0–100', () => {
    expect(healthScoreFromFactors([{ impact: 10 }])).toBe(100);
    expect(healthScoreFromFactors([{ impact: -70 }, { impact: -25 }, { impact: -30 }])).toBe(0);
    expect(healthScoreFromFactors([{ impact: -20 }, { impact: 5 }])).toBe(85);
  });

  it('churn risk is logistic over the weights, 2 decimals', () => {
    expect(churnRiskFromFactors([])).toBe(0.05); // e^−3/(1+e^−3) = 0.047
    expect(churnRiskFromFactors([{ weight: 3 }])).toBe(0.5);
    expect(churnRiskFromFactors([{ weight: 4 }])).toBe(0.73);
    expect(churnRiskFromFactors([{ weight: 50 }])).toBe(1);
    expect(churnRiskFromFactors([{ weight: -50 }])).toBe(0);
  });

  const healthy: CustomerHealthInput = {
    asOf: AS_OF,
    failedPayments90d: 0,
    pastDue: false,
    delinquent: false,
    cancellationScheduled: false,
    customerSince: '2023-01-15',
    mrrNow: 10_000,
    mrr90DaysAgo: 10_000,
    lastSuccessfulPaymentDay: '2024-06-01',
    card: { month: 12, year: 2027 },
    nextRenewalDay: '2024-07-01',
  };

  it('a healthy long-tenured customer: 100, good, low risk, every factor listed', () => {
    const h = customerHealth(healthy);
    expect(h).toMatchObject({ healthScore: 100, band: 'good', churnRisk: 0.04 });
    expect(h.factors.map((f) => f.factor)).toEqual([
      'failed_payments_90d',
      'delinquent',
      'cancellation_scheduled',
      'recent_contraction',
      'card_expiring',
      'tenure',
      'mrr_trend',
      'days_since_last_payment',
    ]);
    expect(h.churnRiskLogit).toBeCloseTo(CHURN_RISK_INTERCEPT - 0.3, 9);
  });

  it('2 failed payments + past_due → 60 warning', () => {
    const h = customerHealth({ ...healthy, failedPayments90d: 2, pastDue: true });
    expect(h.healthScore).toBe(100 - 20 - 25 + 5);
    expect(h.band).toBe('warning');
    expect(h.churnRisk).toBe(Math.round(100 / (1 + Math.exp(-(-3 + 1.2 + 1.5 - 0.3)))) / 100);
  });

  it('a scheduled cancellation is always at risk, even with every bonus', () => {
    const h = customerHealth({ ...healthy, cancellationScheduled: true });
    expect(h).toMatchObject({ healthScore: 35, band: 'at_risk' });
    expect(h.churnRisk).toBe(0.67);
    const best = customerHealth({
      ...healthy,
      cancellationScheduled: true,
      customerSince: '2020-01-01',
      mrrNow: 20_000,
    });
    expect(best).toMatchObject({ healthScore: 45, band: 'at_risk' });
  });

  it('everything wrong clamps at 0 and risk near 1', () => {
    const h = customerHealth({
      ...healthy,
      asOf: AS_OF,
      failedPayments90d: 4,
      pastDue: true,
      cancellationScheduled: true,
      lastContractionDay: '2024-06-10',
      card: { month: 5, year: 2024 },
      customerSince: '2024-05-01',
      mrrNow: 5_000,
      mrr90DaysAgo: 10_000,
      lastSuccessfulPaymentDay: '2024-03-01',
    });
    expect(h).toMatchObject({ healthScore: 0, band: 'at_risk', churnRisk: 1 });
  });
});
