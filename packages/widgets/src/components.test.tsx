import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HealthBadge } from './cards/HealthBadge.tsx';
import { MetricCard } from './cards/MetricCard.tsx';
import { CohortHeatmap } from './charts/CohortHeatmap.tsx';
import { DonutChart } from './charts/DonutChart.tsx';
import { Sparkline } from './charts/Sparkline.tsx';
import { StackedMovementsChart } from './charts/StackedMovementsChart.tsx';
import { AreaChart, LineChart } from './charts/TimeSeriesChart.tsx';
import { FormatProvider } from './format-context.tsx';

const HOSTILE = '<img src=x onerror=alert(1)>';
const plain = (s: string | null | undefined) => (s ?? '').replace(/\s/g, ' ');

/** Captures what the "Exportar CSV" button downloads. */
let downloads: { name: string; text: Promise<string> }[] = [];
beforeEach(() => {
  downloads = [];
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    downloads.push({ name: '', text: (blob as Blob).text() });
    return 'blob:test';
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    downloads[downloads.length - 1]!.name = this.download;
  });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

async function exportCsv(): Promise<{ name: string; rows: string[] }> {
  fireEvent.click(screen.getByRole('button', { name: 'Exportar CSV' }));
  const file = downloads.at(-1)!;
  // Strip the BOM that makes spreadsheets read UTF-8.
  const text = (await file.text).replace(/^\uFEFF/, '');
  return { name: file.name, rows: text.split('\r\n').slice(0, -1) };
}

function tableRows(): string[][] {
  fireEvent.click(screen.getByRole('button', { name: 'Ver como tabela' }));
  const table = screen.getByRole('table');
  return within(table)
    .getAllByRole('row')
    .map((row) => Array.from(row.querySelectorAll('th,td')).map((c) => plain(c.textContent)));
}

const series = [
  { date: '2024-01-01', value: 120000 },
  { date: '2024-02-01', value: 150050 },
  { date: '2024-03-01', value: 99 },
];

describe.each([
  ['LineChart', LineChart],
  ['AreaChart', AreaChart],
])('%s', (_, Chart) => {
  it('draws the series with a text alternative naming range and values', () => {
    const { container } = render(
      <Chart title="MRR" data={series} valueLabel="MRR" valueFormat={{ kind: 'money', currency: 'brl' }} />,
    );
    const img = screen.getByRole('img');
    expect(plain(img.getAttribute('aria-label'))).toBe(
      'MRR de 1 de jan. de 2024 a 1 de mar. de 2024: de R$ 1.200,00 para R$ 0,99; mínimo R$ 0,99, máximo R$ 1.500,50.',
    );
    expect(container.querySelector('path.mp-line')?.getAttribute('d')).toMatch(/^M/);
  });

  it('shows a tooltip for the focused point and moves it with the arrow keys', () => {
    render(<Chart title="Clientes" data={series} valueLabel="Clientes" />);
    const img = screen.getByRole('img');
    fireEvent.focus(img);
    expect(plain(screen.getByRole('status').textContent)).toBe('1 de mar. de 2024Clientes: 99');
    fireEvent.keyDown(img, { key: 'Home' });
    expect(plain(screen.getByRole('status').textContent)).toBe('1 de jan. de 2024Clientes: 120.000');
    fireEvent.keyDown(img, { key: 'ArrowRight' });
    expect(plain(screen.getByRole('status').textContent)).toBe('1 de fev. de 2024Clientes: 150.050');
    fireEvent.blur(img);
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('table view equals the data and CSV has the plain values', async () => {
    render(
      <Chart title="MRR" data={series} valueLabel="MRR" valueFormat={{ kind: 'money', currency: 'brl' }} />,
    );
    expect(tableRows()).toEqual([
      ['Data', 'MRR (BRL)'],
      ['1 de jan. de 2024', 'R$ 1.200,00'],
      ['1 de fev. de 2024', 'R$ 1.500,50'],
      ['1 de mar. de 2024', 'R$ 0,99'],
    ]);
    expect(screen.getByRole('button', { name: 'Ver gráfico' }).getAttribute('aria-pressed')).toBe('true');
    const csv = await exportCsv();
    expect(csv.name).toBe('MRR.csv');
    expect(csv.rows).toEqual([
      'Data,MRR (BRL)',
      '2024-01-01,1200.00',
      '2024-02-01,1500.50',
      '2024-03-01,0.99',
    ]);
  });

  it('formats the table and tooltip in the provider’s locale, keeping the CSV machine-readable', async () => {
    render(
      <FormatProvider display={{ locale: 'en-US', timeZone: 'America/New_York' }}>
        <Chart title="MRR" data={series} valueLabel="MRR" valueFormat={{ kind: 'money', currency: 'brl' }} />
      </FormatProvider>,
    );
    const img = screen.getByRole('img');
    fireEvent.focus(img);
    expect(plain(screen.getByRole('status').textContent)).toBe('Mar 1, 2024MRR: R$0.99');
    expect(tableRows()[2]).toEqual(['Feb 1, 2024', 'R$1,500.50']);
    expect((await exportCsv()).rows[2]).toBe('2024-02-01,1500.50');
  });

  it('shows the empty state without tools', () => {
    render(<Chart title="MRR" data={[]} valueLabel="MRR" emptyMessage="Nada ainda." />);
    expect(screen.getByText('Nada ainda.')).toBeTruthy();
    expect(screen.queryByRole('img')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('renders a title containing HTML as text', () => {
    const { container } = render(<Chart title={HOSTILE} data={series} valueLabel="Clientes" />);
    expect(screen.getByText(HOSTILE)).toBeTruthy();
    expect(container.querySelector('img')).toBeNull();
  });
});

describe('StackedMovementsChart', () => {
  const data = [
    { period: '2024-01-01', new: 10000, expansion: 5000, reactivation: 0, contraction: 2000, churn: 3000 },
    { period: '2024-02-01', new: 0, expansion: 1000, reactivation: 500, contraction: -700, churn: 0 },
  ];

  it('draws gains above and losses below zero, one focusable segment per non-zero movement', () => {
    const { container } = render(<StackedMovementsChart title="Movimentos" data={data} currency="brl" />);
    const segs = Array.from(container.querySelectorAll('rect.mp-seg'));
    expect(segs.map((s) => s.getAttribute('data-type'))).toEqual([
      'new',
      'expansion',
      'contraction',
      'churn',
      'expansion',
      'reactivation',
      'contraction',
    ]);
    const zero = Number(container.querySelector('line.mp-zero')?.getAttribute('y1'));
    const churn = segs[3]!;
    expect(Number(churn.getAttribute('y'))).toBeGreaterThanOrEqual(zero);
    expect(Number(segs[0]!.getAttribute('y')) + Number(segs[0]!.getAttribute('height'))).toBeCloseTo(zero, 5);
    expect(plain(screen.getByRole('group').getAttribute('aria-label'))).toContain(
      'Movimento líquido total R$ 108,00',
    );
    expect(plain(churn.getAttribute('aria-label'))).toBe('Cancelamento, jan. de 2024: -R$ 30,00');
  });

  it('calls onSelect with the period and type on click and on Enter', () => {
    const onSelect = vi.fn();
    render(<StackedMovementsChart title="Movimentos" data={data} currency="brl" onSelect={onSelect} />);
    const churn = screen.getByRole('button', { name: /Cancelamento, jan/ });
    fireEvent.click(churn);
    fireEvent.keyDown(screen.getByRole('button', { name: /Reativação, fev/ }), { key: 'Enter' });
    expect(onSelect.mock.calls).toEqual([
      [{ period: '2024-01-01', type: 'churn' }],
      [{ period: '2024-02-01', type: 'reactivation' }],
    ]);
  });

  it('shows the segment and net in a tooltip on focus', () => {
    const { container } = render(<StackedMovementsChart title="Movimentos" data={data} currency="brl" />);
    fireEvent.focus(container.querySelector('rect[data-type="expansion"]')!);
    expect(plain(screen.getByRole('status').textContent)).toBe(
      'jan. de 2024Expansão: R$ 50,00Líquido: R$ 100,00',
    );
  });

  it('table and CSV carry signed movements and the net', async () => {
    render(<StackedMovementsChart title="Movimentos" data={data} currency="brl" />);
    expect(tableRows()[2]).toEqual([
      'fev. de 2024',
      'R$ 0,00',
      'R$ 10,00',
      'R$ 5,00',
      '-R$ 7,00',
      'R$ 0,00',
      'R$ 8,00',
    ]);
    const csv = await exportCsv();
    expect(csv.rows).toEqual([
      'Período,Novo (BRL),Expansão (BRL),Reativação (BRL),Contração (BRL),Cancelamento (BRL),Líquido (BRL)',
      '2024-01-01,100.00,50.00,0.00,-20.00,-30.00,100.00',
      '2024-02-01,0.00,10.00,5.00,-7.00,0.00,8.00',
    ]);
  });

  it('shows the empty state', () => {
    render(<StackedMovementsChart title="Movimentos" data={[]} currency="brl" />);
    expect(screen.getByText('Sem dados para o período.')).toBeTruthy();
  });
});

describe('DonutChart', () => {
  const data = [
    { key: 'active', label: 'Ativa', value: 30 },
    { key: 'past_due', label: HOSTILE, value: 10 },
    { key: 'paused', label: 'Pausada', value: 0 },
  ];

  it('draws one slice per non-zero category with its share', () => {
    const { container } = render(<DonutChart title="Status" data={data} valueLabel="Assinaturas" />);
    expect(
      Array.from(container.querySelectorAll('path.mp-slice')).map((p) => p.getAttribute('data-key')),
    ).toEqual(['active', 'past_due']);
    expect(plain(screen.getByRole('img').getAttribute('aria-label'))).toBe(
      `Status: Ativa 30 (75%); ${HOSTILE} 10 (25%). Total 40.`,
    );
  });

  it('moves the tooltip over the slices with the arrow keys', () => {
    render(<DonutChart title="Status" data={data} valueLabel="Assinaturas" />);
    const img = screen.getByRole('img');
    fireEvent.focus(img);
    expect(plain(screen.getByRole('status').textContent)).toBe('Ativa30 (75%)');
    fireEvent.keyDown(img, { key: 'ArrowRight' });
    expect(plain(screen.getByRole('status').textContent)).toBe(`${HOSTILE}10 (25%)`);
  });

  it('renders a label containing HTML as text, and table/CSV equal the data', async () => {
    const { container } = render(<DonutChart title="Status" data={data} valueLabel="Assinaturas" />);
    expect(container.querySelector('img')).toBeNull();
    expect(tableRows()).toEqual([
      ['Categoria', 'Assinaturas', 'Participação (%)'],
      ['Ativa', '30', '75%'],
      [HOSTILE, '10', '25%'],
    ]);
    expect(container.querySelector('img')).toBeNull();
    expect((await exportCsv()).rows).toEqual([
      'Categoria,Assinaturas,Participação (%)',
      'Ativa,30,75',
      `${HOSTILE},10,25`,
    ]);
  });

  it('shows the empty state when every category is zero', () => {
    render(
      <DonutChart title="Status" data={[{ key: 'a', label: 'A', value: 0 }]} valueLabel="Assinaturas" />,
    );
    expect(screen.getByText('Sem dados para o período.')).toBeTruthy();
  });
});

describe('CohortHeatmap', () => {
  const data = [
    { cohort: '2024-01-01', size: 10, values: [1, 0.8, 0.5] },
    { cohort: '2024-02-01', size: 4, values: [1, 0.75, null] },
  ];

  it('draws a cell with % text for every month that happened', () => {
    const { container } = render(<CohortHeatmap title="Coortes" data={data} measure="customers" />);
    expect(Array.from(container.querySelectorAll('text.mp-heat__text')).map((t) => t.textContent)).toEqual([
      '100%',
      '80%',
      '50%',
      '100%',
      '75%',
    ]);
  });

  it('moves the tooltip over cells with the arrow keys', () => {
    render(<CohortHeatmap title="Coortes" data={data} measure="customers" />);
    const img = screen.getByRole('img');
    fireEvent.focus(img);
    fireEvent.keyDown(img, { key: 'ArrowDown' });
    fireEvent.keyDown(img, { key: 'ArrowRight' });
    expect(plain(screen.getByRole('status').textContent)).toBe(
      'fev. de 2024, mês 1Retenção dos clientes: 75%Clientes: 4',
    );
  });

  it('table and CSV equal the data, with MRR sizes as money', async () => {
    render(<CohortHeatmap title="Coortes" data={data} measure="mrr" currency="brl" />);
    expect(tableRows()).toEqual([
      ['Coorte', 'MRR inicial (BRL)', 'Mês 0 (%)', 'Mês 1 (%)', 'Mês 2 (%)'],
      ['jan. de 2024', 'R$ 0,10', '100%', '80%', '50%'],
      ['fev. de 2024', 'R$ 0,04', '100%', '75%', '—'],
    ]);
    expect((await exportCsv()).rows).toEqual([
      'Coorte,MRR inicial (BRL),Mês 0 (%),Mês 1 (%),Mês 2 (%)',
      '2024-01,0.10,100,80,50',
      '2024-02,0.04,100,75,',
    ]);
  });

  it('shows the empty state', () => {
    render(<CohortHeatmap title="Coortes" data={[]} measure="customers" />);
    expect(screen.getByText('Sem dados para o período.')).toBeTruthy();
  });
});

describe('Sparkline', () => {
  it('draws a line with a text alternative, and table/CSV of its points', async () => {
    const { container } = render(
      <Sparkline
        title="MRR em 30 dias"
        data={series}
        valueLabel="MRR"
        valueFormat={{ kind: 'money', currency: 'brl' }}
      />,
    );
    expect(container.querySelector('path.mp-line')?.getAttribute('d')).toMatch(/^M/);
    expect(plain(screen.getByRole('img').getAttribute('aria-label'))).toContain(
      'de R$ 1.200,00 para R$ 0,99',
    );
    expect(tableRows()).toHaveLength(4);
    expect((await exportCsv()).rows[1]).toBe('2024-01-01,1200.00');
  });

  it('marks the latest point, so a single point shows too', () => {
    const { container } = render(
      <Sparkline title="MRR" data={[{ date: '2024-01-01', value: 5 }]} valueLabel="MRR" />,
    );
    const dot = container.querySelector('circle.mp-dot');
    expect(Number(dot?.getAttribute('cx'))).toBeGreaterThan(0);
    expect(dot?.getAttribute('cy')).toBe('20');
  });

  it('says there is no history when empty', () => {
    render(<Sparkline title="MRR" data={[]} valueLabel="MRR" />);
    expect(screen.getByText('Sem histórico no período.')).toBeTruthy();
  });
});

describe('MetricCard', () => {
  it('shows the value and a rise as good news for MRR, in words and colour', () => {
    const { container } = render(
      <MetricCard label="MRR" value={1234500} format={{ kind: 'money', currency: 'brl' }} change={0.05} />,
    );
    expect(plain(container.querySelector('.mp-card__value')?.textContent)).toBe('R$ 12.345,00');
    expect(container.querySelector('.mp-change--good')).not.toBeNull();
    expect(screen.getByText('Aumento de 5% vs. período anterior')).toBeTruthy();
  });

  it('shows a rise of churn as bad news, and no comparison when change is null', () => {
    const { container, rerender } = render(
      <MetricCard label="Churn" value={0.04} format={{ kind: 'percent' }} change={0.5} goodWhen="down" />,
    );
    expect(container.querySelector('.mp-change--bad')).not.toBeNull();
    rerender(<MetricCard label="Churn" value={0.04} format={{ kind: 'percent' }} change={null} />);
    expect(screen.getByText('Sem comparação com o período anterior')).toBeTruthy();
  });

  it('renders a label containing HTML as text', () => {
    const { container } = render(<MetricCard label={HOSTILE} value={1} format={{ kind: 'number' }} />);
    expect(screen.getByText(HOSTILE)).toBeTruthy();
    expect(container.querySelector('img')).toBeNull();
  });
});

describe('HealthBadge', () => {
  it.each([
    [80, 'good', 'Saudável'],
    [79, 'warning', 'Atenção'],
    [50, 'warning', 'Atenção'],
    [49, 'at_risk', 'Em risco'],
  ])('score %i is %s, said in text', (score, band, text) => {
    const { container } = render(<HealthBadge score={score} />);
    expect(container.querySelector('.mp-badge')?.getAttribute('data-band')).toBe(band);
    expect(plain(container.textContent)).toBe(`${score} de 100, ${text}`);
  });

  it('says when there is no score', () => {
    render(<HealthBadge score={null} />);
    expect(screen.getByText('Sem pontuação')).toBeTruthy();
  });
});
