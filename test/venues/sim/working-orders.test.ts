import { describe, expect, it } from 'vitest';
import { dec, ZERO } from '../../../src-main/engine/model/decimal.js';
import type { PaperOrder } from '../../../src-main/venues/sim/sim-order.js';
import { WorkingOrders } from '../../../src-main/venues/sim/working-orders.js';

let n = 0;
function order(o: Partial<PaperOrder>): PaperOrder {
  n += 1;
  return {
    clientOrderId: `c${n}`,
    venueOrderId: `P${n}`,
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'limit',
    quantity: dec('1'),
    filledQuantity: ZERO,
    price: dec('100'),
    stopPrice: null,
    timeInForce: 'GTC',
    postOnly: false,
    triggered: false,
    seq: n,
    ...o,
  };
}

describe('WorkingOrders', () => {
  it('lists resting limits best price first, then by time; buys before sells', () => {
    const w = new WorkingOrders();
    const a = order({ price: dec('100') });
    const b = order({ price: dec('101') });
    const c = order({ price: dec('100') });
    const s1 = order({ side: 'sell', price: dec('105') });
    const s2 = order({ side: 'sell', price: dec('104') });
    const stop = order({ type: 'stop_limit', stopPrice: dec('110') });
    for (const o of [a, b, c, s1, s2, stop]) w.add(o);
    expect(w.restingLimits('BTC/USDT').map((o) => o.clientOrderId)).toEqual([b, a, c, s2, s1].map((o) => o.clientOrderId));
    expect(w.pendingStops('BTC/USDT')).toEqual([stop]);
  });

  it('finds an open order by venue id or by client id, and tells closed from unknown', () => {
    const w = new WorkingOrders();
    const a = order({});
    w.add(a);
    expect(w.find({ clientOrderId: a.clientOrderId, venueOrderId: null, symbol: 'BTC/USDT' })).toEqual({ order: a });
    expect(w.find({ clientOrderId: 'other', venueOrderId: a.venueOrderId, symbol: 'BTC/USDT' })).toBeUndefined();
    w.close(a, 'filled');
    expect(w.find({ clientOrderId: a.clientOrderId, venueOrderId: a.venueOrderId, symbol: 'BTC/USDT' })).toEqual({ closed: 'filled' });
    expect(w.knowsClientOrderId(a.clientOrderId)).toBe(true);
  });

  it('files a stop that triggered among the resting limits once reindexed, and a repriced limit at its new place', () => {
    const w = new WorkingOrders();
    const stop = order({ type: 'stop_limit', price: dec('100'), stopPrice: dec('110') });
    const a = order({ price: dec('99') });
    const b = order({ price: dec('98') });
    for (const o of [stop, a, b]) w.add(o);
    expect(w.reachedStops('BTC/USDT', dec('109'))).toEqual([]);
    expect(w.reachedStops('BTC/USDT', dec('110'))).toEqual([stop]);
    stop.triggered = true;
    w.reindex(stop);
    expect(w.pendingStops('BTC/USDT')).toEqual([]);
    expect(w.restingLimits('BTC/USDT')).toEqual([stop, a, b]);
    b.price = dec('101');
    b.seq = 100;
    w.reindex(b);
    expect(w.crossingLimits('BTC/USDT', 'buy', (p) => p.gte(100))).toEqual([b, stop]);
    w.close(b, 'canceled');
    expect(w.crossingLimits('BTC/USDT', 'buy', (p) => p.gte(100))).toEqual([stop]);
    expect(w.crossingLimits('BTC/USDT', 'sell', () => true)).toEqual([]);
  });

  it('remembers the last 10,000 closed orders, forgetting the oldest first, and again after a clear', () => {
    const w = new WorkingOrders();
    const one = dec('1');
    const price = dec('100');
    // market orders: closed without ever resting, so no price queue is touched
    const closeMany = (count: number) =>
      Array.from({ length: count }, () => {
        const o = order({ type: 'market', quantity: one, price });
        w.close(o, 'canceled');
        return o;
      });
    const ref = (o: PaperOrder) => ({ clientOrderId: o.clientOrderId, venueOrderId: o.venueOrderId, symbol: o.symbol });
    for (const round of [0, 1]) {
      if (round) w.clear();
      const closed = closeMany(10_000 + 2_500);
      const forgotten = closed.slice(0, 2_500).filter((o) => w.find(ref(o)) !== undefined || w.knowsClientOrderId(o.clientOrderId));
      expect(forgotten).toEqual([]);
      const remembered = closed.slice(2_500).filter((o) => (w.find(ref(o)) as { closed?: string } | undefined)?.closed === 'canceled');
      expect(remembered).toHaveLength(10_000);
    }
  });
});
