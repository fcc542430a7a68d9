import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { VenueRejection, type VenueOrderRequest } from '../../../src-main/engine/ports/venue.js';
import { checkNotional, checkOrderRequest, checkPrice, checkQuantity } from '../../../src-main/venues/sim/order-checks.js';
import { instrumentSpec } from '../../helpers/fake-feed.js';

const SPEC = instrumentSpec('BTC/USDT', { priceIncrement: '0.01', sizeIncrement: '0.0001', minQuantity: '0.001', minNotional: '5' });

function refusal(check: () => void): string {
  try {
    check();
  } catch (e) {
    expect(e).toBeInstanceOf(VenueRejection);
    return (e as Error).message;
  }
  throw new Error('not refused');
}

const request = (o: Partial<VenueOrderRequest>): VenueOrderRequest =>
  ({ clientOrderId: 'c1', symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: dec('0.1'), price: dec('100'), stopPrice: null, timeInForce: 'GTC', postOnly: false, reduceOnly: false, ...o });

describe('the simulated venue refuses, on its own, terms off the instrument filters', () => {
  it('names each filter in its own words', () => {
    expect(refusal(() => checkQuantity(dec('0'), SPEC))).toBe('quantity must be positive, got 0');
    expect(refusal(() => checkQuantity(dec('0.0009'), SPEC))).toBe('quantity 0.0009 is below the minimum quantity 0.001 of BTC/USDT');
    expect(refusal(() => checkQuantity(dec('0.00105'), SPEC))).toBe('quantity 0.00105 is not a multiple of the size increment 0.0001 of BTC/USDT');
    expect(refusal(() => checkPrice('stop price', dec('100.001'), SPEC))).toBe('stop price 100.001 is not a multiple of the price increment 0.01 of BTC/USDT');
    expect(refusal(() => checkPrice('price', dec('-1'), SPEC))).toBe('price must be positive, got -1');
    expect(refusal(() => checkNotional(dec('0.04'), dec('100'), SPEC))).toBe(
      'notional 4 (quantity 0.04 × price 100) is below the minimum notional 5 of BTC/USDT',
    );
  });

  it('values a stop order at its stop price and leaves a market order’s notional unchecked', () => {
    expect(refusal(() => checkOrderRequest(request({ type: 'stop_market', price: null, stopPrice: dec('100'), quantity: dec('0.04') }), SPEC))).toBe(
      'notional 4 (quantity 0.04 × price 100) is below the minimum notional 5 of BTC/USDT',
    );
    expect(() => checkOrderRequest(request({ type: 'market', price: null, quantity: dec('0.001') }), SPEC)).not.toThrow();
  });
});
