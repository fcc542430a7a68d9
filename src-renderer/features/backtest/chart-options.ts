import { AXIS_LABEL, CHART_COLORS, SERIES_COLORS, TOOLTIP_STYLE } from '../../lib/echarts.js';
import type { BacktestDetail, BacktestReport } from '../../state/backtests.js';
import { type ChartCandle, type Marker, formatUtc, overlaySeries, reportCandles, tradeMarkers, tradePricePath } from './report-view.js';

/**
 * ECharts options for the Backtest screen, as plain data (tested without a
 * canvas). Times are the bars' UTC open times on a time axis.
 */
const timeAxis = (gridIndex: number, labels: boolean) => ({
  type: 'time' as const,
  gridIndex,
  axisLabel: labels ? { ...AXIS_LABEL, hideOverlap: true, formatter: (v: number) => formatUtc(v).slice(5) } : { show: false },
  axisLine: { lineStyle: { color: CHART_COLORS.axis } },
  splitLine: { show: false },
});
const valueAxis = (gridIndex: number, formatter?: (v: number) => string) => ({
  type: 'value' as const,
  gridIndex,
  scale: true,
  position: 'right' as const,
  axisLabel: formatter ? { ...AXIS_LABEL, formatter } : AXIS_LABEL,
  splitLine: { lineStyle: { color: CHART_COLORS.grid } },
});
const money = (v: number) => (Math.abs(v) >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : Math.abs(v) >= 1e4 ? `${(v / 1e3).toFixed(1)}k` : v.toFixed(2));

/** equity on top, drawdown from the peak (as a negative %) below, one time axis */
export function equityDrawdownOption(report: Pick<BacktestReport, 'equity_curve' | 'quote'>) {
  const equity = report.equity_curve.map(([t, e]) => [t, e]);
  const drawdown = report.equity_curve.map(([t, , dd]) => [t, -dd * 100]);
  return {
    animation: false,
    tooltip: { trigger: 'axis', ...TOOLTIP_STYLE, valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toFixed(2) : String(v)) },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    legend: { top: 0, right: 60, textStyle: { color: CHART_COLORS.text, fontSize: 11 }, itemHeight: 8 },
    grid: [
      { left: 8, right: 64, top: 24, height: '58%' },
      { left: 8, right: 64, top: '74%', bottom: 22 },
    ],
    dataZoom: [{ type: 'inside', xAxisIndex: [0, 1] }],
    xAxis: [timeAxis(0, false), timeAxis(1, true)],
    yAxis: [valueAxis(0, money), { ...valueAxis(1, (v: number) => `${v.toFixed(0)}%`), max: 0, splitNumber: 2 }],
    series: [
      { name: `Equity (${report.quote})`, type: 'line', showSymbol: false, data: equity, lineStyle: { color: CHART_COLORS.accent, width: 1.5 }, itemStyle: { color: CHART_COLORS.accent }, areaStyle: { color: 'rgba(240,185,11,0.06)' } },
      { name: 'Drawdown %', type: 'line', xAxisIndex: 1, yAxisIndex: 1, showSymbol: false, data: drawdown, lineStyle: { color: CHART_COLORS.down, width: 1 }, itemStyle: { color: CHART_COLORS.down }, areaStyle: { color: 'rgba(239,83,80,0.25)' } },
    ],
  };
}

const markerData = (markers: readonly Marker[], kind: Marker['kind']) =>
  markers
    .filter((m) => m.kind === kind)
    .map((m) => ({
      value: [m.ts, m.price],
      quantity: m.quantity,
      pnl: m.pnl,
      itemStyle: { color: kind === 'entry' ? CHART_COLORS.up : m.pnl >= 0 ? CHART_COLORS.up : CHART_COLORS.down, borderColor: '#0b0e11', borderWidth: 1 },
    }));

/**
 * The backtest's bars (when the report carries them) with a marker at each
 * entry (▲ below the price) and exit (▼, green for a winning trade, red for a
 * loser). Bars come from the report, else from `engineCandles` (what the
 * engine holds for that period); without either, the price path the trades
 * trace stands in for them.
 */
export function tradesOption(report: BacktestReport, engineCandles: ChartCandle[] | null = null) {
  const candles = reportCandles(report) ?? engineCandles;
  const markers = tradeMarkers(report.trade_list, report.open_position);
  const bars = candles
    ? {
        name: 'Price',
        type: 'candlestick',
        data: candles.map(([t, o, c, l, h]) => [t, o, c, l, h]),
        itemStyle: { color: CHART_COLORS.up, color0: CHART_COLORS.down, borderColor: CHART_COLORS.up, borderColor0: CHART_COLORS.down },
      }
    : null;
  // where the bars do not reach (none, or the engine holds only part of the period), the trades' own prices draw the path
  const path =
    candlesCoverage(candles, report) < 0.95
      ? { name: 'Price at trades', type: 'line', showSymbol: false, data: tradePricePath(markers), lineStyle: { color: CHART_COLORS.line, width: 1, type: 'dashed' }, itemStyle: { color: CHART_COLORS.line } }
      : null;
  const tooltipOf = (p: { seriesName?: string; data?: { value?: [number, number]; quantity?: string; pnl?: number } }) => {
    const d = p.data;
    if (!d?.value) return '';
    // plain lines: the tooltip is drawn on the canvas (lib/echarts.ts TOOLTIP_STYLE), where HTML would show as text
    const pnl = d.pnl === undefined ? '' : `\ntrade PnL ${d.pnl >= 0 ? '+' : ''}${d.pnl.toFixed(2)} ${report.quote}`;
    return `${p.seriesName ?? ''} ${formatUtc(d.value[0])} UTC\n${d.quantity ?? ''} @ ${d.value[1]}${pnl}`;
  };
  return {
    animation: false,
    tooltip: { trigger: 'item', ...TOOLTIP_STYLE, formatter: tooltipOf },
    legend: { top: 0, right: 60, textStyle: { color: CHART_COLORS.text, fontSize: 11 }, itemHeight: 8 },
    grid: [{ left: 8, right: 64, top: 24, bottom: 22 }],
    dataZoom: [{ type: 'inside', xAxisIndex: [0] }],
    xAxis: [timeAxis(0, true)],
    yAxis: [valueAxis(0)],
    series: [
      ...(bars ? [bars] : []),
      ...(path ? [path] : []),
      // the series colour is the legend's; each marker has its own
      { name: 'Entry', type: 'scatter', symbol: 'triangle', symbolSize: 9, symbolOffset: [0, 8], data: markerData(markers, 'entry'), itemStyle: { color: CHART_COLORS.up }, z: 5 },
      { name: 'Exit', type: 'scatter', symbol: 'triangle', symbolRotate: 180, symbolSize: 9, symbolOffset: [0, -8], data: markerData(markers, 'exit'), itemStyle: { color: CHART_COLORS.text }, z: 5 },
    ],
  };
}

/** the share of the run's period the bars span (0 without bars) */
export function candlesCoverage(candles: readonly ChartCandle[] | null, report: Pick<BacktestReport, 'start_ts' | 'end_ts' | 'timeframe_ms'>): number {
  if (!candles || candles.length === 0) return 0;
  const period = report.end_ts - report.start_ts + report.timeframe_ms;
  if (period <= 0) return 1;
  return Math.min(1, (candles.at(-1)![0] - candles[0]![0] + report.timeframe_ms) / period);
}

/** several runs' equity curves overlaid (or their returns, when they started with different cash) */
export function compareOption(details: readonly BacktestDetail[]) {
  const { unit, series } = overlaySeries(details);
  return {
    animation: false,
    tooltip: { trigger: 'axis', ...TOOLTIP_STYLE, valueFormatter: (v: unknown) => (typeof v === 'number' ? (unit === 'percent' ? `${v.toFixed(2)} %` : v.toFixed(2)) : String(v)) },
    legend: { top: 0, left: 8, type: 'scroll', textStyle: { color: CHART_COLORS.text, fontSize: 11 }, itemHeight: 8 },
    grid: [{ left: 8, right: 64, top: 28, bottom: 22 }],
    dataZoom: [{ type: 'inside', xAxisIndex: [0] }],
    xAxis: [timeAxis(0, true)],
    yAxis: [valueAxis(0, unit === 'percent' ? (v: number) => `${v.toFixed(0)}%` : money)],
    series: series.map((s, i) => ({
      id: s.id,
      name: s.name,
      type: 'line',
      showSymbol: false,
      data: s.points,
      lineStyle: { color: SERIES_COLORS[i % SERIES_COLORS.length], width: 1.5 },
      itemStyle: { color: SERIES_COLORS[i % SERIES_COLORS.length] },
    })),
  };
}
