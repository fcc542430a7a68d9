import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { reduction, validateOrderShape, valuationPrice } from '../../../src-main/engine/oms/order-validation.js';
import { instrumentSpec } from '../../helpers/fake-feed.js';
import { remaining } from '../../../src-main/engine/oms/order-lifecycle.js';

describe('order rules shared by the OMS and the risk checks', () => {
  it('reduction: an order shrinks a position only from the other side and for no more than it', () => {
    expect(reduction('sell', dec('1'), dec('2'))).toBe('shrinks');
    expect(reduction('sell', dec('2'), dec('2'))).toBe('shrinks');
    expect(reduction('sell', dec('3'), dec('2'))).toBe('flips');
    expect(reduction('buy', dec('1'), dec('2'))).toBe('grows');
    expect(reduction('buy', dec('1'), dec('-1'))).toBe('shrinks');
    expect(reduction('buy', dec('1'), dec('0'))).toBe('grows');
    expect(reduction('sell', dec('1'), dec('0'))).toBe('grows');
  });

  it('valuationPrice: the limit price, else the stop price, else the reference', () => {
    expect(valuationPrice({ price: dec('10'), stopPrice: dec('9') }, dec('8'))!.toFixed()).toBe('10');
    expect(valuationPrice({ price: null, stopPrice: dec('9') }, dec('8'))!.toFixed()).toBe('9');
    expect(valuationPrice({ price: null, stopPrice: null }, dec('8'))!.toFixed()).toBe('8');
    expect(valuationPrice({ price: null, stopPrice: null }, undefined)).toBeUndefined();
  });

  it('a take profit needs its stop_price; a take_profit_limit its price too, a take_profit_market none: each refusal names the field', () => {
    const spec = instrumentSpec('BTC/USDT');
    const shape = (type: 'take_profit_market' | 'take_profit_limit', price: string | null, stopPrice: string | null) => () =>
      validateOrderShape({ type, quantity: dec('1'), price: price ? dec(price) : null, stopPrice: stopPrice ? dec(stopPrice) : null, timeInForce: 'GTC', postOnly: false }, spec, dec('100'));
    const refusal = (f: () => void) => {
      try {
        f();
      } catch (err) {
        const e = err as { code: string; details?: { field?: string }; message: string };
        return [e.code, e.details?.field, e.message];
      }
      return null;
    };
    expect(refusal(shape('take_profit_market', null, null))).toEqual(['INVALID_ORDER', 'stop_price', 'a take_profit_market order needs a stop_price']);
    expect(refusal(shape('take_profit_market', '110', '110'))).toEqual(['INVALID_ORDER', 'price', 'a take_profit_market order takes no price']);
    expect(refusal(shape('take_profit_limit', null, '110'))).toEqual(['INVALID_ORDER', 'price', 'a take_profit_limit order needs a price']);
    expect(refusal(shape('take_profit_limit', '110', '110'))).toBeNull();
    expect(refusal(shape('take_profit_market', null, '110'))).toBeNull();
  });

  it('remaining: the quantity less what has filled', () => {
    expect(remaining({ quantity: dec('3'), filledQuantity: dec('0') }).toFixed()).toBe('3');
    expect(remaining({ quantity: dec('3'), filledQuantity: dec('1.25') }).toFixed()).toBe('1.75');
  });
});
