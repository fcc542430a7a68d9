import { badRequest } from '../../../src-common/contract/errors.js';
import { Decimal } from '../../engine/model/decimal.js';
import type { Bar } from '../../engine/ports/market-data.js';
import { CandleSeries } from '../candles-csv.js';

/**
 * The bars a replay reads, whether they came from a file (columns, Decimals
 * made per bar when it is replayed) or from code (Bar objects).
 */
export interface BarSource {
  readonly length: number;
  /** open time of bar i, epoch ms */
  tsAt(i: number): number;
  bar(i: number): Bar;
  /** most decimal places the prices are written with */
  readonly priceDecimals: number;
  /** the median close, the price the instrument rule sizes by */
  medianClose(): Decimal;
}

/** at most this many closes are sorted to find the median */
const MEDIAN_SAMPLE = 10_001;

export function barSource(bars: CandleSeries | readonly Bar[]): BarSource {
  if (bars instanceof CandleSeries) return seriesSource(bars);
  return arraySource(bars);
}

function seriesSource(series: CandleSeries): BarSource {
  if (series.length === 0) throw badRequest('a replay needs at least one bar; the candle series is empty', { field: 'bars' });
  return {
    length: series.length,
    tsAt: (i) => series.ts[i]!,
    bar: (i) => series.bar(i),
    priceDecimals: series.priceDecimals,
    medianClose: () => {
      const row = medianIndex(series.length, (i) => series.close[i]!);
      return new Decimal(series.text(row, 'close'));
    },
  };
}

function arraySource(bars: readonly Bar[]): BarSource {
  if (bars.length === 0) throw badRequest('a replay needs at least one bar; none were given', { field: 'bars' });
  let priceDecimals = 0;
  bars.forEach((bar, i) => {
    checkBar(bar, i, i > 0 ? bars[i - 1]!.ts : undefined);
    for (const price of [bar.open, bar.high, bar.low, bar.close]) priceDecimals = Math.max(priceDecimals, price.decimalPlaces());
  });
  return {
    length: bars.length,
    tsAt: (i) => bars[i]!.ts,
    bar: (i) => bars[i]!,
    priceDecimals,
    medianClose: () => bars[medianIndex(bars.length, (i) => bars[i]!.close.toNumber())]!.close,
  };
}

/** The same rules as a candle file's rows, for bars built in code. */
function checkBar(bar: Bar, i: number, previousTs: number | undefined): void {
  const fail = (field: string, rule: string) => badRequest(`bar ${i}: ${field} ${rule}`, { index: i, field });
  if (!Number.isSafeInteger(bar.ts) || bar.ts < 0) throw fail('ts', 'must be a non-negative whole number of epoch ms');
  if (previousTs !== undefined && bar.ts <= previousTs) throw fail('ts', `${bar.ts} is not after the previous bar's ${previousTs}`);
  for (const field of ['open', 'high', 'low', 'close'] as const) {
    if (!Decimal.isDecimal(bar[field]) || !bar[field].isFinite() || !bar[field].gt(0)) throw fail(field, 'must be a positive decimal');
  }
  if (!Decimal.isDecimal(bar.volume) || !bar.volume.isFinite() || bar.volume.lt(0)) throw fail('volume', 'must be a decimal ≥ 0');
  if (bar.high.lt(Decimal.max(bar.open, bar.close))) throw fail('high', 'is below max(open, close)');
  if (bar.low.gt(Decimal.min(bar.open, bar.close))) throw fail('low', 'is above min(open, close)');
}

/** Index of the median of value(0..n-1), over an even sample of at most MEDIAN_SAMPLE rows. */
function medianIndex(n: number, value: (i: number) => number): number {
  const take = Math.min(n, MEDIAN_SAMPLE);
  const rows: number[] = [];
  for (let k = 0; k < take; k++) rows.push(Math.floor((k * n) / take));
  rows.sort((a, b) => value(a) - value(b) || a - b);
  return rows[Math.floor((take - 1) / 2)]!;
}
