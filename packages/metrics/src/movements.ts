/**
 * MRR movements, day over day per customer:
 * 0 → x first time: new; 0 → x after having had MRR: reactivation; x → y > x: expansion;
 * 0 < y < x: contraction; x → 0: churn; equal: none (a plan switch keeping MRR is no movement).
 */
import { addDays, type Day } from './dates.ts';
import { type MrrSpan, normalizeSpans } from './spans.ts';

export type MovementType = 'new' | 'reactivation' | 'expansion' | 'contraction' | 'churn';

export interface MovementClassification {
  type: MovementType | 'none';
  /** Absolute size of the movement in minor units (0 for 'none'). */
  amount: number;
}

export interface Movement {
  /** The day the movement happened (the first day with the new MRR). */
  day: Day;
  type: MovementType;
  /** Absolute size, minor units (> 0). */
  amount: number;
  previousMrr: number;
  currentMrr: number;
}

export function classifyMovement(
  previousMrr: number,
  currentMrr: number,
  hadMrrBefore: boolean,
): MovementClassification {
  for (const v of [previousMrr, currentMrr]) {
    if (!Number.isSafeInteger(v) || v < 0)
      throw new RangeError(`MRR must be a non-negative integer, got ${v}`);
  }
  if (previousMrr === currentMrr) return { type: 'none', amount: 0 };
  if (previousMrr === 0) return { type: hadMrrBefore ? 'reactivation' : 'new', amount: currentMrr };
  if (currentMrr === 0) return { type: 'churn', amount: previousMrr };
  if (currentMrr > previousMrr) return { type: 'expansion', amount: currentMrr - previousMrr };
  return { type: 'contraction', amount: previousMrr - currentMrr };
}

/** Signed effect of a movement on MRR. */
export function signedAmount(m: Pick<Movement, 'type' | 'amount'>): number {
  return m.type === 'contraction' || m.type === 'churn' ? -m.amount : m.amount;
}

/**
 * Turns one customer's MRR spans into dated movements. `hadMrrBefore` says whether the customer
 * had MRR before the first span (history cut off), so a first span becomes a reactivation.
 */
export function movementsFromSpans(
  spans: readonly MrrSpan[],
  options: { hadMrrBefore?: boolean } = {},
): Movement[] {
  const normalized = normalizeSpans(spans);
  // Change points: span starts and ends, each with the MRR from that day on.
  const changes: [Day, number][] = [];
  for (let i = 0; i < normalized.length; i++) {
    const [start, end, mrr] = normalized[i]!;
    changes.push([start, mrr]);
    const next = normalized[i + 1];
    if (end !== null && (!next || next[0] !== end)) changes.push([end, 0]);
  }
  const out: Movement[] = [];
  let previous = 0;
  let had = options.hadMrrBefore ?? false;
  for (const [day, mrr] of changes) {
    const c = classifyMovement(previous, mrr, had);
    if (c.type !== 'none')
      out.push({ day, type: c.type, amount: c.amount, previousMrr: previous, currentMrr: mrr });
    if (previous > 0) had = true;
    previous = mrr;
  }
  return out;
}

export interface MovementTotals {
  new: number;
  expansion: number;
  reactivation: number;
  contraction: number;
  churn: number;
  /** new + expansion + reactivation − contraction − churn */
  net: number;
  counts: Record<MovementType, number>;
}

export function emptyMovementTotals(): MovementTotals {
  return {
    new: 0,
    expansion: 0,
    reactivation: 0,
    contraction: 0,
    churn: 0,
    net: 0,
    counts: { new: 0, expansion: 0, reactivation: 0, contraction: 0, churn: 0 },
  };
}

/** Sums the movements dated in [start, end). */
export function summarizeMovements(movements: readonly Movement[], start: Day, end: Day): MovementTotals {
  const t = emptyMovementTotals();
  for (const m of movements) {
    if (m.day < start || m.day >= end) continue;
    t[m.type] += m.amount;
    t.counts[m.type] += 1;
    t.net += signedAmount(m);
  }
  return t;
}

/** The day whose end-of-day MRR is the "MRR at start" of a period starting on `periodStart`. */
export function dayBefore(periodStart: Day): Day {
  return addDays(periodStart, -1);
}
