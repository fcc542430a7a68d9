import { IndicatorParamError, checkPeriod, copyOf } from './check.js';

/**
 * Bollinger bands: middle = simple average of the last `period` values,
 * upper/lower = middle ± k × their population standard deviation. The
 * window's sum and sum of squares are recomputed from the window every
 * `period` updates, so rounding cannot accumulate. NaN until `period` values.
 */
export class Bollinger {
  readonly period: number;
  readonly k: number;
  private readonly buffer: Float64Array;
  private next = 0;
  private count = 0;
  private sum = 0;
  private sumSq = 0;
  private sinceExact = 0;
  middle = NaN;
  upper = NaN;
  lower = NaN;
  /** population standard deviation of the window */
  deviation = NaN;

  constructor(period = 20, k = 2) {
    checkPeriod(period);
    if (!Number.isFinite(k) || k < 0) throw new IndicatorParamError(`k must be a number ≥ 0, got ${k}`, 'k');
    this.period = period;
    this.k = k;
    this.buffer = new Float64Array(period);
  }

  get ready(): boolean {
    return this.count >= this.period;
  }

  update(input: number): number {
    if (this.count >= this.period) {
      const old = this.buffer[this.next]!;
      this.sum -= old;
      this.sumSq -= old * old;
    } else this.count++;
    this.buffer[this.next] = input;
    this.sum += input;
    this.sumSq += input * input;
    this.next = this.next + 1 === this.period ? 0 : this.next + 1;
    if (this.count < this.period) return this.middle;
    if (++this.sinceExact >= this.period) {
      this.sinceExact = 0;
      let s = 0;
      let q = 0;
      for (let i = 0; i < this.period; i++) {
        const v = this.buffer[i]!;
        s += v;
        q += v * v;
      }
      this.sum = s;
      this.sumSq = q;
    }
    const mean = this.sum / this.period;
    const variance = Math.max(0, this.sumSq / this.period - mean * mean);
    this.middle = mean;
    this.deviation = Math.sqrt(variance);
    this.upper = mean + this.k * this.deviation;
    this.lower = mean - this.k * this.deviation;
    return this.middle;
  }

  /** an independent copy: updating it leaves this one as it is */
  clone(): Bollinger {
    return copyOf(this, { buffer: this.buffer.slice() });
  }

  reset(): void {
    this.next = 0;
    this.count = 0;
    this.sum = 0;
    this.sumSq = 0;
    this.sinceExact = 0;
    this.buffer.fill(0);
    this.middle = this.upper = this.lower = this.deviation = NaN;
  }
}
