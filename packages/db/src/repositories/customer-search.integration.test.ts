import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldSearchText, upsertRows } from '../dialect.ts';
import { createTestDatabase, testDialects } from '../testing.ts';
import { eraseCustomerPii, iterateCustomers, listCustomers } from './customers.ts';

const customer = (id: string, name: string | null, email: string) => ({
  stripe_customer_id: id,
  name,
  email,
  deleted: false,
  source_version: 1,
});

describe('foldSearchText', () => {
  it('folds case and accents, keeps letters without a decomposition, drops control characters', () => {
    expect(foldSearchText('JOÃO Çé')).toBe('joao ce');
    expect(foldSearchText('Ørsted Straße')).toBe('ørsted straße');
    expect(foldSearchText('a\u0001b')).toBe('ab');
    // Decomposed input (a + combining tilde) folds like the composed letter.
    expect(foldSearchText('Joa\u0303o')).toBe('joao');
  });
});

describe.each(await testDialects())('customer search on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof createTestDatabase>>;
  const search = async (term: string) => {
    const { items, stats } = await listCustomers(t.db, {
      search: term,
      page: 1,
      limit: 100,
      sort: 'name',
      order: 'asc',
    });
    expect(stats.total).toBe(items.length);
    return items.map((c) => c.stripeCustomerId).sort();
  };

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await upsertRows(
      t.db.sequelize,
      { table: 'customers', key: ['stripe_customer_id'], update: ['name', 'email'] },
      [
        customer('cus_joao1', 'João Silva', 'contato@clinica-sul.example'),
        customer('cus_joao2', 'JOAO PEREIRA', 'jp@example.com'),
        customer('cus_erica', 'Érica Gonçalves', 'erica@ORTO.example'),
        customer('cus_xAbC9', null, 'billing@lab.example'),
        customer('cus_lab', 'R&D "Lab" 100%_off', 'lab@example.com'),
      ],
    );
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('is case- and accent-insensitive both ways: joao finds João, JOÃO finds Joao', async () => {
    expect(await search('joao')).toEqual(['cus_joao1', 'cus_joao2']);
    expect(await search('JOÃO')).toEqual(['cus_joao1', 'cus_joao2']);
    expect(await search('erica goncalves')).toEqual(['cus_erica']);
    expect(await search('ÉRICA GONÇ')).toEqual(['cus_erica']);
  });

  it('matches a substring of the email or the Stripe id, whatever its case', async () => {
    expect(await search('clinica-sul')).toEqual(['cus_joao1']);
    expect(await search('orto.ex')).toEqual(['cus_erica']);
    expect(await search('xabc')).toEqual(['cus_xAbC9']);
    expect(await search('CUS_JOAO')).toEqual(['cus_joao1', 'cus_joao2']);
  });

  it('matches terms shorter than three characters as substrings too', async () => {
    expect(await search('ão')).toEqual(['cus_joao1', 'cus_joao2']);
    expect(await search('NÇ')).toEqual(['cus_erica']);
    expect(await search('zz')).toEqual([]);
  });

  it('takes %, _ and quotes literally and never matches across name and email', async () => {
    expect(await search('100%_off')).toEqual(['cus_lab']);
    expect(await search('"lab"')).toEqual(['cus_lab']);
    expect(await search('100%x')).toEqual([]);
    expect(await search('silvacontato')).toEqual([]);
    expect(await search('silva contato')).toEqual([]);
  });

  it('follows renames and erasure, whoever writes the row', async () => {
    await t.db.sequelize.query(
      "UPDATE customers SET name = 'Joana Dark' WHERE stripe_customer_id = 'cus_joao2'",
    );
    expect(await search('pereira')).toEqual([]);
    expect(await search('joana')).toEqual(['cus_joao2']);
    expect(await eraseCustomerPii(t.db, 'cus_joao1', new Date())).toBe(true);
    expect(await search('silva')).toEqual([]);
    expect(await search('clinica-sul')).toEqual([]);
    // The erased customer is still found by its Stripe id.
    expect(await search('cus_joao1')).toEqual(['cus_joao1']);
  });

  it('gives the same customers when a search matches more than the id-list limit', async () => {
    const rows = Array.from({ length: 5100 }, (_, i) =>
      customer(`cus_bulk${i}`, `Bulk Paciente ${i}`, `p${i}@example.com`),
    );
    await upsertRows(t.db.sequelize, { table: 'customers', key: ['stripe_customer_id'], update: [] }, rows);
    const { items, stats } = await listCustomers(t.db, {
      search: 'PACIENTE',
      page: 2,
      limit: 100,
      sort: 'created',
      order: 'desc',
    });
    expect(stats.total).toBe(5100);
    expect(items).toHaveLength(100);
    let exported = 0;
    for await (const c of iterateCustomers(t.db, { search: 'paciente 50' })) {
      expect(c.name).toMatch(/^Bulk Paciente 50/);
      exported++;
    }
    // 50 and 500–509 and 5000–5099.
    expect(exported).toBe(1 + 10 + 100);
  });
});
