import { describe, expect, it } from 'vitest';
import { equityCurve, metricsDto, reportJson, type BacktestReportDto } from '../../src-main/backtest/report.js';
import type { Metrics } from '../../src-main/backtest/metrics.js';
import { dec } from '../../src-main/engine/model/decimal.js';
import { runBacktest } from '../../src-main/backtest/runner.js';
import { reportDto } from '../../src-main/backtest/report.js';
import { METRIC_NAMES } from '../../src-main/backtest/metrics.js';

/** report.json as it was written before it was written by hand (issue 15): JSON.stringify with the money spliced in as numbers */
function reference(report: BacktestReportDto): string {
  const { metrics, candles: _candles, ...rest } = report;
  const RAW = '\u2063dec:';
  const top: Record<string, unknown> = {};
  for (const name of METRIC_NAMES) {
    const value = metrics[name];
    top[name] = name === 'final_equity' || name === 'expectancy' || name === 'fees' ? (value === null ? null : `${RAW}${value as string}`) : value;
  }
  return `${JSON.stringify({ ...top, ...rest }, null, 2).replace(/"\u2063dec:(-?\d+(?:\.\d+)?)"/g, '$1')}\n`;
}

describe('the equity curve in a report', () => {
  it('keeps every point of a short curve, with the drawdown from the running peak (the starting cash included)', () => {
    expect(equityCurve([1, 2, 3, 4], [100, 90, 120, 60], '100')).toEqual([
      [1, 100, 0],
      [2, 90, 0.1],
      [3, 120, 0],
      [4, 60, 0.5],
    ]);
  });

  it('cuts a long curve to each bucket’s lowest and highest point, so the deepest drawdown survives', () => {
    const n = 100_000;
    const ts = Array.from({ length: n }, (_, i) => i);
    const eq = Array.from({ length: n }, (_, i) => 1000 + Math.sin(i / 1000) * 100);
    eq[54_321] = 1; // a crash for one bar
    const curve = equityCurve(ts, eq, '1000', 1000);
    expect(curve.length).toBeLessThanOrEqual(1001);
    const worst = curve.reduce((a, b) => (b[1] < a[1] ? b : a));
    expect(worst[0]).toBe(54_321);
    expect(worst[2]).toBeCloseTo(1 - 1 / 1100, 6);
    expect(curve.at(-1)![0]).toBe(n - 1);
    expect(curve.map((p) => p[0])).toEqual([...curve.map((p) => p[0])].sort((a, b) => a - b));
  });
});

describe('report.json', () => {
  it('puts the metrics first by their names, money as JSON numbers with every digit, undefined ratios as null', () => {
    const dto = {
      metrics: {
        bars: 3,
        trades: 0,
        final_equity: '10000.123456789012345678901234',
        total_return: 0.0000123,
        CAGR: null,
        sharpe: null,
        sortino: null,
        calmar: null,
        max_drawdown: 0,
        win_rate: null,
        profit_factor: null,
        expectancy: null,
        exposure: 0,
        fees: '0.5',
      },
      symbol: 'BTC/USDT',
      trade_list: [],
    } as unknown as BacktestReportDto;
    const text = reportJson(dto);
    expect(text).toContain('"final_equity": 10000.123456789012345678901234,');
    expect(text).toContain('"fees": 0.5,');
    expect(text).toContain('"expectancy": null,');
    const parsed = JSON.parse(text);
    expect(Object.keys(parsed).slice(0, 14)).toEqual(['bars', 'trades', 'final_equity', 'total_return', 'CAGR', 'sharpe', 'sortino', 'calmar', 'max_drawdown', 'win_rate', 'profit_factor', 'expectancy', 'exposure', 'fees']);
    expect(parsed.symbol).toBe('BTC/USDT');
  });
});

describe('report.json, byte for byte as JSON.stringify writes it', () => {
  it('for a real run (trades, the equity curve, an open position)', async () => {
    const r = await runBacktest({ data: '/work/shared/data/freqtrade_ETH_BTC_5m.csv', symbol: 'ETH/BTC', strategy: 'sma-cross', cash: '10', fee: '0.001' });
    const dto = reportDto(r);
    expect(dto.trade_list.length).toBeGreaterThan(100);
    expect(reportJson(dto)).toBe(reference(dto));
    // a short curve (every point) and a position left open
    const short = reportDto(r, 50);
    const open = { ...short, open_position: { side: 'long' as const, entry_time: 1, entry_price: '1.5', quantity: '2', fees: '0.1', mark_price: '1.6', unrealized_pnl: '0.2' } };
    expect(reportJson(open)).toBe(reference(open));
  });

  it('for what needs escaping, nesting, nulls and empty lists', () => {
    const dto = {
      metrics: { bars: 0, trades: 0, final_equity: '10', total_return: 0, CAGR: null, sharpe: Number.NaN, sortino: null, calmar: null, max_drawdown: -0, win_rate: null, profit_factor: null, expectancy: '-0.5', exposure: 0, fees: '0' },
      strategy: { name: 'x "quoted" \\ ünïcode\nline', id: 'x', source: 'definition:x', params: { a: 1, b: true, c: 'text' } },
      symbol: 'BTC/USDT',
      open_position: null,
      equity_curve: [],
      trade_list: [{ side: 'long', entry_time: 1, entry_price: '1e-7', exit_time: 2, exit_price: 'a"b', quantity: '1', pnl_gross: '-1', pnl_net: '-1.5', fees: '0.5', extra: { nested: [1, { deep: null }] }, gone: undefined }],
      refusals: [{ ts: 1, code: 'BAD_REQUEST', message: 'quantity: "0" must be > 0\t(tab)' }],
      nothing: undefined,
      candles: [[1, 2, 3, 4, 5, 6]],
    } as unknown as BacktestReportDto;
    expect(reportJson(dto)).toBe(reference(dto));
    expect(reportJson({ ...dto, trade_list: [], equity_curve: [[1, Number.POSITIVE_INFINITY, 0], []] } as unknown as BacktestReportDto)).toBe(reference({ ...dto, trade_list: [], equity_curve: [[1, Number.POSITIVE_INFINITY, 0], []] } as unknown as BacktestReportDto));
  });
});

describe('the metrics on the protocol', () => {
  it('expectancy, an average, leaves at 8 places (half to even); final_equity and fees, exact sums, keep every digit', () => {
    const m = { bars: 3, trades: 3, final_equity: dec('10000.123456789012'), expectancy: dec(10).div(3), fees: dec('0.000000001') } as Metrics;
    expect(metricsDto(m)).toMatchObject({ final_equity: '10000.123456789012', expectancy: '3.33333333', fees: '0.000000001' });
    expect(metricsDto({ ...m, expectancy: dec(-2).div(3) }).expectancy).toBe('-0.66666667');
  });
});
