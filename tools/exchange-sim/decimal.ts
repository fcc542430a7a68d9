import { Decimal as DecimalJs } from 'decimal.js';

/**
 * The simulator's own exact decimal (the sim is test tooling and imports nothing from the engine).
 * Balances, prices and quantities never pass through a JS number.
 */
export const D = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
export type D = InstanceType<typeof D>;

export const ZERO = new D(0);

export function d(value: string | number | D): D {
  return new D(value);
}

/** Binance prints amounts with 8 decimals ("0.10000000"). */
export function f8(value: D): string {
  return value.toFixed(8, D.ROUND_DOWN);
}

export function floorTo(value: D, step: D): D {
  if (step.isZero()) return value;
  return value.div(step).floor().mul(step);
}

export function ceilTo(value: D, step: D): D {
  if (step.isZero()) return value;
  return value.div(step).ceil().mul(step);
}

export function roundTo(value: D, step: D): D {
  if (step.isZero()) return value;
  return value.div(step).round().mul(step);
}

export function isMultiple(value: D, step: D): boolean {
  if (step.isZero()) return true;
  return value.mod(step).isZero();
}

/** Parses a decimal string from a request; undefined when missing or malformed. */
export function parseDec(raw: string | undefined): D | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+(\.\d+)?$/.test(raw) && !/^-?\.\d+$/.test(raw) && !/^-?\d+\.$/.test(raw)) return undefined;
  return new D(raw);
}

export function maxD(a: D, b: D): D {
  return a.gt(b) ? a : b;
}

export function minD(a: D, b: D): D {
  return a.lt(b) ? a : b;
}
