import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import type { OrderRecord } from '../../../src-main/engine/model/types.js';
import { ActiveOrders } from '../../../src-main/engine/oms/active-orders.js';

function record(id: string, account: string, symbol: string): OrderRecord {
  return {
    id,
    clientOrderId: `c-${id}`,
    account,
    symbol,
    side: 'buy',
    type: 'limit',
    quantity: dec('1'),
    price: dec('100'),
    stopPrice: null,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    state: 'accepted',
    previousState: null,
    filledQuantity: dec('0'),
    averagePrice: null,
    fees: dec('0'),
    rejectReason: null,
    venueOrderId: null,
    createdAt: 0,
    updatedAt: 0,
  };
}

const ACCOUNTS = ['a', 'b'];
const SYMBOLS = ['X/USDT', 'Y/USDT', 'Z/USDT'];

describe('ActiveOrders', () => {
  it('counts and lists every scope as a pass over all working orders would, through sets, replacements and deletes', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), id: fc.integer({ min: 1, max: 30 }), account: fc.constantFrom(...ACCOUNTS), symbol: fc.constantFrom(...SYMBOLS) }),
      fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 1, max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const active = new ActiveOrders();
        const naive = new Map<string, OrderRecord>();
        for (const o of ops) {
          const id = `O${o.id}`;
          if (o.kind === 'set') {
            // a record is replaced on every transition; its account and symbol stay
            const existing = naive.get(id);
            const r = record(id, existing?.account ?? o.account, existing?.symbol ?? o.symbol);
            active.set(id, r);
            naive.set(id, r);
          } else {
            expect(active.delete(id)).toBe(naive.delete(id));
          }
          expect(active.size).toBe(naive.size);
          for (const account of [undefined, ...ACCOUNTS]) {
            for (const symbol of [undefined, ...SYMBOLS]) {
              const expected = [...naive.values()].filter((r) => (!account || r.account === account) && (!symbol || r.symbol === symbol));
              expect(active.count(account, symbol)).toBe(expected.length);
              expect(active.list(account, symbol)).toEqual(expected);
            }
          }
        }
        expect([...active.values()]).toEqual([...naive.values()]);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps what the working orders on each side have left to fill equal to a recount, through placements, fills, amendments and cancels, from whenever it is first asked', () => {
    const quantity = fc.integer({ min: 1, max: 5000 }).map((n) => dec(n).div(1000));
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        id: fc.integer({ min: 1, max: 25 }),
        account: fc.constantFrom(...ACCOUNTS),
        symbol: fc.constantFrom(...SYMBOLS),
        side: fc.constantFrom('buy' as const, 'sell' as const),
        reduceOnly: fc.boolean(),
        quantity,
        filledShare: fc.integer({ min: 0, max: 99 }),
      }),
      fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 1, max: 25 }) }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(op, fc.boolean()), { maxLength: 150 }), fc.integer({ min: 0, max: 26 }), (ops, exceptN) => {
        const active = new ActiveOrders();
        const naive = new Map<string, OrderRecord>();
        for (const [o, ask] of ops) {
          const id = `O${o.id}`;
          if (o.kind === 'set') {
            // a transition replaces the record: account, symbol, side and reduce_only stay; quantity and filled move
            const existing = naive.get(id);
            const q = o.quantity;
            const r: OrderRecord = {
              ...record(id, existing?.account ?? o.account, existing?.symbol ?? o.symbol),
              side: existing?.side ?? o.side,
              reduceOnly: existing?.reduceOnly ?? o.reduceOnly,
              quantity: q,
              filledQuantity: q.mul(o.filledShare).div(100).toDecimalPlaces(3, 1),
            };
            active.set(id, r);
            naive.set(id, r);
          } else {
            active.delete(id);
            naive.delete(id);
          }
          // the sums of a scope are made when first asked for, then kept: ask at random moments
          if (!ask) continue;
          const except = `O${exceptN}`;
          for (const account of ACCOUNTS) {
            for (const symbol of SYMBOLS) {
              for (const side of ['buy', 'sell'] as const) {
                // the pass the engine made before: every working order of the scope on that side but the one amended
                let reduceOnly = dec(0);
                let other = dec(0);
                for (const r of naive.values()) {
                  if (r.account !== account || r.symbol !== symbol || r.side !== side || r.id === except) continue;
                  const left = r.quantity.sub(r.filledQuantity);
                  if (r.reduceOnly) reduceOnly = reduceOnly.add(left);
                  else other = other.add(left);
                }
                const got = active.working(account, symbol, side, except);
                expect(got.reduceOnly.toFixed()).toBe(reduceOnly.toFixed());
                expect(got.other.toFixed()).toBe(other.toFixed());
              }
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
