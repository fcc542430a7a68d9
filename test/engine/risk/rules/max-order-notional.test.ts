import { describe, expect, it } from 'vitest';
import { SCOPES, context, harness, order, outcome, scopeOf } from '../risk-fixtures.js';

describe.each(SCOPES)('max_order_notional set $name', ({ scope }) => {
  it('passes a notional at and just below the limit and refuses one just above', () => {
    const { risk } = harness();
    risk.setLimits({ ...scope, limits: { max_order_notional: '1000' } });
    expect(outcome(() => risk.check(order({ quantity: '10', price: '100' }), context()))).toBe('passed');
    expect(outcome(() => risk.check(order({ quantity: '9.999', price: '100' }), context()))).toBe('passed');
    expect(outcome(() => risk.check(order({ quantity: '10.001', price: '100' }), context()))).toMatchObject({
      rule: 'max_order_notional',
      limit: '1000',
      value: '1000.1',
      scope: scopeOf(scope),
    });
  });
});

describe('max_order_notional valuation', () => {
  it('values a market order at the mid', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_order_notional: '1000' } });
    expect(outcome(() => risk.check(order({ quantity: '5', price: null }), context({ mid: '200' })))).toBe('passed');
    expect(outcome(() => risk.check(order({ quantity: '5', price: null }), context({ mid: '200.01' })))).toMatchObject({ value: '1000.05' });
  });

  it('values a stop_market order at its stop price', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_order_notional: '1000' } });
    const stop = order({ type: 'stop_market', price: null, stopPrice: undefined, quantity: '5' });
    stop.stopPrice = stop.quantity.mul(0).add('201');
    expect(outcome(() => risk.check(stop, context({ mid: '100' })))).toMatchObject({ rule: 'max_order_notional', value: '1005' });
  });

  it('refuses a market order when there is no mid to value it at', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_order_notional: '1000' } });
    expect(outcome(() => risk.check(order({ quantity: '1', price: null }), context({ mid: null })))).toMatchObject({ rule: 'max_order_notional', value: null });
  });
});
