import { describe, expect, it } from 'vitest';
import { SCOPES, context, harness, order, outcome, scopeOf } from '../risk-fixtures.js';

describe.each(SCOPES)('price_band_pct set $name', ({ scope }) => {
  it('passes a limit price at and just inside the band around the mid and refuses one just outside, on both sides', () => {
    const { risk } = harness();
    risk.setLimits({ ...scope, limits: { price_band_pct: '5' } });
    const mid = context({ mid: '100' });
    expect(outcome(() => risk.check(order({ price: '105' }), mid))).toBe('passed');
    expect(outcome(() => risk.check(order({ price: '95' }), mid))).toBe('passed');
    expect(outcome(() => risk.check(order({ price: '104.99' }), mid))).toBe('passed');
    expect(outcome(() => risk.check(order({ price: '105.01' }), mid))).toMatchObject({
      rule: 'price_band_pct',
      limit: '5',
      value: '5.01',
      mid: '100',
      scope: scopeOf(scope),
    });
    expect(outcome(() => risk.check(order({ side: 'sell', price: '94.99' }), mid))).toMatchObject({ rule: 'price_band_pct', value: '5.01' });
  });
});

describe('price_band_pct', () => {
  it('does not concern a market order', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { price_band_pct: '0' } });
    expect(outcome(() => risk.check(order({ price: null }), context({ mid: '100' })))).toBe('passed');
  });

  it('refuses a limit order when there is no mid to compare its price to', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { price_band_pct: '5' } });
    expect(outcome(() => risk.check(order({ price: '100' }), context({ mid: null })))).toMatchObject({ rule: 'price_band_pct', value: null });
  });

  it('compares exactly: a price a hair outside the band is refused', () => {
    const { risk } = harness();
    risk.setLimits({ limits: { price_band_pct: '1' } });
    expect(outcome(() => risk.check(order({ price: '30303.03' }), context({ mid: '30000.0000001' })))).toMatchObject({ rule: 'price_band_pct' });
    expect(outcome(() => risk.check(order({ price: '30300' }), context({ mid: '30000' })))).toBe('passed');
  });
});
