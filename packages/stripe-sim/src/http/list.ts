/**
 * Stripe list pagination: newest first by (created, id), `limit`, `starting_after`, `ending_before`,
 * `created` ranges, `has_more`. Big lists are paged over arrays sorted ascending by (created, id)
 * with binary searches, so a page costs O(log n + limit) whatever the account size.
 */
import type { Collection } from '../store.ts';
import { invalid, missing } from './errors.ts';
import type { Form } from './form.ts';
import { inRange, limitOf, type Range, rangeOf, str } from './params.ts';

export interface ListQuery {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
  created: Range | null;
}

export interface Page {
  data: number[];
  hasMore: boolean;
}

export function listQuery(form: Form, createdParam = true): ListQuery {
  const startingAfter = str(form, 'starting_after');
  const endingBefore = str(form, 'ending_before');
  if (startingAfter !== undefined && endingBefore !== undefined) {
    throw invalid(
      'You may only specify one of these parameters: ending_before, starting_after.',
      'parameters_exclusive',
      'starting_after',
    );
  }
  return {
    limit: limitOf(form),
    ...(startingAfter !== undefined ? { startingAfter } : {}),
    ...(endingBefore !== undefined ? { endingBefore } : {}),
    created: createdParam ? rangeOf(form, 'created') : null,
  };
}

function compareKey(col: Collection, i: number, created: number, id: string): number {
  const c = col.created(i);
  if (c !== created) return c < created ? -1 : 1;
  const x = col.id(i);
  return x === id ? 0 : x < id ? -1 : 1;
}

/** First position p in asc with key(asc[p]) >= key (or > key when `strict`). */
function lowerBound(
  col: Collection,
  asc: ArrayLike<number>,
  created: number,
  id: string,
  strict: boolean,
): number {
  let lo = 0;
  let hi = asc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKey(col, asc[mid] ?? 0, created, id);
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function createdBound(col: Collection, asc: ArrayLike<number>, value: number, strict: boolean): number {
  let lo = 0;
  let hi = asc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = col.created(asc[mid] ?? 0);
    if (c < value || (strict && c === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function cursorKey(col: Collection, id: string, param: string): [number, string] {
  const i = col.find(id);
  if (i < 0) throw missing(col.noun, id, param);
  return [col.created(i), col.id(i)];
}

/** Pages over an array sorted ascending by (created, id). */
export function pageSorted(
  col: Collection,
  asc: ArrayLike<number>,
  q: ListQuery,
  accept: (i: number) => boolean,
): Page {
  let lo = 0;
  let hi = asc.length;
  const r = q.created;
  if (r) {
    if (r.gte !== undefined) lo = Math.max(lo, createdBound(col, asc, r.gte, false));
    if (r.gt !== undefined) lo = Math.max(lo, createdBound(col, asc, r.gt, true));
    if (r.lte !== undefined) hi = Math.min(hi, createdBound(col, asc, r.lte, true));
    if (r.lt !== undefined) hi = Math.min(hi, createdBound(col, asc, r.lt, false));
  }
  const data: number[] = [];
  if (q.endingBefore !== undefined) {
    const [c, id] = cursorKey(col, q.endingBefore, 'ending_before');
    let p = Math.max(lo, lowerBound(col, asc, c, id, true));
    for (; p < hi && data.length < q.limit; p++) {
      const i = asc[p] ?? 0;
      if (accept(i)) data.push(i);
    }
    let more = false;
    for (; p < hi; p++) {
      if (accept(asc[p] ?? 0)) {
        more = true;
        break;
      }
    }
    return { data: data.reverse(), hasMore: more };
  }
  let p = hi - 1;
  if (q.startingAfter !== undefined) {
    const [c, id] = cursorKey(col, q.startingAfter, 'starting_after');
    p = Math.min(p, lowerBound(col, asc, c, id, false) - 1);
  }
  for (; p >= lo && data.length < q.limit; p--) {
    const i = asc[p] ?? 0;
    if (accept(i)) data.push(i);
  }
  let more = false;
  for (; p >= lo; p--) {
    if (accept(asc[p] ?? 0)) {
      more = true;
      break;
    }
  }
  return { data, hasMore: more };
}

/** Pages over a small list: filtered, then newest first (`keyed`) or kept in its natural order. */
export function pageSmall(
  col: Collection,
  items: readonly number[],
  q: ListQuery,
  accept: (i: number) => boolean,
  keyed = true,
): Page {
  const arr = items.filter((i) => accept(i) && inRange(q.created, col.created(i)));
  if (keyed) arr.sort((a, b) => col.created(b) - col.created(a) || (col.id(b) < col.id(a) ? -1 : 1));
  const position = (id: string, param: string): [number, boolean] => {
    const idx = col.find(id);
    if (idx < 0) throw missing(col.noun, id, param);
    const exact = arr.indexOf(idx);
    if (exact >= 0 || !keyed) {
      if (exact < 0) throw missing(col.noun, id, param);
      return [exact, true];
    }
    const c = col.created(idx);
    const key = col.id(idx);
    // first position older than the cursor
    const p = arr.findIndex((i) => col.created(i) < c || (col.created(i) === c && col.id(i) < key));
    return [p < 0 ? arr.length : p, false];
  };
  if (q.endingBefore !== undefined) {
    const [p] = position(q.endingBefore, 'ending_before');
    const from = Math.max(0, p - q.limit);
    return { data: arr.slice(from, p), hasMore: from > 0 };
  }
  let start = 0;
  if (q.startingAfter !== undefined) {
    const [p, exact] = position(q.startingAfter, 'starting_after');
    start = exact ? p + 1 : p;
  }
  return { data: arr.slice(start, start + q.limit), hasMore: start + q.limit < arr.length };
}
