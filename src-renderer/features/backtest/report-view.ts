import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../../../src-common/contract/constants/timeframes.js';
import { formatFixed } from '../../lib/decimal.js';
import type { BacktestDetail, BacktestReport } from '../../state/backtests.js';

/**
 * A backtest report made ready to show: the metrics in words and units, the
 * comparison of several runs side by side, and the points the charts draw.
 */
export type Metrics = BacktestReport['metrics'];
export type MetricName = keyof Metrics;
export type Trade = BacktestReport['trade_list'][number];

type Kind = 'count' | 'money' | 'percent' | 'ratio';
/** which way is better when runs are compared (none: neither) */
type Better = 'higher' | 'lower' | 'none';

/** contract/strategy-schemas.ts MetricName, in the report's order, with how each is shown */
export const METRICS: ReadonlyArray<{ name: MetricName; label: string; kind: Kind; better: Better; hint: string }> = [
  { name: 'bars', label: 'Bars', kind: 'count', better: 'none', hint: 'bars replayed' },
  { name: 'trades', label: 'Trades', kind: 'count', better: 'none', hint: 'round trips closed' },
  { name: 'final_equity', label: 'Final equity', kind: 'money', better: 'higher', hint: 'cash plus the open position at the last close' },
  { name: 'total_return', label: 'Total return', kind: 'percent', better: 'higher', hint: 'final equity ÷ starting cash − 1' },
  { name: 'CAGR', label: 'CAGR', kind: 'percent', better: 'higher', hint: 'compound annual growth rate' },
  { name: 'sharpe', label: 'Sharpe', kind: 'ratio', better: 'higher', hint: 'annualised mean ÷ standard deviation of bar returns' },
  { name: 'sortino', label: 'Sortino', kind: 'ratio', better: 'higher', hint: 'like Sharpe, counting only downside deviation' },
  { name: 'calmar', label: 'Calmar', kind: 'ratio', better: 'higher', hint: 'CAGR ÷ max drawdown' },
  { name: 'max_drawdown', label: 'Max drawdown', kind: 'percent', better: 'lower', hint: 'deepest fall of equity from a peak' },
  { name: 'win_rate', label: 'Win rate', kind: 'percent', better: 'higher', hint: 'trades with a positive net PnL' },
  { name: 'profit_factor', label: 'Profit factor', kind: 'ratio', better: 'higher', hint: 'gross wins ÷ gross losses' },
  { name: 'expectancy', label: 'Expectancy', kind: 'money', better: 'higher', hint: 'mean net PnL per trade' },
  { name: 'exposure', label: 'Exposure', kind: 'percent', better: 'none', hint: 'share of bars with a position open' },
  { name: 'fees', label: 'Fees', kind: 'money', better: 'lower', hint: 'fees paid on every fill' },
];

/** a metric as the table shows it: money to 2 places, fractions as %, ratios to 3 places, "—" when undefined */
export function formatMetric(name: MetricName, value: Metrics[MetricName] | null | undefined): string {
  const spec = METRICS.find((m) => m.name === name);
  if (value === null || value === undefined || spec === undefined) return '—';
  switch (spec.kind) {
    case 'count':
      return formatFixed(String(value), 0);
    case 'money':
      return formatFixed(String(value), 2);
    case 'percent':
      return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(2)} %` : '—';
    case 'ratio':
      return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(3) : '—';
  }
}

/** the colour class of a metric with a sign that matters (a return, an expectancy), else none */
export function metricTone(name: MetricName, value: Metrics[MetricName] | null | undefined): 'pos' | 'neg' | '' {
  if (value === null || value === undefined) return '';
  if (name !== 'total_return' && name !== 'CAGR' && name !== 'expectancy') return '';
  const n = Number(value);
  return n > 0 ? 'pos' : n < 0 ? 'neg' : '';
}

export interface CompareRow {
  name: MetricName;
  label: string;
  values: string[];
  /** index of the best run for this metric, when runs differ and the metric has a better direction */
  best: number | null;
}

/** the metrics of several runs side by side, the best of each row marked */
export function compareRows(reports: ReadonlyArray<BacktestReport | null>): CompareRow[] {
  return METRICS.map((m) => {
    const raw = reports.map((r) => (r ? r.metrics[m.name] : null));
    const nums = raw.map((v) => (v === null || v === undefined ? Number.NaN : Number(v)));
    let best: number | null = null;
    if (m.better !== 'none') {
      for (let i = 0; i < nums.length; i++) {
        const n = nums[i]!;
        if (!Number.isFinite(n)) continue;
        if (best === null || (m.better === 'higher' ? n > nums[best]! : n < nums[best]!)) best = i;
      }
    }
    const values = raw.map((v) => formatMetric(m.name, v));
    // a best that another run matches as shown (a tie, or -100.00 % twice) is no best
    if (best !== null && values.some((v, i) => i !== best && v === values[best!])) best = null;
    if (nums.filter((n) => Number.isFinite(n)).length < 2) best = null;
    return { name: m.name, label: m.label, values, best };
  });
}

/** a run's name in lists and legends: "bt-3 · sma-cross fast=5 slow=20" */
export function runLabel(job: Pick<BacktestDetail, 'id' | 'strategy' | 'params'>): string {
  const params = Object.entries(job.params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const strategy = job.strategy.split(/[\\/]/).at(-1) ?? job.strategy;
  return `${job.id} · ${strategy}${params ? ` ${params}` : ''}`;
}

export interface Marker {
  ts: number;
  price: number;
  kind: 'entry' | 'exit';
  side: Trade['side'];
  /** net PnL of the round trip the marker belongs to */
  pnl: number;
  quantity: string;
}

/** entries and exits of the trade list, as chart markers, in time order */
export function tradeMarkers(trades: readonly Trade[], open: BacktestReport['open_position'] = null): Marker[] {
  const out: Marker[] = [];
  for (const t of trades) {
    const pnl = Number(t.pnl_net);
    out.push({ ts: t.entry_time, price: Number(t.entry_price), kind: 'entry', side: t.side, pnl, quantity: t.quantity });
    out.push({ ts: t.exit_time, price: Number(t.exit_price), kind: 'exit', side: t.side, pnl, quantity: t.quantity });
  }
  if (open) out.push({ ts: open.entry_time, price: Number(open.entry_price), kind: 'entry', side: open.side, pnl: Number(open.unrealized_pnl), quantity: open.quantity });
  return out.sort((a, b) => a.ts - b.ts);
}

/** [ts, open, close, low, high] for ECharts' candlestick (its order), from the report's bars */
export type ChartCandle = [number, number, number, number, number];

/**
 * The bars of the backtest, when the engine's report carries them (an
 * optional `candles` field: [ts, open, high, low, close, volume?], numbers or
 * decimal strings); null when it does not.
 */
export function reportCandles(report: BacktestReport): ChartCandle[] | null {
  const raw = (report as { candles?: unknown }).candles;
  if (!Array.isArray(raw) || raw.length === 0) return null;
  const out: ChartCandle[] = [];
  for (const row of raw) {
    if (!Array.isArray(row) || row.length < 5) return null;
    const [ts, o, h, l, c] = row.map(Number) as [number, number, number, number, number];
    if (![ts, o, h, l, c].every(Number.isFinite)) return null;
    out.push([ts, o, c, l, h]);
  }
  return out;
}

/** without bars: the price path the trades themselves trace (each entry and exit, in time order) */
export function tradePricePath(markers: readonly Marker[]): Array<[number, number]> {
  return markers.map((m) => [m.ts, m.price]);
}

/**
 * Equity curves of several runs on one chart. Runs that started with the same
 * cash are drawn as equity; otherwise as the return since the start (%), so
 * the curves can be compared at all.
 */
export function overlaySeries(details: readonly BacktestDetail[]): { unit: 'equity' | 'percent'; series: Array<{ id: string; name: string; points: Array<[number, number]> }> } {
  const withReports = details.filter((d): d is BacktestDetail & { report: BacktestReport } => d.report !== null);
  const cash = new Set(withReports.map((d) => Number(d.report.cash)));
  const unit = cash.size <= 1 ? 'equity' : 'percent';
  return {
    unit,
    series: withReports.map((d) => {
      const start = Number(d.report.cash);
      return {
        id: d.id,
        name: runLabel(d),
        points: d.report.equity_curve.map(([t, e]) => [t, unit === 'equity' ? e : start > 0 ? (e / start - 1) * 100 : 0] as [number, number]),
      };
    }),
  };
}

/** "2022-01-01 00:01" in UTC: backtest data is history, and its bars are stamped in UTC */
export function formatUtc(ts: number): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/** "1m", "15m", "4h", "1d" from a bar length */
export function timeframeLabel(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

const MAX_CANDLES = 5_000;

/**
 * When the report carries no bars: where the engine may hold the candles of
 * the backtest's period (its market data or downloaded history for the same
 * symbol), as market.candles params — on the account on screen when it has the
 * symbol, else the first that does; in the run's bar length, or the shortest
 * longer one that fits the period in one answer. Null when no account has it.
 */
export function candlesRequest(
  report: Pick<BacktestReport, 'symbol' | 'timeframe_ms' | 'start_ts' | 'end_ts'>,
  instruments: ReadonlyArray<{ account: string; symbol: string }>,
  preferredAccount: string,
): { account: string; symbol: string; timeframe: Timeframe; since: number; until: number; limit: number } | null {
  const holders = instruments.filter((i) => i.symbol === report.symbol).map((i) => i.account);
  const account = holders.includes(preferredAccount) ? preferredAccount : holders[0];
  if (!account) return null;
  const span = Math.max(0, report.end_ts - report.start_ts);
  const tf = TIMEFRAMES.find((t) => TIMEFRAME_MS[t] >= report.timeframe_ms && span / TIMEFRAME_MS[t] < MAX_CANDLES);
  if (!tf) return null;
  return { account, symbol: report.symbol, timeframe: tf, since: report.start_ts, until: report.end_ts + TIMEFRAME_MS[tf], limit: MAX_CANDLES };
}

/** candles [ts, o, h, l, c, v] (decimal strings) inside the run's period, for the chart; null when none is */
export function candlesInPeriod(candles: ReadonlyArray<readonly [number, string, string, string, string, string]>, report: Pick<BacktestReport, 'start_ts' | 'end_ts'>): ChartCandle[] | null {
  const out: ChartCandle[] = [];
  for (const [ts, o, h, l, c] of candles) if (ts >= report.start_ts && ts <= report.end_ts) out.push([ts, Number(o), Number(c), Number(l), Number(h)]);
  return out.length > 0 ? out : null;
}
