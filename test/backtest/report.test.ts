import { describe, expect, it } from 'vitest';
import { equityCurve, metricsDto, reportJson, type BacktestReportDto } from '../../src-main/backtest/report.js';
import type { Metrics } from '../../src-main/backtest/metrics.js';
import { dec } from '../../src-main/engine/model/decimal.js';

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

describe('the metrics on the protocol', () => {
  it('expectancy, an average, leaves at 8 places (half to even); final_equity and fees, exact sums, keep every digit', () => {
    const m = { bars: 3, trades: 3, final_equity: dec('10000.123456789012'), expectancy: dec(10).div(3), fees: dec('0.000000001') } as Metrics;
    expect(metricsDto(m)).toMatchObject({ final_equity: '10000.123456789012', expectancy: '3.33333333', fees: '0.000000001' });
    expect(metricsDto({ ...m, expectancy: dec(-2).div(3) }).expectancy).toBe('-0.66666667');
  });
});
