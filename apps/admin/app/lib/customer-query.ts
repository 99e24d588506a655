/**
 * The customers page keeps its whole state in the URL (GET form), so links are shareable and
 * the back button works. This turns search params into the router's list input, dropping
 * values it cannot use and saying which, instead of failing the page.
 */
import { STRIPE_ID_PATTERN } from './analytics-range';
import { HEALTH_OPTIONS, type HealthBand, STATUS_OPTIONS } from './labels';

export const SORT_OPTIONS = [
  { value: 'created', label: 'Data de cadastro' },
  { value: 'name', label: 'Nome' },
  { value: 'mrr', label: 'MRR' },
  { value: 'health', label: 'Saúde' },
  { value: 'ltv', label: 'LTV' },
] as const;
export type SortField = (typeof SORT_OPTIONS)[number]['value'];

export const PAGE_SIZE = 24;

/** The input of `customers.list` (dates are inclusive UTC days). */
export interface CustomerQuery {
  search?: string;
  status?: Status[];
  health?: HealthBand[];
  product?: string;
  price?: string;
  dateFrom?: string;
  dateTo?: string;
  sort: SortField;
  order: 'asc' | 'desc';
  page: number;
  limit: number;
}

export interface ParsedCustomerQuery {
  query: CustomerQuery;
  view: 'cards' | 'table';
  /** Values the page ignored, shown to the user. */
  problems: string[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A product or price id from the URL; anything else is named and left out (the router would refuse it). */
function parseStripeId(value: string | null, problem: string, problems: string[]): string | undefined {
  const id = value?.trim();
  if (!id) return undefined;
  if (STRIPE_ID_PATTERN.test(id)) return id;
  problems.push(problem);
  return undefined;
}

type Status = (typeof STATUS_OPTIONS)[number];

function parseDay(value: string | null, name: string, problems: string[]): string | undefined {
  if (!value) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  if (!DAY.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    problems.push(`Data inválida em “${name}”: ${value}`);
    return undefined;
  }
  return value;
}

export function parseCustomerQuery(params: URLSearchParams): ParsedCustomerQuery {
  const problems: string[] = [];
  const search = params.get('q')?.trim().slice(0, 200) || undefined;
  const status = params
    .getAll('status')
    .filter((s): s is Status => (STATUS_OPTIONS as readonly string[]).includes(s));
  const health = params
    .getAll('health')
    .filter((h): h is HealthBand => HEALTH_OPTIONS.some((o) => o.value === h));
  const product = parseStripeId(
    params.get('product'),
    'Produto desconhecido; o filtro foi ignorado.',
    problems,
  );
  const price = parseStripeId(params.get('price'), 'Plano desconhecido; o filtro foi ignorado.', problems);
  const dateFrom = parseDay(params.get('from'), 'de', problems);
  const dateTo = parseDay(params.get('to'), 'até', problems);
  const dateOk = !(dateFrom && dateTo && dateFrom > dateTo);
  if (!dateOk) problems.push('O período termina antes de começar; o filtro de data foi ignorado.');
  const sortParam = params.get('sort');
  const sort = SORT_OPTIONS.find((o) => o.value === sortParam)?.value ?? 'created';
  const order = params.get('order') === 'asc' ? 'asc' : 'desc';
  const page = Math.max(1, Math.min(100_000, Math.floor(Number(params.get('page'))) || 1));
  const view = params.get('view') === 'table' ? 'table' : 'cards';
  return {
    query: {
      ...(search ? { search } : {}),
      ...(status.length ? { status } : {}),
      ...(health.length ? { health } : {}),
      ...(product ? { product } : {}),
      ...(price ? { price } : {}),
      ...(dateOk && dateFrom ? { dateFrom } : {}),
      ...(dateOk && dateTo ? { dateTo } : {}),
      sort,
      order,
      page,
      limit: PAGE_SIZE,
    },
    view,
    problems,
  };
}

/** The export endpoint's URL for the same filter (without paging or view). */
export function exportHref(params: URLSearchParams): string {
  const copy = new URLSearchParams(params);
  copy.delete('page');
  copy.delete('view');
  return `/customers/export?${copy}`;
}
