import { Decimal } from '../engine/model/decimal.js';
import type { InstrumentSpec } from '../engine/model/types.js';
import type { Bar, BookSnapshot, MarketEvent, MarketFeed } from '../engine/ports/market-data.js';
import type { CandleSeries } from '../feeds/candles-csv.js';

/** Where a backtest stands within its bars: at bar `index`'s open (fills happen) or at its close (the strategy decides). */
export type BarPhase = 'open' | 'close';

/**
 * The market as a backtest's engine sees it: one symbol's candle series and
 * a cursor the runner moves. It publishes no events (nobody must pay for a
 * bar nobody listens to); the engine asks it for the last price when an order
 * needs a reference (notional checks, marks), and gets the exact decimal of
 * the current open or close, made from the file's text only then.
 */
export class BarFeed implements MarketFeed {
  index = 0;
  phase: BarPhase = 'close';
  private cachedAt = -1;
  private cachedPhase: BarPhase = 'close';
  private cached: Decimal | undefined;

  constructor(
    readonly series: CandleSeries,
    readonly instrument: InstrumentSpec,
    readonly timeframeMs: number,
  ) {}

  instruments(): InstrumentSpec[] {
    return [this.instrument];
  }

  /** a bar series has no order book */
  book(_symbol: string): BookSnapshot | undefined {
    return undefined;
  }

  lastPrice(symbol: string): Decimal | undefined {
    if (symbol !== this.instrument.symbol) return undefined;
    if (this.cachedAt !== this.index || this.cachedPhase !== this.phase) {
      this.cached = new Decimal(this.series.text(this.index, this.phase));
      this.cachedAt = this.index;
      this.cachedPhase = this.phase;
    }
    return this.cached;
  }

  /** the exact price `field` of bar `row` */
  price(row: number, field: 'open' | 'high' | 'low' | 'close'): Decimal {
    return new Decimal(this.series.text(row, field));
  }

  bars(symbol: string, limit: number): Bar[] {
    if (symbol !== this.instrument.symbol || !(limit >= 1)) return [];
    const end = this.phase === 'close' ? this.index + 1 : this.index;
    return this.series.toBars(Math.max(0, end - Math.floor(limit)), end);
  }

  subscribe(_listener: (event: MarketEvent) => void): () => void {
    return () => {};
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}
