import type { CandleSeries } from '../feeds/candles-csv.js';

/** candles a report carries at most (the Backtest screen draws them under the trades) */
export const CHART_CANDLES = 4000;

/** [bucket open time, open, high, low, close, volume]: doubles, for charting only (never money) */
export type ChartCandleRow = [number, number, number, number, number, number];

/** candidate bucket lengths tried one by one before settling for one that surely fits (a cap on the work) */
const SEARCH_BUDGET = 20_000_000;

type Columns = Pick<CandleSeries, 'ts' | 'open' | 'high' | 'low' | 'close' | 'volume'>;

/**
 * The bars [start, end) of a series rolled up to at most `maxCandles`
 * candles: buckets of the smallest multiple k of the bar length that fits,
 * laid from the first bar's open time (so with few enough bars, each bar is
 * its own candle). A candle is its bucket's first open, highest high, lowest
 * low, last close and summed volume, at the bucket's open time; a bucket
 * without bars gives no candle (gaps stay gaps). Runs once after the bar
 * loop, over the columns: O(bars), plus the search for k over the runs of
 * evenly spaced bars.
 */
export function rollUpCandles(series: Columns, start: number, end: number, timeframeMs: number, maxCandles = CHART_CANDLES): ChartCandleRow[] {
  const n = end - start;
  if (n <= 0) return [];
  const { ts, open, high, low, close, volume } = series;
  const t0 = ts[start]!;
  const width = bucketBars(ts, start, end, timeframeMs, Math.max(1, Math.floor(maxCandles))) * timeframeMs;
  const out: ChartCandleRow[] = [];
  let bucket = -1;
  let row: ChartCandleRow | null = null;
  for (let i = start; i < end; i++) {
    const b = Math.floor((ts[i]! - t0) / width);
    if (b !== bucket || row === null) {
      bucket = b;
      row = [t0 + b * width, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!];
      out.push(row);
      continue;
    }
    if (high[i]! > row[2]) row[2] = high[i]!;
    if (low[i]! < row[3]) row[3] = low[i]!;
    row[4] = close[i]!;
    row[5] += volume[i]!;
  }
  return out;
}

/**
 * Bars per candle: the smallest k whose buckets (from the first bar) that
 * hold a bar number at most `max`. Bars at least a bar length apart put at
 * most k bars in a bucket, so k starts at ceil(n / max); and k with
 * k·timeframe·(max − 1) ≥ the span always fits, so the search ends there.
 * The count for a k walks the runs of bars spaced exactly one bar length
 * (a run fills every bucket from its first bar's to its last's), not the
 * bars. Should the runs be so many that trying each k one by one costs too
 * much (irregular bars over a long span), the sure fit is taken.
 */
export function bucketBars(ts: ArrayLike<number>, start: number, end: number, timeframeMs: number, max = CHART_CANDLES): number {
  const n = end - start;
  if (n <= max) {
    // k = 1 fits unless bars sit closer than a bar length; then the search below decides
    let regular = true;
    for (let i = start + 1; i < end && regular; i++) if (ts[i]! - ts[i - 1]! < timeframeMs) regular = false;
    if (regular) return 1;
  }
  const t0 = ts[start]!;
  // runs of evenly spaced bars: [first open time, last open time] offsets from t0
  const firsts: number[] = [0];
  const lasts: number[] = [];
  for (let i = start + 1; i < end; i++) {
    if (ts[i]! - ts[i - 1]! === timeframeMs) continue;
    lasts.push(ts[i - 1]! - t0);
    firsts.push(ts[i]! - t0);
  }
  lasts.push(ts[end - 1]! - t0);
  const runs = firsts.length;
  const span = ts[end - 1]! - t0;
  const sure = Math.max(1, max > 1 ? Math.ceil(span / (timeframeMs * (max - 1))) : Math.floor(span / timeframeMs) + 1);
  let work = 0;
  for (let k = Math.max(1, Math.ceil(n / max)); k < sure; k++) {
    if ((work += runs) > SEARCH_BUDGET) break;
    const width = k * timeframeMs;
    let count = 0;
    let previous = -1;
    for (let r = 0; r < runs && count <= max; r++) {
      const first = Math.floor(firsts[r]! / width);
      const last = Math.floor(lasts[r]! / width);
      count += last - first + (first === previous ? 0 : 1);
      previous = last;
    }
    if (count <= max) return k;
  }
  return sure;
}
