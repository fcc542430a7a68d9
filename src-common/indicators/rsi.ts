import { checkPeriod, copyOf } from './check.js';

/**
 * Wilder's relative strength index: average gain and loss over `period`
 * changes, the first as simple averages, then smoothed:
 * avg = (avg × (period − 1) + change) / period. RSI = 100 − 100 / (1 + gain / loss);
 * 100 when there was no loss (50 when there was no change at all). NaN for
 * the first `period` values (it needs `period` changes).
 */
export class Rsi {
  readonly period: number;
  private previous = NaN;
  private count = 0;
  avgGain = 0;
  avgLoss = 0;
  value = NaN;

  constructor(period = 14) {
    checkPeriod(period);
    this.period = period;
  }

  get ready(): boolean {
    return this.count >= this.period;
  }

  update(input: number): number {
    if (Number.isNaN(this.previous)) {
      this.previous = input;
      return this.value;
    }
    const change = input - this.previous;
    this.previous = input;
    const gain = change > 0 ? change : 0;
    const loss = change < 0 ? -change : 0;
    if (this.count < this.period) {
      this.avgGain += gain / this.period;
      this.avgLoss += loss / this.period;
      this.count++;
      if (this.count < this.period) return this.value;
    } else {
      this.avgGain = (this.avgGain * (this.period - 1) + gain) / this.period;
      this.avgLoss = (this.avgLoss * (this.period - 1) + loss) / this.period;
    }
    if (this.avgLoss === 0) this.value = this.avgGain === 0 ? 50 : 100;
    else this.value = 100 - 100 / (1 + this.avgGain / this.avgLoss);
    return this.value;
  }

  /** an independent copy: updating it leaves this one as it is */
  clone(): Rsi {
    return copyOf(this);
  }

  reset(): void {
    this.previous = NaN;
    this.count = 0;
    this.avgGain = 0;
    this.avgLoss = 0;
    this.value = NaN;
  }
}
