import { IndicatorParamError, checkPeriod, copyOf } from './check.js';
import { Ema } from './ema.js';

/**
 * MACD: line = EMA(fast) − EMA(slow) of the input; signal = EMA(signal) of the
 * line (fed from the first bar where the line exists); histogram = line −
 * signal. Each EMA is seeded with its simple average (Ema). NaN until ready.
 */
export class Macd {
  private readonly fastEma: Ema;
  private readonly slowEma: Ema;
  private readonly signalEma: Ema;
  line = NaN;
  signal = NaN;
  histogram = NaN;

  constructor(fast = 12, slow = 26, signal = 9) {
    // each named as the trader wrote it, not as the inner EMA's "period"
    checkPeriod(fast, 'fast');
    checkPeriod(slow, 'slow');
    checkPeriod(signal, 'signal');
    if (fast >= slow) throw new IndicatorParamError(`the fast period (${fast}) must be shorter than the slow one (${slow})`, 'fast');
    this.fastEma = new Ema(fast);
    this.slowEma = new Ema(slow);
    this.signalEma = new Ema(signal);
  }

  get ready(): boolean {
    return this.signalEma.ready;
  }

  update(input: number): number {
    const f = this.fastEma.update(input);
    const s = this.slowEma.update(input);
    if (Number.isNaN(s)) return this.line;
    this.line = f - s;
    this.signal = this.signalEma.update(this.line);
    this.histogram = this.line - this.signal;
    return this.line;
  }

  /** an independent copy: updating it leaves this one as it is */
  clone(): Macd {
    return copyOf(this, { fastEma: this.fastEma.clone(), slowEma: this.slowEma.clone(), signalEma: this.signalEma.clone() });
  }

  reset(): void {
    this.fastEma.reset();
    this.slowEma.reset();
    this.signalEma.reset();
    this.line = this.signal = this.histogram = NaN;
  }
}
