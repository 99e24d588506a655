/** Validation of list parameters like Stripe: unknown parameters, integers, limits, created ranges. */
import { invalid } from './errors.ts';
import type { Form, FormValue } from './form.ts';

export interface Range {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export function checkKnown(form: Form, allowed: readonly string[]): void {
  for (const key of Object.keys(form)) {
    if (!allowed.includes(key)) throw invalid(`Received unknown parameter: ${key}`, 'parameter_unknown', key);
  }
}

export function str(form: Form, key: string): string | undefined {
  const v = form[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string')
    throw invalid(`Invalid ${key}: must be a string`, 'parameter_invalid_string', key);
  return v;
}

export function int(v: FormValue, param: string): number {
  if (typeof v !== 'string' || !/^-?\d+$/.test(v.trim())) {
    throw invalid(
      `Invalid integer: ${typeof v === 'string' ? v : JSON.stringify(v)}`,
      'parameter_invalid_integer',
      param,
    );
  }
  return Number(v);
}

export function bool(form: Form, key: string): boolean | undefined {
  const v = form[key];
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalid(`Invalid boolean: ${String(v)}`, 'parameter_invalid_boolean', key);
}

export function limitOf(form: Form): number {
  const v = form.limit;
  if (v === undefined) return 10;
  const n = int(v, 'limit');
  if (n < 1 || n > 100) {
    throw invalid(`Invalid limit: must be between 1 and 100`, 'parameter_invalid_integer', 'limit');
  }
  return n;
}

export function rangeOf(form: Form, key: string): Range | null {
  const v = form[key];
  if (v === undefined) return null;
  if (typeof v === 'string') {
    const n = int(v, key);
    return { gte: n, lte: n };
  }
  if (Array.isArray(v))
    throw invalid(`Invalid ${key}: must be an integer or a hash`, 'parameter_invalid_integer', key);
  const r: Range = {};
  for (const [k, val] of Object.entries(v)) {
    if (k !== 'gt' && k !== 'gte' && k !== 'lt' && k !== 'lte') {
      throw invalid(`Received unknown parameter: ${key}[${k}]`, 'parameter_unknown', `${key}[${k}]`);
    }
    r[k] = int(val, `${key}[${k}]`);
  }
  return r;
}

export function inRange(r: Range | null, v: number): boolean {
  if (!r) return true;
  return (
    (r.gt === undefined || v > r.gt) &&
    (r.gte === undefined || v >= r.gte) &&
    (r.lt === undefined || v < r.lt) &&
    (r.lte === undefined || v <= r.lte)
  );
}

export function stringList(form: Form, key: string): string[] | undefined {
  const v = form[key];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  if (!Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'))
    return Object.values(v) as string[];
  throw invalid(`Invalid array: ${key}`, 'parameter_invalid_string', key);
}
