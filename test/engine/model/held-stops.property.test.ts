import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decimal, dec } from '../../../src-main/engine/model/decimal.js';
import { HeldStops } from '../../../src-main/engine/model/held-stops.js';
import { stopReached, trailingStep } from '../../../src-main/engine/model/trailing.js';
import type { Side, TrailingTerms } from '../../../src-main/engine/model/types.js';

// Issue 12's benchmark made HeldStops lazy (a new best is kept once per symbol, settled into each
// stop only when one is decided, journaled or added). It must decide exactly what the plain rule
// decides: each stop stepped by trailingStep on every trade, hit when the trade reaches its stop.

const INCREMENT = dec('0.01');

interface Spec {
  side: Side;
  kind: 'trailing' | 'plain';
  offset: number;
  percent: boolean;
  activation: number | null;
  stop: number;
}

const spec = fc.record({
  side: fc.constantFrom<Side>('sell', 'buy'),
  kind: fc.constantFrom<'trailing' | 'plain'>('trailing', 'trailing', 'plain'),
  offset: fc.integer({ min: 1, max: 900 }),
  percent: fc.boolean(),
  activation: fc.option(fc.integer({ min: 9000, max: 11000 }), { nil: null }),
  stop: fc.integer({ min: 8000, max: 12000 }),
});

/** prices in cents around 100.00; ties (the same price again) are common on purpose */
const price = fc.integer({ min: 8500, max: 11500 });
const step = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('trade' as const), price }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), spec }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('take' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('view' as const) }) },
);
const cents = (n: number) => dec(n).div(100);

interface Ref {
  id: number;
  side: Side;
  trailing: TrailingTerms | null;
  stopPrice: Decimal | null;
}

function terms(s: Spec): TrailingTerms | null {
  if (s.kind === 'plain') return null;
  // percent offsets 0.01 %–9 %, price offsets 0.01–9.00
  return { offset: s.percent ? dec(s.offset).div(100) : cents(s.offset), unit: s.percent ? 'percent' : 'price', activationPrice: s.activation === null ? null : cents(s.activation), best: null };
}

describe('HeldStops (lazy) decides what trailingStep per stop per trade decides', () => {
  it('same hits, same exact stops, stops never move back', () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 6 }), fc.array(step, { minLength: 1, maxLength: 80 }), (initial, steps) => {
        const held = new HeldStops<number>(() => INCREMENT);
        const refs = new Map<number, Ref>();
        let last = dec('100');
        let nextId = 0;
        const add = (s: Spec) => {
          const id = nextId++;
          let trailing = terms(s);
          let stopPrice: Decimal | null;
          if (trailing) {
            const first = trailingStep(s.side, trailing, null, last, INCREMENT);
            trailing = first.trailing;
            stopPrice = first.stopPrice;
            if (first.hit) return; // a stop hit as it is placed is refused
          } else {
            stopPrice = cents(s.stop);
            if (stopReached(s.side, stopPrice, last)) return;
          }
          refs.set(id, { id, side: s.side, trailing, stopPrice });
          held.add(id, s.side, trailing, stopPrice);
        };
        for (const s of initial) add(s);
        for (const st of steps) {
          if (st.kind === 'add') {
            add(st.spec);
            continue;
          }
          if (st.kind === 'take') {
            for (const t of held.takeMoved()) {
              const ref = refs.get(t.item)!;
              expect([t.stopPrice?.toFixed(), t.trailing?.best?.toFixed()]).toEqual([ref.stopPrice?.toFixed(), ref.trailing?.best?.toFixed()]);
            }
            continue;
          }
          if (st.kind === 'view') {
            // the view settles without taking the moves
            for (const t of held.current()) {
              const ref = refs.get(t.item)!;
              expect([t.stopPrice?.toFixed() ?? null, t.trailing?.best?.toFixed() ?? null]).toEqual([ref.stopPrice?.toFixed() ?? null, ref.trailing?.best?.toFixed() ?? null]);
            }
            continue;
          }
          last = cents(st.price);
          const expected: number[] = [];
          for (const ref of refs.values()) {
            if (ref.trailing) {
              const before = ref.stopPrice;
              const next = trailingStep(ref.side, ref.trailing, ref.stopPrice, last, INCREMENT);
              ref.trailing = next.trailing;
              ref.stopPrice = next.stopPrice;
              if (before && next.stopPrice) expect(ref.side === 'sell' ? next.stopPrice.gte(before) : next.stopPrice.lte(before)).toBe(true);
              if (next.hit) expected.push(ref.id);
            } else if (stopReached(ref.side, ref.stopPrice!, last)) expected.push(ref.id);
          }
          const outcome = held.tick(last);
          const got = (outcome?.hit ?? []).map((t) => t.item);
          expect(got).toEqual(expected);
          for (const t of outcome?.hit ?? []) expect(t.stopPrice!.toFixed()).toBe(refs.get(t.item)!.stopPrice!.toFixed());
          for (const id of got) {
            refs.delete(id);
            held.remove(id);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
