import { checkPeriod, copyOf } from './check.js';

/**
 * Exponential moving average, alpha = 2 / (period + 1), seeded with the simple
 * average of the first `period` values (the common charting convention).
 * NaN until then.
 */
export class Ema {
  readonly period: number;
  readonly alpha: number;
  private count = 0;
  private seed = 0;
  value = NaN;

  constructor(period: number) {
    checkPeriod(period);
    this.period = period;
    this.alpha = 2 / (period + 1);
  }

  get ready(): boolean {
    return this.count >= this.period;
  }

  update(input: number): number {
    if (this.count < this.period) {
      this.seed += input;
      this.count++;
      if (this.count === this.period) this.value = this.seed / this.period;
      return this.value;
    }
    this.value += this.alpha * (input - this.value);
    return this.value;
  }

  /** an independent copy: updating it leaves this one as it is */
  clone(): Ema {
    return copyOf(this);
  }

  reset(): void {
    this.count = 0;
    this.seed = 0;
    this.value = NaN;
  }
}
