/** The per-strategy ledger: each strategy's own position by the portfolio's arithmetic, and whose shares a manual fill takes. */
import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import type { FillRecord } from '../../../src-main/engine/model/types.js';
import { StrategyLedger } from '../../../src-main/engine/portfolio/strategy-ledger.js';

let n = 0;
const fill = (side: 'buy' | 'sell', quantity: string, price: string, strategyId?: string, fee = '0.1'): FillRecord => ({
  id: `F${++n}`,
  orderId: `O${n}`,
  clientOrderId: `c${n}`,
  account: 'paper',
  symbol: 'BTC/USDT',
  side,
  quantity: dec(quantity),
  price: dec(price),
  fee: dec(fee),
  feeAsset: 'USDT',
  liquidity: 'taker',
  venueTradeId: `T${n}`,
  ts: n,
  ...(strategyId ? { strategyId } : {}),
});
const shares = (l: StrategyLedger, account: string) => l.owners('paper', 'BTC/USDT', dec(account)).map((o) => [o.strategyId, o.quantity.toFixed()]);

describe('StrategyLedger', () => {
  it('keeps a strategy’s own position, average price, realized PnL and fees from its own fills', () => {
    const l = new StrategyLedger();
    l.applyFill(fill('buy', '1', '100', 'a'), dec(0));
    l.applyFill(fill('buy', '1', '200', 'a'), dec(1));
    const [p] = l.applyFill(fill('sell', '0.5', '300', 'a'), dec(2));
    expect([p!.quantity.toFixed(), p!.averagePrice!.toFixed(), p!.realizedPnl.toFixed(), p!.feesPaid.toFixed()]).toEqual(['1.5', '150', '75', '0.3']);
    expect(l.unrealized(p!, dec(160)).toFixed()).toBe('15');
  });

  it('a manual fill that reduces takes the trader’s share first, then strategies in id order; its fee stays with the trader', () => {
    const l = new StrategyLedger();
    l.applyFill(fill('buy', '1', '100', 'b'), dec(2)); // trader holds 2 before
    l.applyFill(fill('buy', '1', '100', 'a'), dec(3));
    expect(shares(l, '4')).toEqual([[null, '2'], ['a', '1'], ['b', '1']]);
    expect(l.allocate('paper', 'BTC/USDT', dec(4), 'sell', dec('3.5')).map((o) => [o.strategyId, o.quantity.toFixed()])).toEqual([[null, '2'], ['a', '1'], ['b', '0.5']]);
    const changed = l.applyFill(fill('sell', '3.5', '110', undefined, '9'), dec(4));
    expect(changed.map((p) => [p.strategyId, p.quantity.toFixed(), p.realizedPnl.toFixed(), p.feesPaid.toFixed()])).toEqual([['a', '0', '10', '0.1'], ['b', '0.5', '5', '0.1']]);
    // a manual buy, or a sale beyond everyone's shares, is the trader's alone
    expect(l.allocate('paper', 'BTC/USDT', dec('0.5'), 'buy', dec(1))).toEqual([]);
    expect(l.allocate('paper', 'BTC/USDT', dec('0.5'), 'sell', dec(2)).map((o) => [o.strategyId, o.quantity.toFixed()])).toEqual([[null, '1.5'], ['b', '0.5']]);
  });

  it('forgets an account on reset', () => {
    const l = new StrategyLedger();
    l.applyFill(fill('buy', '1', '100', 'a'), dec(0));
    l.clearAccount('paper');
    expect(l.list()).toEqual([]);
  });
});
