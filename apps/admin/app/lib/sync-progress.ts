/**
 * Reads the worker's `sync_runs.progress` JSON ({ phase, types: { customers: { done,
 * estimatedTotal, rate, etaSeconds } … } }) defensively: it is written by another process and
 * may be partial, so anything unreadable shows as unknown instead of breaking the page.
 */
export interface TypeProgressView {
  type: string;
  done: number;
  total: number | null;
  /** Objects per second. */
  rate: number | null;
  etaSeconds: number | null;
}

export interface ProgressView {
  phase: string | null;
  note: string | null;
  types: TypeProgressView[];
  /** 0–1 over the types with a known total; 1 once the run succeeded. */
  fraction: number | null;
  etaSeconds: number | null;
  rate: number;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function readProgress(progress: unknown, status: string): ProgressView {
  const p = (typeof progress === 'object' && progress !== null ? progress : {}) as Record<string, unknown>;
  const rawTypes = (typeof p.types === 'object' && p.types !== null ? p.types : {}) as Record<
    string,
    unknown
  >;
  const types = Object.entries(rawTypes).map(([type, value]): TypeProgressView => {
    const t = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    return {
      type,
      done: num(t.done) ?? 0,
      total: num(t.estimatedTotal),
      rate: num(t.rate),
      etaSeconds: num(t.etaSeconds),
    };
  });
  const known = types.filter((t) => t.total !== null);
  const total = known.reduce((n, t) => n + (t.total ?? 0), 0);
  const done = known.reduce((n, t) => n + Math.min(t.done, t.total ?? 0), 0);
  const fraction = status === 'succeeded' ? 1 : total > 0 ? Math.min(1, done / total) : null;
  const etas = types.map((t) => t.etaSeconds).filter((e): e is number => e !== null);
  return {
    phase: typeof p.phase === 'string' ? p.phase : null,
    note: typeof p.note === 'string' ? p.note : null,
    types,
    fraction,
    // Types are fetched concurrently: the run ends with its slowest type.
    etaSeconds: status === 'succeeded' ? 0 : etas.length ? Math.max(...etas) : null,
    rate: types.reduce((n, t) => n + (t.rate ?? 0), 0),
  };
}

/** "1 min 05 s", "42 s", "2 h 03 min". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

const TYPE_LABEL: Record<string, string> = {
  customers: 'Clientes',
  products: 'Produtos',
  prices: 'Preços',
  coupons: 'Cupons',
  subscriptions: 'Assinaturas',
  invoices: 'Faturas',
  charges: 'Cobranças',
  refunds: 'Reembolsos',
  payment_methods: 'Formas de pagamento',
  events: 'Eventos',
};

export function typeLabel(type: string): string {
  return TYPE_LABEL[type] ?? type.replace(/_/g, ' ');
}

/** The worker's phase names (backfill.ts), as the page shows them. */
const PHASE_LABEL: Record<string, string> = {
  listing: 'listando objetos',
  'resolving customers': 'buscando clientes excluídos',
  'building indexes': 'criando índices',
  done: 'concluída',
  stopped: 'interrompida',
};

export function phaseLabel(phase: string): string {
  return PHASE_LABEL[phase] ?? phase;
}

const RUN_STATUS: Record<string, { label: string; tone: string }> = {
  queued: { label: 'Na fila', tone: 'info' },
  running: { label: 'Em andamento', tone: 'info' },
  succeeded: { label: 'Concluída', tone: 'good' },
  failed: { label: 'Falhou', tone: 'risk' },
  interrupted: { label: 'Interrompida', tone: 'warning' },
};

export function runStatus(status: string): { label: string; tone: string } {
  return RUN_STATUS[status] ?? { label: status, tone: '' };
}
