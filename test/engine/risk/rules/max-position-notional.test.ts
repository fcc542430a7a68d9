import { describe, expect, it } from 'vitest';
import { SCOPES, context, harness, order, outcome, scopeOf } from '../risk-fixtures.js';

describe.each(SCOPES)('max_position_notional set $name', ({ scope }) => {
  it('weighs the position after the order fills: at and just below pass, just above is refused', () => {
    const { risk } = harness();
    risk.setLimits({ ...scope, limits: { max_position_notional: '1000' } });
    const long5 = context({ position: '5' });
    expect(outcome(() => risk.check(order({ quantity: '5', price: '100' }), long5))).toBe('passed');
    expect(outcome(() => risk.check(order({ quantity: '4.999', price: '100' }), long5))).toBe('passed');
    expect(outcome(() => risk.check(order({ quantity: '5.001', price: '100' }), long5))).toMatchObject({
      rule: 'max_position_notional',
      limit: '1000',
      value: '1000.1',
      scope: scopeOf(scope),
      position_after: '10.001',
    });
  });
});

describe('max_position_notional', () => {
  it('never refuses an order that makes the position smaller, even above the limit', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_position_notional: '1000' } });
    expect(outcome(() => risk.check(order({ side: 'sell', quantity: '1', price: '100' }), context({ position: '20' })))).toBe('passed');
  });

  it('weighs a flip by the new position on the other side', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_position_notional: '1000' } });
    expect(outcome(() => risk.check(order({ side: 'sell', quantity: '15', price: '100' }), context({ position: '5' })))).toBe('passed');
    expect(outcome(() => risk.check(order({ side: 'sell', quantity: '15.01', price: '100' }), context({ position: '5' })))).toMatchObject({
      value: '1001',
      position_after: '-10.01',
    });
  });

  it('values a market order at the mid', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_position_notional: '1000' } });
    expect(outcome(() => risk.check(order({ quantity: '4', price: null }), context({ position: '1', mid: '200' })))).toBe('passed');
    expect(outcome(() => risk.check(order({ quantity: '4.01', price: null }), context({ position: '1', mid: '200' })))).toMatchObject({ value: '1002' });
  });
});
