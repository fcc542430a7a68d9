/**
 * The chart's indicators per tick: SMA 20, EMA 50, Bollinger 20 2, RSI 14 and
 * MACD 12 26 9 over the 1,000 candles the chart holds, as CandleChart updates them
 * (IndicatorSeries.extend) when a trade moves the forming candle, and when a new
 * candle opens; against recomputing all 1,000 bars (what a tick would cost without
 * the incremental runs). Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Candle } from '../src-common/contract/schemas.js';
import { IndicatorSeries } from '../src-renderer/features/market/indicators/chart-option.js';
import type { IndicatorSpec } from '../src-renderer/features/market/indicators/specs.js';
import { CandleSeries } from '../src-renderer/lib/candles.js';
import { emit, percentiles } from './stats.js';

const TICKS = Number(process.env.TICKS ?? 20_000);
const SPECS: IndicatorSpec[] = [
  { id: 'a', kind: 'sma', period: 20 },
  { id: 'b', kind: 'ema', period: 50 },
  { id: 'c', kind: 'bb', period: 20, k: 2 },
  { id: 'd', kind: 'rsi', period: 14 },
  { id: 'e', kind: 'macd', fast: 12, slow: 26, signal: 9 },
];

const rows = readFileSync(join(import.meta.dirname, '..', 'resources', 'replay', 'BTC-USDT_1m_sample.csv'), 'utf8').trim().split('\n').slice(1);
const candles: Candle[] = rows.map((r) => {
  const [ts, o, h, l, c, v] = r.split(',');
  return [Number(ts), o!, h!, l!, c!, v!] as Candle;
});
const series = new CandleSeries(60_000);
series.load(candles.slice(0, 1_000));
const built = () => ({ xAxis: [{ data: [] as string[] }, { data: [] as string[] }], series: [{}, {}] });

const studies = new IndicatorSeries(SPECS);
studies.extend(built(), series.toArray());
const tick: number[] = [];
const bar: number[] = [];
let next = 1_000;
for (let i = 0; i < TICKS; i++) {
  const last = series.toArray().at(-1)!;
  const newCandle = i % 60 === 59;
  if (newCandle) {
    const c = candles[next++ % candles.length]!;
    series.applyBar([last[0] + 60_000, c[1], c[2], c[3], c[4], c[5]]);
  } else series.applyTrade(String(Number(last[4]) + ((i % 7) - 3)), last[0] + 1 + (i % 50_000));
  const t0 = process.hrtime.bigint();
  studies.extend(built(), series.toArray());
  (newCandle ? bar : tick).push(Number(process.hrtime.bigint() - t0));
}

// the same five over all 1,000 candles from scratch
const full: number[] = [];
for (let i = 0; i < 300; i++) {
  const t0 = process.hrtime.bigint();
  new IndicatorSeries(SPECS).extend(built(), series.toArray());
  full.push(Number(process.hrtime.bigint() - t0));
}

emit({
  bench: 'chart-indicators',
  indicators: SPECS.length,
  candles: series.toArray().length,
  ticks: tick.length,
  per_tick: percentiles(tick.slice(1_000)),
  per_new_candle: percentiles(bar),
  full_recompute: percentiles(full.slice(50)),
});
