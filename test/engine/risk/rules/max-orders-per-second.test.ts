import { describe, expect, it } from 'vitest';
import type { RiskEngine } from '../../../../src-main/engine/risk/risk-engine.js';
import { SCOPES, context, harness, order, outcome, scopeOf } from '../risk-fixtures.js';

const T0 = Date.UTC(2022, 0, 5);

/** one order through the check and, when it passes, into the OMS, `ms` after T0 (the harness clock's time) */
function place(risk: RiskEngine, ms: number, p: Parameters<typeof order>[0] = {}) {
  const o = order(p);
  const ctx = context({ now: T0 + ms });
  return outcome(() => {
    risk.check(o, ctx);
    risk.onAccepted(o, ctx);
  });
}

describe.each(SCOPES)('max_orders_per_second set $name', ({ scope }) => {
  it('passes a burst up to the limit, refuses the next, and lets one more through after 1/rate seconds', () => {
    const { risk } = harness();
    risk.setLimits({ ...scope, limits: { max_orders_per_second: '5' } });
    for (let i = 0; i < 4; i++) expect(place(risk, 1000)).toBe('passed'); // below
    expect(place(risk, 1000)).toBe('passed'); // at
    expect(place(risk, 1000)).toMatchObject({ rule: 'max_orders_per_second', limit: '5', value: '6', scope: scopeOf(scope), retry_after_ms: 200 }); // above
    expect(place(risk, 1199)).toMatchObject({ rule: 'max_orders_per_second' });
    expect(place(risk, 1200)).toBe('passed');
    expect(place(risk, 1200)).toMatchObject({ rule: 'max_orders_per_second' });
  });
});

describe('max_orders_per_second', () => {
  it('a global bucket is shared by every account', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_orders_per_second: '2' } });
    expect(place(risk, 0, { account: 'a' })).toBe('passed');
    expect(place(risk, 0, { account: 'b' })).toBe('passed');
    expect(place(risk, 0, { account: 'c' })).toMatchObject({ rule: 'max_orders_per_second' });
  });

  it('an account bucket leaves other accounts alone', () => {
    const { risk } = harness();
    risk.setLimits({ account: 'paper', limits: { max_orders_per_second: '1' } });
    expect(place(risk, 0)).toBe('passed');
    expect(place(risk, 0)).toMatchObject({ rule: 'max_orders_per_second' });
    expect(place(risk, 0, { account: 'other' })).toBe('passed');
  });

  it('a refused order takes no token, and neither does an amendment', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_orders_per_second: '1', max_order_quantity: '1' } });
    expect(place(risk, 0, { quantity: '2' })).toMatchObject({ rule: 'max_order_quantity' });
    expect(place(risk, 0, { state: 'accepted' })).toBe('passed');
    expect(place(risk, 0)).toBe('passed');
  });

  it('a rate below one order per second lets one order through every 1/rate seconds', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_orders_per_second: '0.5' } });
    expect(place(risk, 0)).toBe('passed');
    expect(place(risk, 1999)).toMatchObject({ rule: 'max_orders_per_second' });
    expect(place(risk, 2000)).toBe('passed');
  });

  it('a changed limit starts a full bucket', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_orders_per_second: '1' } });
    expect(place(risk, 0)).toBe('passed');
    expect(place(risk, 0)).toMatchObject({ rule: 'max_orders_per_second' });
    risk.setLimits({ limits: { max_orders_per_second: '2' } });
    expect(place(risk, 0)).toBe('passed');
    expect(place(risk, 0)).toBe('passed');
    expect(place(risk, 0)).toMatchObject({ rule: 'max_orders_per_second' });
  });
});
