import type { Bar, MarketFeed } from '../ports/market-data.js';
import { aggregateBars, timeframeMs } from './candles.js';

/** A feed that can download candle history into a cache and read it back (CcxtFeed). */
export interface HistorySource {
  fetchHistory(req: {
    symbol: string;
    timeframe: string;
    since: number;
    until?: number;
    onProgress?: (p: { cached: number; expected: number; done: boolean }) => void;
    signal?: AbortSignal;
  }): Promise<{ cached: number; expected: number; done: boolean }>;
  /** cached candles with from ≤ ts < to, oldest first */
  cachedCandles(symbol: string, timeframe: string, from: number, to: number): Bar[];
}

export function isHistorySource(feed: object): feed is HistorySource {
  const f = feed as Partial<HistorySource>;
  return typeof f.fetchHistory === 'function' && typeof f.cachedCandles === 'function';
}

export interface CandleQuery {
  symbol: string;
  timeframe: string;
  limit: number;
  /** epoch ms: candles from this open time on */
  since?: number;
  /** epoch ms: candles opening before this */
  until?: number;
}

/**
 * market.candles: without `since`, the newest `limit` candles of the feed.
 * With `since`, the first `limit` candles from then on: the feed's, and
 * before the feed's first one the downloaded history (when the feed has any).
 */
export function candlesOf(feed: MarketFeed, q: CandleQuery): Bar[] {
  const target = timeframeMs(q.timeframe);
  const base = feed.timeframeMs;
  if (q.since === undefined) {
    const bars = feed.bars(q.symbol, Math.min(100_000, Math.ceil((q.limit * target) / base) + 1));
    return aggregateBars(bars, base, target).slice(-q.limit);
  }
  const since = q.since;
  // the first `limit` candles from `since` open before this
  const end = Math.min(q.until ?? Number.MAX_SAFE_INTEGER, since + q.limit * target);
  const live = aggregateBars(feed.bars(q.symbol, 100_000), base, target).filter((b) => b.ts >= since && b.ts < end);
  const firstLive = live[0]?.ts ?? end;
  const older = isHistorySource(feed) && firstLive > since ? feed.cachedCandles(q.symbol, q.timeframe, since, firstLive) : [];
  return [...older, ...live].slice(0, q.limit);
}
