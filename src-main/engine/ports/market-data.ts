import type { Decimal } from '../model/decimal.js';
import type { InstrumentSpec, Side } from '../model/types.js';

export type BookLevel = readonly [price: Decimal, quantity: Decimal];

export interface BookSnapshot {
  symbol: string;
  /** best first */
  bids: BookLevel[];
  /** best first */
  asks: BookLevel[];
  ts: number;
}

export interface TradePrint {
  symbol: string;
  price: Decimal;
  quantity: Decimal;
  /** the aggressor */
  side: Side;
  ts: number;
}

export interface Bar {
  /** open time, epoch ms */
  ts: number;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: Decimal;
}

export type MarketEvent =
  | { type: 'book'; book: BookSnapshot }
  | { type: 'trade'; trade: TradePrint }
  /** a bar that is final: it will not change again */
  | { type: 'bar'; symbol: string; timeframeMs: number; bar: Bar };

/**
 * A source of market data for one account's symbols: a replay of a candle
 * file, a venue's public websocket, or a backtest's history. Shaped after
 * ccxt's watchOrderBook / watchTrades / watchTicker, but push-based.
 */
export interface MarketFeed {
  /** instruments this feed can quote */
  instruments(): InstrumentSpec[];
  /** the latest book, if any has been seen */
  book(symbol: string): BookSnapshot | undefined;
  /** the last traded price, if any */
  lastPrice(symbol: string): Decimal | undefined;
  /** the bars seen so far (base timeframe), oldest first, at most `limit` newest */
  bars(symbol: string, limit: number): Bar[];
  /** base timeframe of bars(), in ms */
  readonly timeframeMs: number;
  /** listen to every market event; returns an unsubscribe */
  subscribe(listener: (event: MarketEvent) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}
