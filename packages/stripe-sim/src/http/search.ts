/**
 * Stripe Search Query Language for customers: `email:'x'`, `name~'sub'`, `metadata['k']:'v'`,
 * `created>N` (`<`, `>=`, `<=`), `-` negation, clauses joined by AND or OR (not both).
 */
import type { CustomerSearchFields } from '../store.ts';
import { invalid } from './errors.ts';

type Op = ':' | '~' | '>' | '<' | '>=' | '<=';
interface Clause {
  negate: boolean;
  field: 'email' | 'name' | 'phone' | 'created' | 'metadata';
  key?: string;
  op: Op;
  value: string;
}
export interface SearchQuery {
  join: 'AND' | 'OR';
  clauses: Clause[];
}

const FIELDS = new Set(['email', 'name', 'phone', 'created', 'metadata']);

export function parseSearch(q: string): SearchQuery {
  let pos = 0;
  const fail = (why: string): never => {
    throw invalid(`Invalid query: ${why} (at position ${pos} of ${JSON.stringify(q)}).`, undefined, 'query');
  };
  const ws = () => {
    while (pos < q.length && /\s/.test(q.charAt(pos))) pos++;
  };
  const quoted = (): string => {
    const quote = q.charAt(pos);
    if (quote !== "'" && quote !== '"') return fail('expected a quoted string');
    pos++;
    let s = '';
    while (pos < q.length && q.charAt(pos) !== quote) {
      if (q.charAt(pos) === '\\' && pos + 1 < q.length) pos++;
      s += q.charAt(pos++);
    }
    if (pos >= q.length) fail('unterminated string');
    pos++;
    return s;
  };
  const clauses: Clause[] = [];
  const joins = new Set<'AND' | 'OR'>();
  ws();
  if (pos >= q.length) fail('empty query');
  while (pos < q.length) {
    const negate = q.charAt(pos) === '-';
    if (negate) pos++;
    const m = /^[a-z_]+/.exec(q.slice(pos));
    if (!m) return fail('expected a field');
    const field = m[0];
    pos += field.length;
    if (!FIELDS.has(field)) fail(`unsupported field ${field}`);
    let key: string | undefined;
    if (field === 'metadata') {
      if (q.charAt(pos) !== '[') fail("expected metadata['key']");
      pos++;
      key = quoted();
      if (q.charAt(pos) !== ']') fail("expected ']'");
      pos++;
    }
    const om = /^(>=|<=|:|~|>|<)/.exec(q.slice(pos));
    if (!om) return fail('expected an operator');
    const op = om[0] as Op;
    pos += op.length;
    let value: string;
    if (q.charAt(pos) === "'" || q.charAt(pos) === '"') value = quoted();
    else {
      const vm = /^[^\s)]+/.exec(q.slice(pos));
      if (!vm) return fail('expected a value');
      value = vm[0];
      pos += value.length;
    }
    if (field === 'created') {
      if (op === '~') fail('created does not support ~');
      if (!/^\d+$/.test(value)) fail('created must be a unix timestamp');
    } else if (op !== ':' && op !== '~') fail(`${field} supports only : and ~`);
    if (op === '~' && value.length < 3) fail('~ needs at least 3 characters');
    clauses.push({
      negate,
      field: field as Clause['field'],
      ...(key !== undefined ? { key } : {}),
      op,
      value,
    });
    ws();
    if (pos >= q.length) break;
    const jm = /^(AND|OR)\s/.exec(q.slice(pos));
    if (!jm) return fail('expected AND or OR');
    joins.add(jm[1] as 'AND' | 'OR');
    pos += jm[0].length;
    ws();
  }
  if (joins.size > 1) {
    throw invalid('Invalid query: cannot combine AND and OR in the same query.', undefined, 'query');
  }
  return { join: joins.has('OR') ? 'OR' : 'AND', clauses };
}

function matchClause(c: Clause, f: CustomerSearchFields): boolean {
  let r: boolean;
  if (c.field === 'created') {
    const v = Number(c.value);
    r =
      c.op === ':'
        ? f.created === v
        : c.op === '>'
          ? f.created > v
          : c.op === '<'
            ? f.created < v
            : c.op === '>='
              ? f.created >= v
              : f.created <= v;
  } else {
    const actual = c.field === 'metadata' ? (f.metadata[c.key ?? ''] ?? null) : f[c.field];
    if (actual === null) r = false;
    else if (c.op === '~') r = actual.toLowerCase().includes(c.value.toLowerCase());
    else r = c.field === 'metadata' ? actual === c.value : actual.toLowerCase() === c.value.toLowerCase();
  }
  return c.negate ? !r : r;
}

export function matches(q: SearchQuery, f: CustomerSearchFields): boolean {
  return q.join === 'AND'
    ? q.clauses.every((c) => matchClause(c, f))
    : q.clauses.some((c) => matchClause(c, f));
}
