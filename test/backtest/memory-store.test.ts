import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src-main/backtest/memory-store.js';
import { Decimal } from '../../src-main/engine/model/decimal.js';
import type { FillRecord, OrderRecord } from '../../src-main/engine/model/types.js';

const d = (x: string) => new Decimal(x);
function order(id: string, state: OrderRecord['state'], account = 'a'): OrderRecord {
  return { id, clientOrderId: `c-${id}`, account, symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: d('1'), price: d('1'), stopPrice: null, timeInForce: 'GTC', postOnly: false, reduceOnly: false, state, previousState: null, filledQuantity: d('0'), averagePrice: null, fees: d('0'), rejectReason: null, venueOrderId: null, createdAt: 1, updatedAt: 1 };
}
function fill(id: string, account = 'a'): FillRecord {
  return { id, orderId: 'o', clientOrderId: 'c', account, symbol: 'BTC/USDT', side: 'buy', quantity: d('1'), price: d('1'), fee: d('0'), feeAsset: 'USDT', liquidity: 'taker', venueTradeId: id, ts: 1 };
}

describe('the in-memory store of a backtest', () => {
  it('projects journal entries as the SQLite store does: orders by id or client id, open and closed, newest first', () => {
    const s = new MemoryStore({ keepJournal: true });
    s.record({ type: 'order', event: 'initialize', order: order('1', 'initialized') });
    s.record({ type: 'order', event: 'initialize', order: order('2', 'initialized') });
    s.record({ type: 'order', event: 'fill', order: order('1', 'filled') });
    expect(s.pending).toBe(3);
    s.commit();
    expect(s.pending).toBe(0);
    expect(s.journalSeq).toBe(3);
    expect(s.journal).toHaveLength(3);
    expect(s.getOrder('c-1')?.state).toBe('filled');
    expect(s.loadActiveOrders().map((o) => o.id)).toEqual(['2']);
    expect(s.queryOrders({ status: 'all', limit: 10 }).map((o) => o.id)).toEqual(['2', '1']);
    expect(s.queryOrders({ status: 'closed', limit: 10 }).map((o) => o.id)).toEqual(['1']);
  });

  it('keeps fills in order and forgets an account’s orders, fills and positions at a reset', () => {
    const s = new MemoryStore();
    s.record({ type: 'fill', fill: fill('f1') });
    s.record({ type: 'fill', fill: fill('f2', 'b') });
    s.record({ type: 'order', event: 'initialize', order: order('1', 'accepted') });
    s.record({ type: 'setting', name: 'x', value: { a: 1 }, ts: 1 });
    expect([...s.allFills()].map((f) => f.id)).toEqual(['f1', 'f2']);
    expect(s.queryFills({ limit: 1 }).map((f) => f.id)).toEqual(['f2']);
    const position = (account: string, symbol: string) => ({ account, symbol, quantity: d('1') }) as never;
    s.record({ type: 'position', position: position('a', 'BTC/USDT') });
    s.record({ type: 'position', position: position('b', 'BTC/USDT') });
    s.record({ type: 'position', position: position('a', 'ETH/USDT') });
    s.record({ type: 'strategy_position', position: { ...(position('a', 'BTC/USDT') as object), strategyId: 's1' } as never });
    s.record({ type: 'strategy_position', position: { ...(position('b', 'BTC/USDT') as object), strategyId: 's1' } as never });
    expect(s.loadPositions().map((p) => `${p.account} ${p.symbol}`)).toEqual(['a BTC/USDT', 'a ETH/USDT', 'b BTC/USDT']);
    expect(s.loadStrategyPositions()).toHaveLength(2);
    s.record({ type: 'account_reset', account: 'a', ts: 2 });
    expect(s.loadPositions().map((p) => `${p.account} ${p.symbol}`)).toEqual(['b BTC/USDT']);
    expect(s.loadStrategyPositions().map((p) => p.account)).toEqual(['b']);
    expect([...s.allFills()].map((f) => f.id)).toEqual(['f2']);
    expect(s.getOrder('1')).toBeUndefined();
    expect(s.loadSetting('x')).toEqual({ a: 1 });
  });
});
