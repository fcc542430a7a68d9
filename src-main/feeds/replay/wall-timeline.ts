import { type Decimal, maxDec, minDec, ZERO } from '../../engine/model/decimal.js';
import type { Bar } from '../../engine/ports/market-data.js';

/**
 * A replay played on a clock (the engine's, i.e. now) instead of the file's
 * own time, so that orders, fills, trades and candles share one time axis.
 * A replay runs faster than its bars' length (10 one-minute bars a second),
 * so its prints are stamped with the time they are emitted and the candles
 * are built from those prints on the clock's grid: each candle holds every
 * print made while it was forming, so a fill sits, at its price, inside the
 * candle of its time.
 */
export class WallCandles {
  private forming: Bar | undefined;
  private lastTs = Number.NEGATIVE_INFINITY;

  constructor(private readonly timeframeMs: number) {}

  /**
   * The time of the next print: the clock's, made strictly later than the
   * previous print (a bar's four prints are emitted in one turn, and the
   * paper venue tells one book snapshot from the next by its time).
   */
  stamp(now: number): number {
    this.lastTs = Math.max(now, this.lastTs + 1);
    return this.lastTs;
  }

  /** Adds a print; returns the candle it closed (the first print past that candle's end), if any. */
  add(ts: number, price: Decimal, volume: Decimal | null): Bar | undefined {
    const open = ts - (((ts % this.timeframeMs) + this.timeframeMs) % this.timeframeMs);
    let closed: Bar | undefined;
    if (this.forming && this.forming.ts !== open) {
      closed = this.forming;
      this.forming = undefined;
    }
    const f = this.forming;
    if (!f) {
      this.forming = { ts: open, open: price, high: price, low: price, close: price, volume: volume ?? ZERO };
    } else {
      f.high = maxDec(f.high, price);
      f.low = minDec(f.low, price);
      f.close = price;
      if (volume) f.volume = f.volume.plus(volume);
    }
    return closed;
  }
}

/**
 * The first `count` bars of a file as the candles before now: laid end to end
 * on the clock's grid, the last one closing where the candle forming at `now`
 * opens (the file's own gaps are not kept: it is history to look at, not to
 * trade). Their prices are the file's.
 */
export function historyBefore(now: number, timeframeMs: number, count: number, bar: (i: number) => Bar): Bar[] {
  const forming = now - (((now % timeframeMs) + timeframeMs) % timeframeMs);
  const out: Bar[] = [];
  for (let i = 0; i < count; i++) out.push({ ...bar(i), ts: forming - (count - i) * timeframeMs });
  return out;
}
