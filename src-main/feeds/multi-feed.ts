import { badRequest } from '../../src-common/contract/errors.js';
import type { Decimal } from '../engine/model/decimal.js';
import type { InstrumentSpec } from '../engine/model/types.js';
import type { Bar, BookSnapshot, MarketEvent, MarketFeed } from '../engine/ports/market-data.js';

/**
 * Several feeds as one account's market data (`serve --feed A --symbol X --feed B --symbol Y`):
 * each symbol answered by the feed that quotes it, every feed's events to every listener.
 */
export class MultiFeed implements MarketFeed {
  readonly timeframeMs: number;
  private readonly bySymbol = new Map<string, MarketFeed>();

  constructor(private readonly feeds: readonly MarketFeed[]) {
    if (feeds.length === 0) throw badRequest('at least one feed is needed', { field: 'feed' });
    this.timeframeMs = feeds[0]!.timeframeMs;
    for (const feed of feeds) {
      // the engine builds every candle timeframe from one base bar length
      if (feed.timeframeMs !== this.timeframeMs) {
        throw badRequest(`the feeds have different bar lengths (${this.timeframeMs / 1000} s and ${feed.timeframeMs / 1000} s); use files with the same bar length`, { field: 'feed' });
      }
      for (const i of feed.instruments()) {
        if (this.bySymbol.has(i.symbol)) throw badRequest(`two feeds are replayed as ${i.symbol}; give each --feed its own --symbol`, { field: 'symbol' });
        this.bySymbol.set(i.symbol, feed);
      }
    }
  }

  instruments(): InstrumentSpec[] {
    return this.feeds.flatMap((f) => f.instruments());
  }

  book(symbol: string): BookSnapshot | undefined {
    return this.bySymbol.get(symbol)?.book(symbol);
  }

  lastPrice(symbol: string): Decimal | undefined {
    return this.bySymbol.get(symbol)?.lastPrice(symbol);
  }

  bars(symbol: string, limit: number): Bar[] {
    return this.bySymbol.get(symbol)?.bars(symbol, limit) ?? [];
  }

  subscribe(listener: (event: MarketEvent) => void): () => void {
    const offs = this.feeds.map((f) => f.subscribe(listener));
    return () => {
      for (const off of offs) off();
    };
  }

  async start(): Promise<void> {
    await Promise.all(this.feeds.map((f) => f.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.feeds.map((f) => f.stop()));
  }
}
