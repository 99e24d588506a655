import { describe, expect, it } from 'vitest';
import { createCsvRowCounter } from './csv-rows';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('createCsvRowCounter', () => {
  it('counts records across chunk boundaries, not newlines inside quoted fields', () => {
    const counter = createCsvRowCounter();
    counter.push(bytes('id,name\ncus_1,"Ana\nMaria"\ncus_2,"Say ""hi'));
    expect(counter.rows).toBe(1);
    counter.push(bytes('"""\n'));
    expect(counter.rows).toBe(2);
  });

  it('reports zero rows for a header only', () => {
    const counter = createCsvRowCounter();
    counter.push(bytes('id,name\n'));
    expect(counter.rows).toBe(0);
  });
});
