/**
 * Exact rational arithmetic on bigints. Money is computed as an exact fraction of a minor unit and
 * rounded once, at the end (see README "Rounding").
 * Internal module: not part of the public surface.
 */
export interface Rational {
  /** numerator */
  readonly n: bigint;
  /** denominator, always > 0 */
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

export function rat(n: bigint | number, d: bigint | number = 1n): Rational {
  let nn = typeof n === 'number' ? toBigInt(n) : n;
  let dd = typeof d === 'number' ? toBigInt(d) : d;
  if (dd === 0n) throw new RangeError('Rational with zero denominator');
  if (dd < 0n) {
    nn = -nn;
    dd = -dd;
  }
  const g = gcd(nn, dd);
  return g > 1n ? { n: nn / g, d: dd / g } : { n: nn, d: dd };
}

function toBigInt(n: number): bigint {
  if (!Number.isSafeInteger(n)) throw new RangeError(`Expected a safe integer, got ${n}`);
  return BigInt(n);
}

export const ZERO: Rational = { n: 0n, d: 1n };

export function add(a: Rational, b: Rational): Rational {
  return rat(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function sub(a: Rational, b: Rational): Rational {
  return rat(a.n * b.d - b.n * a.d, a.d * b.d);
}

export function mul(a: Rational, b: Rational): Rational {
  return rat(a.n * b.n, a.d * b.d);
}

export function isNegative(a: Rational): boolean {
  return a.n < 0n;
}

/** Floor division for bigints (rounds toward −∞). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Same semantics as `Math.round` (halves go toward +∞), but exact. */
export function roundHalfUp(a: Rational): number {
  return Number(floorDiv(2n * a.n + a.d, 2n * a.d));
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Parses a plain decimal string ("12.5", "-0.0001") or a finite number into an exact rational. */
export function parseDecimal(value: string | number, what = 'value'): Rational {
  const s = typeof value === 'number' ? numberToPlainString(value, what) : value.trim();
  if (!DECIMAL.test(s)) throw new RangeError(`Invalid decimal ${what}: ${JSON.stringify(value)}`);
  const negative = s.startsWith('-');
  const body = negative ? s.slice(1) : s;
  const [intPart = '0', frac = ''] = body.split('.');
  const n = BigInt(intPart + frac) * (negative ? -1n : 1n);
  return rat(n, 10n ** BigInt(frac.length));
}

function numberToPlainString(n: number, what: string): string {
  if (!Number.isFinite(n)) throw new RangeError(`Invalid ${what}: ${n}`);
  // toString of a double is the shortest round-tripping decimal; exponents only for tiny/huge values.
  const s = String(n);
  if (/e/i.test(s)) throw new RangeError(`Invalid ${what}: ${n} (use a decimal string)`);
  return s;
}
