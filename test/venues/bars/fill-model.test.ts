import { describe, expect, it } from 'vitest';
import { limitFill, stopLimitFill, stopTrigger, type Compare } from '../../../src-main/venues/bars/fill-model.js';
import { MINUTE, T0, backtest, bars, scripted } from '../../backtest/helpers.js';

/** a Compare over plain numbers for the pure rules */
function cmp(bar: { open: number; high: number; low: number }, order: { limit?: number; stop?: number }): Compare {
  return (field, which) => Math.sign(bar[field] - (which === 'limit' ? order.limit! : order.stop!));
}

describe('fill model rules (pure)', () => {
  it('a limit buy fills at the open when the bar opens at or below it, at its price when the low reaches it, else not', () => {
    expect(limitFill('buy', cmp({ open: 99, high: 101, low: 98 }, { limit: 100 }))).toBe('open');
    expect(limitFill('buy', cmp({ open: 100, high: 101, low: 100 }, { limit: 100 }))).toBe('open');
    expect(limitFill('buy', cmp({ open: 102, high: 103, low: 100 }, { limit: 100 }))).toBe('limit');
    expect(limitFill('buy', cmp({ open: 102, high: 103, low: 100.5 }, { limit: 100 }))).toBeNull();
  });
  it('a limit sell mirrors it', () => {
    expect(limitFill('sell', cmp({ open: 101, high: 102, low: 99 }, { limit: 100 }))).toBe('open');
    expect(limitFill('sell', cmp({ open: 98, high: 100, low: 97 }, { limit: 100 }))).toBe('limit');
    expect(limitFill('sell', cmp({ open: 98, high: 99.9, low: 97 }, { limit: 100 }))).toBeNull();
  });
  it('a stop triggers at the open when the bar opens through it, at the stop when the range reaches it', () => {
    expect(stopTrigger('rise', cmp({ open: 105, high: 106, low: 104 }, { stop: 100 }))).toBe('open');
    expect(stopTrigger('rise', cmp({ open: 99, high: 100, low: 98 }, { stop: 100 }))).toBe('stop');
    expect(stopTrigger('rise', cmp({ open: 99, high: 99.5, low: 98 }, { stop: 100 }))).toBeNull();
    expect(stopTrigger('fall', cmp({ open: 95, high: 96, low: 94 }, { stop: 100 }))).toBe('open');
    expect(stopTrigger('fall', cmp({ open: 101, high: 102, low: 100 }, { stop: 100 }))).toBe('stop');
  });
  it('a stop_limit fills at the trigger when within its limit; opened through beyond it, only when the bar comes back to the limit', () => {
    expect(stopLimitFill('buy', 'stop', cmp({ open: 99, high: 103, low: 98 }, { limit: 101, stop: 100 }), -1)).toBe('trigger');
    expect(stopLimitFill('buy', 'open', cmp({ open: 100.5, high: 103, low: 100 }, { limit: 101, stop: 100 }), -1)).toBe('trigger');
    expect(stopLimitFill('buy', 'open', cmp({ open: 104, high: 105, low: 100.5 }, { limit: 101, stop: 100 }), -1)).toBe('limit');
    expect(stopLimitFill('buy', 'open', cmp({ open: 104, high: 105, low: 102 }, { limit: 101, stop: 100 }), -1)).toBeNull();
    expect(stopLimitFill('buy', 'stop', cmp({ open: 99, high: 103, low: 98 }, { limit: 99.5, stop: 100 }), 1)).toBeNull();
  });
});

describe('fill model in a backtest (the engine, the OMS and the backtest venue)', () => {
  it('a market order made on bar i fills at the open of bar i+1, at its time, paying fee = rate × notional', async () => {
    const data = bars([
      [100, 101, 99, 100],
      [103, 104, 102, 103],
      [103, 103, 103, 103],
    ]);
    const r = await backtest(data, scripted((bar, ctx) => void (bar.index === 0 && ctx.buy('2'))));
    expect(r.fills).toHaveLength(1);
    const f = r.fills[0]!;
    expect([f.side, f.price.toFixed(), f.quantity.toFixed(), f.fee.toFixed(), f.ts]).toEqual(['buy', '103', '2', '0.206', T0 + MINUTE]);
    expect(f.liquidity).toBe('taker');
    // cash 10000 − 206 − 0.206; the 2 units are worth 206 at the last close
    expect(r.metrics.final_equity.toFixed()).toBe('9999.794');
  });

  it('an order made on the last bar never fills', async () => {
    const data = bars([
      [100, 100, 100, 100],
      [101, 101, 101, 101],
    ]);
    const r = await backtest(data, scripted((bar, ctx) => void (bar.index === 1 && ctx.buy('1'))));
    expect(r.fills).toHaveLength(0);
    expect(r.orders).toMatchObject({ placed: 1, open: 1, filled: 0 });
    expect(r.metrics.final_equity.toFixed()).toBe('10000');
  });

  it('a market buy the cash cannot pay at the fill price (notional + fee) is rejected there', async () => {
    const data = bars([
      [100, 100, 100, 100],
      [120, 121, 119, 120],
    ]);
    // 95 units: 9500 + 9.5 at the close of bar 0 fits in 10000; at the open of bar 1 it would cost 11400 + 11.4
    const r = await backtest(data, scripted((bar, ctx) => void (bar.index === 0 && ctx.buy('95'))));
    expect(r.fills).toHaveLength(0);
    expect(r.orders).toMatchObject({ placed: 1, rejected: 1 });
    expect(r.orderRecords[0]!.rejectReason).toMatch(/insufficient USDT: needs 11411.4, free 10000 at the fill price 120/);
  });

  it('a market sell of more than the account holds is rejected at the fill', async () => {
    const data = bars([
      [100, 100, 100, 100],
      [100, 100, 100, 100],
    ]);
    const r = await backtest(data, scripted((bar, ctx) => void (bar.index === 0 && ctx.sell('1'))));
    expect(r.orders).toMatchObject({ rejected: 1 });
    expect(r.orderRecords[0]!.rejectReason).toMatch(/insufficient BTC/);
  });

  it('slippage moves market fills against the order: buy × (1 + s), sell × (1 − s)', async () => {
    const data = bars([
      [100, 100, 100, 100],
      [200, 200, 200, 200],
      [200, 200, 200, 200],
      [300, 300, 300, 300],
    ]);
    const r = await backtest(
      data,
      scripted((bar, ctx) => {
        if (bar.index === 0) void ctx.buy('1');
        if (bar.index === 2) void ctx.sell('1');
      }),
      { slippage: '0.01', fee: '0' },
    );
    expect(r.fills.map((f) => f.price.toFixed())).toEqual(['202', '297']);
  });

  it('a limit buy fills at its price when the range reaches it, at the open when the bar opens below it, from the next bar on', async () => {
    const data = bars([
      [100, 100, 95, 100], // placed here: its low reaches 96 but the order is not working yet
      [100, 101, 97, 100], // low 97 > 96: no fill
      [99, 99, 95, 98], // low 95 ≤ 96: fills at 96
      [100, 100, 100, 100],
      [90, 91, 89, 90], // the second limit (placed on bar 3 at 95): opens below it, fills at the open 90
    ]);
    const r = await backtest(
      data,
      scripted((bar, ctx) => {
        if (bar.index === 0) void ctx.buy('1', { type: 'limit', price: '96' });
        if (bar.index === 3) void ctx.buy('1', { type: 'limit', price: '95' });
      }),
    );
    expect(r.fills.map((f) => [f.price.toFixed(), f.ts, f.liquidity])).toEqual([
      ['96', T0 + 2 * MINUTE, 'maker'],
      ['90', T0 + 4 * MINUTE, 'maker'],
    ]);
  });

  it('a limit sell fills at its price when the high reaches it, at the open when the bar opens above it', async () => {
    const data = bars([
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [100, 106, 100, 101],
      [101, 101, 101, 101],
      [110, 111, 109, 110],
    ]);
    const r = await backtest(
      data,
      scripted((bar, ctx) => {
        if (bar.index === 0) void ctx.buy('2');
        if (bar.index === 1) void ctx.sell('1', { type: 'limit', price: '105' });
        if (bar.index === 3) void ctx.sell('1', { type: 'limit', price: '102' });
      }),
    );
    expect(r.fills.slice(1).map((f) => [f.side, f.price.toFixed(), f.ts])).toEqual([
      ['sell', '105', T0 + 2 * MINUTE],
      ['sell', '110', T0 + 4 * MINUTE],
    ]);
  });

  it('an IOC limit gets one chance, the next open, and expires otherwise', async () => {
    const data = bars([
      [100, 100, 100, 100],
      [101, 101, 95, 100], // the open 101 is above 99: expires, though the low came to 95
      [100, 100, 100, 100],
    ]);
    const r = await backtest(data, scripted((bar, ctx) => void (bar.index === 0 && ctx.buy('1', { type: 'limit', price: '99', timeInForce: 'IOC' }))));
    expect(r.fills).toHaveLength(0);
    expect(r.orders).toMatchObject({ expired: 1 });
  });

  it('a stop_market buy fills at its stop when the range reaches it, at the open when the bar opens above it; slippage applies', async () => {
    const data = bars([
      [100, 100, 100, 100],
      [100, 106, 99, 104], // reaches 105: fills at 105 × 1.001
      [104, 104, 104, 104],
      [120, 121, 119, 120], // the second stop (110) is opened through: fills at 120 × 1.001
    ]);
    const r = await backtest(
      data,
      scripted((bar, ctx) => {
        if (bar.index === 0) void ctx.buy('1', { type: 'stop_market', stopPrice: '105' });
        if (bar.index === 2) void ctx.buy('1', { type: 'stop_market', stopPrice: '110' });
      }),
      { slippage: '0.001' },
    );
    expect(r.fills.map((f) => [f.price.toFixed(), f.ts, f.liquidity])).toEqual([
      ['105.105', T0 + MINUTE, 'taker'],
      ['120.12', T0 + 3 * MINUTE, 'taker'],
    ]);
  });

  it('a stop_market sell mirrors it (a protective stop under a gap down fills at the open)', async () => {
    const data = bars([
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [90, 91, 89, 90],
    ]);
    const r = await backtest(
      data,
      scripted((bar, ctx) => {
        if (bar.index === 0) void ctx.buy('1');
        if (bar.index === 1) void ctx.sell('1', { type: 'stop_market', stopPrice: '95' });
      }),
    );
    expect(r.fills.map((f) => [f.side, f.price.toFixed()])).toEqual([
      ['buy', '100'],
      ['sell', '90'],
    ]);
  });

  it('a stop_limit fills at its stop within its limit; opened through beyond its limit it rests and fills at the limit when the bar comes back', async () => {
    const data = bars([
      [100, 100, 100, 100],
      [100, 103, 99, 102], // stop 101, limit 102: triggers at 101, fills at 101
      [102, 102, 102, 102],
      [110, 112, 105, 111], // stop 104, limit 106: opens at 110 beyond the limit, the low 105 comes back: fills at 106
    ]);
    const r = await backtest(
      data,
      scripted((bar, ctx) => {
        if (bar.index === 0) void ctx.buy('1', { type: 'stop_limit', stopPrice: '101', price: '102' });
        if (bar.index === 2) void ctx.buy('1', { type: 'stop_limit', stopPrice: '104', price: '106' });
      }),
    );
    expect(r.fills.map((f) => [f.price.toFixed(), f.ts])).toEqual([
      ['101', T0 + MINUTE],
      ['106', T0 + 3 * MINUTE],
    ]);
  });

  it('a gap in time is no bar: an order meets the next bar in the data, whenever it opens', async () => {
    const data = bars([
      [T0, 100, 100, 100, 100],
      [T0 + 60 * MINUTE, 105, 105, 105, 105],
      [T0 + 61 * MINUTE, 105, 105, 105, 105],
    ]);
    const r = await backtest(data, scripted((bar, ctx) => void (bar.index === 0 && ctx.buy('1'))));
    expect(r.fills.map((f) => [f.price.toFixed(), f.ts])).toEqual([['105', T0 + 60 * MINUTE]]);
    expect(r.metrics.bars).toBe(3);
  });

  it('a flat bar (open = high = low = close) fills a limit at that price and nothing beyond it', async () => {
    const data = bars([
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [100, 100, 100, 100],
    ]);
    const r = await backtest(
      data,
      scripted((bar, ctx) => {
        if (bar.index !== 0) return;
        void ctx.buy('1', { type: 'limit', price: '100' });
        void ctx.buy('1', { type: 'limit', price: '99' });
      }),
    );
    expect(r.fills.map((f) => f.price.toFixed())).toEqual(['100']);
    expect(r.orders).toMatchObject({ filled: 1, open: 1 });
  });

  it('a canceled limit never fills and gives its locked cash back; an amended limit fills at its new price', async () => {
    const data = bars([
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [100, 100, 90, 95],
    ]);
    const seen: string[] = [];
    const r = await backtest(
      data,
      scripted(async (bar, ctx) => {
        if (bar.index === 0) {
          await ctx.buy('10', { type: 'limit', price: '80' });
          const b = await ctx.buy('10', { type: 'limit', price: '85' });
          seen.push(ctx.cash().toFixed());
          await ctx.amend(b.id, { price: '92' });
        }
        if (bar.index === 1) {
          const first = ctx.openOrders().find((o) => o.price?.eq(80));
          await ctx.cancel(first!.id);
          seen.push(ctx.cash().toFixed());
        }
      }),
    );
    // locks: 10 × 80 × 1.001 and 10 × 85 × 1.001; after the cancel only the amended one (10 × 92 × 1.001)
    expect(seen).toEqual(['8348.35', '9079.08']);
    expect(r.fills.map((f) => [f.price.toFixed(), f.ts])).toEqual([['92', T0 + 2 * MINUTE]]);
    expect(r.orders).toMatchObject({ placed: 2, filled: 1, canceled: 1 });
  });
});
