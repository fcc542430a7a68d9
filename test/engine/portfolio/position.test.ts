import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, str } from '../../../src-main/engine/model/decimal.js';
import type { FillRecord } from '../../../src-main/engine/model/types.js';
import { applyFill, emptyPosition, positionsFromFills, unrealizedPnl } from '../../../src-main/engine/portfolio/position.js';

let n = 0;
const fill = (side: 'buy' | 'sell', quantity: string, price: string, fee = '0'): FillRecord => ({
  id: `F${++n}`,
  orderId: 'O',
  clientOrderId: 'c',
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
});

const fold = (...fills: FillRecord[]) => fills.reduce(applyFill, emptyPosition('paper', 'BTC/USDT', 0));

describe('position from fills (average cost)', () => {
  it('buys average their prices', () => {
    const p = fold(fill('buy', '1', '100'), fill('buy', '3', '200'));
    expect(str(p.quantity)).toBe('4');
    expect(str(p.averagePrice!)).toBe('175');
  });

  it('a sell realizes PnL at the average and keeps the average', () => {
    const p = fold(fill('buy', '2', '100'), fill('sell', '0.5', '130', '0.1'));
    expect(str(p.quantity)).toBe('1.5');
    expect(str(p.averagePrice!)).toBe('100');
    expect(str(p.realizedPnl)).toBe('15');
    expect(str(p.feesPaid)).toBe('0.1');
  });

  it('closing to zero clears the average', () => {
    const p = fold(fill('buy', '1', '100'), fill('sell', '1', '90'));
    expect(p.quantity.isZero()).toBe(true);
    expect(p.averagePrice).toBeNull();
    expect(str(p.realizedPnl)).toBe('-10');
  });

  it('a fill through zero flips the position at the fill price', () => {
    const p = fold(fill('buy', '1', '100'), fill('sell', '3', '110'));
    expect(str(p.quantity)).toBe('-2');
    expect(str(p.averagePrice!)).toBe('110');
    expect(str(p.realizedPnl)).toBe('10');
  });

  it('shorts gain when the price falls', () => {
    const p = fold(fill('sell', '2', '100'), fill('buy', '1', '80'));
    expect(str(p.realizedPnl)).toBe('20');
    expect(str(unrealizedPnl(p, dec('90')))).toBe('10');
  });

  it('quantity is always the signed sum of fills, and realized + unrealized equals cash flow at any mark', () => {
    const arbFill = fc.record({
      side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      q: fc.integer({ min: 1, max: 1000 }),
      p: fc.integer({ min: 1, max: 100000 }),
    });
    fc.assert(
      fc.property(fc.array(arbFill, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 100000 }), (raw, markRaw) => {
        const fills = raw.map((f) => fill(f.side, (f.q / 100).toString(), (f.p / 10).toString()));
        const p = positionsFromFills(fills).get('paper\u0000BTC/USDT')!;
        const signed = fills.reduce((s, f) => (f.side === 'buy' ? s.add(f.quantity) : s.sub(f.quantity)), dec(0));
        expect(str(p.quantity)).toBe(str(signed));
        const mark = dec(markRaw / 10);
        // cash flow: −Σ buys + Σ sells + position × mark
        const cash = fills.reduce((s, f) => (f.side === 'buy' ? s.sub(f.quantity.mul(f.price)) : s.add(f.quantity.mul(f.price))), dec(0));
        const total = cash.add(p.quantity.mul(mark));
        const pnl = p.realizedPnl.add(p.quantity.isZero() ? dec(0) : unrealizedPnl(p, mark));
        expect(pnl.sub(total).abs().lt(dec('1e-20'))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
