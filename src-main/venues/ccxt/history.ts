import type { Exchange, OHLCV } from 'ccxt';
import { TernError, badRequest } from '../../../src-common/contract/errors.js';
import { timeframeMs } from '../../engine/data/candles.js';
import type { Bar } from '../../engine/ports/market-data.js';
import type { CandleCache } from '../../engine/ports/candle-cache.js';
import { decOf } from './convert.js';
import { classifyCcxtError } from './errors.js';

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
 * download (or a longer window later) fetches only what is missing. Candles
 * still open (the current minute) are not cached.
 */
export async function downloadHistory(ex: Exchange, cache: CandleCache, source: string, req: HistoryRequest, now: () => number): Promise<Bar[]> {
  const done = await fetchHistory(ex, cache, source, req, now);
  return cache.candles(source, req.symbol, req.timeframe, done.since, done.until);
}

/** The download of `downloadHistory` without reading the window back: its last progress, with the window it covered. */
export async function fetchHistory(
  ex: Exchange,
  cache: CandleCache,
  source: string,
  req: HistoryRequest,
  now: () => number,
): Promise<HistoryProgress & { since: number; until: number }> {
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

  const progress = (done: boolean): HistoryProgress => {
    const p = { symbol: req.symbol, timeframe: req.timeframe, cached: cache.countCandles(source, req.symbol, req.timeframe, since, until), expected, cursor, done };
    req.onProgress?.(p);
    return p;
  };
  progress(false);
  while (cursor < until) {
    if (req.signal?.aborted) throw badRequest('history download aborted', { field: 'signal' });
    let page: OHLCV[];
    try {
      page = await ex.fetchOHLCV(req.symbol, req.timeframe, cursor, pageSize);
    } catch (err) {
      throw historyError(err, req);
    }
    // Only closed candles are kept: a resumed download continues after the newest one, so it must be final.
    const closedBefore = now();
    const bars = page.flatMap((row) => barOf(row)).filter((b) => b.ts >= cursor && b.ts < until && b.ts + tf <= closedBefore);
    cache.saveCandles(source, req.symbol, req.timeframe, bars);
    if (bars.length === 0) break; // nothing more from the exchange (before listing, or not yet traded)
    cursor = bars[bars.length - 1]!.ts + tf;
    progress(false);
  }
  return { ...progress(true), since, until };
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

/** A failed page: what ccxt said, for a trader; what is cached stays, and the next download resumes from it. */
function historyError(err: unknown, req: HistoryRequest): TernError {
  if (err instanceof TernError) return err;
  const c = classifyCcxtError(err);
  const message = `fetchOHLCV ${req.symbol} ${req.timeframe}: ${c.reason}; what was downloaded is kept, download again to resume`;
  if (c.kind === 'refused') return badRequest(message, { field: 'symbol', ...c.details });
  if (c.kind === 'rate_limited') return new TernError('RATE_LIMITED', message, { retry_after_s: 1, ...c.details });
  return new TernError('VENUE_UNAVAILABLE', message, { ...c.details });
}
