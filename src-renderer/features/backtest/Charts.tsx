import { useEffect, useMemo } from 'react';
import type { BacktestDetail, BacktestReport } from '../../state/backtests.js';
import { useChart } from '../market/useChart.js';
import { compareOption, equityDrawdownOption, tradesOption } from './chart-options.js';
import { type ChartCandle, reportCandles } from './report-view.js';

/**
 * The Backtest screen's charts (ECharts, loaded with this lazy view). Each
 * draws a finished report once; the element's data attributes say what was
 * drawn, for tests and tools that cannot read a canvas.
 */
function OptionChart({ option, testId, data }: { option: Record<string, unknown>; testId: string; data: Record<string, string> }) {
  const { ref, chart } = useChart();
  useEffect(() => {
    if (!chart) return;
    chart.setOption(option, { notMerge: true });
    const el = chart.getDom();
    for (const [k, v] of Object.entries(data)) el.dataset[k] = v;
  }, [chart, option, data]);
  return <div ref={ref} className="chart backtest-chart" data-testid={testId} />;
}

/** a backtest's equity and drawdown, or a live strategy's (the same fields) */
export function EquityDrawdownChart({ report }: { report: Pick<BacktestReport, 'equity_curve' | 'quote'> }) {
  const option = useMemo(() => equityDrawdownOption(report), [report]);
  const data = useMemo(() => ({ points: String(report.equity_curve.length), lastEquity: String(report.equity_curve.at(-1)?.[1] ?? '') }), [report]);
  return <OptionChart option={option} testId="backtest-equity-chart" data={data} />;
}

export function TradesChart({ report, candles = null }: { report: BacktestReport; candles?: ChartCandle[] | null }) {
  const option = useMemo(() => tradesOption(report, candles), [report, candles]);
  const data = useMemo(() => ({ trades: String(report.trade_list.length), candles: String((reportCandles(report) ?? candles)?.length ?? 0) }), [report, candles]);
  return <OptionChart option={option} testId="backtest-trades-chart" data={data} />;
}

export function CompareChart({ details }: { details: readonly BacktestDetail[] }) {
  const option = useMemo(() => compareOption(details), [details]);
  const data = useMemo(() => ({ runs: details.map((d) => d.id).join(',') }), [details]);
  return <OptionChart option={option} testId="backtest-compare-chart" data={data} />;
}
