/** UTC date helpers. Timestamps are Unix seconds. */
export const DAY = 86_400;
export const HOUR = 3_600;

export type Interval = 'day' | 'week' | 'month' | 'year';

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses YYYY-MM-DD into the Unix timestamp of 00:00:00 UTC that day, or null if invalid. */
export function parseDay(s: string): number | null {
  const m = DAY_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / 1000;
}

export function dayOf(ts: number): number {
  return Math.floor(ts / DAY) * DAY;
}

export function dayString(ts: number): string {
  return new Date(dayOf(ts) * 1000).toISOString().slice(0, 10);
}

/** Today's UTC date as YYYY-MM-DD (only used by the CLI/defaults, never inside generation). */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function daysInMonth(y: number, m0: number): number {
  return new Date(Date.UTC(y, m0 + 1, 0)).getUTCDate();
}

/** Adds k months to an anchor keeping its day of month (clamped to month end) and time of day, as Stripe does. */
export function addMonths(anchor: number, k: number): number {
  const d = new Date(anchor * 1000);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + k;
  const y = Math.floor(total / 12);
  const m0 = total - y * 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(y, m0));
  return Date.UTC(y, m0, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()) / 1000;
}

/** Start of the k-th billing period after `anchor`. */
export function periodStart(anchor: number, interval: Interval, count: number, k: number): number {
  switch (interval) {
    case 'month':
      return addMonths(anchor, k * count);
    case 'year':
      return addMonths(anchor, 12 * k * count);
    case 'week':
      return anchor + k * count * 7 * DAY;
    case 'day':
      return anchor + k * count * DAY;
  }
}

/** Approximate period length in seconds (for estimates only). */
export function approxPeriodSeconds(interval: Interval, count: number): number {
  switch (interval) {
    case 'month':
      return count * 30.436875 * DAY;
    case 'year':
      return count * 365.2425 * DAY;
    case 'week':
      return count * 7 * DAY;
    case 'day':
      return count * DAY;
  }
}

/** Index k of the period containing ts (k >= 0; ts before the anchor gives 0). */
export function periodIndexAt(anchor: number, interval: Interval, count: number, ts: number): number {
  if (ts <= anchor) return 0;
  let k = Math.max(0, Math.floor((ts - anchor) / approxPeriodSeconds(interval, count)) - 1);
  while (periodStart(anchor, interval, count, k + 1) <= ts) k++;
  while (k > 0 && periodStart(anchor, interval, count, k) > ts) k--;
  return k;
}
