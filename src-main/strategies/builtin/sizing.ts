import type { Decimal } from '../../engine/model/decimal.js';

/** the decimal places of an increment (0.01 → 2), or undefined beyond what exact sums can hold */
export function decimalsOf(increment: Decimal): number | undefined {
  const places = increment.decimalPlaces();
  return places <= 15 && increment.mul(10 ** places).eq(1) ? places : undefined;
}
