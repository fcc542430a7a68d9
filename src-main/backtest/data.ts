import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { badRequest } from '../contract/errors.js';
import { type CandleSeries, readCandleSeries } from '../feeds/candles-csv.js';
import { detectTimeframeMs } from '../feeds/timeframe.js';

/**
 * Where a backtest's bars come from: a candle CSV file (the layout of
 * ../shared/data), or `cache:NAME` answered by a provider that another part
 * of the engine registers (the SQLite candle cache the exchanges fill).
 * Parsed files are kept (a few, keyed by path, size and modification time),
 * so repeated runs and sweeps re-use an import instead of parsing again.
 */
export type CandleProvider = (name: string) => CandleSeries | Promise<CandleSeries>;

const FILES_KEPT = 4;
const parsed = new Map<string, CandleSeries>();
let cacheProvider: CandleProvider | null = null;

/** lets the candle cache answer `cache:NAME` data sources */
export function setCandleProvider(provider: CandleProvider | null): void {
  cacheProvider = provider;
}

export async function loadCandles(source: string | CandleSeries, cwd = process.cwd()): Promise<CandleSeries> {
  if (typeof source !== 'string') return source;
  if (source.startsWith('cache:')) {
    if (!cacheProvider) throw badRequest(`no candle cache is available to answer ${source}; give a CSV file`, { field: 'data' });
    return cacheProvider(source.slice('cache:'.length));
  }
  return readCandleFile(resolve(cwd, source));
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
  parsed.set(key, series);
  if (parsed.size > FILES_KEPT) parsed.delete(parsed.keys().next().value!);
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
