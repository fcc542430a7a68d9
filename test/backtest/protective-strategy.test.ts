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
  it('placeOco with a take_profit_market leg (issue 14): a fall toward it leaves it, the rise to its trigger sells there and cancels the stop', async () => {
    const log: ScriptLog = { orders: [], fills: [], errors: [] };
    const strategy = scripted(async (bar, ctx) => {
      if (bar.index === 0) await ctx.buy('1');
      if (bar.index === 1) await ctx.placeOco({ side: 'sell', quantity: '1', takeProfit: { type: 'take_profit_market', stopPrice: '110' }, stopLoss: { stopPrice: '80' } });
    }, log);
    const result = await backtest(
      bars([
        [100, 100, 100, 100],
        [100, 100, 100, 100], // bought 1 at 100; the OCO is placed
        [100, 101, 85, 90], // a fall (not to the stop): the take profit waits
        [90, 112, 89, 111], // the rise to 110: the take profit fires, sells at 110
        [111, 111, 70, 75], // the stop would have: it is gone
      ]),
      strategy,
      { fee: '0' },
    );
    expect(log.errors).toEqual([]);
    expect(fills(log)).toEqual([
      ['buy', '1', '100'],
      ['sell', '1', '110'],
    ]);
    const legs = log.orders.filter((o) => o.type !== 'market');
    expect(legs.filter((o) => o.status === 'canceled').map((o) => o.type)).toEqual(['stop_market']);
    expect(result.orders.open).toBe(0);
  });

  it('placeOco with a take_profit_limit leg: triggered at its stop, it rests at its limit and fills there', async () => {
    const log: ScriptLog = { orders: [], fills: [], errors: [] };
    const strategy = scripted(async (bar, ctx) => {
      if (bar.index === 0) await ctx.buy('1');
      if (bar.index === 1) await ctx.placeOco({ side: 'sell', quantity: '1', takeProfit: { type: 'take_profit_limit', stopPrice: '110', price: '112' }, stopLoss: { stopPrice: '80' } });
    }, log);
    const result = await backtest(
      bars([
        [100, 100, 100, 100],
        [100, 100, 100, 100],
        [100, 111, 99, 105], // triggered at 110: a sell limit at 112, not reached
        [105, 113, 104, 112], // 112 reached: fills at 112
      ]),
      strategy,
      { fee: '0' },
    );
    expect(log.errors).toEqual([]);
    expect(fills(log)).toEqual([
      ['buy', '1', '100'],
      ['sell', '1', '112'],
    ]);
    expect(result.orders.open).toBe(0);
  });

  it('amend stopPrice moves the OCO legs’ triggers: openOrders shows them at once, the old triggers are passed, the new one fills', async () => {
    const log: ScriptLog = { orders: [], fills: [], errors: [] };
    const seenTriggers: string[][] = [];
    const strategy = scripted(async (bar, ctx) => {
      if (bar.index === 0) await ctx.buy('1');
      if (bar.index === 1) await ctx.placeOco({ side: 'sell', quantity: '1', takeProfit: { type: 'take_profit_market', stopPrice: '110' }, stopLoss: { stopPrice: '80' } });
      if (bar.index === 2) {
        const tp = ctx.openOrders().find((o) => o.type === 'take_profit_market');
        const sl = ctx.openOrders().find((o) => o.type === 'stop_market');
        await ctx.amend(tp!.id, { stopPrice: '120' });
        await ctx.amend(sl!.id, { stopPrice: '95' });
        seenTriggers.push(ctx.openOrders().map((o) => `${o.type} ${o.stopPrice!.toFixed()}`).sort());
        await ctx.amend(sl!.id, { stopPrice: '101' }).catch((err: unknown) => log.errors.push(err));
      }
    }, log);
    await backtest(
      bars([
        [100, 100, 100, 100],
        [100, 100, 100, 100],
        [100, 100, 100, 100], // both triggers moved: 120 and 95; a stop at 101 (above the market) refused
        [100, 115, 96, 114], // the old take profit 110 and the old stop's 80 band passed: nothing
        [114, 121, 113, 119], // 120: sells there
      ]),
      strategy,
      { fee: '0' },
    );
    expect(seenTriggers).toEqual([['stop_market 95', 'take_profit_market 120']]);
    expect(log.errors.map((e) => (e as { details?: Record<string, unknown> }).details?.['field'])).toEqual(['stop_price']);
    expect(String((log.errors[0] as Error).message)).toMatch(/would trigger immediately/i);
    expect(fills(log)).toEqual([
      ['buy', '1', '100'],
      ['sell', '1', '120'],
    ]);
  });
});
