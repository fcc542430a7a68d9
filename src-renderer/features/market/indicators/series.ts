import type { Candle } from '../../../../src-common/contract/schemas.js';
import { type IndicatorSpec, type LibraryIndicator, buildIndicator, lineNames, readLines } from './specs.js';

/**
 * One indicator's lines over the chart's candles, kept up to date one candle at a time.
 * The closed candles feed the engine's streaming indicator once each; the forming
 * (last) candle, which moves with every trade, is tried on a clone, so a tick costs
 * one clone and one update, not a pass over 1,000 bars. Only a new candle series
 * (another symbol or timeframe, a reload) starts over. Values are plain floats, NaN
 * where the indicator is not ready yet.
 */
export class IndicatorRun {
  /** one array per line (lineNames), aligned with the candles */
  readonly lines: number[][];
  private indicator: LibraryIndicator;
  private source: readonly Candle[] | null = null;
  /** how many candles (from the first) went into `indicator`, and the last one's start */
  private committed = 0;
  private committedTs = -1;

  constructor(readonly spec: IndicatorSpec) {
    this.indicator = buildIndicator(spec);
    this.lines = lineNames(spec.kind).map(() => []);
  }

  update(candles: readonly Candle[]): void {
    if (candles !== this.source || !this.resume(candles)) this.restart(candles);
    const n = candles.length;
    for (let i = this.committed; i < n - 1; i++) {
      this.indicator.update(Number(candles[i]![4]));
      this.write(i, this.indicator);
    }
    if (n > 1) {
      this.committed = n - 1;
      this.committedTs = candles[n - 2]![0];
    }
    for (const l of this.lines) l.length = n;
    if (n === 0) return;
    const forming = this.indicator.clone();
    forming.update(Number(candles[n - 1]![4]));
    this.write(n - 1, forming);
  }

  /** the values at a candle index (the last one: the forming candle's) */
  at(i: number): number[] {
    return this.lines.map((l) => l[i] ?? NaN);
  }

  private write(i: number, x: LibraryIndicator): void {
    const values = readLines(this.spec.kind, x);
    for (let j = 0; j < values.length; j++) this.lines[j]![i] = values[j]!;
  }

  /** the same series grew or dropped its oldest candles: keep what was computed */
  private resume(candles: readonly Candle[]): boolean {
    if (this.committed === 0) return true;
    let i = Math.min(candles.length - 1, this.committed - 1);
    while (i >= 0 && candles[i]![0] > this.committedTs) i--;
    if (i < 0 || candles[i]![0] !== this.committedTs) return false;
    const dropped = this.committed - 1 - i;
    if (dropped > 0) for (const l of this.lines) l.splice(0, dropped);
    this.committed = i + 1;
    return true;
  }

  private restart(candles: readonly Candle[]): void {
    this.source = candles;
    this.indicator = buildIndicator(this.spec);
    this.committed = 0;
    this.committedTs = -1;
    for (const l of this.lines) l.length = 0;
  }
}
