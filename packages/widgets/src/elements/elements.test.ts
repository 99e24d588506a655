import superjson from 'superjson';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineMedProElements } from './define.ts';
import { rangeStart } from './elements.tsx';
import type { CustomerHealth, MrrSummary } from './views.tsx';

const HOSTILE = '<img src=x onerror=alert(1)>';
const plain = (s: string | null | undefined) => (s ?? '').replace(/\s/g, ' ');

const MRR: MrrSummary = {
  currency: 'BRL',
  product: null,
  mrr: 1234500,
  previousMrr: 1000000,
  change: { absolute: 234500, relative: 0.2345 },
  series: [
    { period: '2024-03-01', mrr: 1000000 },
    { period: '2024-03-02', mrr: 1234500 },
  ],
};

const HEALTH: CustomerHealth = {
  stripeCustomerId: 'cus_1',
  name: HOSTILE,
  healthScore: 42,
  healthBand: 'at_risk',
  churnRiskScore: 0.31,
  topFactors: [
    { factor: 'tenure', label: 'Cliente há mais de 1 ano', impact: 5 },
    { factor: 'failed_payments_90d', label: '2 pagamentos falharam', impact: -20 },
    { factor: 'delinquent', label: 'Inadimplente', impact: -25 },
    { factor: 'card_expiring', label: 'Cartão expira antes da renovação', impact: -10 },
  ],
  mrr: 29900,
  currency: 'BRL',
};

type Reply = { status: number; body: unknown } | Error;
let replies: Promise<Reply>[];
let calls: { url: URL; headers: Headers; signal: AbortSignal | undefined }[];

function ok(value: unknown): Reply {
  return { status: 200, body: { result: { data: superjson.serialize(value) } } };
}
function fail(status: number, code: string): Reply {
  return {
    status,
    body: { error: { json: { message: 'nope', code: -32001, data: { code, httpStatus: status } } } },
  };
}

beforeAll(() => defineMedProElements());
beforeEach(() => {
  replies = [];
  calls = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    calls.push({ url: new URL(url), headers: new Headers(init.headers), signal: init.signal ?? undefined });
    const reply = await (replies.shift() ?? Promise.reject(new Error('unexpected request')));
    if (reply instanceof Error) throw new TypeError('Failed to fetch');
    return new Response(JSON.stringify(reply.body), { status: reply.status });
  });
});
afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
  delete window.MedProWidgets;
});

function mount(tag: string, attributes: Record<string, string>): HTMLElement {
  const element = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, v);
  document.body.append(element);
  return element;
}

/** Resolves with the element's next medpro-ready / medpro-error event. */
function settled(element: HTMLElement): Promise<string> {
  return new Promise((resolve) => {
    const done = (event: Event) => {
      element.removeEventListener('medpro-ready', done);
      element.removeEventListener('medpro-error', done);
      resolve(event.type);
    };
    element.addEventListener('medpro-ready', done);
    element.addEventListener('medpro-error', done);
  });
}

const text = (element: HTMLElement) => plain(element.shadowRoot?.querySelector('.mp-root')?.textContent);
const input = (i: number) => superjson.deserialize(JSON.parse(calls[i]!.url.searchParams.get('input')!));

describe('<medpro-mrr>', () => {
  it('shows loading, then the MRR, its change and a sparkline from widgets.mrrSummary', async () => {
    let answer!: (r: Reply) => void;
    replies.push(new Promise((resolve) => (answer = resolve)));
    const el = mount('medpro-mrr', { range: '30d', 'api-base': 'http://api.test', token: 'mp_abc' });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(el.getAttribute('aria-busy')).toBe('');
    expect(el.shadowRoot!.querySelector('[role="status"]')?.textContent).toBe('Carregando…');
    expect(calls[0]!.url.origin + calls[0]!.url.pathname).toBe('http://api.test/api/trpc/widgets.mrrSummary');
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer mp_abc');
    expect(input(0)).toEqual({ from: rangeStart(30), granularity: 'day' });

    const event = settled(el);
    answer(ok(MRR));
    await expect(event).resolves.toBe('medpro-ready');
    expect(el.hasAttribute('aria-busy')).toBe(false);
    expect(text(el)).toContain('R$ 12.345,00');
    expect(text(el)).toContain('▲ +23,5% vs. 30 dias antes');
    expect(el.shadowRoot!.querySelector('svg[role="img"]')?.getAttribute('aria-label')).toContain(
      'MRR de 1 de mar.',
    );
    expect((el as HTMLElementTagNameMap['medpro-mrr']).state.status).toBe('ready');
  });

  it('keeps its CSS inside the shadow root: nothing is added to the document', async () => {
    replies.push(Promise.resolve(ok(MRR)));
    const el = mount('medpro-mrr', { 'api-base': 'http://api.test' });
    await settled(el);
    expect(document.head.querySelectorAll('style,link')).toHaveLength(0);
    expect(el.shadowRoot!.querySelector('style')?.textContent).toContain(':host { all: initial;');
  });

  it('reads token and API base from window.MedProWidgets when attributes are absent', async () => {
    window.MedProWidgets = { token: 'mp_global', apiBase: 'http://global.test/' };
    replies.push(Promise.resolve(ok(MRR)));
    const el = mount('medpro-mrr', { product: 'prod_10' });
    await settled(el);
    expect(calls[0]!.url.href.startsWith('http://global.test/api/trpc/widgets.mrrSummary?')).toBe(true);
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer mp_global');
    expect(input(0)).toEqual({ from: rangeStart(30), granularity: 'day', product: 'prod_10' });
    expect(text(el)).toContain('MRR do produto');
  });

  it('sends no Authorization header without a token (same-origin session cookie)', async () => {
    replies.push(Promise.resolve(ok(MRR)));
    const el = mount('medpro-mrr', { 'api-base': 'http://api.test' });
    await settled(el);
    expect(calls[0]!.headers.has('authorization')).toBe(false);
  });

  it('shows the empty state when there is no MRR at all', async () => {
    const none = { absolute: 0, relative: null };
    replies.push(Promise.resolve(ok({ ...MRR, mrr: 0, previousMrr: 0, change: none, series: [] })));
    const el = mount('medpro-mrr', { 'api-base': 'http://api.test', product: 'prod_x' });
    await expect(settled(el)).resolves.toBe('medpro-ready');
    expect(text(el)).toBe('Este produto ainda não tem MRR no período.');
    expect((el as HTMLElementTagNameMap['medpro-mrr']).state.status).toBe('empty');
  });

  it.each([
    [401, 'UNAUTHORIZED', 'Token de incorporação inválido, revogado ou expirado.'],
    [403, 'FORBIDDEN', 'Este site não está autorizado a usar este token de incorporação.'],
    [500, 'INTERNAL_SERVER_ERROR', 'O MedPro não conseguiu responder (HTTP 500). Tente de novo mais tarde.'],
  ])('HTTP %i with a token shows an alert in pt-BR', async (status, code, message) => {
    replies.push(Promise.resolve(fail(status, code)));
    const el = mount('medpro-mrr', { 'api-base': 'http://api.test', token: 'mp_x' });
    await expect(settled(el)).resolves.toBe('medpro-error');
    expect(el.shadowRoot!.querySelector('[role="alert"]')?.textContent).toBe(message);
  });

  it('a network failure (or a CORS refusal) says it could not connect', async () => {
    replies.push(Promise.resolve(new Error('offline')));
    const el = mount('medpro-mrr', { 'api-base': 'http://api.test' });
    await settled(el);
    expect(text(el)).toMatch(/^Não foi possível conectar ao MedPro/);
  });

  it.each([
    [
      { range: 'forever' },
      'Atributo range inválido: "forever". Use um número de dias, por exemplo 30d, 90d ou 365d.',
    ],
    [{ range: '0d' }, 'Atributo range inválido: "0d". Use um número de dias, por exemplo 30d, 90d ou 365d.'],
    [{ granularity: 'hour' }, 'Atributo granularity inválido: "hour". Use day, week ou month.'],
  ])('invalid attributes %o show an error without a request', async (attributes, message) => {
    const el = mount('medpro-mrr', { 'api-base': 'http://api.test', ...attributes });
    await expect(settled(el)).resolves.toBe('medpro-error');
    expect(text(el)).toBe(message);
    expect(calls).toHaveLength(0);
  });

  it('re-renders once when several observed attributes change together', async () => {
    replies.push(Promise.resolve(ok(MRR)));
    const el = mount('medpro-mrr', { 'api-base': 'http://api.test' });
    await settled(el);
    replies.push(Promise.resolve(ok({ ...MRR, mrr: 500 })));
    const next = settled(el);
    el.setAttribute('range', '90d');
    el.setAttribute('granularity', 'week');
    await next;
    expect(calls).toHaveLength(2);
    expect(input(1)).toEqual({ from: rangeStart(90), granularity: 'week' });
    expect(text(el)).toContain('R$ 5,00');
    expect(text(el)).toContain('vs. 90 dias antes');
  });

  it('a newer request wins over a slower older one', async () => {
    let first!: (r: Reply) => void;
    replies.push(new Promise((resolve) => (first = resolve)));
    replies.push(Promise.resolve(ok({ ...MRR, mrr: 700 })));
    const el = mount('medpro-mrr', { 'api-base': 'http://api.test' });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    const done = settled(el);
    el.setAttribute('range', '7d');
    await done;
    expect(calls[0]!.signal?.aborted).toBe(true);
    first(ok(MRR));
    await new Promise((r) => setTimeout(r, 10));
    expect(text(el)).toContain('R$ 7,00');
  });

  it('disconnecting aborts the request and unmounts the view', async () => {
    replies.push(new Promise(() => {}));
    const el = mount('medpro-mrr', { 'api-base': 'http://api.test' });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    const events: string[] = [];
    el.addEventListener('medpro-error', () => events.push('error'));
    el.remove();
    expect(calls[0]!.signal?.aborted).toBe(true);
    expect(el.shadowRoot!.querySelector('.mp-root')?.childElementCount).toBe(0);
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual([]);
  });

  it('loads again when re-attached', async () => {
    replies.push(Promise.resolve(ok(MRR)), Promise.resolve(ok({ ...MRR, mrr: 900 })));
    const el = mount('medpro-mrr', { 'api-base': 'http://api.test' });
    await settled(el);
    el.remove();
    const again = settled(el);
    document.body.append(el);
    await again;
    expect(text(el)).toContain('R$ 9,00');
  });
});

describe('<medpro-customer-health>', () => {
  it('shows the name as text, the band in words, risk, MRR, the top factors and the admin link', async () => {
    replies.push(Promise.resolve(ok(HEALTH)));
    const el = mount('medpro-customer-health', { 'customer-id': 'cus_1', 'api-base': 'http://api.test' });
    await expect(settled(el)).resolves.toBe('medpro-ready');
    expect(input(0)).toEqual({ id: 'cus_1' });
    const root = el.shadowRoot!;
    expect(root.querySelector('img')).toBeNull();
    expect(root.querySelector('.mp-health__name')?.textContent).toBe(HOSTILE);
    expect(plain(root.querySelector('.mp-badge')?.textContent)).toBe('42 de 100, Em risco');
    expect(text(el)).toContain('Risco de cancelamento31%');
    expect(text(el)).toContain('MRRR$ 299,00');
    expect(Array.from(root.querySelectorAll('.mp-factor')).map((li) => plain(li.textContent))).toEqual([
      'Inadimplente−25 pts',
      '2 pagamentos falharam−20 pts',
      'Cartão expira antes da renovação−10 pts',
    ]);
    expect(root.querySelector('a')?.getAttribute('href')).toBe('http://api.test/customers/cus_1');
  });

  it('honours the factors attribute and never links a javascript: URL', async () => {
    replies.push(Promise.resolve(ok(HEALTH)));
    const el = mount('medpro-customer-health', {
      'customer-id': 'cus_1',
      factors: '1',
      'api-base': 'javascript:alert(1)//',
    });
    await settled(el);
    expect(el.shadowRoot!.querySelectorAll('.mp-factor')).toHaveLength(1);
    expect(el.shadowRoot!.querySelector('a')).toBeNull();
  });

  it('says the customer was not found on 404', async () => {
    replies.push(Promise.resolve(fail(404, 'NOT_FOUND')));
    const el = mount('medpro-customer-health', {
      'customer-id': 'cus_missing',
      'api-base': 'http://api.test',
    });
    await expect(settled(el)).resolves.toBe('medpro-error');
    expect(text(el)).toBe('Cliente não encontrado.');
  });

  it('asks for customer-id when it is missing', async () => {
    const el = mount('medpro-customer-health', { 'api-base': 'http://api.test' });
    await settled(el);
    expect(text(el)).toBe('Informe o cliente no atributo customer-id (cus_…).');
    expect(calls).toHaveLength(0);
  });
});

describe('<medpro-customer-list>', () => {
  const LIST = {
    product: 'prod_10',
    productName: 'MedPro Clínica 10 usuários',
    currency: 'BRL',
    total: 7,
    customers: [
      { stripeCustomerId: 'cus_a', name: HOSTILE, healthScore: 12, churnRiskScore: 0.7, mrr: 29900 },
      { stripeCustomerId: 'cus_b', name: null, healthScore: 40, churnRiskScore: null, mrr: 0 },
    ],
  };

  it('lists the least healthy customers with badge, MRR, risk and a link each', async () => {
    replies.push(Promise.resolve(ok(LIST)));
    const el = mount('medpro-customer-list', {
      product: 'prod_10',
      limit: '2',
      'api-base': 'http://api.test',
    });
    await expect(settled(el)).resolves.toBe('medpro-ready');
    expect(input(0)).toEqual({ product: 'prod_10', limit: 2 });
    const items = Array.from(el.shadowRoot!.querySelectorAll('.mp-list__item')).map((li) =>
      plain(li.textContent),
    );
    expect(items).toEqual([
      `${HOSTILE}12 de 100, Em riscoR$ 299,00 · risco 70%`,
      'cus_b40 de 100, Em riscoR$ 0,00',
    ]);
    expect(el.shadowRoot!.querySelector('img')).toBeNull();
    expect(Array.from(el.shadowRoot!.querySelectorAll('a')).map((a) => a.getAttribute('href'))).toEqual([
      'http://api.test/customers/cus_a',
      'http://api.test/customers/cus_b',
    ]);
    expect(text(el)).toContain('Os 2 de menor saúde, de 7.');
  });

  it('says so when the product has no customer at risk, and when the product is unknown', async () => {
    replies.push(
      Promise.resolve(ok({ ...LIST, total: 0, customers: [] })),
      Promise.resolve(fail(404, 'NOT_FOUND')),
    );
    const el = mount('medpro-customer-list', { product: 'prod_10', 'api-base': 'http://api.test' });
    await settled(el);
    expect(text(el)).toBe('Nenhum cliente em risco neste produto.');
    const next = settled(el);
    el.setAttribute('product', 'prod_gone');
    await expect(next).resolves.toBe('medpro-error');
    expect(text(el)).toBe('Produto não encontrado.');
  });

  it.each([
    [{}, 'Informe o produto no atributo product (prod_…).'],
    [{ product: 'prod_1', limit: '500' }, 'Atributo limit inválido: "500". Use um número de 1 a 50.'],
  ])('invalid attributes %o show an error without a request', async (attributes, message) => {
    const el = mount('medpro-customer-list', { 'api-base': 'http://api.test', ...attributes });
    await settled(el);
    expect(text(el)).toBe(message);
    expect(calls).toHaveLength(0);
  });
});

describe('rangeStart', () => {
  it('is the first UTC day of the last N days, today included', () => {
    expect(rangeStart(30, new Date('2024-03-31T23:59:00Z'))).toBe('2024-03-02');
    expect(rangeStart(1, new Date('2024-03-31T00:00:00Z'))).toBe('2024-03-31');
  });
});

describe('defineMedProElements', () => {
  it('can run again, and leaves an existing registration in place', () => {
    const before = customElements.get('medpro-mrr');
    expect(() => defineMedProElements()).not.toThrow();
    expect(customElements.get('medpro-mrr')).toBe(before);
  });
});
