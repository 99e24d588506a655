/**
 * @medpro/metrics — subscription metric math as pure functions (no I/O, no DB, no Stripe SDK).
 * Money: integer minor units. Days: UTC 'YYYY-MM-DD'; a day's value is the value at its END.
 */
export type { AccountPeriodMetrics, CustomerSeries, TrialInput } from './account.ts';
export {
  accountLtv,
  arpa,
  arr,
  computeAccountLtv,
  computeAccountMetrics,
  computeAccountSeries,
  customerChurnRate,
  grossMrrChurnRate,
  netMrrChurnRate,
  netRevenueRetention,
  quickRatio,
  trailingMonthlyChurnRates,
  trialConversionRate,
} from './account.ts';
export type { CohortCell, CohortRow } from './cohorts.ts';
export { buildCohortGrid } from './cohorts.ts';
export { convertMinor, convertToReporting, MissingRateError, minorUnitExponent } from './currency.ts';
export type { Day, Granularity, Interval, PeriodBucket } from './dates.ts';
export {
  addDays,
  addMonths,
  billingPeriodStart,
  daysBetween,
  isDay,
  monthKey,
  monthStart,
  periodBuckets,
  periodStart,
  toDay,
  weekStart,
} from './dates.ts';
export type {
  CardExpiry,
  CustomerHealth,
  CustomerHealthInput,
  FactorContribution,
  HealthBand,
  HealthFactorKey,
} from './health.ts';
export {
  CHURN_RISK_INTERCEPT,
  cancellationScheduledFactor,
  cardExpiryFactor,
  churnRiskFromFactors,
  customerHealth,
  customerHealthFactors,
  delinquencyFactor,
  failedPaymentsFactor,
  HEALTH_WEIGHTS,
  healthBand,
  healthScoreFromFactors,
  lastPaymentFactor,
  mrrTrendFactor,
  recentContractionFactor,
  tenureFactor,
} from './health.ts';
export type {
  CustomerMovement,
  CustomerSpan,
  HistoryLine,
  HistorySpan,
  HistorySubscription,
  SubscriptionHistory,
} from './history.ts';
export { customerMovements, customerSpans, subscriptionHistory } from './history.ts';
export type { Movement, MovementClassification, MovementTotals, MovementType } from './movements.ts';
export { classifyMovement, movementsFromSpans, signedAmount, summarizeMovements } from './movements.ts';
export type {
  AppliedDiscount,
  CouponInput,
  DiscountInput,
  MrrReason,
  MrrState,
  PriceInput,
  PriceTierInput,
  SubscriptionInput,
  SubscriptionItemInput,
  SubscriptionMrr,
  SubscriptionStatus,
} from './mrr.ts';
export { subscriptionMrr, subscriptionMrrState } from './mrr.ts';
export type { InvoiceInput, NetRevenue, RefundInput } from './revenue.ts';
export { netRevenueCollected } from './revenue.ts';
export type { CancelAtPeriodEndMode, DiscountMode, MetricSettings, SettingsValidation } from './settings.ts';
export {
  DEFAULT_METRIC_SETTINGS,
  MetricSettingsError,
  normalizeMetricSettings,
  validateMetricSettings,
} from './settings.ts';
export type { MrrSpan } from './spans.ts';
export {
  dailySeries,
  mrrOnDay,
  normalizeSpans,
  spansFromDaily,
  subscriptionMrrSpans,
  sumSpans,
} from './spans.ts';
