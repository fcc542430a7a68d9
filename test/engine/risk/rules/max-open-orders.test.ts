import { describe, expect, it } from 'vitest';
import { SCOPES, context, harness, order, outcome, scopeOf } from '../risk-fixtures.js';

describe.each(SCOPES)('max_open_orders set $name', ({ scope }) => {
  it('counts this order with the working ones: at and below the limit pass, one more is refused', () => {
    const { risk, open } = harness();
    risk.setLimits({ ...scope, limits: { max_open_orders: '5' } });
    open.count = 4;
    expect(outcome(() => risk.check(order(), context()))).toBe('passed');
    open.count = 3;
    expect(outcome(() => risk.check(order(), context()))).toBe('passed');
    open.count = 5;
    expect(outcome(() => risk.check(order(), context()))).toMatchObject({ rule: 'max_open_orders', limit: '5', value: '6', scope: scopeOf(scope) });
  });
});

describe('max_open_orders', () => {
  it('counts the working orders in the scope that sets the limit', () => {
    const { risk } = harness({ openOrders: (account, symbol) => (account === undefined ? 100 : symbol === undefined ? 7 : 2) });
    risk.setLimits({ limits: { max_open_orders: '100' } });
    expect(outcome(() => risk.check(order(), context()))).toMatchObject({ value: '101' });
    risk.setLimits({ account: 'paper', limits: { max_open_orders: '7' } });
    expect(outcome(() => risk.check(order(), context()))).toMatchObject({ value: '8', scope: { account: 'paper', symbol: null } });
    risk.setLimits({ account: 'paper', symbol: 'BTC/USDT', limits: { max_open_orders: '3' } });
    expect(outcome(() => risk.check(order(), context()))).toBe('passed');
  });

  it('never refuses an amendment: it adds no order', () => {
    const { risk, open } = harness();
    risk.setLimits({ limits: { max_open_orders: '1' } });
    open.count = 3;
    expect(outcome(() => risk.check(order({ state: 'accepted' }), context()))).toBe('passed');
  });
});
