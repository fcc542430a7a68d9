import { checkPeriod, copyOf } from './check.js';

/**
 * Wilder's average true range. True range = max(high − low, |high − previous
 * close|, |low − previous close|) (high − low for the first bar). The first
 * ATR is the mean of the first `period` true ranges, then
 * ATR = (ATR × (period − 1) + TR) / period. NaN until `period` bars.
 */
export class Atr {
  readonly period: number;
  private previousClose = NaN;
  private count = 0;
  private seed = 0;
  trueRange = NaN;
  value = NaN;

  constructor(period = 14) {
    checkPeriod(period);
    this.period = period;
  }

  get ready(): boolean {
    return this.count >= this.period;
  }

  update(high: number, low: number, close: number): number {
    const pc = this.previousClose;
    const tr = Number.isNaN(pc) ? high - low : Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
    this.trueRange = tr;
    this.previousClose = close;
    if (this.count < this.period) {
      this.seed += tr;
      this.count++;
      if (this.count === this.period) this.value = this.seed / this.period;
      return this.value;
    }
    this.value = (this.value * (this.period - 1) + tr) / this.period;
    return this.value;
  }

  /** an independent copy: updating it leaves this one as it is */
  clone(): Atr {
    return copyOf(this);
  }

  reset(): void {
    this.previousClose = NaN;
    this.count = 0;
    this.seed = 0;
    this.trueRange = NaN;
    this.value = NaN;
  }
}
