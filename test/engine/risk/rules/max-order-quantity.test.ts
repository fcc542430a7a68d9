import { describe, expect, it } from 'vitest';
import { SCOPES, context, harness, order, outcome, scopeOf } from '../risk-fixtures.js';

describe.each(SCOPES)('max_order_quantity set $name', ({ scope }) => {
  it('passes a quantity at and just below the limit and refuses one just above, naming the numbers', () => {
    const { risk } = harness();
    risk.setLimits({ ...scope, limits: { max_order_quantity: '2' } });
    expect(outcome(() => risk.check(order({ quantity: '2' }), context()))).toBe('passed');
    expect(outcome(() => risk.check(order({ quantity: '1.999' }), context()))).toBe('passed');
    expect(outcome(() => risk.check(order({ quantity: '2.001' }), context()))).toMatchObject({
      rule: 'max_order_quantity',
      limit: '2',
      value: '2.001',
      scope: scopeOf(scope),
    });
  });
});

describe('max_order_quantity scopes', () => {
  it('a limit on one account does not apply to another', () => {
    const { risk } = harness();
    risk.setLimits({ account: 'paper', limits: { max_order_quantity: '1' } });
    expect(outcome(() => risk.check(order({ account: 'live1', quantity: '5' }), context()))).toBe('passed');
  });

  it('a limit on one symbol does not apply to another symbol of the account', () => {
    const { risk } = harness();
    risk.setLimits({ account: 'paper', symbol: 'BTC/USDT', limits: { max_order_quantity: '1' } });
    expect(outcome(() => risk.check(order({ symbol: 'ETH/USDT', quantity: '5' }), context()))).toBe('passed');
  });

  it('applies to amendments: the new quantity is checked', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_order_quantity: '2' } });
    expect(outcome(() => risk.check(order({ state: 'accepted', quantity: '3' }), context()))).toMatchObject({ rule: 'max_order_quantity', value: '3' });
  });
});
