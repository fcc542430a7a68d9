import { Decimal } from './fixed-decimal.js';

/**
 * The one decimal type of the engine. Money never passes through a JS number:
 * it enters as a decimal string, is computed with this type, and leaves as a
 * decimal string. A scaled BigInt (fixed-decimal.ts says its exactness rules:
 * exact to 40 significant digits, beyond that rounded half-even, as the
 * decimal.js it replaced).
 */
export { Decimal };

export const ZERO = new Decimal(0);
export const ONE = new Decimal(1);

export function dec(value: string | number | Decimal): Decimal {
  return new Decimal(value);
}

/** Canonical wire form: plain notation, no exponent, trailing zeros trimmed. */
export function str(value: Decimal): string {
  return value.toFixed();
}

/** value and step as integers of one scale (step ≠ 0) */
function aligned(value: Decimal, step: Decimal): [bigint, bigint] {
  if (value.s === step.s) return [value.m, step.m];
  return value.s > step.s ? [value.m, step.m * 10n ** BigInt(value.s - step.s)] : [value.m * 10n ** BigInt(step.s - value.s), step.m];
}

/** Rounds down to a multiple of `step` (sizes: never round a quantity up). */
export function floorToStep(value: Decimal, step: Decimal): Decimal {
  if (step.isZero()) return value;
  const [a, b] = aligned(value, step);
  let q = a / b;
  if (a % b !== 0n && (a < 0n) !== (b < 0n)) q -= 1n;
  return new Decimal(q * step.m, step.s);
}

/** The nearest multiple of `step`, ties to the even multiple (decimal.js's round()). */
export function roundToStep(value: Decimal, step: Decimal): Decimal {
  if (step.isZero()) return value;
  const [a, b] = aligned(value, step);
  let q = a / b;
  const r = a % b;
  if (r !== 0n) {
    const twice = (r < 0n ? -r : r) * 2n;
    const size = b < 0n ? -b : b;
    if (twice > size || (twice === size && (q & 1n) === 1n)) q += (a < 0n) !== (b < 0n) ? -1n : 1n;
  }
  return new Decimal(q * step.m, step.s);
}

export function isMultipleOf(value: Decimal, step: Decimal): boolean {
  if (step.isZero()) return true;
  const [a, b] = aligned(value, step);
  return a % b === 0n;
}

export function minDec(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}

export function maxDec(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}
