/** Candle import from CSV: a 1,000,000-row file read and parsed into columns (best of five). Goal ≥ 1,000,000 rows/s. */
import { readCandleSeries } from '../src-main/feeds/candles-csv.js';
import { tiledFile } from './backtest-fixture.js';
import { emit } from './stats.js';

const ROWS = 1_000_000;
const file = tiledFile(ROWS);
let best = Infinity;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const series = readCandleSeries(file);
  const ms = performance.now() - t0;
  if (series.length !== ROWS) throw new Error(`read ${series.length} rows`);
  best = Math.min(best, ms);
}
emit({ bench: 'candle_import', goal_rows_per_s: 1_000_000, rows_per_s: Math.round((ROWS / best) * 1000), rows: ROWS, seconds: Math.round(best) / 1000 });
