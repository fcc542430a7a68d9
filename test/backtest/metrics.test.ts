import { describe, expect, it } from 'vitest';
import { computeMetrics, YEAR_MS } from '../../src-main/backtest/metrics.js';
import type { RoundTrip } from '../../src-main/backtest/trades.js';
import { Decimal } from '../../src-main/engine/model/decimal.js';
import { T0, backtest, bars, scripted } from './helpers.js';

const DAY = 86_400_000;
const d = (x: string | number) => new Decimal(x);
const trip = (pnl: string): RoundTrip => ({ side: 'long', entryTime: 0, entryPrice: d(1), exitTime: 1, exitPrice: d(1), quantity: d(1), pnlGross: d(pnl), pnlNet: d(pnl), fees: d(0) });

describe('metrics, against hand-computed values', () => {
  // equity at four daily closes, from 100 cash: returns +10 %, −10 %, +22.2… %
  const equity = [100, 110, 99, 121];
  const m = computeMetrics({
    equity,
    ts: [T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY],
    timeframeMs: DAY,
    initialCash: d(100),
    finalEquity: d(121),
    trades: [trip('30'), trip('-10'), trip('5')],
    exposedBars: 2,
    fees: d('1.5'),
  });
  const r = [0.1, -0.1, 121 / 99 - 1];
  const mean = (r[0]! + r[1]! + r[2]!) / 3;
  const sampleStd = Math.sqrt(((r[0]! - mean) ** 2 + (r[1]! - mean) ** 2 + (r[2]! - mean) ** 2) / 2);
  const downside = Math.sqrt(0.01 / 3);
  const cagr = Math.pow(1.21, 365 / 3) - 1;

  it('counts bars and closed trades', () => {
    expect(m.bars).toBe(4);
    expect(m.trades).toBe(3);
  });
  it('final_equity is exact; total_return = final / cash − 1', () => {
    expect(m.final_equity.toFixed()).toBe('121');
    expect(m.total_return).toBeCloseTo(0.21, 12);
  });
  it('sharpe = mean / sample standard deviation of per-bar returns × √(bars a year), risk-free 0', () => {
    expect(m.sharpe).toBeCloseTo((mean / sampleStd) * Math.sqrt(365), 9);
    expect(m.sharpe).toBeCloseTo(8.69982, 4);
  });
  it('sortino = mean / downside deviation (√(Σ min(r, 0)² / N)) × √(bars a year)', () => {
    expect(m.sortino).toBeCloseTo((mean / downside) * Math.sqrt(365), 9);
  });
  it('max_drawdown is the deepest fall from a running peak, as a fraction', () => {
    expect(m.max_drawdown).toBeCloseTo(0.1, 12);
  });
  it('CAGR compounds the total return over the years from the first to the last bar (365-day years); calmar = CAGR / max_drawdown', () => {
    expect(m.CAGR! / cagr).toBeCloseTo(1, 9);
    expect(m.calmar! / (cagr / 0.1)).toBeCloseTo(1, 9);
  });
  it('win_rate, profit_factor and expectancy come from the round trips net of fees', () => {
    expect(m.win_rate).toBeCloseTo(2 / 3, 12);
    expect(m.profit_factor).toBeCloseTo(3.5, 12);
    expect(m.expectancy!.toFixed(6)).toBe('8.333333');
  });
  it('exposure is the share of bars closed with a position; fees are all fees paid', () => {
    expect(m.exposure).toBe(0.5);
    expect(m.fees.toFixed()).toBe('1.5');
  });

  it('undefined ratios are null: no trades, no losses, no variation', () => {
    const flat = computeMetrics({ equity: [50, 50, 50], ts: [0, DAY, 2 * DAY], timeframeMs: DAY, initialCash: d(50), finalEquity: d(50), trades: [], exposedBars: 0, fees: d(0) });
    expect([flat.sharpe, flat.sortino, flat.calmar, flat.win_rate, flat.profit_factor, flat.expectancy]).toEqual([null, null, null, null, null, null]);
    expect([flat.max_drawdown, flat.total_return, flat.CAGR]).toEqual([0, 0, 0]);
    const winsOnly = computeMetrics({ equity: [50, 60], ts: [0, DAY], timeframeMs: DAY, initialCash: d(50), finalEquity: d(60), trades: [trip('10')], exposedBars: 1, fees: d(0) });
    expect(winsOnly.profit_factor).toBeNull();
    expect(winsOnly.win_rate).toBe(1);
  });

  it('a year is 365 days', () => {
    expect(YEAR_MS).toBe(365 * DAY);
  });
});

describe('metrics of a small backtest, by hand', () => {
  it('buy 10 at the open of bar 1 (100), sell at the open of bar 3 (120), fee 0.1 %: every metric follows', async () => {
    const data = bars([
      [T0, 100, 100, 100, 100],
      [T0 + DAY, 100, 110, 95, 105],
      [T0 + 2 * DAY, 105, 125, 104, 120],
      [T0 + 3 * DAY, 120, 121, 119, 120],
    ]);
    const r = await backtest(
      data,
      scripted((bar, ctx) => {
        if (bar.index === 0) void ctx.buy('10');
        if (bar.index === 2) void ctx.sell('10');
      }),
      { cash: '2000' },
    );
    // buy: 1000 + fee 1 → cash 999; sell: 1200 − fee 1.2 → cash 2197.8
    const m = r.metrics;
    expect(m.final_equity.toFixed()).toBe('2197.8');
    expect(m.fees.toFixed()).toBe('2.2');
    expect(m.trades).toBe(1);
    expect(r.trades[0]!.pnlGross.toFixed()).toBe('200');
    expect(r.trades[0]!.pnlNet.toFixed()).toBe('197.8');
    expect(m.expectancy!.toFixed()).toBe('197.8');
    expect(m.win_rate).toBe(1);
    // equity at the closes: 2000, 999 + 10 × 105 = 2049, 999 + 1200 = 2199, 2197.8 (position held at the closes of bars 1 and 2)
    expect([...r.equity.equity]).toEqual([2000, 2049, 2199, 2197.8]);
    expect(m.exposure).toBe(0.5);
    expect(m.max_drawdown).toBeCloseTo(1 - 2197.8 / 2199, 12);
    expect(m.total_return).toBeCloseTo(0.0989, 12);
    const returns = [2049 / 2000 - 1, 2199 / 2049 - 1, 2197.8 / 2199 - 1];
    const mean = returns.reduce((a, b) => a + b) / 3;
    const std = Math.sqrt(returns.reduce((s, x) => s + (x - mean) ** 2, 0) / 2);
    expect(m.sharpe).toBeCloseTo((mean / std) * Math.sqrt(365), 9);
    expect(m.CAGR! / (Math.pow(2197.8 / 2000, 365 / 3) - 1)).toBeCloseTo(1, 9);
  });
});
