import { useEffect } from 'react';
import type { Book } from '../../../src-common/contract/schemas.js';
import { AXIS_LABEL, CHART_COLORS, TOOLTIP_STYLE, chartNumber } from '../../lib/echarts.js';
import { useMarket } from '../../state/market.js';
import { placesFor, useSelectedInstrument } from '../../state/selectors.js';
import { useChart } from './useChart.js';

/** cumulative size at each price, from the touch outward: [[price, cumulative]] */
export function depthSeries(levels: ReadonlyArray<readonly [string, string]>): Array<[number, number]> {
  let total = 0;
  return levels.map(([p, q]) => {
    total += Number(q);
    return [Number(p), total];
  });
}

function option(book: Book | null) {
  const bids = book ? depthSeries(book.bids).reverse() : [];
  const asks = book ? depthSeries(book.asks) : [];
  return {
    series: [{ data: bids }, { data: asks }],
  };
}

const DEPTH_REDRAW_MS = 250;

/** The book's depth: cumulative bids (green) and asks (red) either side of the spread. */
export default function DepthChart() {
  const { ref, chart } = useChart();
  // axis prices at the instrument's places: an ETH/BTC book spans 0.0914–0.0916, which whole numbers would show as 0 and 0
  const places = placesFor(useSelectedInstrument()).price;

  useEffect(() => {
    if (!chart) return;
    chart.setOption(
      {
        animation: false,
        grid: { left: 4, right: 48, top: 6, bottom: 18 },
        xAxis: { type: 'value', scale: true, splitNumber: 2, axisLabel: { ...AXIS_LABEL, hideOverlap: true, showMinLabel: false, showMaxLabel: false, formatter: (v: number) => chartNumber(v, Math.max(0, places - 2)) }, splitLine: { show: false }, axisLine: { lineStyle: { color: CHART_COLORS.axis } } },
        yAxis: { type: 'value', position: 'right', axisLabel: AXIS_LABEL, splitLine: { lineStyle: { color: CHART_COLORS.grid } } },
        tooltip: { trigger: 'axis', ...TOOLTIP_STYLE, valueFormatter: (v: unknown) => (typeof v === 'number' ? chartNumber(v, 4) : String(v)) },
        series: [
          { name: 'Bids', type: 'line', step: 'end', symbol: 'none', data: [], lineStyle: { color: CHART_COLORS.up, width: 1 }, areaStyle: { color: 'rgba(38,166,154,0.25)' } },
          { name: 'Asks', type: 'line', step: 'start', symbol: 'none', data: [], lineStyle: { color: CHART_COLORS.down, width: 1 }, areaStyle: { color: 'rgba(239,83,80,0.25)' } },
        ],
      },
      { notMerge: true },
    );
    chart.setOption(option(useMarket.getState().book));
    // a picture of the book's shape, not a quote: a few redraws a second are plenty, and spare the frame for the ladder and candles
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = useMarket.subscribe((s, prev) => {
      if (s.book === prev.book || timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        chart.setOption(option(useMarket.getState().book), { lazyUpdate: false, silent: true });
      }, DEPTH_REDRAW_MS);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [chart, places]);

  return <div ref={ref} className="depth-chart" aria-label="Depth chart" role="img" />;
}
