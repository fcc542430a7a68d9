import type { z } from 'zod';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { moneyOut, priceOut } from '../engine/dto.js';
import type { Decimal } from '../engine/model/decimal.js';
import type { BacktestMetrics } from '../../src-common/contract/strategy-schemas.js';
import type { ChartCandleRow } from './chart-candles.js';
import { METRIC_NAMES, type Metrics } from './metrics.js';
import type { BacktestResult } from './runner.js';
import { type OpenTrade, type RoundTrip, tradesCsv } from './trades.js';

/** points of the equity curve a report carries (min and max of each bucket, so drawdowns keep their depth) */
export const EQUITY_POINTS = 4000;

/** The metrics on the protocol (the contract's schema): money as decimal strings, ratios as numbers, undefined ratios null. */
export type MetricsDto = z.infer<typeof BacktestMetrics>;

export interface TradeDto {
  side: 'long' | 'short';
  entry_time: number;
  entry_price: string;
  exit_time: number;
  exit_price: string;
  quantity: string;
  pnl_gross: string;
  pnl_net: string;
  fees: string;
}

/** A backtest's report as the protocol carries it (backtests.get) and the UI draws it. */
export interface BacktestReportDto {
  strategy: { name: string; id: string; source: string; params: Record<string, number | boolean | string> };
  symbol: string;
  quote: string;
  timeframe_ms: number;
  cash: string;
  fee: string;
  slippage: string;
  start_ts: number;
  end_ts: number;
  metrics: MetricsDto;
  orders: BacktestResult['orders'];
  /** a position still open at the end, valued at the last close */
  open_position: { side: 'long' | 'short'; entry_time: number; entry_price: string; quantity: string; fees: string; mark_price: string; unrealized_pnl: string } | null;
  /** [bar open time, equity at its close, drawdown from the peak (fraction)], at most EQUITY_POINTS points */
  equity_curve: Array<[number, number, number]>;
  trade_list: TradeDto[];
  refusals: BacktestResult['refusals'];
  /** the run's bars, [ts, open, high, low, close, volume] doubles rolled up to at most CHART_CANDLES: for charting only, never written to report.json */
  candles: ChartCandleRow[];
}

const dec = (d: Decimal) => d.toFixed();

export function metricsDto(m: Metrics): MetricsDto {
  return {
    ...m,
    final_equity: dec(m.final_equity),
    // an average (Σ pnl_net ÷ trades) repeats: it leaves at the money scale; the sums keep every digit
    expectancy: m.expectancy === null ? null : moneyOut(m.expectancy),
    fees: dec(m.fees),
  };
}

export function reportDto(r: BacktestResult, maxPoints = EQUITY_POINTS): BacktestReportDto {
  const lastClose = r.lastClose;
  const n = r.equity.ts.length;
  const open = r.open;
  return {
    strategy: r.strategy,
    symbol: r.symbol,
    quote: r.quote,
    timeframe_ms: r.timeframeMs,
    cash: r.cash,
    fee: r.fee,
    slippage: r.slippage,
    start_ts: n ? r.equity.ts[0]! : 0,
    end_ts: n ? r.equity.ts[n - 1]! : 0,
    metrics: metricsDto(r.metrics),
    orders: r.orders,
    open_position: open ? openPositionDto(open, lastClose) : null,
    equity_curve: equityCurve(r.equity.ts, r.equity.equity, r.cash, maxPoints),
    trade_list: r.trades.map(tradeDto),
    refusals: r.refusals,
    candles: r.candles,
  };
}

/** a round trip as the report lists it (a live strategy's results list theirs the same way) */
/** a round trip on the wire: its averages at the price scale, its PnL and fees (shares of fills, divided) at the money scale; quantities exact */
export function tradeDto(t: RoundTrip): TradeDto {
  return {
    side: t.side,
    entry_time: t.entryTime,
    entry_price: priceOut(t.entryPrice),
    exit_time: t.exitTime,
    exit_price: priceOut(t.exitPrice),
    quantity: dec(t.quantity),
    pnl_gross: moneyOut(t.pnlGross),
    pnl_net: moneyOut(t.pnlNet),
    fees: moneyOut(t.fees),
  };
}

/** a position still open, valued at `mark` */
export function openPositionDto(open: OpenTrade, mark: Decimal): NonNullable<BacktestReportDto['open_position']> {
  return {
    side: open.side,
    entry_time: open.entryTime,
    entry_price: priceOut(open.entryPrice),
    quantity: dec(open.quantity),
    fees: moneyOut(open.fees),
    mark_price: dec(mark),
    unrealized_pnl: moneyOut(mark.minus(open.entryPrice).mul(open.quantity).mul(open.side === 'long' ? 1 : -1)),
  };
}

/**
 * The equity curve cut to at most `maxPoints`: all of it when short enough,
 * else each bucket's lowest and highest point in time order (and the last
 * bar), with the drawdown from the running peak of the whole curve.
 */
export function equityCurve(ts: ArrayLike<number>, equity: ArrayLike<number>, cash: string, maxPoints = EQUITY_POINTS): Array<[number, number, number]> {
  const n = equity.length;
  const out: Array<[number, number, number]> = [];
  let peak = Number(cash);
  const drawdown = (e: number) => (peak > 0 && e < peak ? (peak - e) / peak : 0);
  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) {
      if (equity[i]! > peak) peak = equity[i]!;
      out.push([ts[i]!, equity[i]!, drawdown(equity[i]!)]);
    }
    return out;
  }
  const bucket = Math.ceil(n / Math.max(1, Math.floor(maxPoints / 2)));
  for (let start = 0; start < n; start += bucket) {
    const end = Math.min(n, start + bucket);
    let lo = start;
    let hi = start;
    let loDd = 0;
    let hiDd = 0;
    for (let i = start; i < end; i++) {
      const e = equity[i]!;
      if (e > peak) peak = e;
      if (e < equity[lo]!) {
        lo = i;
        loDd = drawdown(e);
      }
      if (e > equity[hi]!) {
        hi = i;
        hiDd = drawdown(e);
      }
      if (i === start) loDd = hiDd = drawdown(e);
    }
    const first = Math.min(lo, hi);
    const second = Math.max(lo, hi);
    out.push([ts[first]!, equity[first]!, first === lo ? loDd : hiDd]);
    if (second !== first) out.push([ts[second]!, equity[second]!, second === lo ? loDd : hiDd]);
  }
  if (out[out.length - 1]![0] !== ts[n - 1]) out.push([ts[n - 1]!, equity[n - 1]!, drawdown(equity[n - 1]!)]);
  return out;
}

/**
 * report.json: the metrics at the top level by their names (money as JSON
 * numbers written with their exact decimal digits, undefined ratios null),
 * then the rest of the report but its chart candles. Nothing in it depends
 * on the machine or the time of the run, so the same run writes the same
 * bytes. The text is JSON.stringify(…, null, 2)'s, byte for byte; the two
 * long lists (trades, the equity curve) are written by hand, a line per
 * field, which costs a fraction of the generic walk over thousands of
 * objects (a million-bar run has tens of thousands of trades).
 */
export function reportJson(report: BacktestReportDto): string {
  // the chart's candles are for the protocol (backtests.get) only: the file keeps its exact content
  const { metrics, candles: _candles, ...rest } = report;
  const members: string[] = [];
  for (const name of METRIC_NAMES) {
    const value = metrics[name];
    if (value === undefined) continue;
    const money = name === 'final_equity' || name === 'expectancy' || name === 'fees';
    members.push(`  "${name}": ${money && value !== null ? (value as string) : JSON.stringify(value)}`);
  }
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined || typeof value === 'function') continue;
    const text = key === 'trade_list' || key === 'equity_curve' ? listJson(value as ReadonlyArray<object>) : indented(JSON.stringify(value, null, 2));
    members.push(`  ${JSON.stringify(key)}: ${text}`);
  }
  return members.length === 0 ? '{}\n' : `{\n${members.join(',\n')}\n}\n`;
}

/** JSON.stringify(v, null, 2) of a member of the top-level object: its lines one level deeper */
const indented = (text: string) => (text.includes('\n') ? text.split('\n').join('\n  ') : text);

/** a list of flat objects (or arrays) of strings, numbers, booleans and nulls, as JSON.stringify(list, null, 2) writes it one level deep */
function listJson(list: ReadonlyArray<object>): string {
  if (list.length === 0) return '[]';
  const items: string[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const item = list[i]!;
    if (Array.isArray(item)) {
      items[i] = item.length === 0 ? '    []' : `    [\n${item.map((v) => `      ${scalarJson(v)}`).join(',\n')}\n    ]`;
      continue;
    }
    const fields: string[] = [];
    for (const [k, v] of Object.entries(item)) if (v !== undefined && typeof v !== 'function') fields.push(`      ${JSON.stringify(k)}: ${scalarJson(v)}`);
    items[i] = fields.length === 0 ? '    {}' : `    {\n${fields.join(',\n')}\n    }`;
  }
  return `[\n${items.join(',\n')}\n  ]`;
}

/** text that JSON writes as it is between quotes */
const PLAIN_TEXT = /^[\w .:+\-/]*$/;

function scalarJson(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'string' && PLAIN_TEXT.test(v)) return `"${v}"`;
  // anything else (nested values, text needing escapes) as JSON.stringify writes it at this depth
  const text = JSON.stringify(v, null, 2);
  return text === undefined ? 'null' : text.includes('\n') ? text.split('\n').join('\n      ') : text;
}

/** Writes DIR/report.json and DIR/trades.csv (creating DIR); returns their paths. */
export function writeReport(dir: string, result: BacktestResult, report: BacktestReportDto): { report: string; trades: string } {
  mkdirSync(dir, { recursive: true });
  const reportPath = join(dir, 'report.json');
  const tradesPath = join(dir, 'trades.csv');
  writeFileSync(reportPath, reportJson(report));
  writeFileSync(tradesPath, tradesCsv(result.trades));
  return { report: reportPath, trades: tradesPath };
}
