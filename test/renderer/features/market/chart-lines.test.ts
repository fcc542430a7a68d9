import { describe, expect, it } from 'vitest';
import { amendable, breakEven, fillMarkers, tradingLines } from '../../../../src-renderer/features/market/chart-lines.js';
import { fill, order } from '../../helpers/fake-client.js';

const position = (patch: Record<string, unknown>) => ({ account: 'paper', symbol: 'BTC/USDT', quantity: '0.02', average_price: '40123.456789', realized_pnl: '0', unrealized_pnl: '12.3456', mark_price: '40740', ...patch });
const label = (patch: Record<string, unknown>) => tradingLines([order(patch)] as never, [], 'paper', 'BTC/USDT', 2)[0]!.label.formatter;

describe('order and position lines on the chart', () => {
  it('draws each open order of the market at its price, labeled with side, quantity left and type; the position at its average entry with PnL', () => {
    const orders = [
      order({ id: 'O-buy', price: '39000', quantity: '0.05', filled_quantity: '0.01' }),
      order({ id: 'O-stop', side: 'sell', type: 'stop_market', price: null, stop_price: '38000.5', quantity: '0.02' }),
      order({ id: 'O-done', status: 'filled' }),
      order({ id: 'O-other', symbol: 'ETH/BTC' }),
    ];
    const lines = tradingLines(orders as never, [position({})] as never, 'paper', 'BTC/USDT', 2);
    expect(lines.map((l) => [l.name, l.kind, l.yAxis, l.price, l.label.formatter])).toEqual([
      ['O-buy', 'order', 39000, '39000', 'BUY 0.04 LMT 39,000.00'],
      ['O-stop', 'order', 38000.5, '38000.5', 'SELL 0.02 STP 38,000.50'],
      ['position', 'position', 40123.456789, '40123.456789', 'LONG 0.02 @ 40,123.46 · PnL +12.35'],
    ]);
  });

  it('labels take profits, stops and trailing stops by what they are for; a trailing stop stands where its stop is now; Tern-held ones say so', () => {
    expect(label({ side: 'sell', price: '42000', role: 'take_profit', held_by: 'venue' })).toBe('TP SELL 0.01 LMT 42,000.00');
    expect(label({ side: 'sell', type: 'stop_market', price: null, stop_price: '38000', role: 'stop_loss', held_by: 'tern' })).toBe('SL SELL 0.01 STP 38,000.00 · Tern');
    const trailing = order({ side: 'sell', type: 'trailing_stop', price: null, stop_price: '39604.03', role: 'trailing', trailing_offset: '1.5', trailing_unit: 'percent', held_by: 'venue' });
    const [line] = tradingLines([trailing] as never, [], 'paper', 'BTC/USDT', 2);
    expect([line!.yAxis, line!.label.formatter, line!.lineStyle.type]).toEqual([39604.03, 'SELL 0.01 TRAIL 1.5 % 39,604.03', 'dotted']);
    // take profits and stops waiting stand at their trigger (which a drag moves); a fired TP limit at its limit price
    expect(label({ side: 'sell', type: 'take_profit_market', price: null, stop_price: '45000', held_by: 'venue' })).toBe('SELL 0.01 TP 45,000.00');
    expect(label({ side: 'buy', type: 'take_profit_limit', price: '35010', stop_price: '35000', held_by: 'tern' })).toBe('BUY 0.01 TP LMT 35,000.00 · Tern');
    expect(label({ side: 'buy', type: 'take_profit_limit', price: '35010', stop_price: '35000', triggered_at: '2026-01-01T00:00:00.000Z' })).toBe('BUY 0.01 TP LMT 35,010.00');
    // a drag of a waiting trigger's line amends its stop_price; of a limit (or a fired stop limit) its price; a trailing stop's nothing
    const waiting = [order({ type: 'take_profit_limit', stop_price: '1' }), order({ type: 'stop_limit', stop_price: '1' }), order({ type: 'take_profit_market', price: null, stop_price: '1' }), order({ type: 'stop_market', price: null, stop_price: '1' })];
    expect(waiting.map((o) => amendable(o as never))).toEqual([true, true, true, true]);
    expect(tradingLines([...waiting, order({ type: 'stop_limit', stop_price: '1', triggered_at: '2026-01-01T00:00:00.000Z' }), order({}), trailing] as never, [], 'paper', 'BTC/USDT', 2).map((l) => l.amends)).toEqual(['stop_price', 'stop_price', 'stop_price', 'stop_price', 'price', 'price', null]);
    // the trailing stop's line moves with its stop price
    const moved = tradingLines([{ ...trailing, stop_price: '39800' }] as never, [], 'paper', 'BTC/USDT', 2)[0]!;
    expect(moved.yAxis).toBe(39800);
  });

  it('draws the break-even after fees for the position: the entry fee and the exit fee at the taker rate', () => {
    // long 40,000 at 0.1 %: 40,000 × 1.001 / 0.999
    expect(breakEven({ quantity: '0.5', average_price: '40000' }, '0.001')).toBe('40080.08008008008008008008008008008008008');
    // short: 40,000 × 0.999 / 1.001
    expect(Number(breakEven({ quantity: '-0.5', average_price: '40000' }, '0.001'))).toBeCloseTo(39920.0799, 3);
    expect(breakEven({ quantity: '0.5', average_price: '40000' }, '0')).toBeNull();
    const lines = tradingLines([], [position({ average_price: '40000' })] as never, 'paper', 'BTC/USDT', 2, '0.001');
    expect(lines.map((l) => [l.kind, l.label.formatter])).toEqual([
      ['position', 'LONG 0.02 @ 40,000.00 · PnL +12.35'],
      ['breakeven', 'BREAK-EVEN 40,080.08'],
    ]);
  });

  it('draws no position line while flat', () => {
    expect(tradingLines([], [position({ quantity: '0', average_price: null })] as never, 'paper', 'BTC/USDT', 2, '0.001')).toEqual([]);
  });
});

describe('fills on the candles', () => {
  const t0 = Date.UTC(2024, 0, 1, 12, 0);
  const candles = [0, 1, 2, 3].map((i) => [t0 + i * 60_000, '1', '1', '1', '1', '1'] as [number, string, string, string, string, string]);

  it('marks each fill of the market on the candle it fell in, at its price: buys up, sells down', () => {
    const fills = [
      fill({ id: 'F-a', side: 'buy', price: '40100.5', ts: new Date(t0 + 61_000).toISOString() }),
      fill({ id: 'F-b', side: 'sell', price: '40200', ts: new Date(t0 + 3 * 60_000 + 59_999).toISOString() }),
      fill({ id: 'F-early', ts: new Date(t0 - 1).toISOString() }),
      fill({ id: 'F-late', ts: new Date(t0 + 4 * 60_000).toISOString() }),
      fill({ id: 'F-eth', symbol: 'ETH/BTC', ts: new Date(t0).toISOString() }),
    ];
    expect(fillMarkers(fills as never, candles, 60_000, 'paper', 'BTC/USDT').map((m) => [m.name, m.value, m.symbolRotate])).toEqual([
      ['F-a', [1, 40100.5], 0],
      ['F-b', [3, 40200], 180],
    ]);
  });

  it("on a replay, leaves out fills from before it began playing (the candles before then are the file's history)", () => {
    const fills = [fill({ id: 'F-before', ts: new Date(t0 + 60_000 + 10).toISOString() }), fill({ id: 'F-after', ts: new Date(t0 + 2 * 60_000 + 10).toISOString() })];
    expect(fillMarkers(fills as never, candles, 60_000, 'paper', 'BTC/USDT', t0 + 2 * 60_000).map((m) => [m.name, m.value[0]])).toEqual([['F-after', 2]]);
  });
});

describe("the price pane's scale", () => {
  it('reaches an order line near the candles (within one candle range), not one far away; the candles keep their own scale otherwise', async () => {
    const { LineExtent } = await import('../../../../src-renderer/features/market/chart-lines.js');
    const extent = new LineExtent();
    const candles = { min: 40_000, max: 40_200 };
    extent.set(tradingLines([order({ price: '39900' }), order({ side: 'sell', price: '40100' })] as never, [], 'paper', 'BTC/USDT', 2));
    expect([extent.min(candles), extent.max(candles)]).toEqual([39_890, undefined]);
    extent.set(tradingLines([order({ price: '39000' }), order({ side: 'sell', price: '40350' })] as never, [], 'paper', 'BTC/USDT', 2));
    expect([extent.min(candles), extent.max(candles)]).toEqual([undefined, 40_360]);
    extent.set([]);
    expect([extent.min(candles), extent.max(candles)]).toEqual([undefined, undefined]);
  });
});
