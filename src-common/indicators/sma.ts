import { IndicatorParamError, checkPeriod, copyOf } from './check.js';

/**
 * Simple moving average over the last `period` values, streaming: O(1) per
 * update, no allocation. `value` is NaN until `period` values were seen.
 *
 * With `decimals` (the most decimal places the inputs are written with), the
 * running sum is kept in whole units of 10^-decimals, so it is exact (no
 * drift over millions of updates) and two averages can be compared exactly
 * with `compareSma`. Without it the sum is a plain double.
 */
export class Sma {
  readonly period: number;
  private readonly buffer: Float64Array;
  /** 10^decimals when the sum is exact, else 0 */
  readonly scale: number;
  private next = 0;
  private count = 0;
  /** the sum of the window: in units of 10^-decimals when exact, else the plain sum */
  sum = 0;
  value = NaN;

  constructor(period: number, options: { decimals?: number } = {}) {
    checkPeriod(period);
    this.period = period;
    this.buffer = new Float64Array(period);
    const decimals = options.decimals;
    if (decimals !== undefined && (!Number.isInteger(decimals) || decimals < 0 || decimals > 15)) {
      throw new IndicatorParamError('decimals must be a whole number from 0 to 15', 'decimals');
    }
    this.scale = decimals === undefined ? 0 : 10 ** decimals;
  }

  get ready(): boolean {
    return this.count >= this.period;
  }

  /** whether the sum is kept exactly, in whole units */
  get exact(): boolean {
    return this.scale !== 0;
  }

  update(input: number): number {
    const v = this.scale ? Math.round(input * this.scale) : input;
    if (this.count >= this.period) this.sum -= this.buffer[this.next]!;
    else this.count++;
    this.buffer[this.next] = v;
    this.sum += v;
    this.next = this.next + 1 === this.period ? 0 : this.next + 1;
    // one division of exact integers: the correctly rounded mean
    if (this.count >= this.period) this.value = this.scale ? this.sum / (this.scale * this.period) : this.sum / this.period;
    return this.value;
  }

  /** an independent copy: updating it leaves this one as it is */
  clone(): Sma {
    return copyOf(this, { buffer: this.buffer.slice() });
  }

  reset(): void {
    this.next = 0;
    this.count = 0;
    this.sum = 0;
    this.value = NaN;
    this.buffer.fill(0);
  }
}

/**
 * The sign of a.value − b.value (−1, 0, 1), exactly when both keep exact sums
 * with the same decimals (cross-multiplied sums, in BigInt when the products
 * leave the doubles' exact range); otherwise by the doubles. NaN when either is not ready.
 */
export function compareSma(a: Sma, b: Sma): number {
  if (!a.ready || !b.ready) return NaN;
  if (a.exact && a.scale === b.scale) {
    const left = a.sum * b.period;
    const right = b.sum * a.period;
    if (Number.isSafeInteger(left) && Number.isSafeInteger(right)) return Math.sign(left - right);
    const l = BigInt(a.sum) * BigInt(b.period);
    const r = BigInt(b.sum) * BigInt(a.period);
    return l > r ? 1 : l < r ? -1 : 0;
  }
  return Math.sign(a.value - b.value);
}
