import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../../../src-common/contract/schemas.js';
import { IndicatorSeries, carryZoom, withIndicators } from '../../../../../src-renderer/features/market/indicators/chart-option.js';
import type { IndicatorSpec } from '../../../../../src-renderer/features/market/indicators/specs.js';

/** the shape of CandleChart's base option: price and volume grids */
type Loose = Record<string, unknown>;
const base = () => ({
  grid: [{ top: 8, height: '70%' }, { top: '80%', bottom: 22 }] as Loose[],
  xAxis: [{ type: 'category' }, { type: 'category', gridIndex: 1, axisLabel: { color: 'x' } }] as Loose[],
  yAxis: [{ scale: true }, { scale: true, gridIndex: 1 }] as Loose[],
  series: [{ name: 'Price' }, { name: 'Volume' }] as Loose[],
  dataZoom: [{ type: 'inside', xAxisIndex: [0, 1] }] as Loose[],
  tooltip: { trigger: 'axis', formatter: (_ps: unknown[]) => 'O 1' },
  legend: undefined as unknown,
});

const SMA: IndicatorSpec = { id: 's', kind: 'sma', period: 2 };
const BB: IndicatorSpec = { id: 'b', kind: 'bb', period: 2, k: 2 };
const RSI: IndicatorSpec = { id: 'r', kind: 'rsi', period: 2 };
const MACD: IndicatorSpec = { id: 'm', kind: 'macd', fast: 2, slow: 3, signal: 2 };

describe('withIndicators', () => {
  it('leaves the chart as it is without indicators', () => {
    const b = base();
    expect(withIndicators(b, [], 2)).toBe(b);
  });

  it('draws SMA/EMA/Bollinger on the price grid and keeps its layout', () => {
    const o = withIndicators(base(), [SMA, BB], 2);
    expect(o.grid).toHaveLength(2);
    expect(o.grid[0]).toEqual({ top: 8, height: '70%' });
    expect(o.series.map((s) => [s.name, s.xAxisIndex ?? 0, s.yAxisIndex ?? 0])).toEqual([
      ['Price', 0, 0],
      ['Volume', 0, 0],
      ['SMA 2', 0, 0],
      ['BB 2 2 upper', 0, 0],
      ['BB 2 2 middle', 0, 0],
      ['BB 2 2 lower', 0, 0],
    ]);
  });

  it('gives RSI and MACD a pane each below the volume, zoomed with the price, the time labels under the lowest', () => {
    const o = withIndicators(base(), [RSI, SMA, MACD], 2);
    expect(o.grid).toHaveLength(4);
    expect(o.xAxis.map((x) => x.gridIndex ?? 0)).toEqual([0, 1, 2, 3]);
    expect(o.xAxis.map((x) => (x.axisLabel as { show?: boolean } | undefined)?.show !== false)).toEqual([true, false, false, true]);
    expect(o.yAxis[2]).toMatchObject({ min: 0, max: 100, gridIndex: 2 });
    expect(o.dataZoom[0]!.xAxisIndex).toEqual([0, 1, 2, 3]);
    expect(o.series.slice(2).map((s) => [s.name, s.type, s.xAxisIndex, s.yAxisIndex])).toEqual([
      ['RSI 2', 'line', 2, 2],
      ['SMA 2', 'line', 0, 0],
      ['MACD 2 3 2 line', 'line', 3, 3],
      ['MACD 2 3 2 signal', 'line', 3, 3],
      ['MACD 2 3 2 histogram', 'bar', 3, 3],
    ]);
    // a legend names the lines: the overlays at the top of the price, each pane's at its top
    expect((o.legend as Array<{ data: string[]; top: unknown }>).map((l) => l.data)).toEqual([['SMA 2'], ['RSI 2'], ['MACD 2 3 2 line', 'MACD 2 3 2 signal']]);
    // the price pane keeps the largest share of the height
    const price = parseFloat(String(o.grid[0]!.height));
    for (const g of o.grid.slice(1)) if (g.height) expect(parseFloat(String(g.height))).toBeLessThan(price);
  });

  it('gives each indicator line a series id, so updates reach it whatever series the candle chart draws itself', () => {
    const o = withIndicators(base(), [BB, RSI], 2);
    expect(o.series.map((x) => x.id)).toEqual([undefined, undefined, 'indicator:b:0', 'indicator:b:1', 'indicator:b:2', 'indicator:r:0']);
    const built = new IndicatorSeries([BB, RSI]).extend({ xAxis: [{ data: [] }], series: [{}, {}] }, []);
    expect(built.series.map((x) => (x as { id?: string }).id)).toEqual([undefined, undefined, 'indicator:b:0', 'indicator:b:1', 'indicator:b:2', 'indicator:r:0']);
  });

  it('keeps the zoom the trader had when the chart is redrawn for a new indicator', () => {
    const o = carryZoom({ dataZoom: [{ start: 12.5, end: 40 }] }, base());
    expect(o.dataZoom).toEqual([{ type: 'inside', xAxisIndex: [0, 1], start: 12.5, end: 40 }]);
    // a chart drawn for the first time has no zoom to keep
    expect(carryZoom(undefined, base()).dataZoom).toEqual([{ type: 'inside', xAxisIndex: [0, 1] }]);
  });

  it('adds the indicators’ values to the tooltip', () => {
    const o = withIndicators(base(), [SMA, RSI], 2);
    const text = o.tooltip.formatter([{ seriesName: 'Price', data: [] }, { seriesName: 'SMA 2', data: 101.234 }, { seriesName: 'RSI 2', data: 55.5 }, { seriesName: 'SMA 2', data: NaN }]);
    expect(text).toBe('O 1\nSMA 2 101.23\nRSI 2 55.50');
  });
});

describe('IndicatorSeries', () => {
  const candles: Candle[] = [1, 2, 3, 4].map((c, i) => [i * 60_000, String(c), String(c), String(c), String(c), '1']);

  it('appends each indicator’s lines in the order the option added its series, and an x axis per pane', () => {
    const s = new IndicatorSeries([RSI, SMA]);
    const built = s.extend({ xAxis: [{ data: ['a', 'b', 'c', 'd'] }, { data: ['a', 'b', 'c', 'd'] }], series: [{ data: [] }, { data: [] }] }, candles);
    expect(built.xAxis).toHaveLength(3);
    expect(built.xAxis[2]!.data).toEqual(['a', 'b', 'c', 'd']);
    expect(built.series.slice(2).map((x) => x.data)).toEqual([
      [NaN, NaN, 100, 100],
      [NaN, 1.5, 2.5, 3.5],
    ]);
    expect(s.describe()).toBe('RSI_2=100.00000 SMA_2=3.5000000');
  });
});
