/** Values from raw queries differ by dialect (SQLite returns dates as text, booleans as 0/1). */
export function dbDate(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  const text = String(value)
    .trim()
    .replace(' ', 'T')
    .replace(/ ?\+00:00$/, 'Z');
  return new Date(/[zZ]$|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
}

export function dbJson<T>(value: unknown): T | null {
  if (value === null || value === undefined || value === '') return null;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
