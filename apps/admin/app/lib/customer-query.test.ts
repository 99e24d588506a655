import { describe, expect, it } from 'vitest';
import { exportHref, PAGE_SIZE, parseCustomerQuery } from './customer-query';

describe('parseCustomerQuery', () => {
  it('maps the form fields to the list input', () => {
    const { query, view, problems } = parseCustomerQuery(
      new URLSearchParams(
        'q=%20clinica.com%20&status=active&status=past_due&health=at_risk&product=prod_1&price=price_1m&from=2024-01-01&to=2024-01-31&sort=mrr&order=asc&page=3&view=table',
      ),
    );
    expect(problems).toEqual([]);
    expect(view).toBe('table');
    expect(query).toEqual({
      search: 'clinica.com',
      status: ['active', 'past_due'],
      health: ['at_risk'],
      product: 'prod_1',
      price: 'price_1m',
      dateFrom: '2024-01-01',
      dateTo: '2024-01-31',
      sort: 'mrr',
      order: 'asc',
      page: 3,
      limit: PAGE_SIZE,
    });
  });

  it('defaults to newest first, page 1, cards', () => {
    expect(parseCustomerQuery(new URLSearchParams(''))).toEqual({
      query: { sort: 'created', order: 'desc', page: 1, limit: PAGE_SIZE },
      view: 'cards',
      problems: [],
    });
  });

  it('drops unknown values and bad pages, and names bad dates instead of failing', () => {
    const { query, problems } = parseCustomerQuery(
      new URLSearchParams('status=hacked&health=purple&sort=drop&page=-4&from=2024-02-30&to=yesterday'),
    );
    expect(query).toEqual({ sort: 'created', order: 'desc', page: 1, limit: PAGE_SIZE });
    expect(problems).toEqual(['Data inválida em “de”: 2024-02-30', 'Data inválida em “até”: yesterday']);
  });

  it('names and leaves out a product or plan that is not a Stripe id', () => {
    const { query, problems } = parseCustomerQuery(new URLSearchParams("product=prod 1&price=price_1' OR 1"));
    expect(query).toEqual({ sort: 'created', order: 'desc', page: 1, limit: PAGE_SIZE });
    expect(problems).toEqual([
      'Produto desconhecido; o filtro foi ignorado.',
      'Plano desconhecido; o filtro foi ignorado.',
    ]);
  });

  it('ignores a reversed period with a message', () => {
    const { query, problems } = parseCustomerQuery(new URLSearchParams('from=2024-03-01&to=2024-01-01'));
    expect(query.dateFrom).toBeUndefined();
    expect(query.dateTo).toBeUndefined();
    expect(problems).toHaveLength(1);
  });

  it('exports the same filter without paging', () => {
    expect(exportHref(new URLSearchParams('q=a&page=4&view=table&status=active'))).toBe(
      '/customers/export?q=a&status=active',
    );
  });
});
