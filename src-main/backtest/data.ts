import type BetterSqlite3 from 'better-sqlite3';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { badRequest } from '../../src-common/contract/errors.js';
import { type CandleSeries, parseCandleSeries, readCandleSeries } from '../feeds/candles-csv.js';
import { detectTimeframeMs } from '../feeds/timeframe.js';

/**
 * Where a backtest's bars come from:
 * - a candle CSV file (the layout of ../shared/data);
 * - the candle cache the exchanges fill (table market_candles of a Tern
 *   database): `sqlite:FILE?source=binance&symbol=BTC/USDT&timeframe=1m`, or
 *   `cache:?source=…&symbol=…&timeframe=…` for the database registered with
 *   setCandleDatabase (the running engine's).
 * Parsed sources are kept (a few; files keyed by path, size and modification
 * time), so repeated runs and sweeps re-use an import instead of parsing again.
 */
const KEPT = 4;
const parsed = new Map<string, CandleSeries>();
let candleDatabase: string | null = null;

/** the database `cache:` data sources read (the engine's store file); null: none */
export function setCandleDatabase(file: string | null): void {
  candleDatabase = file;
}

/** `cache:…` as the self-contained `sqlite:FILE?…` (worker threads do not share the registration); other sources as they are */
export function portableDataSource(source: string): string {
  if (!source.startsWith('cache:')) return source;
  if (!candleDatabase) throw badRequest(`no candle cache is available to answer ${source}; give a CSV file`, { field: 'data' });
  return `sqlite:${candleDatabase}${source.slice('cache:'.length)}`;
}

export async function loadCandles(source: string | CandleSeries, cwd = process.cwd()): Promise<CandleSeries> {
  if (typeof source !== 'string') return source;
  const portable = portableDataSource(source);
  if (portable.startsWith('sqlite:')) return readCachedCandles(portable, cwd);
  return readCandleFile(resolve(cwd, source));
}

/** candles of one source, symbol and timeframe from a Tern database's candle cache, oldest first */
export function readCachedCandles(spec: string, cwd = process.cwd()): CandleSeries {
  const query = spec.indexOf('?');
  const file = resolve(cwd, spec.slice('sqlite:'.length, query < 0 ? undefined : query));
  const q = new URLSearchParams(query < 0 ? '' : spec.slice(query + 1));
  const [source, symbol, timeframe] = [q.get('source'), q.get('symbol'), q.get('timeframe')];
  if (!source || !symbol || !timeframe) throw badRequest('a cached data source needs ?source=…&symbol=…&timeframe=… (e.g. source=binance&symbol=BTC/USDT&timeframe=1m)', { field: 'data' });
  const key = `${file}\u0000${source}\u0000${symbol}\u0000${timeframe}`;
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw badRequest(`database not found: ${file}`, { field: 'data', file });
  }
  const cacheKey = `${key}\u0000${stat.mtimeMs}`;
  const hit = parsed.get(cacheKey);
  if (hit) return hit;
  let rows: string[][];
  const db = new (sqlite())(file, { readonly: true, fileMustExist: true });
  try {
    rows = db
      .prepare('SELECT ts, open, high, low, close, volume FROM market_candles WHERE source = ? AND symbol = ? AND timeframe = ? ORDER BY ts')
      .raw()
      .all(source, symbol, timeframe) as string[][];
  } catch (err) {
    throw badRequest(`cannot read the candle cache of ${file}: ${err instanceof Error ? err.message : String(err)}`, { field: 'data', file });
  } finally {
    db.close();
  }
  if (rows.length === 0) throw badRequest(`the candle cache has no ${timeframe} candles of ${symbol} from ${source}`, { field: 'data' });
  const series = parseCandleSeries(`${rows.map((r) => r.join(',')).join('\n')}\n`, `${source} ${symbol} ${timeframe}`);
  remember(cacheKey, series);
  return series;
}

/** SQLite's driver, loaded when a cached source is first read: a backtest of a CSV file (the CLI, a sweep's workers) never loads it */
let driver: typeof BetterSqlite3 | undefined;
function sqlite(): typeof BetterSqlite3 {
  return (driver ??= createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3);
}

function remember(key: string, series: CandleSeries): void {
  parsed.set(key, series);
  if (parsed.size > KEPT) parsed.delete(parsed.keys().next().value!);
}

/** a CSV file, parsed once while it is unchanged */
export function readCandleFile(file: string): CandleSeries {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw badRequest(`data file not found: ${file}`, { field: 'data', file });
  }
  if (!stat.isFile()) throw badRequest(`data is not a file: ${file}`, { field: 'data', file });
  const key = `${file}\u0000${stat.size}\u0000${stat.mtimeMs}`;
  const hit = parsed.get(key);
  if (hit) {
    parsed.delete(key);
    parsed.set(key, hit);
    return hit;
  }
  const series = readCandleSeries(file);
  remember(key, series);
  return series;
}

/** rows [start, end) whose open time is within [from, to] (epoch ms, either optional) */
export function rowRange(series: CandleSeries, from?: number, to?: number): { start: number; end: number } {
  const start = from === undefined ? 0 : lowerBound(series.ts, series.length, from);
  const end = to === undefined ? series.length : lowerBound(series.ts, series.length, to + 1);
  if (end <= start) throw badRequest(`no bars between ${from ?? 'the start'} and ${to ?? 'the end'}`, { field: from !== undefined ? 'from' : 'to' });
  return { start, end };
}

/** the bar length of rows [start, end): the most common step, or one minute for a single bar */
export function seriesTimeframe(series: CandleSeries, start: number, end: number): number {
  if (end - start < 2) return 60_000;
  return detectTimeframeMs(series.ts.subarray(start, end));
}

function lowerBound(a: Float64Array, n: number, value: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
