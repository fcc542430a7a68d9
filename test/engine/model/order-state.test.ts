import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IllegalTransition,
  ORDER_EVENTS,
  ORDER_STATES,
  ORDER_STATE_TABLE,
  RESTORE,
  TERMINAL_STATES,
  canApply,
  nextOrderState,
  publicStatus,
} from '../../../src-main/engine/model/order-state.js';

const pairs = ORDER_STATES.flatMap((s) => ORDER_EVENTS.map((e) => [s, e] as const));
const legal = pairs.filter(([s, e]) => ORDER_STATE_TABLE[s]?.[e] !== undefined);
const illegal = pairs.filter(([s, e]) => ORDER_STATE_TABLE[s]?.[e] === undefined);

describe('order state table', () => {
  it.each(legal)('%s + %s is a legal transition', (state, event) => {
    const target = ORDER_STATE_TABLE[state]![event]!;
    const next = nextOrderState(state, event, 'partially_filled');
    expect(next).toBe(target === RESTORE ? 'partially_filled' : target);
  });

  it.each(illegal)('%s + %s is refused', (state, event) => {
    expect(canApply(state, event)).toBe(false);
    expect(() => nextOrderState(state, event, undefined)).toThrow(IllegalTransition);
  });

  it('terminal states accept no event', () => {
    for (const s of TERMINAL_STATES) for (const e of ORDER_EVENTS) expect(canApply(s, e)).toBe(false);
  });

  it('every non-terminal state can still end (cancel, expire or fill)', () => {
    for (const s of ORDER_STATES.filter((x) => !TERMINAL_STATES.has(x))) {
      expect(['cancel', 'expire', 'fill', 'reject'].some((e) => canApply(s, e as never))).toBe(true);
    }
  });

  it('a refused request returns to the state before it', () => {
    expect(nextOrderState('pending_cancel', 'cancel_rejected', 'partially_filled')).toBe('partially_filled');
    expect(nextOrderState('pending_update', 'update_rejected', 'triggered')).toBe('triggered');
  });

  it('random event sequences only ever visit known states, and stop at terminal ones', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ORDER_EVENTS), { maxLength: 40 }), (events) => {
        let state: (typeof ORDER_STATES)[number] = 'initialized';
        let previous: (typeof ORDER_STATES)[number] | undefined;
        for (const e of events) {
          if (!canApply(state, e)) {
            expect(() => nextOrderState(state, e, previous)).toThrow(IllegalTransition);
            continue;
          }
          const next = nextOrderState(state, e, previous);
          if ((next === 'pending_cancel' || next === 'pending_update') && state !== 'pending_cancel' && state !== 'pending_update') previous = state;
          expect(ORDER_STATES).toContain(next);
          expect(TERMINAL_STATES.has(state)).toBe(false);
          state = next;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('maps internal states to the statuses of the API', () => {
    expect(publicStatus('initialized', false)).toBe('pending');
    expect(publicStatus('submitted', false)).toBe('pending');
    expect(publicStatus('accepted', false)).toBe('open');
    expect(publicStatus('pending_cancel', true)).toBe('partially_filled');
    expect(publicStatus('partially_filled', true)).toBe('partially_filled');
    expect(publicStatus('expired', true)).toBe('expired');
  });
});
