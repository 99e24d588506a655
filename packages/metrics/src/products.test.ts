import { describe, expect, it } from 'vitest';
import type { PriceInput } from './mrr.ts';
import { allocate, splitByPrice } from './products.ts';
import { rat } from './rational.ts';

describe('allocate', () => {
  it('splits 100 by 1:1:1 into 34 + 33 + 33 (the remainder to the first of equal remainders)', () => {
    expect(allocate(100, [rat(1), rat(1), rat(1)])).toEqual([34, 33, 33]);
  });

  it('splits 1,000 by 5,000 : 3,000 into 625 + 375 (exact shares stay exact)', () => {
    expect(allocate(1000, [rat(5000), rat(3000)])).toEqual([625, 375]);
  });

  it('gives the leftover unit to the largest remainder: 10 by 0.55 : 0.45 → 6 + 4', () => {
    expect(allocate(10, [rat(55, 100), rat(45, 100)])).toEqual([6, 4]);
  });

  it('always adds up to the total, whatever the weights', () => {
    const weights = [rat(7, 3), rat(11, 13), rat(0), rat(5, 17), rat(1, 1000)];
    for (const total of [0, 1, 2, 99, 12_345, 999_999]) {
      const parts = allocate(total, weights);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(parts[2]).toBe(0);
    }
  });

  it('gives everything to the first part when no weight is positive', () => {
    expect(allocate(500, [rat(0), rat(0)])).toEqual([500, 0]);
    expect(allocate(5, [])).toEqual([]);
  });
});

const clinic: PriceInput = {
  id: 'clinic',
  product: 'prod_clinic',
  currency: 'brl',
  unit_amount: 20_000,
  interval: 'month',
};
const ai: PriceInput = {
  id: 'ai',
  product: 'prod_ai',
  currency: 'brl',
  unit_amount: 10_000,
  interval: 'month',
};
const aiYearly: PriceInput = {
  id: 'ai_y',
  product: 'prod_ai',
  currency: 'brl',
  unit_amount: 120_000,
  interval: 'year',
};

const aiPlus: PriceInput = { ...ai, id: 'ai_plus', unit_amount: 20_000 };

describe('splitByPrice', () => {
  it('splits R$ 270 (R$ 300 less 10 %) of clinic R$ 200 + AI R$ 100 into R$ 180 + R$ 90', () => {
    expect(
      splitByPrice(
        [
          { price: clinic, quantity: 1 },
          { price: ai, quantity: 1 },
        ],
        27_000,
        5_400,
      ),
    ).toEqual([
      { productId: 'prod_ai', priceId: 'ai', mrr: 9_000, mrrReporting: 1_800 },
      { productId: 'prod_clinic', priceId: 'clinic', mrr: 18_000, mrrReporting: 3_600 },
    ]);
  });

  it('adds up the items of one price (2 × R$ 100 + 1 × R$ 100 → R$ 300) and gives metered ones nothing', () => {
    const metered: PriceInput = { ...clinic, id: 'usage', usage_type: 'metered' };
    expect(
      splitByPrice(
        [
          { id: 'si_1', price: ai, quantity: 2 },
          { id: 'si_2', price: ai, quantity: 1 },
          { price: metered, quantity: 40 },
        ],
        30_000,
        30_000,
      ),
    ).toEqual([
      { productId: 'prod_ai', priceId: 'ai', mrr: 30_000, mrrReporting: 30_000 },
      { productId: 'prod_clinic', priceId: 'usage', mrr: 0, mrrReporting: 0 },
    ]);
  });

  it('files a price without a product under "" and one without an id under ""', () => {
    expect(
      splitByPrice([{ price: { ...ai, product: null, id: undefined }, quantity: 2 }], 20_000, 20_000),
    ).toEqual([{ productId: '', priceId: '', mrr: 20_000, mrrReporting: 20_000 }]);
  });
});

describe('products as the sums of their prices', () => {
  it('gives AI monthly R$ 100 + yearly R$ 1,200 (R$ 100 a month) + Plus R$ 200 → R$ 400 of AI, R$ 0 of clinic usage', () => {
    const metered: PriceInput = { ...clinic, id: 'usage', usage_type: 'metered' };
    const prices = splitByPrice(
      [
        { price: ai, quantity: 1 },
        { price: aiYearly, quantity: 1 },
        { price: aiPlus, quantity: 1 },
        { price: metered, quantity: 40 },
      ],
      40_000,
      40_000,
    );
    expect(prices.map((p) => [p.productId, p.priceId, p.mrr])).toEqual([
      ['prod_ai', 'ai', 10_000],
      ['prod_ai', 'ai_plus', 20_000],
      ['prod_ai', 'ai_y', 10_000],
      ['prod_clinic', 'usage', 0],
    ]);
  });

  it('keeps the products partitioning the MRR exactly when the price parts are rounded: 100 over 3 equal prices of 2 products → 67 + 33', () => {
    const prices = splitByPrice(
      [
        { price: ai, quantity: 1 },
        { price: { ...ai, id: 'ai_2' }, quantity: 1 },
        { price: { ...clinic, unit_amount: 10_000 }, quantity: 1 },
      ],
      100,
      100,
    );
    expect(prices.map((p) => p.mrr)).toEqual([34, 33, 33]);
    const byProduct = (product: string) =>
      prices.filter((p) => p.productId === product).reduce((sum, p) => sum + p.mrr, 0);
    expect([byProduct('prod_ai'), byProduct('prod_clinic')]).toEqual([67, 33]);
  });
});
