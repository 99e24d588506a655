import { addDays, type Day, daysBetween, type Granularity, periodBuckets, toDay } from '@medpro/metrics';
import { AppError } from './errors.ts';

export interface ResolvedRange {
  from: Day;
  /** Inclusive last day. */
  to: Day;
  /** Exclusive end (to + 1 day), as @medpro/metrics periods are [start, end). */
  end: Day;
  granularity: Granularity;
  days: number;
  /** The previous period of equal length, [previousFrom, previousTo]. */
  previousFrom: Day;
  previousTo: Day;
}

/** Charts stay readable and responses small. */
export const MAX_BUCKETS = 400;
export const MAX_DAYS = 3660;

export function resolveRange(
  input: { from?: string | undefined; to?: string | undefined; granularity: Granularity },
  now: Date,
): ResolvedRange {
  const to = input.to ?? toDay(now);
  const from = input.from ?? addDays(to, -29);
  if (from > to) throw new AppError('BAD_REQUEST', 'Invalid range', { from: ['Must be on or before `to`'] });
  const days = daysBetween(from, to) + 1;
  if (days > MAX_DAYS) {
    throw new AppError('BAD_REQUEST', 'Invalid range', {
      from: [`The range may span at most ${MAX_DAYS} days`],
    });
  }
  const end = addDays(to, 1);
  const buckets = periodBuckets(from, end, input.granularity).length;
  if (buckets > MAX_BUCKETS) {
    throw new AppError('BAD_REQUEST', 'Invalid range', {
      granularity: [
        `${buckets} ${input.granularity} buckets is too many (at most ${MAX_BUCKETS}); use a coarser granularity`,
      ],
    });
  }
  return {
    from,
    to,
    end,
    granularity: input.granularity,
    days,
    previousFrom: addDays(from, -days),
    previousTo: addDays(from, -1),
  };
}

/** `change` of a figure against the previous period. */
export function changeOf(current: number | null, previous: number | null) {
  if (current === null || previous === null) return { absolute: null, relative: null };
  const absolute = current - previous;
  return { absolute, relative: previous === 0 ? null : absolute / Math.abs(previous) };
}
