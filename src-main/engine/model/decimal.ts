import { Decimal as DecimalJs } from 'decimal.js';

/**
 * The one decimal type of the engine. Money never passes through a JS number:
 * it enters as a decimal string, is computed with this type, and leaves as a
 * decimal string. Precision is far beyond any venue's (prices and sizes have
 * at most ~18 significant digits).
 */
export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
export type Decimal = InstanceType<typeof Decimal>;

export const ZERO = new Decimal(0);
export const ONE = new Decimal(1);

export function dec(value: string | number | Decimal): Decimal {
  return new Decimal(value);
}

/** Canonical wire form: plain notation, no exponent, trailing zeros trimmed. */
export function str(value: Decimal): string {
  return value.toFixed();
}

/** Rounds down to a multiple of `step` (sizes: never round a quantity up). */
export function floorToStep(value: Decimal, step: Decimal): Decimal {
  if (step.isZero()) return value;
  return value.div(step).floor().mul(step);
}

export function roundToStep(value: Decimal, step: Decimal): Decimal {
  if (step.isZero()) return value;
  return value.div(step).round().mul(step);
}

export function isMultipleOf(value: Decimal, step: Decimal): boolean {
  if (step.isZero()) return true;
  return value.mod(step).isZero();
}

export function minDec(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}

export function maxDec(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}
