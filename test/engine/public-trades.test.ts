/**
 * The market's recent public trades (issue 14: Binance's trades / aggTrades /
 * historicalTrades on the gateway): ids run on per account and symbol, memory
 * is a fixed ring, and a read takes the newest `limit` or runs on from an id
 * or a time.
 */
import { describe, expect, it } from 'vitest';
import { dec } from '../../src-main/engine/model/decimal.js';
import type { TradePrint } from '../../src-main/engine/ports/market-data.js';
import { PublicTrades } from '../../src-main/engine/public-trades.js';

const print = (symbol: string, ts: number, price = '100'): TradePrint => ({ symbol, price: dec(price), quantity: dec('1'), side: 'buy', ts });
const ids = (list: { id: number }[]) => list.map((t) => t.id);

describe('PublicTrades', () => {
  it('numbers each account and symbol from 1 on its own', () => {
    const p = new PublicTrades(5);
    expect([p.add('paper', print('BTC/USDT', 1)), p.add('paper', print('BTC/USDT', 2)), p.add('paper', print('ETH/USDT', 3)), p.add('live', print('BTC/USDT', 4))]).toEqual([1, 2, 1, 1]);
    expect(ids(p.list('paper', 'BTC/USDT', { limit: 10 }))).toEqual([1, 2]);
    expect(p.list('paper', 'SOL/USDT', { limit: 10 })).toEqual([]);
  });

  it('keeps the last `kept` prints (ids go on), the newest `limit` oldest first, from an id or a time on', () => {
    const p = new PublicTrades(5);
    for (let i = 1; i <= 12; i++) p.add('paper', print('BTC/USDT', i * 1000, String(100 + i)));
    // 12 prints, 5 kept: 8..12
    expect(ids(p.list('paper', 'BTC/USDT', { limit: 500 }))).toEqual([8, 9, 10, 11, 12]);
    expect(p.list('paper', 'BTC/USDT', { limit: 2 }).map((t) => [t.id, t.trade.price.toFixed(), t.trade.ts])).toEqual([
      [11, '111', 11_000],
      [12, '112', 12_000],
    ]);
    expect(ids(p.list('paper', 'BTC/USDT', { limit: 2, fromId: 9 }))).toEqual([9, 10]);
    // an id no longer kept starts at the oldest kept; one not yet given, nothing
    expect(ids(p.list('paper', 'BTC/USDT', { limit: 3, fromId: 1 }))).toEqual([8, 9, 10]);
    expect(p.list('paper', 'BTC/USDT', { limit: 3, fromId: 13 })).toEqual([]);
    // since (inclusive) runs on from there; until (exclusive) alone: the newest before it
    expect(ids(p.list('paper', 'BTC/USDT', { limit: 2, since: 9_000 }))).toEqual([9, 10]);
    expect(ids(p.list('paper', 'BTC/USDT', { limit: 10, since: 9_000, until: 11_000 }))).toEqual([9, 10]);
    expect(ids(p.list('paper', 'BTC/USDT', { limit: 2, until: 11_000 }))).toEqual([9, 10]);
  });
});
