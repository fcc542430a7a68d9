import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { notionalFault, priceFault, quantityFault } from '../../../src-main/engine/model/instrument-rules.js';
import type { InstrumentSpec } from '../../../src-main/engine/model/types.js';

const SPEC: InstrumentSpec = {
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  priceIncrement: dec('0.01'),
  sizeIncrement: dec('0.0001'),
  minQuantity: dec('0.001'),
  minNotional: dec('5'),
  makerFee: dec('0.001'),
  takerFee: dec('0.002'),
};

const plain = (fault: ReturnType<typeof quantityFault>) => fault && { rule: fault.rule, limit: fault.limit.toFixed(), value: fault.value.toFixed() };

describe('instrument rules (shared by the OMS and the simulated venues)', () => {
  it('passes terms on the filters', () => {
    expect(quantityFault(dec('0.0015'), SPEC)).toBeUndefined();
    expect(priceFault(dec('100.01'), SPEC)).toBeUndefined();
    expect(notionalFault(dec('0.05'), dec('100'), SPEC)).toBeUndefined();
  });

  it('names the rule a quantity breaks, the minimum first', () => {
    expect(plain(quantityFault(dec('0.0009'), SPEC))).toEqual({ rule: 'min_quantity', limit: '0.001', value: '0.0009' });
    expect(plain(quantityFault(dec('0.00095'), SPEC))).toEqual({ rule: 'min_quantity', limit: '0.001', value: '0.00095' });
    expect(plain(quantityFault(dec('0.00105'), SPEC))).toEqual({ rule: 'size_increment', limit: '0.0001', value: '0.00105' });
  });

  it('names a price off the increment', () => {
    expect(plain(priceFault(dec('100.001'), SPEC))).toEqual({ rule: 'price_increment', limit: '0.01', value: '100.001' });
  });

  it('values the order at the given price for the minimum notional', () => {
    expect(plain(notionalFault(dec('0.04'), dec('100'), SPEC))).toEqual({ rule: 'min_notional', limit: '5', value: '4' });
    expect(notionalFault(dec('0.05'), dec('100'), SPEC)).toBeUndefined();
  });
});
