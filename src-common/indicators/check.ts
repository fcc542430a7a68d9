/**
 * A parameter an indicator cannot be built with, naming it (`field`). A plain
 * RangeError, not the contract's TernError: this library is bundled into the
 * page too, which must not pull in the zod contract.
 */
export class IndicatorParamError extends RangeError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'IndicatorParamError';
  }
}

export function checkPeriod(period: number, field = 'period'): void {
  if (!Number.isInteger(period) || period < 1) throw new IndicatorParamError(`${field} must be a whole number ≥ 1, got ${period}`, field);
}

/**
 * A copy of an indicator with its own state (`own`: the fields that must not be
 * shared, such as a window buffer or an inner indicator), so a chart can try the
 * forming bar on the copy and keep the closed bars' state untouched.
 */
export function copyOf<T extends object>(indicator: T, own: Record<string, unknown> = {}): T {
  return Object.assign(Object.create(Object.getPrototypeOf(indicator) as object) as T, indicator, own);
}
