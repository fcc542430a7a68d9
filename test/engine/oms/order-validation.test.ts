import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { reduction, valuationPrice } from '../../../src-main/engine/oms/order-validation.js';
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

  it('remaining: the quantity less what has filled', () => {
    expect(remaining({ quantity: dec('3'), filledQuantity: dec('0') }).toFixed()).toBe('3');
    expect(remaining({ quantity: dec('3'), filledQuantity: dec('1.25') }).toFixed()).toBe('1.75');
  });
});
