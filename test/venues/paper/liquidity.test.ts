import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import type { BookSnapshot } from '../../../src-main/engine/ports/market-data.js';
import { ConsumedLiquidity } from '../../../src-main/venues/paper/liquidity.js';

function book(ts: number): BookSnapshot {
  return { symbol: 'BTC/USDT', ts, bids: [[dec('99'), dec('1')]], asks: [[dec('100'), dec('1')], [dec('101'), dec('2')]] };
}
const show = (l: ReturnType<ConsumedLiquidity['residual']>) => l.map(([p, q]) => `${q.toFixed()}@${p.toFixed()}`);

describe('ConsumedLiquidity', () => {
  it('what we took from a snapshot is gone from it; emptied levels disappear', () => {
    const c = new ConsumedLiquidity();
    const b = book(1);
    c.consume(b, 'asks', dec('100'), dec('1'));
    c.consume(b, 'asks', dec('101'), dec('0.5'));
    expect(show(c.residual(b, 'asks'))).toEqual(['1.5@101']);
    expect(show(c.residual(b, 'bids'))).toEqual(['1@99']);
  });

  it('a copy of the same snapshot (same ts) remembers; another ts or forget gives it all back', () => {
    const c = new ConsumedLiquidity();
    c.consume(book(1), 'asks', dec('100'), dec('1'));
    expect(show(c.residual(book(1), 'asks'))).toEqual(['2@101']);
    expect(show(c.residual(book(2), 'asks'))).toEqual(['1@100', '2@101']);
    c.consume(book(3), 'asks', dec('100'), dec('1'));
    c.forget('BTC/USDT');
    expect(show(c.residual(book(3), 'asks'))).toEqual(['1@100', '2@101']);
  });
});
