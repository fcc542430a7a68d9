/**
 * Issue 12: a strategy places brackets, OCO pairs and trailing stops through
 * the strategy API, and the backtest fills them by the bar rules
 * (docs/strategies.md, Fill model): hand-computed bars, no fee.
 */
import { describe, expect, it } from 'vitest';
import { backtest, bars, scripted, type ScriptLog } from './helpers.js';

const fills = (log: ScriptLog) => log.fills.map((f) => [f.side, f.quantity.toFixed(), f.price.toFixed()]);

describe('protective orders from a strategy in a backtest', () => {
  it('a market entry with take profit and stop loss: the exits follow the fill; the take profit fills', async () => {
    const log: ScriptLog = { orders: [], fills: [], errors: [] };
    const strategy = scripted(async (bar, ctx) => {
      if (bar.index === 0) await ctx.buy('1', { takeProfit: { price: '110' }, stopLoss: { stopPrice: '90' } });
    }, log);
    const result = await backtest(
      bars([
        [100, 100, 100, 100], // buy at the close: fills at the next open
        [100, 101, 99, 100], // entry fills at 100; the exits are placed
        [100, 105, 95, 104], // neither exit reached
        [104, 112, 103, 111], // take profit 110 reached: fills at 110, the stop is canceled
        [111, 111, 80, 85], // the stop would have: it is gone
      ]),
      strategy,
      { fee: '0' },
    );
    expect(fills(log)).toEqual([
      ['buy', '1', '100'],
      ['sell', '1', '110'],
    ]);
    expect(result.orders.open).toBe(0);
  });

  it('a take_profit_market from a strategy: a bar that falls below its stop leaves it, the bar that rises to it sells there', async () => {
    const log: ScriptLog = { orders: [], fills: [], errors: [] };
    const strategy = scripted(async (bar, ctx) => {
      if (bar.index === 0) await ctx.buy('1');
      if (bar.index === 1) await ctx.sell('1', { type: 'take_profit_market', stopPrice: '110', reduceOnly: true });
    }, log);
    const result = await backtest(
      bars([
        [100, 100, 100, 100],
        [100, 100, 100, 100], // bought 1 at 100; the take profit is placed
        [100, 101, 85, 90], // a fall far below 110: a sell stop there would have sold
        [90, 112, 89, 111], // the rise to 110: sells at 110
      ]),
      strategy,
      { fee: '0' },
    );
    expect(log.errors).toEqual([]);
    expect(fills(log)).toEqual([
      ['buy', '1', '100'],
      ['sell', '1', '110'],
    ]);
    expect(result.orders.open).toBe(0);
  });

  it('a bar that reaches both exits resolves stop first', async () => {
    const log: ScriptLog = { orders: [], fills: [], errors: [] };
    const strategy = scripted(async (bar, ctx) => {
      if (bar.index === 0) await ctx.buy('1', { takeProfit: { price: '110' }, stopLoss: { stopPrice: '90' } });
    }, log);
    await backtest(
      bars([
        [100, 100, 100, 100],
        [100, 101, 99, 100],
        [100, 115, 85, 100], // both: the stop fills at 90
      ]),
      strategy,
      { fee: '0' },
    );
    expect(fills(log)).toEqual([
      ['buy', '1', '100'],
      ['sell', '1', '90'],
    ]);
  });

  it('placeOco on a position, and a trailing stop that follows the highs', async () => {
    const log: ScriptLog = { orders: [], fills: [], errors: [] };
    const strategy = scripted(async (bar, ctx) => {
      if (bar.index === 0) await ctx.buy('2');
      if (bar.index === 1) {
        await ctx.placeOco({ side: 'sell', quantity: '1', takeProfit: { price: '150' }, stopLoss: { stopPrice: '80' } });
        await ctx.sell('1', { type: 'trailing_stop', trailingOffset: '10', trailingUnit: 'percent', reduceOnly: true });
      }
    }, log);
    const result = await backtest(
      bars([
        [100, 100, 100, 100],
        [100, 100, 100, 100], // bought 2 at 100; the OCO and the trailing stop (from the close 100: stop 90) are placed
        [100, 120, 100, 118], // trailing: best 120, stop 108 from the next bar
        [118, 119, 107, 110], // trailing stop 108 reached: sells 1 at 108
        [110, 151, 109, 150], // take profit 150: sells the other 1
      ]),
      strategy,
      { fee: '0' },
    );
    expect(fills(log)).toEqual([
      ['buy', '2', '100'],
      ['sell', '1', '108'],
      ['sell', '1', '150'],
    ]);
    expect(result.orders.open).toBe(0);
  });
});
