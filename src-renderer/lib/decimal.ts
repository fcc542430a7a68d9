import { Decimal } from 'decimal.js';

/**
 * Exact decimal helpers for the ticket and the blotters. Prices and quantities
 * arrive as strings and are checked and summed as decimals; floats appear only
 * where a chart needs a number to draw.
 */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
export type Dec = InstanceType<typeof D>;

const DECIMAL_RE = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** a decimal from trader input ("1,000.5" and "1000.50" both accepted), or null */
export function parseDecimal(input: string | null | undefined): Dec | null {
  if (input === null || input === undefined) return null;
  const s = input.trim().replace(/[,_\s]/g, '');
  if (s === '' || !/^-?(\d+\.?\d*|\.\d+)$/.test(s)) return null;
  const v = new D(s);
  return v.isFinite() ? v : null;
}

export function dec(s: string): Dec {
  return new D(s);
}

/** canonical wire form: plain digits, no exponent, no trailing zeros ("0.0100" → "0.01") */
export function wire(v: Dec): string {
  const s = v.toFixed();
  return DECIMAL_RE.test(s) ? s : v.toFixed(0);
}

export function isMultipleOf(value: Dec, increment: string): boolean {
  const inc = new D(increment);
  if (inc.isZero()) return true;
  return value.mod(inc).isZero();
}

export function roundToIncrement(value: Dec, increment: string, mode: 'down' | 'up' | 'nearest' = 'nearest'): Dec {
  const inc = new D(increment);
  if (inc.isZero()) return value;
  const rounding = mode === 'down' ? D.ROUND_FLOOR : mode === 'up' ? D.ROUND_CEIL : D.ROUND_HALF_UP;
  return value.div(inc).toDecimalPlaces(0, rounding).mul(inc);
}

/** decimal places an increment implies: "0.01" → 2, "0.00001" → 5, "1" → 0 */
export function placesOf(increment: string | undefined): number {
  if (!increment) return 2;
  const v = new D(increment);
  return Math.max(0, v.decimalPlaces());
}

/** fixed places with thousands separators, from a decimal string, without going through a float */
export function formatFixed(value: string | Dec | null | undefined, places: number, opts: { sign?: boolean } = {}): string {
  if (value === null || value === undefined || value === '') return '—';
  let v: Dec;
  try {
    v = typeof value === 'string' ? new D(value) : value;
  } catch {
    return String(value);
  }
  if (!v.isFinite()) return '—';
  const fixed = v.toFixed(places, D.ROUND_HALF_UP);
  const negative = fixed.startsWith('-');
  const [int = '0', frac] = (negative ? fixed.slice(1) : fixed).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const body = frac ? `${grouped}.${frac}` : grouped;
  const isZero = /^[0.,]*$/.test(body);
  if (negative && !isZero) return `-${body}`;
  return opts.sign && !isZero ? `+${body}` : body;
}

/** a decimal string with its own precision kept (trailing zeros dropped), grouped */
export function formatPlain(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  try {
    const v = new D(value);
    return formatFixed(v, Math.max(0, v.decimalPlaces()));
  } catch {
    return value;
  }
}

/** at most `maxPlaces` decimals (rounded), fewer when the value has fewer: averages and fees */
export function formatUpTo(value: string | null | undefined, maxPlaces: number): string {
  if (value === null || value === undefined || value === '') return '—';
  try {
    const v = new D(value);
    return formatFixed(v, Math.min(Math.max(0, v.decimalPlaces()), maxPlaces));
  } catch {
    return value;
  }
}

/** for charts and sort keys only */
export function toNumber(value: string | null | undefined): number {
  if (value === null || value === undefined) return Number.NaN;
  return Number(value);
}

export function sign(value: string | null | undefined): -1 | 0 | 1 {
  if (!value) return 0;
  if (value.startsWith('-')) return /[1-9]/.test(value) ? -1 : 0;
  return /[1-9]/.test(value) ? 1 : 0;
}

export { D as DecimalCtor };
