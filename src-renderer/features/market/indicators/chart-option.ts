import type { Candle } from '../../../../src-common/contract/schemas.js';
import { AXIS_LABEL, CHART_COLORS, SERIES_COLORS, chartNumber } from '../../../lib/echarts.js';
import { IndicatorRun } from './series.js';
import { type IndicatorSpec, indicatorLabel, isPane, lineNames } from './specs.js';

/** the parts of the candle chart's option this module extends (CandleChart's baseOption) */
interface BaseOption {
  grid: Array<Record<string, unknown>>;
  xAxis: Array<Record<string, unknown>>;
  yAxis: Array<Record<string, unknown>>;
  series: Array<Record<string, unknown>>;
  dataZoom: Array<Record<string, unknown>>;
  tooltip: { formatter: (ps: TooltipParam[]) => string } & Record<string, unknown>;
  legend?: unknown;
}
interface TooltipParam {
  seriesName?: string;
  data?: unknown;
}
/** what CandleChart's SeriesCache builds for each draw */
interface Built {
  xAxis: Array<{ data: string[] }>;
  series: Array<Record<string, unknown>>;
}

/**
 * Grids by the number of indicator panes: the price keeps most of the height (at
 * 1280×720 the chart is ~330 px tall), volume shrinks, each pane gets a strip.
 */
const LAYOUT: Record<number, { price: string; volume: [string, string]; panes: Array<[string, string | null]> }> = {
  0: { price: '70%', volume: ['80%', ''], panes: [] },
  1: { price: '62%', volume: ['67%', '8%'], panes: [['78%', null]] },
  2: { price: '52%', volume: ['56%', '6%'], panes: [['65%', '13%'], ['81%', null]] },
};
const BOTTOM = 22;
/** a pane's scale without its top and bottom numbers: stacked panes' labels never touch */
const PANE_LABEL = { ...AXIS_LABEL, showMinLabel: false, showMaxLabel: false };
const LEGEND = { show: true, selectedMode: false, itemWidth: 12, itemHeight: 2, itemGap: 10, icon: 'rect', textStyle: { color: CHART_COLORS.text, fontSize: 10 }, left: 8 } as const;

const colorOf = (specs: readonly IndicatorSpec[], s: IndicatorSpec) => SERIES_COLORS[specs.indexOf(s) % SERIES_COLORS.length]!;
const line = (name: string, xAxisIndex: number, yAxisIndex: number, color: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'line',
  xAxisIndex,
  yAxisIndex,
  data: [] as number[],
  showSymbol: false,
  symbol: 'none',
  silent: true,
  connectNulls: false,
  lineStyle: { color, width: 1 },
  itemStyle: { color },
  emphasis: { disabled: true },
  z: 3,
  ...extra,
});

/** each line's series id: updates are matched by it, whatever series the candle chart itself draws */
export const seriesId = (s: IndicatorSpec, line: number) => `indicator:${s.id}:${line}`;

/** the series an indicator draws, named "SMA 20", "BB 20 2 upper", "MACD 12 26 9 signal" */
export function seriesNames(s: IndicatorSpec): string[] {
  const label = indicatorLabel(s);
  const names = lineNames(s.kind);
  return names.length === 1 ? [label] : names.map((n) => `${label} ${n}`);
}

/**
 * The candle chart's option with the indicators added: overlays (SMA, EMA, Bollinger) on the
 * price grid, each RSI/MACD in a pane of its own below the volume, all x axes zoomed and
 * pointed together, and the indicators' values in the tooltip.
 */
export function withIndicators<T extends BaseOption>(base: T, specs: readonly IndicatorSpec[], pricePlaces: number | (() => number)): T {
  if (specs.length === 0) return base;
  // a getter: the chart keeps its option when the market switches to another precision
  const places = typeof pricePlaces === 'function' ? pricePlaces : () => pricePlaces;
  const option = { ...base, grid: [...base.grid], xAxis: [...base.xAxis], yAxis: [...base.yAxis], series: [...base.series] };
  const panes = specs.filter(isPane);
  const layout = LAYOUT[panes.length]!;
  if (panes.length > 0) {
    option.grid[0] = { ...option.grid[0], height: layout.price };
    option.grid[1] = { ...option.grid[1], top: layout.volume[0], height: layout.volume[1], bottom: undefined };
    // the time labels go under the lowest pane
    option.xAxis[1] = { ...option.xAxis[1], axisLabel: { show: false } };
  }
  for (const s of specs) {
    const color = colorOf(specs, s);
    const names = seriesNames(s);
    if (!isPane(s)) {
      if (s.kind === 'bb') {
        option.series.push(line(names[0]!, 0, 0, color, { lineStyle: { color, width: 1, type: 'dashed' } }), line(names[1]!, 0, 0, color), line(names[2]!, 0, 0, color, { lineStyle: { color, width: 1, type: 'dashed' } }));
      } else option.series.push(line(names[0]!, 0, 0, color));
      continue;
    }
    const p = panes.indexOf(s);
    const [top, height] = layout.panes[p]!;
    const gridIndex = option.grid.length;
    const axis = option.xAxis.length;
    const lowest = p === panes.length - 1;
    option.grid.push(height === null ? { left: 8, right: 64, top, bottom: BOTTOM } : { left: 8, right: 64, top, height });
    option.xAxis.push({
      type: 'category',
      gridIndex,
      data: [] as string[],
      boundaryGap: true,
      axisLine: { lineStyle: { color: CHART_COLORS.axis } },
      axisLabel: lowest ? AXIS_LABEL : { show: false },
      axisTick: { show: false },
    });
    const yAxis = option.yAxis.length;
    option.yAxis.push(
      s.kind === 'rsi'
        ? { min: 0, max: 100, interval: 50, gridIndex, position: 'right', splitLine: { lineStyle: { color: CHART_COLORS.grid } }, axisLabel: { ...PANE_LABEL, formatter: (v: number) => String(v) } }
        : { scale: true, gridIndex, position: 'right', splitNumber: 2, splitLine: { lineStyle: { color: CHART_COLORS.grid } }, axisLabel: { ...PANE_LABEL, formatter: (v: number) => chartNumber(v, places()) } },
    );
    if (s.kind === 'rsi') {
      option.series.push(
        line(names[0]!, axis, yAxis, color, {
          markLine: { symbol: 'none', silent: true, animation: false, label: { show: false }, lineStyle: { color: CHART_COLORS.axis, type: 'dashed', width: 1 }, data: [{ yAxis: 30 }, { yAxis: 70 }] },
        }),
      );
    } else {
      option.series.push(line(names[0]!, axis, yAxis, color), line(names[1]!, axis, yAxis, CHART_COLORS.down), {
        name: names[2]!,
        type: 'bar',
        xAxisIndex: axis,
        yAxisIndex: yAxis,
        data: [] as number[],
        silent: true,
        barMaxWidth: 6,
        itemStyle: { color: (p: { value?: unknown }) => (typeof p.value === 'number' && p.value < 0 ? CHART_COLORS.downVolume : CHART_COLORS.upVolume) },
      });
    }
  }
  // which line is which: the overlays' names at the top of the price, each pane's at its top
  const overlayNames = specs.filter((s) => !isPane(s)).map((s) => seriesNames(s)[s.kind === 'bb' ? 1 : 0]!);
  option.legend = [
    ...(overlayNames.length > 0 ? [{ ...LEGEND, top: 10, data: overlayNames }] : []),
    ...panes.map((s, i) => ({ ...LEGEND, top: layout.panes[i]![0], data: seriesNames(s).slice(0, 2) })),
  ];
  const allX = option.xAxis.map((_, i) => i);
  // each indicator's series carry its id, in line order (withIndicators pushed them so)
  let at = base.series.length;
  for (const s of specs) for (let l = 0; l < lineNames(s.kind).length; l++, at++) option.series[at] = { ...option.series[at], id: seriesId(s, l) };
  option.dataZoom = base.dataZoom.map((z) => ({ ...z, xAxisIndex: allX }));
  const baseFormatter = base.tooltip.formatter;
  const names = new Map(specs.flatMap((s) => seriesNames(s).map((n) => [n, s.kind === 'rsi' ? 2 : null] as const)));
  option.tooltip = {
    ...base.tooltip,
    formatter: (ps: TooltipParam[]) => {
      const extra = ps.filter((p) => p.seriesName !== undefined && names.has(p.seriesName) && typeof p.data === 'number' && Number.isFinite(p.data));
      const text = baseFormatter(ps);
      return extra.length === 0 ? text : `${text}\n${extra.map((p) => `${p.seriesName} ${chartNumber(p.data as number, names.get(p.seriesName!) ?? places())}`).join('\n')}`;
    },
  };
  return option;
}

/**
 * The new option keeps the zoom the trader had (adding an indicator or editing a period redraws
 * the chart from scratch, which would otherwise jump back to the default range).
 */
export function carryZoom<T extends { dataZoom: Array<Record<string, unknown>> }>(previous: unknown, option: T): T {
  const z = (previous as { dataZoom?: Array<{ start?: unknown; end?: unknown }> } | null | undefined)?.dataZoom?.[0];
  if (typeof z?.start !== 'number' || typeof z.end !== 'number') return option;
  return { ...option, dataZoom: option.dataZoom.map((d) => ({ ...d, start: z.start, end: z.end })) };
}

/**
 * The indicators' data for each draw: one IndicatorRun per indicator, updated with the
 * candles, appended to what the candle chart built (its series first, in the same order
 * as withIndicators added them).
 */
export class IndicatorSeries {
  readonly runs: IndicatorRun[];

  constructor(readonly specs: readonly IndicatorSpec[]) {
    this.runs = specs.map((s) => new IndicatorRun(s));
  }

  extend<B extends Built>(built: B, candles: readonly Candle[]): B {
    if (this.runs.length === 0) return built;
    const series: Array<{ id: string; data: number[] }> = [];
    for (const run of this.runs) {
      run.update(candles);
      run.lines.forEach((data, l) => series.push({ id: seriesId(run.spec, l), data }));
    }
    const times = built.xAxis[0]?.data ?? [];
    const paneAxes = this.runs.filter((r) => isPane(r.spec)).map(() => ({ data: times }));
    return { ...built, xAxis: [...built.xAxis, ...paneAxes], series: [...built.series, ...series] };
  }

  /** "SMA 20=101.2 RSI 14=55.31": the newest values, for tests and tools that cannot read a canvas */
  describe(): string {
    return this.runs
      .map((r) => {
        const names = seriesNames(r.spec);
        const last = r.at(r.lines[0]!.length - 1);
        return names.map((n, i) => `${n.replaceAll(' ', '_')}=${Number.isFinite(last[i]) ? last[i]!.toPrecision(8) : 'NaN'}`).join(' ');
      })
      .join(' ');
  }
}
