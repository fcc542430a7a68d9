/**
 * ECharts with only what Tern draws (candles, bars, lines, trade markers on a canvas), so the
 * lazy chart chunk stays small. Canvas, not SVG: no inline style attributes
 * for the strict CSP to refuse.
 */
import { BarChart, CandlestickChart, LineChart, ScatterChart } from 'echarts/charts';
import { AxisPointerComponent, DataZoomComponent, GridComponent, MarkLineComponent, TooltipComponent, LegendComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([CandlestickChart, BarChart, LineChart, ScatterChart, GridComponent, TooltipComponent, DataZoomComponent, AxisPointerComponent, MarkLineComponent, LegendComponent, CanvasRenderer]);

export { echarts };
export type ECharts = echarts.ECharts;

export const CHART_COLORS = {
  up: '#26a69a',
  down: '#ef5350',
  upVolume: 'rgba(38,166,154,0.45)',
  downVolume: 'rgba(239,83,80,0.45)',
  text: '#8b949e',
  grid: '#1f2630',
  axis: '#30363d',
  accent: '#f0b90b',
  line: '#58a6ff',
  bg: 'transparent',
};

/** distinct colours for several runs on one chart (the comparison of backtests) */
export const SERIES_COLORS = ['#f0b90b', '#58a6ff', '#bc8cff', '#3fb950', '#ff7b72', '#39c5cf'];

/**
 * The dark tooltip every chart uses, drawn on the chart's canvas ('richText'): ECharts' HTML tooltip writes
 * inline style attributes, which the page's policy (style-src 'self') refuses by the hundred while hovering.
 */
export const TOOLTIP_STYLE = { renderMode: 'richText', backgroundColor: '#161b22', borderColor: CHART_COLORS.axis, textStyle: { color: '#d7dce2', fontSize: 11 } } as const;

/** a chart number with thousands separators and fixed places: the same look as the ladder and blotters */
export function chartNumber(v: number, places: number): string {
  return Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: places, maximumFractionDigits: places }) : '—';
}

export const AXIS_LABEL = { color: CHART_COLORS.text, fontSize: 10, fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };
