/** A parameter sweep of 100 sma-cross runs (fast 2..20 × slow 30..75) on the 45k-bar FTX file, over 2 worker threads: wall time. */
import { runSweep } from '../src-main/backtest/sweep.js';
import { FTX_FILE } from './backtest-fixture.js';
import { emit } from './stats.js';

const WORKERS = 2;
const t0 = performance.now();
const result = await runSweep({
  base: { data: FTX_FILE, symbol: 'BTC/USD', strategy: 'sma-cross', cash: '10000', fee: '0.001' },
  grid: { fast: { from: 2, to: 20, step: 2 }, slow: { from: 30, to: 75, step: 5 } },
  metric: 'sharpe',
  workers: WORKERS,
});
const wall = (performance.now() - t0) / 1000;
const failed = result.rows.filter((r) => r.error).length;
if (result.runs !== 100 || failed) throw new Error(`${result.runs} runs, ${failed} failed`);
emit({ bench: 'sweep_100', wall_s: Math.round(wall * 1000) / 1000, workers: WORKERS, runs: result.runs, best: result.rows[0]!.params, best_sharpe: result.rows[0]!.metrics!.sharpe });
