import type { Exchange, OHLCV } from 'ccxt';
import { badRequest } from '../../contract/errors.js';
import { timeframeMs } from '../../engine/data/candles.js';
import type { Bar } from '../../engine/ports/market-data.js';
import type { MarketCache } from '../../store/market-cache.js';
import { decOf } from './convert.js';
import { venueError } from './errors.js';

export interface HistoryRequest {
  symbol: string;
  /** ccxt timeframe, e.g. "1m", "1h" */
  timeframe: string;
  /** first candle's open time, epoch ms (inclusive) */
  since: number;
  /** end, epoch ms (exclusive); default now */
  until?: number;
  /** candles per request (default 1000) */
  pageSize?: number;
  onProgress?: (p: HistoryProgress) => void;
  signal?: AbortSignal;
}

export interface HistoryProgress {
  symbol: string;
  timeframe: string;
  /** candles in the cache for the window so far */
  cached: number;
  /** candles the window holds at most */
  expected: number;
  /** the open time the download has reached */
  cursor: number;
  done: boolean;
}

/**
 * Downloads candles page by page with fetchOHLCV into the market cache and
 * returns the window from the cache. Resumable: a window whose beginning is
 * cached already continues after its newest cached candle, so an interrupted
 * download (or a longer window later) fetches only what is missing.
 */
export async function downloadHistory(ex: Exchange, cache: MarketCache, source: string, req: HistoryRequest, now: () => number): Promise<Bar[]> {
  const tf = timeframeMs(req.timeframe);
  const until = req.until ?? now();
  const since = Math.floor(req.since / tf) * tf;
  if (!(until > since)) throw badRequest('history: until must be after since', { field: 'until' });
  const has = ex.has as Record<string, unknown>;
  if (!has['fetchOHLCV']) throw badRequest(`${ex.id} has no candle history (fetchOHLCV)`, { field: 'exchange' });
  const expected = Math.ceil((until - since) / tf);
  const pageSize = req.pageSize ?? 1000;

  // Continue after the cached prefix when it has no holes; otherwise start over (upserts keep it idempotent).
  let cursor = since;
  const last = cache.lastCandleTs(source, req.symbol, req.timeframe, since, until);
  if (last !== null && cache.countCandles(source, req.symbol, req.timeframe, since, last + 1) === (last - since) / tf + 1) cursor = last + tf;

  const progress = (done: boolean) =>
    req.onProgress?.({ symbol: req.symbol, timeframe: req.timeframe, cached: cache.countCandles(source, req.symbol, req.timeframe, since, until), expected, cursor, done });
  progress(false);
  while (cursor < until) {
    if (req.signal?.aborted) throw badRequest('history download aborted', { field: 'signal' });
    let page: OHLCV[];
    try {
      page = await ex.fetchOHLCV(req.symbol, req.timeframe, cursor, pageSize);
    } catch (err) {
      throw venueError(err, 'fetchOHLCV');
    }
    const bars = page.flatMap((row) => barOf(row)).filter((b) => b.ts >= cursor && b.ts < until);
    cache.saveCandles(source, req.symbol, req.timeframe, bars);
    if (bars.length === 0) break; // nothing more from the exchange (before listing, or not yet traded)
    cursor = bars[bars.length - 1]!.ts + tf;
    progress(false);
  }
  progress(true);
  return cache.candles(source, req.symbol, req.timeframe, since, until);
}

export function barOf(row: OHLCV): Bar[] {
  const [ts, o, h, l, c, v] = row;
  const open = decOf(o);
  const high = decOf(h);
  const low = decOf(l);
  const close = decOf(c);
  if (typeof ts !== 'number' || !open || !high || !low || !close) return [];
  return [{ ts, open, high, low, close, volume: decOf(v) ?? decOf(0)! }];
}
