import { type Decimal, ZERO } from '../engine/model/decimal.js';
import type { RoundTrip } from './trades.js';

/** one year, for annualising: 365 days (markets that never close) */
export const YEAR_MS = 365 * 86_400_000;

/**
 * The report's metrics (docs/strategies.md, "Metrics"), by their report names.
 * Money (final_equity, expectancy, fees) is exact; ratios are doubles; a
 * ratio that is undefined for the run (no trades, no losses, no variation)
 * is null.
 */
export interface Metrics {
  bars: number;
  trades: number;
  final_equity: Decimal;
  total_return: number;
  CAGR: number | null;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  max_drawdown: number;
  win_rate: number | null;
  profit_factor: number | null;
  expectancy: Decimal | null;
  exposure: number;
  fees: Decimal;
}

export const METRIC_NAMES = [
  'bars',
  'trades',
  'final_equity',
  'total_return',
  'CAGR',
  'sharpe',
  'sortino',
  'calmar',
  'max_drawdown',
  'win_rate',
  'profit_factor',
  'expectancy',
  'exposure',
  'fees',
] as const satisfies ReadonlyArray<keyof Metrics>;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface MetricInputs {
  /** equity at each bar's close (quote + base × close), as doubles */
  equity: ArrayLike<number>;
  /** each bar's open time */
  ts: ArrayLike<number>;
  /** the bar length, for annualising per-bar returns */
  timeframeMs: number;
  initialCash: Decimal;
  /** exact equity at the end: quote + base × last close */
  finalEquity: Decimal;
  trades: readonly RoundTrip[];
  /** bars that closed with a non-zero position */
  exposedBars: number;
  /** every fee paid, open position included */
  fees: Decimal;
}

export function computeMetrics(m: MetricInputs): Metrics {
  const n = m.equity.length;
  const initial = m.initialCash.toNumber();
  const finalNum = m.finalEquity.toNumber();
  const totalReturn = m.finalEquity.div(m.initialCash).minus(1).toNumber();

  // per-bar simple returns between consecutive closes
  let sum = 0;
  let count = 0;
  for (let i = 1; i < n; i++) {
    sum += m.equity[i]! / m.equity[i - 1]! - 1;
    count++;
  }
  const mean = count > 0 ? sum / count : 0;
  let sq = 0;
  let down = 0;
  for (let i = 1; i < n; i++) {
    const r = m.equity[i]! / m.equity[i - 1]! - 1;
    sq += (r - mean) * (r - mean);
    if (r < 0) down += r * r;
  }
  const periodsPerYear = YEAR_MS / m.timeframeMs;
  const std = count > 1 ? Math.sqrt(sq / (count - 1)) : 0;
  const downside = count > 0 ? Math.sqrt(down / count) : 0;
  const sharpe = std > 0 ? (mean / std) * Math.sqrt(periodsPerYear) : null;
  const sortino = downside > 0 ? (mean / downside) * Math.sqrt(periodsPerYear) : null;

  // drawdown from the running peak, the starting cash included
  let peak = initial;
  let maxDrawdown = 0;
  for (let i = 0; i < n; i++) {
    const e = m.equity[i]!;
    if (e > peak) peak = e;
    else if (peak > 0) {
      const dd = (peak - e) / peak;
      if (dd > maxDrawdown) maxDrawdown = dd;
    }
  }

  const years = n > 1 ? (m.ts[n - 1]! - m.ts[0]!) / YEAR_MS : 0;
  const cagr = years > 0 ? (finalNum <= 0 ? -1 : Math.pow(finalNum / initial, 1 / years) - 1) : null;
  const calmar = cagr !== null && maxDrawdown > 0 ? cagr / maxDrawdown : null;

  let wins = 0;
  let grossWin = ZERO;
  let grossLoss = ZERO;
  let net = ZERO;
  for (const t of m.trades) {
    net = net.plus(t.pnlNet);
    if (t.pnlNet.isPositive() && !t.pnlNet.isZero()) {
      wins++;
      grossWin = grossWin.plus(t.pnlNet);
    } else if (t.pnlNet.isNegative()) grossLoss = grossLoss.minus(t.pnlNet);
  }
  const trades = m.trades.length;

  return {
    bars: n,
    trades,
    final_equity: m.finalEquity,
    total_return: totalReturn,
    CAGR: cagr,
    sharpe,
    sortino,
    calmar,
    max_drawdown: maxDrawdown,
    win_rate: trades > 0 ? wins / trades : null,
    profit_factor: trades > 0 && !grossLoss.isZero() ? grossWin.div(grossLoss).toNumber() : null,
    expectancy: trades > 0 ? net.div(trades) : null,
    exposure: n > 0 ? m.exposedBars / n : 0,
    fees: m.fees,
  };
}

