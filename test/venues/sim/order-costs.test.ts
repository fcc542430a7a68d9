import { describe, expect, it } from 'vitest';
import { dec, ZERO } from '../../../src-main/engine/model/decimal.js';
import { lockFor, takerBuyCost } from '../../../src-main/venues/sim/order-costs.js';
import type { PaperOrder } from '../../../src-main/venues/sim/sim-order.js';
import { instrumentSpec } from '../../helpers/fake-feed.js';

const spec = instrumentSpec('BTC/USDT', { makerFee: '0.001', takerFee: '0.002' });
function order(o: Partial<PaperOrder>): PaperOrder {
  return {
    clientOrderId: 'c',
    venueOrderId: 'P',
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'limit',
    quantity: dec('2'),
    filledQuantity: ZERO,
    price: dec('100'),
    stopPrice: null,
    timeInForce: 'GTC',
    postOnly: false,
    triggered: false,
    seq: 1,
    ...o,
  };
}
const show = (l: { asset: string; amount: { toFixed(): string } }) => `${l.amount.toFixed()} ${l.asset}`;

describe('lockFor', () => {
  it('a buy limit locks remaining × price × (1 + the worse of maker and taker fee)', () => {
    expect(show(lockFor(order({ filledQuantity: dec('0.5') }), spec))).toBe('150.3 USDT');
  });
  it('a stop_limit locks like a limit at its limit price', () => {
    expect(show(lockFor(order({ type: 'stop_limit', stopPrice: dec('90'), price: dec('95') }), spec))).toBe('190.38 USDT');
  });
  it('a stop_market buy locks quantity × stop price × (1 + taker fee)', () => {
    expect(show(lockFor(order({ type: 'stop_market', price: null, stopPrice: dec('105') }), spec))).toBe('210.42 USDT');
  });
  it('a sell locks its remaining base', () => {
    expect(show(lockFor(order({ side: 'sell', filledQuantity: dec('0.25') }), spec))).toBe('1.75 BTC');
  });
});

describe('takerBuyCost', () => {
  it('is the notional of the fills plus the taker fee on each', () => {
    const cost = takerBuyCost([{ price: dec('100'), quantity: dec('1') }, { price: dec('101'), quantity: dec('1.5') }], spec);
    expect(cost.toFixed()).toBe('252.003');
  });
});
