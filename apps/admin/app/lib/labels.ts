/** pt-BR labels and bands shared by the pages (pure, so loaders and components agree). */
import { healthBand as bandOf, type HealthBand } from '@medpro/widgets';

export type { HealthBand };

const STATUS: Record<string, { label: string; tone: 'good' | 'warning' | 'risk' | 'info' | '' }> = {
  active: { label: 'Ativo', tone: 'good' },
  trialing: { label: 'Em teste', tone: 'info' },
  past_due: { label: 'Pagamento atrasado', tone: 'warning' },
  unpaid: { label: 'Não pago', tone: 'risk' },
  incomplete: { label: 'Incompleto', tone: 'warning' },
  incomplete_expired: { label: 'Expirado', tone: '' },
  paused: { label: 'Pausado', tone: '' },
  canceled: { label: 'Cancelado', tone: 'risk' },
  none: { label: 'Sem assinatura', tone: '' },
};

/** The subscription statuses the customer filter offers, in display order. */
export const STATUS_OPTIONS = [
  'active',
  'trialing',
  'past_due',
  'unpaid',
  'canceled',
  'paused',
  'none',
] as const;

export function statusLabel(status: string | null): string {
  if (!status) return STATUS.none!.label;
  return STATUS[status]?.label ?? status;
}

export function statusTone(status: string | null): string {
  return STATUS[status ?? 'none']?.tone ?? '';
}

/** The plan's bands (≥ 80 good, 50–79 warning, < 50 at risk), or null without a score. */
export function healthBand(score: number | null | undefined): HealthBand | null {
  return score === null || score === undefined ? null : bandOf(score);
}

export const HEALTH_OPTIONS: { value: HealthBand; label: string }[] = [
  { value: 'good', label: 'Saudável (≥ 80)' },
  { value: 'warning', label: 'Atenção (50–79)' },
  { value: 'at_risk', label: 'Em risco (< 50)' },
];

/** "cliente há 2 anos" / "cliente há 6 meses" / "cliente há 3 dias", from the signup date. */
export function tenure(since: Date | string | null, now: Date, locale = 'pt-BR'): string | null {
  if (!since) return null;
  const start = new Date(since);
  const days = Math.floor((now.getTime() - start.getTime()) / 86_400_000);
  if (days < 0) return null;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
  const months =
    (now.getUTCFullYear() - start.getUTCFullYear()) * 12 +
    now.getUTCMonth() -
    start.getUTCMonth() -
    (now.getUTCDate() < start.getUTCDate() ? 1 : 0);
  const phrase =
    months >= 12
      ? rtf.format(-Math.floor(months / 12), 'year')
      : months >= 1
        ? rtf.format(-months, 'month')
        : rtf.format(-days, 'day');
  return `cliente ${phrase}`;
}

const ACTIVITY: Record<string, string> = {
  payment_succeeded: 'Pagamento recebido',
  payment_failed: 'Pagamento falhou',
  invoice_paid: 'Fatura paga',
  invoice_payment_failed: 'Pagamento falhou',
  subscription_created: 'Assinatura criada',
  subscription_updated: 'Assinatura alterada',
  subscription_canceled: 'Assinatura cancelada',
  subscription_deleted: 'Assinatura encerrada',
  upgrade: 'Upgrade',
  downgrade: 'Downgrade',
  new: 'Nova assinatura',
  expansion: 'Upgrade',
  contraction: 'Downgrade',
  churn: 'Cancelamento',
  reactivation: 'Reativação',
  refund: 'Reembolso',
  trial_started: 'Teste iniciado',
  trial_ended: 'Teste encerrado',
  customer_created: 'Cliente criado',
};

export function activityLabel(type: string | null): string {
  if (!type) return 'Evento';
  return ACTIVITY[type] ?? type.replace(/[._]/g, ' ');
}

export function activityTone(type: string | null): string {
  if (!type) return '';
  if (/fail|churn|cancel|delete|contraction|downgrade|refund/.test(type)) return 'risk';
  if (/succeeded|paid|expansion|upgrade|reactivation|new|created/.test(type)) return 'good';
  return 'info';
}

/** The Stripe dashboard page of a customer; test-mode data lives under /test. */
export function stripeDashboardUrl(customerId: string, testMode: boolean): string {
  return `https://dashboard.stripe.com${testMode ? '/test' : ''}/customers/${encodeURIComponent(customerId)}`;
}

const INTERVAL: Record<string, string> = { day: 'dia', week: 'semana', month: 'mês', year: 'ano' };

/** How often a price bills: "por mês", "a cada 3 meses", "avulso" for one-off prices. */
export function billingInterval(interval: string | null, count: number | null): string {
  if (!interval) return 'avulso';
  const unit = INTERVAL[interval] ?? interval;
  return count && count > 1 ? `a cada ${count} ${unit}${unit.endsWith('s') ? 'es' : 's'}` : `por ${unit}`;
}
