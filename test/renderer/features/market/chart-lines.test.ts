import { describe, expect, it } from 'vitest';
import { tradingLines } from '../../../../src-renderer/features/market/chart-lines.js';
import { order } from '../../helpers/fake-client.js';

const position = (patch: Record<string, unknown>) => ({ account: 'paper', symbol: 'BTC/USDT', quantity: '0.02', average_price: '40123.456789', realized_pnl: '0', unrealized_pnl: '12.3456', mark_price: '40740', ...patch });

describe('order and position lines on the chart', () => {
  it('draws each open order of the market at its price, labeled with side, quantity left and type; the position at its average entry with PnL', () => {
    const orders = [
      order({ id: 'O-buy', price: '39000', quantity: '0.05', filled_quantity: '0.01' }),
      order({ id: 'O-stop', side: 'sell', type: 'stop_market', price: null, stop_price: '38000.5', quantity: '0.02' }),
      order({ id: 'O-done', status: 'filled' }),
      order({ id: 'O-other', symbol: 'ETH/BTC' }),
    ];
    const lines = tradingLines(orders as never, [position({})] as never, 'paper', 'BTC/USDT', 2);
    expect(lines.map((l) => [l.name, l.yAxis, l.label.formatter])).toEqual([
      ['O-buy', 39000, 'BUY 0.04 LMT 39,000.00'],
      ['O-stop', 38000.5, 'SELL 0.02 STP 38,000.50'],
      ['position', 40123.456789, 'LONG 0.02 @ 40,123.46 · PnL +12.35'],
    ]);
  });

  it('draws no position line while flat', () => {
    expect(tradingLines([], [position({ quantity: '0', average_price: null })] as never, 'paper', 'BTC/USDT', 2)).toEqual([]);
  });
});
