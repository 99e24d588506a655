/**
 * The analytics page's period lives in the URL: `range` (7d, 30d, 90d, 365d, ytd, custom),
 * `from`/`to` for custom, and `granularity`. This resolves it against today (UTC) into the
 * router's range input; a bad custom range falls back to 30 days with a message.
 */
export const RANGE_PRESETS = [
  { value: '7d', label: 'Últimos 7 dias' },
  { value: '30d', label: 'Últimos 30 dias' },
  { value: '90d', label: 'Últimos 90 dias' },
  { value: '365d', label: 'Últimos 365 dias' },
  { value: 'ytd', label: 'Este ano' },
  { value: 'custom', label: 'Personalizado' },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]['value'];

export const GRANULARITIES = [
  { value: 'day', label: 'Dia' },
  { value: 'week', label: 'Semana' },
  { value: 'month', label: 'Mês' },
] as const;
export type Granularity = (typeof GRANULARITIES)[number]['value'];

export interface AnalyticsRange {
  preset: RangePreset;
  from: string;
  to: string;
  granularity: Granularity;
  problems: string[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 3660;

function validDay(value: string | null): value is string {
  return !!value && DAY.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** A granularity that keeps the chart readable when none is chosen. */
function defaultGranularity(days: number): Granularity {
  return days <= 45 ? 'day' : days <= 200 ? 'week' : 'month';
}

export function parseAnalyticsRange(params: URLSearchParams, now: Date): AnalyticsRange {
  const problems: string[] = [];
  const today = now.toISOString().slice(0, 10);
  let preset = (RANGE_PRESETS.find((p) => p.value === params.get('range'))?.value ?? '30d') as RangePreset;
  if (preset === 'custom') {
    const custom = customRange(params.get('from'), params.get('to'));
    if (typeof custom !== 'string') return finish('custom', custom.from, custom.to, params, problems);
    problems.push(custom);
    preset = '30d';
  }
  const days = { '7d': 7, '30d': 30, '90d': 90, '365d': 365 } as const;
  const from =
    preset === 'ytd'
      ? `${today.slice(0, 4)}-01-01`
      : addDays(today, -(days[preset as keyof typeof days] - 1));
  return finish(preset, from, today, params, problems);
}

/** A valid custom period, or what is wrong with it. */
function customRange(from: string | null, to: string | null): { from: string; to: string } | string {
  if (!validDay(from) || !validDay(to))
    return 'Informe as datas de início e fim do período personalizado (AAAA-MM-DD).';
  if (from > to) return 'O período personalizado termina antes de começar.';
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 > MAX_DAYS) {
    return `O período personalizado pode ter no máximo ${MAX_DAYS} dias.`;
  }
  return { from, to };
}

function finish(
  preset: RangePreset,
  from: string,
  to: string,
  params: URLSearchParams,
  problems: string[],
): AnalyticsRange {
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  const chosen = GRANULARITIES.find((g) => g.value === params.get('granularity'))?.value;
  // More than 400 daily buckets is refused by the router; pick the coarser one for the user.
  const granularity = chosen === 'day' && days > 400 ? 'week' : (chosen ?? defaultGranularity(days));
  if (chosen && chosen !== granularity)
    problems.push('Período longo demais para granularidade diária; usando semanas.');
  return { preset, from, to, granularity, problems };
}

/** The last `months` cohort months ending with the range's last month (YYYY-MM). */
export function cohortMonths(to: string, months = 12): { from: string; to: string } {
  const year = Number(to.slice(0, 4));
  const month = Number(to.slice(5, 7)) - 1;
  const start = new Date(Date.UTC(year, month - (months - 1), 1));
  return { from: start.toISOString().slice(0, 7), to: to.slice(0, 7) };
}

/** A customer segment the figures are limited to; empty for the whole account. */
export interface AnalyticsSegment {
  product?: string;
  price?: string;
  currency?: string;
  country?: string;
  metadataKey?: string;
  metadataValue?: string;
}

/** A Stripe product or price id, as the router accepts it. */
export const STRIPE_ID_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

const SEGMENT_FIELDS = [
  { param: 'product', field: 'product', pattern: STRIPE_ID_PATTERN, problem: 'Produto desconhecido.' },
  { param: 'price', field: 'price', pattern: STRIPE_ID_PATTERN, problem: 'Plano desconhecido.' },
  {
    param: 'currency',
    field: 'currency',
    pattern: /^[A-Za-z]{3}$/,
    problem: 'Moeda: use o código de 3 letras (ex.: BRL).',
  },
  {
    param: 'country',
    field: 'country',
    pattern: /^[A-Za-z]{2}$/,
    problem: 'País: use o código de 2 letras (ex.: BR).',
  },
  {
    param: 'meta_key',
    field: 'metadataKey',
    pattern: /^[A-Za-z0-9_]{1,40}$/,
    problem: 'Chave de metadado: letras, dígitos e _ (até 40).',
  },
  {
    param: 'meta_value',
    field: 'metadataValue',
    pattern: /^.{1,500}$/,
    problem: 'Valor de metadado: até 500 caracteres.',
  },
] as const;

/**
 * The segment in the URL (`product`, `price`, `currency`, `country`, `meta_key` + `meta_value`). An invalid part is
 * left out with a message, so the page still shows figures (of a wider set, and says so).
 */
export function parseAnalyticsSegment(params: URLSearchParams): {
  segment: AnalyticsSegment;
  problems: string[];
} {
  const segment: AnalyticsSegment = {};
  const problems: string[] = [];
  for (const { param, field, pattern, problem } of SEGMENT_FIELDS) {
    const value = params.get(param)?.trim();
    if (!value) continue;
    const upper = field === 'currency' || field === 'country';
    if (pattern.test(value)) segment[field] = upper ? value.toUpperCase() : value;
    else problems.push(problem);
  }
  if (Boolean(segment.metadataKey) !== Boolean(segment.metadataValue)) {
    problems.push('Metadado: informe a chave e o valor.');
    delete segment.metadataKey;
    delete segment.metadataValue;
  }
  return { segment, problems };
}

/** The segment as URL parameters (for links that keep it, such as the drill-down). */
export function segmentParams(segment: AnalyticsSegment): Record<string, string> {
  return {
    ...(segment.product ? { product: segment.product } : {}),
    ...(segment.price ? { price: segment.price } : {}),
    ...(segment.currency ? { currency: segment.currency } : {}),
    ...(segment.country ? { country: segment.country } : {}),
    ...(segment.metadataKey ? { meta_key: segment.metadataKey } : {}),
    ...(segment.metadataValue ? { meta_value: segment.metadataValue } : {}),
  };
}
