import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decimal, ZERO, dec } from '../../../src-main/engine/model/decimal.js';
import type { Side } from '../../../src-main/engine/model/types.js';
import type { WorkingOrders } from '../../../src-main/engine/risk/trading-state.js';
import { context, harness, order, outcome } from './risk-fixtures.js';

describe('HALTED', () => {
  it('refuses every order, reduce-only and position-shrinking ones included, naming trading_state', () => {
    const { risk } = harness();
    risk.setState('HALTED', 'desk closed');
    const long = context({ position: '2' });
    for (const o of [order(), order({ side: 'sell', quantity: '1' }), order({ side: 'sell', quantity: '1', reduceOnly: true, price: null })]) {
      expect(outcome(() => risk.check(o, long))).toMatchObject({ rule: 'trading_state', state: 'HALTED', reason: 'desk closed' });
    }
  });

  it('refuses amendments too', () => {
    const { risk } = harness();
    risk.setState('HALTED', 'desk closed');
    expect(outcome(() => risk.check(order({ state: 'accepted', side: 'sell' }), context({ position: '2' })))).toMatchObject({ rule: 'trading_state' });
  });

  it("passes the kill switch's own orders, past every limit", () => {
    const { risk } = harness();
    risk.setLimits({ limits: { max_order_quantity: '0.1', max_orders_per_second: '1' } });
    risk.setState('HALTED', 'kill switch');
    const close = order({ side: 'sell', quantity: '2', reduceOnly: true, price: null });
    expect(outcome(() => risk.check(close, context({ position: '2', fromKillSwitch: true })))).toBe('passed');
  });
});

describe('REDUCING', () => {
  it('passes a sell no larger than a long and a buy no larger than a short', () => {
    const { risk } = harness();
    risk.setState('REDUCING', 'wind down');
    expect(outcome(() => risk.check(order({ side: 'sell', quantity: '2' }), context({ position: '2' })))).toBe('passed');
    expect(outcome(() => risk.check(order({ side: 'buy', quantity: '1' }), context({ position: '-2' })))).toBe('passed');
  });

  it('refuses an order that would grow the position, or open one', () => {
    const { risk } = harness();
    risk.setState('REDUCING', 'wind down');
    expect(outcome(() => risk.check(order({ side: 'buy' }), context({ position: '2' })))).toMatchObject({ rule: 'trading_state', state: 'REDUCING', position: '2' });
    expect(outcome(() => risk.check(order({ side: 'sell' }), context({ position: '0' })))).toMatchObject({ rule: 'trading_state' });
  });

  it('refuses an order that would flip the position', () => {
    const { risk } = harness();
    risk.setState('REDUCING', 'wind down');
    expect(outcome(() => risk.check(order({ side: 'sell', quantity: '2.001' }), context({ position: '2' })))).toMatchObject({ rule: 'trading_state', value: '2.001' });
  });

  it('passes a stop loss and a take profit, each reduce-only for the whole position', () => {
    const working = { reduceOnly: dec(2), other: ZERO };
    const { risk } = harness({ workingOrders: () => working });
    risk.setState('REDUCING', 'wind down');
    expect(outcome(() => risk.check(order({ side: 'sell', quantity: '2', reduceOnly: true }), context({ position: '2' })))).toBe('passed');
  });

  it('weighs the orders already working: together with them a plain order must not exceed the position', () => {
    const working = { reduceOnly: dec(1), other: dec('0.5') };
    const { risk } = harness({ workingOrders: () => working });
    risk.setState('REDUCING', 'wind down');
    expect(outcome(() => risk.check(order({ side: 'sell', quantity: '0.5' }), context({ position: '2' })))).toBe('passed');
    expect(outcome(() => risk.check(order({ side: 'sell', quantity: '0.6' }), context({ position: '2' })))).toMatchObject({ rule: 'trading_state', working: '1.5', value: '2.1' });
    // a reduce-only order is weighed with them as soon as a plain one works
    expect(outcome(() => risk.check(order({ side: 'sell', quantity: '0.6', reduceOnly: true }), context({ position: '2' })))).toMatchObject({ rule: 'trading_state' });
  });

  it('leaves ACTIVE untouched: growing a position passes there', () => {
    const { risk } = harness();
    expect(outcome(() => risk.check(order({ side: 'buy', quantity: '5' }), context({ position: '2' })))).toBe('passed');
  });
});

describe('REDUCING, over random order sequences', () => {
  type Working = { id: string; side: Side; remaining: Decimal; reduceOnly: boolean };
  const command = fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('place' as const), side: fc.constantFrom<Side>('buy', 'sell'), qty: fc.integer({ min: 1, max: 8 }), reduceOnly: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('fill' as const), pick: fc.nat(), qty: fc.integer({ min: 1, max: 8 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  );

  it('never lets a position grow or flip, however the working orders fill', () => {
    fc.assert(
      fc.property(fc.integer({ min: -12, max: 12 }).filter((n) => n !== 0), fc.array(command, { minLength: 5, maxLength: 60, size: 'max' }), (start, commands) => {
        let position = dec(start);
        const sign = position.isPositive();
        let working: Working[] = [];
        const workingOrders: WorkingOrders = (_a, _s, side, except) => {
          let reduceOnly = ZERO;
          let other = ZERO;
          for (const w of working) {
            if (w.side !== side || w.id === except) continue;
            if (w.reduceOnly) reduceOnly = reduceOnly.add(w.remaining);
            else other = other.add(w.remaining);
          }
          return { reduceOnly, other };
        };
        const { risk } = harness({ workingOrders });
        risk.setState('REDUCING', 'property');
        for (const c of commands) {
          if (c.kind === 'place') {
            const o = order({ side: c.side, quantity: String(c.qty), reduceOnly: c.reduceOnly });
            // the OMS's own reduce_only check runs first (oms.ts checkReducesPosition)
            const shrinks = c.side === 'buy' ? position.isNegative() : position.isPositive();
            if (c.reduceOnly && (!shrinks || o.quantity.gt(position.abs()))) continue;
            if (outcome(() => risk.check(o, context({ position }))) === 'passed') working.push({ id: o.id, side: c.side, remaining: o.quantity, reduceOnly: c.reduceOnly });
          } else if (working.length > 0) {
            const w = working[c.pick % working.length]!;
            if (c.kind === 'cancel') {
              working = working.filter((x) => x !== w);
              continue;
            }
            let qty = dec(Math.min(c.qty, w.remaining.toNumber()));
            if (w.reduceOnly) {
              // the venue never lets a reduce-only order grow or flip a position: it trims or cancels it
              const reduces = w.side === 'buy' ? position.isNegative() : position.isPositive();
              if (!reduces) {
                working = working.filter((x) => x !== w);
                continue;
              }
              if (qty.gt(position.abs())) qty = position.abs();
            }
            const before = position;
            position = w.side === 'buy' ? position.add(qty) : position.sub(qty);
            w.remaining = w.remaining.sub(qty);
            if (w.remaining.isZero()) working = working.filter((x) => x !== w);
            expect(position.abs().lte(before.abs())).toBe(true);
            expect(position.isZero() || position.isPositive() === sign).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
