/**
 * Raw queries hand values back in dialect-specific shapes (SQLite: dates as text, booleans as
 * 0/1; MariaDB: JSON as text, DATE as 'YYYY-MM-DD'); these read them into one shape.
 */
import { toDate } from '../dialect.ts';

export { parseJson, toDate } from '../dialect.ts';

export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

export function num(value: unknown): number {
  if (value === null || value === undefined || value === '') return 0;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`Unreadable number from the database: ${String(value)}`);
  return n;
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined || value === '' ? null : num(value);
}

export function str(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** A DATE column (or a date/time read as its UTC day) as 'YYYY-MM-DD'. */
export function day(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return toDate(value)!.toISOString().slice(0, 10);
}

/** LIKE pattern matching `term` anywhere, with `!` as the escape character (`ESCAPE '!'`). */
export function containsPattern(term: string): string {
  return `%${term.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
