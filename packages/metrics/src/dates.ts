/**
 * UTC calendar days as 'YYYY-MM-DD' strings. All metric math works on whole UTC days:
 * the value for day D is the value in effect at the END of D.
 */
export type Day = string;
export type Granularity = 'day' | 'week' | 'month';
export type Interval = 'day' | 'week' | 'month' | 'year';

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Milliseconds since epoch of 00:00 UTC of `day`; throws on anything that is not a real calendar day. */
function toMs(day: Day): number {
  const m = DAY_RE.exec(day);
  if (!m) throw new RangeError(`Invalid day ${JSON.stringify(day)}: expected 'YYYY-MM-DD'`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`Invalid day ${JSON.stringify(day)}: not a calendar date`);
  }
  return ms;
}

function fromMs(ms: number): Day {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isDay(value: unknown): value is Day {
  if (typeof value !== 'string') return false;
  try {
    toMs(value);
    return true;
  } catch {
    return false;
  }
}

/** Throws a RangeError unless `day` is a valid 'YYYY-MM-DD' UTC day. Returns it for chaining. */
export function assertDay(day: Day): Day {
  toMs(day);
  return day;
}

/** The UTC day of a Date, a unix timestamp in SECONDS (Stripe's format) or an ISO timestamp string. */
export function toDay(value: Date | number | string): Day {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`Invalid unix timestamp ${value}`);
    return fromMs(value * 1000);
  }
  if (typeof value === 'string') {
    if (DAY_RE.test(value)) return assertDay(value);
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new RangeError(`Invalid timestamp ${JSON.stringify(value)}`);
    return fromMs(ms);
  }
  if (Number.isNaN(value.getTime())) throw new RangeError('Invalid Date');
  return fromMs(value.getTime());
}

export function addDays(day: Day, n: number): Day {
  return fromMs(toMs(day) + n * MS_PER_DAY);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: Day, b: Day): number {
  return Math.round((toMs(b) - toMs(a)) / MS_PER_DAY);
}

export function compareDays(a: Day, b: Day): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function minDay(a: Day, b: Day): Day {
  return a <= b ? a : b;
}

export function maxDay(a: Day, b: Day): Day {
  return a >= b ? a : b;
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/**
 * Adds calendar months, clamping to the end of shorter months (Jan 31 + 1 month = Feb 28/29),
 * the way Stripe advances billing periods. `anchorDayOfMonth` keeps the original day across
 * several steps (Jan 31 → Feb 29 → Mar 31).
 */
export function addMonths(day: Day, n: number, anchorDayOfMonth?: number): Day {
  const d = new Date(toMs(day));
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + n;
  const y = Math.floor(total / 12);
  const m0 = total - y * 12;
  const dom = Math.min(anchorDayOfMonth ?? d.getUTCDate(), daysInMonth(y, m0));
  return fromMs(Date.UTC(y, m0, dom));
}

export function monthStart(day: Day): Day {
  return `${day.slice(0, 7)}-01`;
}

/** 'YYYY-MM' of a day. */
export function monthKey(day: Day): string {
  assertDay(day);
  return day.slice(0, 7);
}

/** Whole calendar months from the month of `a` to the month of `b`. */
export function monthsBetween(a: Day, b: Day): number {
  const ya = Number(a.slice(0, 4));
  const ma = Number(a.slice(5, 7));
  const yb = Number(b.slice(0, 4));
  const mb = Number(b.slice(5, 7));
  return (yb - ya) * 12 + (mb - ma);
}

/** ISO week start (Monday) of the week containing `day`. */
export function weekStart(day: Day): Day {
  const dow = new Date(toMs(day)).getUTCDay(); // 0 = Sunday
  return addDays(day, -((dow + 6) % 7));
}

export function periodStart(day: Day, granularity: Granularity): Day {
  if (granularity === 'day') return assertDay(day);
  if (granularity === 'week') return weekStart(day);
  return monthStart(assertDay(day));
}

export function nextPeriodStart(day: Day, granularity: Granularity): Day {
  const s = periodStart(day, granularity);
  if (granularity === 'day') return addDays(s, 1);
  if (granularity === 'week') return addDays(s, 7);
  return addMonths(s, 1);
}

export interface PeriodBucket {
  /** Start of the whole calendar period (may be before the requested range). Stable key. */
  key: Day;
  /** First day of the bucket inside the requested range. */
  start: Day;
  /** Exclusive end of the bucket inside the requested range. */
  end: Day;
}

/** The day/week/month buckets covering [start, end), clipped to the range. */
export function periodBuckets(start: Day, end: Day, granularity: Granularity): PeriodBucket[] {
  assertDay(start);
  assertDay(end);
  const out: PeriodBucket[] = [];
  let cursor = start;
  while (cursor < end) {
    const key = periodStart(cursor, granularity);
    const next = nextPeriodStart(cursor, granularity);
    const bucketEnd = minDay(next, end);
    out.push({ key, start: cursor, end: bucketEnd });
    cursor = bucketEnd;
  }
  return out;
}

/** `anchor` advanced by k billing intervals of `count` units (months clamp to the anchor's day). */
export function addInterval(anchor: Day, interval: Interval, count: number, k: number): Day {
  switch (interval) {
    case 'day':
      return addDays(anchor, k * count);
    case 'week':
      return addDays(anchor, 7 * k * count);
    case 'month':
      return addMonths(anchor, k * count, Number(anchor.slice(8, 10)));
    case 'year':
      return addMonths(anchor, 12 * k * count, Number(anchor.slice(8, 10)));
  }
}

/**
 * Index k of the billing period (anchored at `anchor`, stepping by `count` × `interval`) that
 * contains `day`: anchor + k intervals ≤ day < anchor + (k+1) intervals. Negative before the anchor.
 */
export function billingPeriodIndex(anchor: Day, interval: Interval, count: number, day: Day): number {
  const approxDays = { day: 1, week: 7, month: 30.436875, year: 365.2425 }[interval] * count;
  let k = Math.floor(daysBetween(anchor, day) / approxDays);
  while (addInterval(anchor, interval, count, k) > day) k--;
  while (addInterval(anchor, interval, count, k + 1) <= day) k++;
  return k;
}

/** Start of the billing period anchored at `anchor` that contains `day` (works before the anchor too). */
export function billingPeriodStart(anchor: Day, interval: Interval, count: number, day: Day): Day {
  return addInterval(anchor, interval, count, billingPeriodIndex(anchor, interval, count, day));
}
