import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src-main/engine/model/decimal.js';
import { parseCandleSeries } from '../../src-main/feeds/candles-csv.js';
import { BUILTIN_STRATEGIES } from '../../src-main/strategies/builtin/index.js';
import { MINUTE, T0, backtest, bars, closes } from '../backtest/helpers.js';

const FTX = '/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv';

/** sma-cross as the issue words it, written again independently with exact decimals: the trades it must make */
function smaCrossOracle(csv: string, cash: string, fee: string, fast = 10, slow = 30) {
  const rows = csv.trim().split('\n').slice(1).map((l) => l.split(','));
  const open = rows.map((r) => new Decimal(r[1]!));
  const close = rows.map((r) => new Decimal(r[4]!));
  const ts = rows.map((r) => Number(r[0]));
  const rate = new Decimal(fee);
  const step = new Decimal('1e-12');
  let money = new Decimal(cash);
  let units = new Decimal(0);
  let pending: { side: 'buy' | 'sell'; qty: Decimal } | null = null;
  let lastSign = 0;
  const fills: Array<[string, number, string, string]> = [];
  for (let i = 0; i < rows.length; i++) {
    if (pending) {
      const notional: Decimal = pending.qty.mul(open[i]!);
      const f = notional.mul(rate);
      if (pending.side === 'buy' && notional.plus(f).lte(money)) {
        money = money.minus(notional).minus(f);
        units = units.plus(pending.qty);
        fills.push(['buy', ts[i]!, open[i]!.toFixed(), pending.qty.toFixed()]);
      } else if (pending.side === 'sell') {
        money = money.plus(notional).minus(f);
        units = units.minus(pending.qty);
        fills.push(['sell', ts[i]!, open[i]!.toFixed(), pending.qty.toFixed()]);
      }
      pending = null;
    }
    if (i < slow - 1) continue;
    const avg = (n: number) => close.slice(i - n + 1, i + 1).reduce((a, b) => a.plus(b), new Decimal(0)).div(n);
    const diff = avg(fast).minus(avg(slow));
    const sign = diff.isZero() ? 0 : diff.isNeg() ? -1 : 1;
    if (sign > 0 && lastSign < 0 && units.isZero()) {
      const qty: Decimal = new Decimal('0.95').mul(money).div(close[i]!).div(step).floor().mul(step);
      if (qty.mul(close[i]!).mul(rate.plus(1)).lte(money)) pending = { side: 'buy', qty };
    } else if (sign < 0 && lastSign > 0 && units.gt(0)) pending = { side: 'sell', qty: units };
    if (sign !== 0) lastSign = sign;
  }
  return { fills, equity: money.plus(units.mul(close[close.length - 1]!)).toFixed() };
}

describe('sma-cross, exactly as specified', () => {
  it('makes the same fills as an independent exact reading of the spec, on real data (the first 5000 FTX bars)', async () => {
    const csv = readFileSync(FTX, 'utf8').split('\n').slice(0, 5001).join('\n');
    const oracle = smaCrossOracle(csv, '10000', '0.001');
    const r = await backtest(parseCandleSeries(csv), 'sma-cross', { symbol: 'BTC/USD' });
    expect(r.fills.map((f) => [f.side, f.ts, f.price.toFixed(), f.quantity.toFixed()])).toEqual(oracle.fills);
    expect(r.metrics.final_equity.toFixed()).toBe(oracle.equity);
    expect(oracle.fills.length).toBeGreaterThan(100);
  });

  it('a cross needs the last non-zero fast − slow before the bar to have the other sign (a zero in between is no cross)', async () => {
    // fast = SMA(1), slow = SMA(2): fast − slow is half the last change. Signs by bar: 1 −, 2 zero, 3 + (cross up: the last
    // non-zero was −), 4 zero, 5 − (cross down), 6 zero, 7 − (no cross: the last non-zero was − too), 8 zero, 9 + (cross up, last bar)
    const data = closes([10, 9, 9, 10, 10, 9, 9, 8, 8, 9]);
    const r = await backtest(data, 'sma-cross', { params: { fast: 1, slow: 2 } });
    expect(r.fills.map((f) => [f.side, (f.ts - T0) / MINUTE, f.price.toFixed()])).toEqual([
      ['buy', 4, '10'], // signal at bar 3, filled at the open of bar 4 (= the close of bar 3)
      ['sell', 6, '9'],
    ]);
    expect(r.orders).toMatchObject({ placed: 3, filled: 2, open: 1 }); // the buy at the last bar never fills
  });

  it('acts from the first bar at which slow has a previous value', async () => {
    // fast 1, slow 2: slow exists from bar 1, so bar 1's sign is only remembered; a change at bar 1 → 2 can cross at bar 2
    const r = await backtest(closes([10, 9, 10, 10]), 'sma-cross', { params: { fast: 1, slow: 2 } });
    expect(r.fills.map((f) => [f.side, (f.ts - T0) / MINUTE])).toEqual([['buy', 3]]);
    const none = await backtest(closes([10, 11, 10, 10]), 'sma-cross', { params: { fast: 1, slow: 2 } });
    expect(none.fills).toEqual([]);
  });

  it('buys 0.95 × cash ÷ close (floored to the size step) and sells the whole position', async () => {
    const r = await backtest(closes([10, 9, 12, 12, 11, 11]), 'sma-cross', { params: { fast: 1, slow: 2 }, cash: '1000' });
    expect(r.fills.map((f) => [f.side, f.quantity.toFixed(), f.price.toFixed()])).toEqual([
      ['buy', '79.166666666666', '12'], // 0.95 × 1000 / 12
      ['sell', '79.166666666666', '11'],
    ]);
  });

  it('skips a buy the cash cannot pay with its fee at the signal close', async () => {
    // fee 6 %: 0.95 × cash × 1.06 > cash
    const r = await backtest(closes([10, 9, 12, 12]), 'sma-cross', { params: { fast: 1, slow: 2 }, fee: '0.06' });
    expect(r.orders.placed).toBe(0);
  });

  it('a buy the cash cannot pay at the next open is rejected at the fill', async () => {
    // signal at bar 2 (close 10), next bar opens at 11: 0.95 × cash at 11 plus 1 % fee is more than the cash
    const data = bars([
      [10, 10, 10, 10],
      [10, 10, 9, 9],
      [9, 10, 9, 10],
      [11, 11, 11, 11],
    ]);
    const r = await backtest(data, 'sma-cross', { params: { fast: 1, slow: 2 }, fee: '0.01' });
    expect(r.orders).toMatchObject({ placed: 1, rejected: 1 });
    expect(r.fills).toEqual([]);
  });

  it('values a position still open at the end at the last close; its order on the last bar never fills', async () => {
    const r = await backtest(closes([10, 9, 12, 13, 14, 13]), 'sma-cross', { params: { fast: 1, slow: 2 }, cash: '1000', fee: '0' });
    // buy 79.166666666666 at 12 (bar 3's open); the sell signal at the last bar (13 < 14) is never filled
    expect(r.orders).toMatchObject({ placed: 2, filled: 1, open: 1 });
    expect(r.metrics.trades).toBe(0);
    expect(r.open?.quantity.toFixed()).toBe('79.166666666666');
    expect(r.metrics.final_equity.toFixed()).toBe(new Decimal(1000).minus(new Decimal('79.166666666666').mul(12)).plus(new Decimal('79.166666666666').mul(13)).toFixed());
  });

  it('refuses fast ≥ slow', async () => {
    await expect(backtest(closes([1, 2, 3]), 'sma-cross', { params: { fast: 30, slow: 10 } })).rejects.toThrow(/fast \(30\) must be shorter than slow \(10\)/);
  });
});

describe('rsi-reversion', () => {
  it('buys when RSI closes below oversold and sells when it closes above overbought', async () => {
    // period 2: two falls take RSI to 0 (buy), two rises take it to 100 (sell)
    const r = await backtest(closes([10, 10, 9, 8, 8, 9, 10, 10]), 'rsi-reversion', { params: { period: 2 }, fee: '0' });
    // RSI(2) is 0 at bar 2 (two falls): bought at the open of bar 3; a rise at bar 5 takes it to 72.7: sold at the open of bar 6
    expect(r.fills.map((f) => [f.side, (f.ts - T0) / MINUTE, f.price.toFixed()])).toEqual([
      ['buy', 3, '9'],
      ['sell', 6, '9'],
    ]);
  });

  it('protects an entry with a stop below the fill when asked', async () => {
    const data = bars([
      [10, 10.5, 10, 10], // 10.5: prices have one decimal, so the tick is 0.1
      [10, 10, 9, 9],
      [9, 9, 8, 8], // RSI(2) 0: buy
      [8, 8, 8, 8], // filled at 8; the stop goes to 8 × 0.9 = 7.2
      [8, 8, 6, 7], // the range reaches 7.2: sold there
      [7, 7, 7, 7],
    ]);
    const r = await backtest(data, 'rsi-reversion', { params: { period: 2, stop: 0.1 }, fee: '0' });
    expect(r.fills.map((f) => [f.side, f.price.toFixed()]).slice(0, 2)).toEqual([
      ['buy', '8'],
      ['sell', '7.2'],
    ]);
  });
});

describe('grid', () => {
  it('rests buys below the first close and answers each filled buy with a sell one step higher', async () => {
    const data = bars([
      [100, 100, 100, 100],
      [100, 100, 98.5, 99], // buy level 1 (99) fills, level 2 (98) does not
      [99, 101, 99, 100.5], // the answering sell at 99 × 1.01 = 99.99 → 100.0 on the 0.1 grid fills
      [100.5, 100.5, 100.5, 100.5],
    ]);
    const r = await backtest(data, 'grid', { params: { levels: 2, spacing: 0.01, budget: 0.5 }, fee: '0' });
    expect(r.fills.map((f) => [f.side, (f.ts - T0) / MINUTE, f.price.toFixed()])).toEqual([
      ['buy', 1, '99'],
      ['sell', 2, '100'],
    ]);
    // the second level (98) rests, and the buy at 99 was put back after the sell
    expect(r.orders.open).toBe(2);
    expect(r.metrics.trades).toBe(1);
  });
});

describe('the built-in strategies', () => {
  it('are sma-cross, rsi-reversion and grid, each with a description and defaults for every parameter', () => {
    expect([...BUILTIN_STRATEGIES.keys()]).toEqual(['sma-cross', 'rsi-reversion', 'grid']);
    for (const d of BUILTIN_STRATEGIES.values()) {
      expect(d.description).toBeTruthy();
      for (const spec of Object.values(d.params) as Array<{ default: unknown }>) expect(spec.default).not.toBeUndefined();
    }
    expect(BUILTIN_STRATEGIES.get('sma-cross')!.params).toMatchObject({ fast: { default: 10 }, slow: { default: 30 }, fraction: { default: 0.95 } });
  });
});
