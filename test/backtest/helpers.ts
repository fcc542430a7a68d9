import { parseCandleSeries, type CandleSeries } from '../../src-main/feeds/candles-csv.js';
import { defineStrategy, type BarView, type StrategyContext, type StrategyFill, type StrategyOrder } from '../../src-main/strategies/api.js';
import { runBacktest, type BacktestConfig } from '../../src-main/backtest/runner.js';

export const T0 = 1_700_000_000_000;
export const MINUTE = 60_000;

/** bars from [open, high, low, close] (volume 1), one a minute from T0; or [ts, o, h, l, c] with explicit times */
export function bars(rows: Array<readonly (number | string)[]>): CandleSeries {
  const lines = ['timestamp,open,high,low,close,volume'];
  rows.forEach((r, i) => {
    const withTs = r.length === 5;
    const ts = withTs ? r[0] : T0 + i * MINUTE;
    const [o, h, l, c] = withTs ? r.slice(1) : r;
    lines.push(`${ts},${o},${h},${l},${c},1`);
  });
  return parseCandleSeries(lines.join('\n'), 'test');
}

/** closes only: open = previous close (the first opens at its close), high/low the extremes of both */
export function closes(values: number[]): CandleSeries {
  return bars(values.map((c, i) => {
    const o = i === 0 ? c : values[i - 1]!;
    return [o, Math.max(o, c), Math.min(o, c), c];
  }));
}

export interface ScriptLog {
  orders: StrategyOrder[];
  fills: StrategyFill[];
  errors: unknown[];
}

/** a strategy that runs `script` on each bar (and logs what it hears) */
export function scripted(script: (bar: BarView, ctx: StrategyContext, log: ScriptLog) => void | Promise<void>, log: ScriptLog = { orders: [], fills: [], errors: [] }) {
  return defineStrategy({
    name: 'script',
    params: {},
    create: () => ({
      onBar: (bar, ctx) => script(bar, ctx, log),
      onOrder: (order) => void log.orders.push(order),
      onFill: (fill) => void log.fills.push(fill),
    }),
  });
}

/** a backtest of `strategy` on `data` with cash 10000 USDT and fee 0.001 unless given */
export function backtest(data: CandleSeries, strategy: BacktestConfig['strategy'], more: Partial<BacktestConfig> = {}) {
  return runBacktest({ data, symbol: 'BTC/USDT', strategy, cash: '10000', fee: '0.001', ...more });
}
