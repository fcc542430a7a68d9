import { describe, expect, it } from 'vitest';
import { candlesCoverage, compareOption, equityDrawdownOption, tradesOption } from '../../../../src-renderer/features/backtest/chart-options.js';
import { type ChartCandle, candlesInPeriod, candlesRequest, compareRows, formatMetric, formatUtc, overlaySeries, reportCandles, runLabel, timeframeLabel, tradeMarkers } from '../../../../src-renderer/features/backtest/report-view.js';
import type { BacktestDetail, BacktestReport } from '../../../../src-renderer/state/backtests.js';
import { METRICS, detail, report } from '../../helpers/backtests.js';

const R = (patch: Record<string, unknown> = {}) => report(patch) as unknown as BacktestReport;
const D = (patch: Record<string, unknown> = {}, rp: Record<string, unknown> = {}) => detail(patch, rp) as unknown as BacktestDetail;

describe('backtest metrics as shown', () => {
  it('money to 2 places, fractions as %, ratios to 3 places, undefined as a dash', () => {
    expect(formatMetric('final_equity', '10150.5')).toBe('10,150.50');
    expect(formatMetric('total_return', 0.0151)).toBe('1.51 %');
    expect(formatMetric('max_drawdown', 0.0421)).toBe('4.21 %');
    expect(formatMetric('sharpe', 1.2345)).toBe('1.234');
    expect(formatMetric('sortino', null)).toBe('—');
    expect(formatMetric('bars', 4320)).toBe('4,320');
  });

  it('compares runs side by side and marks the best of each row by its direction', () => {
    const a = R();
    const b = R({ metrics: { ...METRICS, total_return: 0.2, max_drawdown: 0.01, sharpe: 1.2345, fees: '30', CAGR: -0.9999999999945, calmar: -0.99999999999 } });
    a.metrics.CAGR = -0.99999999999;
    a.metrics.calmar = -0.99999999999;
    const rows = Object.fromEntries(compareRows([a, b]).map((r) => [r.name, r]));
    expect(rows['total_return']).toMatchObject({ values: ['1.51 %', '20.00 %'], best: 1 });
    expect(rows['max_drawdown']).toMatchObject({ best: 1 }); // lower is better
    expect(rows['fees']).toMatchObject({ values: ['19.90', '30.00'], best: 0 });
    expect(rows['sharpe']!.best).toBeNull(); // a tie marks nothing
    expect(rows['CAGR']).toMatchObject({ values: ['-100.00 %', '-100.00 %'], best: null }); // nor does one that only looks like a tie
    expect(rows['bars']!.best).toBeNull(); // no better direction
    expect(rows['sortino']).toMatchObject({ values: ['—', '—'], best: null });
  });

  it('names a run by id, strategy and parameters', () => {
    expect(runLabel({ id: 'bt-2', strategy: '/home/me/strategies/breakout.ts', params: { n: 20 } })).toBe('bt-2 · breakout.ts n=20');
    expect(timeframeLabel(60_000)).toBe('1m');
    expect(timeframeLabel(4 * 3_600_000)).toBe('4h');
    expect(formatUtc(1_640_995_260_000)).toBe('2022-01-01 00:01');
  });
});

describe('backtest charts', () => {
  it('marks each entry and exit of the trade list (and a position still open) in time order', () => {
    const open = { side: 'long', entry_time: 1_640_991_900_000, entry_price: '47000', quantity: '0.1', fees: '4.7', mark_price: '47100', unrealized_pnl: '10' } as const;
    const markers = tradeMarkers(R().trade_list, open);
    expect(markers.map((m) => [m.kind, m.price])).toEqual([
      ['entry', 46319],
      ['exit', 46100],
      ['entry', 46100],
      ['exit', 47200],
      ['entry', 47000],
    ]);
    expect(markers[1]!.pnl).toBe(-63.8);
  });

  it('draws the bars when the report carries them, else the price path of the trades', () => {
    expect(reportCandles(R())).toBeNull();
    const withBars = R({ candles: [[1, '10', '12', '9', '11', '5']] });
    expect(reportCandles(withBars)).toEqual([[1, 10, 11, 9, 12]]);
    expect(tradesOption(withBars).series[0]).toMatchObject({ type: 'candlestick', data: [[1, 10, 11, 9, 12]] });
    // bars over the whole period: no price path; bars over part of it: the path draws the rest
    const r = R({ start_ts: 0, end_ts: 120_000 });
    const full: ChartCandle[] = [0, 60_000, 120_000].map((t) => [t, 1, 1, 1, 1]);
    expect(candlesCoverage(full, r)).toBe(1);
    expect(tradesOption(r, full).series.map((x) => x.name)).toEqual(['Price', 'Entry', 'Exit']);
    expect(candlesCoverage(full.slice(0, 1), r)).toBeCloseTo(1 / 3);
    expect(tradesOption(r, full.slice(0, 1)).series.map((x) => x.name)).toEqual(['Price', 'Price at trades', 'Entry', 'Exit']);
    const without = tradesOption(R());
    expect(without.series[0]).toMatchObject({ type: 'line', name: 'Price at trades' });
    expect(without.series[1]).toMatchObject({ name: 'Entry', data: [{ value: [1_640_991_660_000, 46319] }, { value: [1_640_991_720_000, 46100] }] });
    expect((without.series[2]!.data as Array<{ itemStyle: { color: string } }>).map((d) => d.itemStyle.color)).toEqual(['#ef5350', '#26a69a']); // a loser, then a winner
  });

  it('draws equity above and drawdown below as a negative percentage', () => {
    const option = equityDrawdownOption(R());
    expect(option.series[0]!.data).toEqual([
      [1_640_991_660_000, 10000],
      [1_640_991_720_000, 9900],
      [1_640_991_780_000, 10150.5],
    ]);
    expect(option.series[1]!.data.map((p) => p[1])).toEqual([-0, -1, -0]);
  });

  it('overlays equity curves, or returns when the runs started with different cash', () => {
    const a = D({ id: 'bt-1' });
    const b = D({ id: 'bt-2' }, { cash: '10000' });
    expect(overlaySeries([a, b]).unit).toBe('equity');
    const c = D({ id: 'bt-3' }, { cash: '5000', equity_curve: [[1, 5000, 0], [2, 5500, 0]] });
    const overlay = overlaySeries([a, c]);
    expect(overlay.unit).toBe('percent');
    expect(overlay.series[1]!.points).toEqual([
      [1, 0],
      [2, 10.000000000000009],
    ]);
    expect(compareOption([a, b]).series.map((s) => s.id)).toEqual(['bt-1', 'bt-2']);
  });
});

describe('candles under the trades, from the engine', () => {
  const period = { symbol: 'BTC/USDT', timeframe_ms: 60_000, start_ts: 1_000_000_020_000, end_ts: 1_000_000_020_000 + 4319 * 60_000 };
  const instruments = [
    { account: 'paper', symbol: 'BTC/USDT' },
    { account: 'okx', symbol: 'BTC/USDT' },
    { account: 'okx', symbol: 'ETH/USDT' },
  ];

  it("asks the account on screen when it has the symbol, else the first that does, in the run's bar length", () => {
    expect(candlesRequest(period, instruments, 'okx')).toEqual({ account: 'okx', symbol: 'BTC/USDT', timeframe: '1m', since: period.start_ts, until: period.end_ts + 60_000, limit: 5000 });
    expect(candlesRequest(period, instruments, 'binance')?.account).toBe('paper');
    expect(candlesRequest({ ...period, symbol: 'SOL/USDT' }, instruments, 'paper')).toBeNull();
  });

  it('takes a longer bar when the period holds more than one answer of candles', () => {
    expect(candlesRequest({ ...period, end_ts: period.start_ts + 10_000 * 60_000 }, instruments, 'paper')?.timeframe).toBe('3m');
    expect(candlesRequest({ ...period, timeframe_ms: 3_600_000 }, instruments, 'paper')?.timeframe).toBe('1h');
  });

  it('keeps the candles inside the period, as chart numbers', () => {
    const rows = [
      [period.start_ts - 60_000, '1', '1', '1', '1', '1'],
      [period.start_ts, '10', '12', '9', '11', '5'],
    ] as const;
    expect(candlesInPeriod(rows, period)).toEqual([[period.start_ts, 10, 11, 9, 12]]);
    expect(candlesInPeriod(rows.slice(0, 1), period)).toBeNull();
  });
});
