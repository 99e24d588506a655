/**
 * Customer health score (0–100, integer) and churn risk (0.00–1.00) from explainable factors.
 * Each factor is a small function returning its health points (`impact`) and its log-odds
 * contribution to churn risk (`weight`), plus a pt-BR label and an i18n key with params.
 *   health = clamp(100 + Σ impact, 0, 100)           (penalties negative, bonuses positive)
 *   risk   = 1 / (1 + e^−(INTERCEPT + Σ weight))      rounded to 2 decimals (DECIMAL(3,2))
 * See README.md for the weights table and the reasoning behind it.
 */
import { assertDay, type Day, daysBetween } from './dates.ts';

export type HealthFactorKey =
  | 'failed_payments_90d'
  | 'delinquent'
  | 'cancellation_scheduled'
  | 'recent_contraction'
  | 'card_expiring'
  | 'tenure'
  | 'mrr_trend'
  | 'days_since_last_payment';

export interface FactorContribution {
  factor: HealthFactorKey;
  /** The observed value the factor looked at. */
  value: number | boolean | string | null;
  /** Health points (negative = penalty, positive = bonus). */
  impact: number;
  /** Log-odds added to the churn-risk logit. */
  weight: number;
  /** i18n key, e.g. 'health.failed_payments_90d.some'. */
  labelKey: string;
  params: Record<string, string | number>;
  /** Rendered pt-BR label. */
  label: string;
}

export type HealthBand = 'good' | 'warning' | 'at_risk';

/** Baseline log-odds: e^−3 / (1 + e^−3) ≈ 4.7 % monthly churn for a customer with no signals. */
export const CHURN_RISK_INTERCEPT = -3;

/** Hand-set weights (health points, log-odds). Documented in README.md. */
export const HEALTH_WEIGHTS = {
  failedPaymentPerFailure: { impact: -10, weight: 0.6, cap: 3 },
  delinquent: { impact: -25, weight: 1.5 },
  cancellationScheduled: { impact: -70, weight: 4 },
  recentContraction: { impact: -10, weight: 0.7, withinDays: 30 },
  cardExpiring: { impact: -10, weight: 0.7 },
  tenureNew: { impact: -5, weight: 0.4, belowDays: 90 },
  tenureOneYear: { impact: 5, weight: -0.3, fromDays: 365 },
  tenureTwoYears: { impact: 10, weight: -0.6, fromDays: 730 },
  mrrDecline: { impact: -10, weight: 0.6, threshold: -0.1 },
  mrrGrowth: { impact: 5, weight: -0.4, threshold: 0.1 },
  paymentOverdue7: { impact: -10, weight: 0.6, graceDays: 7 },
  paymentOverdue30: { impact: -20, weight: 1.2, graceDays: 30 },
} as const;

const W = HEALTH_WEIGHTS;

function f(
  factor: HealthFactorKey,
  variant: string,
  value: FactorContribution['value'],
  impact: number,
  weight: number,
  params: Record<string, string | number>,
  label: string,
): FactorContribution {
  return { factor, value, impact, weight, labelKey: `health.${factor}.${variant}`, params, label };
}

export function failedPaymentsFactor(failedPayments90d: number): FactorContribution {
  if (!Number.isInteger(failedPayments90d) || failedPayments90d < 0) {
    throw new RangeError(`failedPayments90d must be a non-negative integer, got ${failedPayments90d}`);
  }
  const n = failedPayments90d;
  const counted = Math.min(n, W.failedPaymentPerFailure.cap);
  if (n === 0)
    return f(
      'failed_payments_90d',
      'none',
      0,
      0,
      0,
      { count: 0 },
      'Nenhum pagamento falhou nos últimos 90 dias',
    );
  const label =
    n === 1 ? '1 pagamento falhou nos últimos 90 dias' : `${n} pagamentos falharam nos últimos 90 dias`;
  return f(
    'failed_payments_90d',
    'some',
    n,
    counted * W.failedPaymentPerFailure.impact,
    round3(counted * W.failedPaymentPerFailure.weight),
    { count: n },
    label,
  );
}

/** A past_due subscription or Stripe's `customer.delinquent` flag: one factor (same underlying cause). */
export function delinquencyFactor(pastDue: boolean, delinquent: boolean): FactorContribution {
  if (pastDue)
    return f(
      'delinquent',
      'past_due',
      true,
      W.delinquent.impact,
      W.delinquent.weight,
      {},
      'Assinatura com pagamento em atraso',
    );
  if (delinquent)
    return f(
      'delinquent',
      'delinquent',
      true,
      W.delinquent.impact,
      W.delinquent.weight,
      {},
      'Cliente inadimplente',
    );
  return f('delinquent', 'none', false, 0, 0, {}, 'Pagamentos em dia');
}

export function cancellationScheduledFactor(scheduled: boolean): FactorContribution {
  return scheduled
    ? f(
        'cancellation_scheduled',
        'yes',
        true,
        W.cancellationScheduled.impact,
        W.cancellationScheduled.weight,
        {},
        'Cancelamento agendado',
      )
    : f('cancellation_scheduled', 'no', false, 0, 0, {}, 'Nenhum cancelamento agendado');
}

export function recentContractionFactor(
  lastContractionDay: Day | null | undefined,
  asOf: Day,
): FactorContribution {
  if (!lastContractionDay)
    return f('recent_contraction', 'none', null, 0, 0, {}, 'Nenhuma redução de plano recente');
  const days = daysBetween(lastContractionDay, asOf);
  if (days < 0 || days > W.recentContraction.withinDays) {
    return f('recent_contraction', 'old', days, 0, 0, { days }, `Última redução de plano há ${days} dias`);
  }
  return f(
    'recent_contraction',
    'recent',
    days,
    W.recentContraction.impact,
    W.recentContraction.weight,
    { days },
    days === 0 ? 'Reduziu o plano hoje' : `Reduziu o plano há ${days} ${days === 1 ? 'dia' : 'dias'}`,
  );
}

export interface CardExpiry {
  /** 1–12 */
  month: number;
  year: number;
}

/** A card is valid through the last day of its expiry month; it is a problem if the renewal comes later. */
export function cardExpiryFactor(
  card: CardExpiry | null | undefined,
  nextRenewalDay: Day | null | undefined,
): FactorContribution {
  if (!card || !nextRenewalDay)
    return f('card_expiring', 'unknown', null, 0, 0, {}, 'Sem cartão ou renovação para verificar');
  assertDay(nextRenewalDay);
  const mm = String(card.month).padStart(2, '0');
  const expiry = `${card.month}/${card.year}`;
  const firstInvalidMonth =
    card.month === 12 ? `${card.year + 1}-01` : `${card.year}-${String(card.month + 1).padStart(2, '0')}`;
  const expires = nextRenewalDay.slice(0, 7) >= firstInvalidMonth;
  return expires
    ? f(
        'card_expiring',
        'before_renewal',
        expiry,
        W.cardExpiring.impact,
        W.cardExpiring.weight,
        { expiry, renewal: nextRenewalDay },
        `Cartão vence (${mm}/${card.year}) antes da próxima renovação`,
      )
    : f('card_expiring', 'ok', expiry, 0, 0, { expiry }, `Cartão válido até ${mm}/${card.year}`);
}

export function tenureFactor(customerSince: Day | null | undefined, asOf: Day): FactorContribution {
  if (!customerSince) return f('tenure', 'unknown', null, 0, 0, {}, 'Tempo de cliente desconhecido');
  const days = Math.max(0, daysBetween(customerSince, asOf));
  const months = Math.floor(days / 30.4375);
  const label =
    months < 1 ? `Cliente há ${days} dias` : months === 1 ? 'Cliente há 1 mês' : `Cliente há ${months} meses`;
  const params = { days, months };
  if (days < W.tenureNew.belowDays)
    return f('tenure', 'new', days, W.tenureNew.impact, W.tenureNew.weight, params, label);
  if (days >= W.tenureTwoYears.fromDays)
    return f('tenure', 'two_years', days, W.tenureTwoYears.impact, W.tenureTwoYears.weight, params, label);
  if (days >= W.tenureOneYear.fromDays)
    return f('tenure', 'one_year', days, W.tenureOneYear.impact, W.tenureOneYear.weight, params, label);
  return f('tenure', 'established', days, 0, 0, params, label);
}

/** Relative MRR change over the trend window (the caller passes MRR now and 90 days ago). */
export function mrrTrendFactor(mrrNow: number, mrrBefore: number): FactorContribution {
  if (mrrBefore <= 0)
    return f('mrr_trend', 'no_baseline', null, 0, 0, {}, 'Sem MRR de referência há 90 dias');
  const change = (mrrNow - mrrBefore) / mrrBefore;
  const pct = Math.round(change * 100);
  const params = { percent: pct };
  if (change <= W.mrrDecline.threshold)
    return f(
      'mrr_trend',
      'down',
      round3(change),
      W.mrrDecline.impact,
      W.mrrDecline.weight,
      params,
      `MRR caiu ${-pct}% em 90 dias`,
    );
  if (change >= W.mrrGrowth.threshold)
    return f(
      'mrr_trend',
      'up',
      round3(change),
      W.mrrGrowth.impact,
      W.mrrGrowth.weight,
      params,
      `MRR cresceu ${pct}% em 90 dias`,
    );
  return f('mrr_trend', 'flat', round3(change), 0, 0, params, 'MRR estável em 90 dias');
}

/**
 * Days since the last successful payment, relative to the billing interval: a yearly customer who
 * paid 200 days ago is fine. Overdue = days since − expected interval (default 31 days). Without
 * any successful payment, counts from `customerSince`.
 */
export function lastPaymentFactor(
  lastSuccessfulPaymentDay: Day | null | undefined,
  asOf: Day,
  expectedIntervalDays = 31,
  customerSince?: Day | null,
): FactorContribution {
  const ref = lastSuccessfulPaymentDay ?? customerSince ?? null;
  if (!ref) return f('days_since_last_payment', 'unknown', null, 0, 0, {}, 'Nenhum pagamento registrado');
  const days = daysBetween(ref, asOf);
  const overdue = days - expectedIntervalDays;
  const params = { days, overdueDays: Math.max(0, overdue) };
  const label = lastSuccessfulPaymentDay
    ? `Último pagamento bem-sucedido há ${days} dias`
    : `Nenhum pagamento bem-sucedido em ${days} dias`;
  if (overdue > W.paymentOverdue30.graceDays)
    return f(
      'days_since_last_payment',
      'overdue_30',
      days,
      W.paymentOverdue30.impact,
      W.paymentOverdue30.weight,
      params,
      label,
    );
  if (overdue > W.paymentOverdue7.graceDays)
    return f(
      'days_since_last_payment',
      'overdue_7',
      days,
      W.paymentOverdue7.impact,
      W.paymentOverdue7.weight,
      params,
      label,
    );
  return f('days_since_last_payment', 'ok', days, 0, 0, params, label);
}

export interface CustomerHealthInput {
  asOf: Day;
  failedPayments90d: number;
  /** Any subscription of the customer is past_due. */
  pastDue: boolean;
  /** Stripe `customer.delinquent`. */
  delinquent: boolean;
  /** Any subscription has cancel_at_period_end / cancel_at set. */
  cancellationScheduled: boolean;
  /** Day of the customer's most recent contraction movement. */
  lastContractionDay?: Day | null;
  /** Default payment method's card expiry. */
  card?: CardExpiry | null;
  /** Next renewal (current period end) of the subscription that card pays. */
  nextRenewalDay?: Day | null;
  /** Day of the customer's first MRR. */
  customerSince?: Day | null;
  mrrNow: number;
  /** MRR 90 days before asOf. */
  mrr90DaysAgo: number;
  lastSuccessfulPaymentDay?: Day | null;
  /** Days between expected payments (31 monthly, 366 yearly). Default 31. */
  expectedPaymentIntervalDays?: number;
}

export interface CustomerHealth {
  /** 0–100 integer. */
  healthScore: number;
  band: HealthBand;
  /** 0.00–1.00, 2 decimals. */
  churnRisk: number;
  /** INTERCEPT + Σ weights, before the logistic function. */
  churnRiskLogit: number;
  /** Every factor, including those that contributed 0 (so the UI can show what was checked). */
  factors: FactorContribution[];
}

export function healthBand(score: number): HealthBand {
  if (score >= 80) return 'good';
  if (score >= 50) return 'warning';
  return 'at_risk';
}

export function healthScoreFromFactors(factors: readonly Pick<FactorContribution, 'impact'>[]): number {
  const raw = 100 + factors.reduce((a, x) => a + x.impact, 0);
  return Math.max(0, Math.min(100, Math.round(raw)));
}

export function churnRiskFromFactors(factors: readonly Pick<FactorContribution, 'weight'>[]): number {
  const logit = CHURN_RISK_INTERCEPT + factors.reduce((a, x) => a + x.weight, 0);
  const p = 1 / (1 + Math.exp(-logit));
  return Math.max(0, Math.min(1, Math.round(p * 100) / 100));
}

export function customerHealthFactors(input: CustomerHealthInput): FactorContribution[] {
  assertDay(input.asOf);
  return [
    failedPaymentsFactor(input.failedPayments90d),
    delinquencyFactor(input.pastDue, input.delinquent),
    cancellationScheduledFactor(input.cancellationScheduled),
    recentContractionFactor(input.lastContractionDay, input.asOf),
    cardExpiryFactor(input.card, input.nextRenewalDay),
    tenureFactor(input.customerSince, input.asOf),
    mrrTrendFactor(input.mrrNow, input.mrr90DaysAgo),
    lastPaymentFactor(
      input.lastSuccessfulPaymentDay,
      input.asOf,
      input.expectedPaymentIntervalDays ?? 31,
      input.customerSince,
    ),
  ];
}

export function customerHealth(input: CustomerHealthInput): CustomerHealth {
  const factors = customerHealthFactors(input);
  const healthScore = healthScoreFromFactors(factors);
  return {
    healthScore,
    band: healthBand(healthScore),
    churnRisk: churnRiskFromFactors(factors),
    churnRiskLogit: round3(CHURN_RISK_INTERCEPT + factors.reduce((a, x) => a + x.weight, 0)),
    factors,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
