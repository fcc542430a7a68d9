import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { str } from '../../src-main/engine/model/decimal.js';
import { ORDER_STATES } from '../../src-main/engine/model/order-state.js';
import { positionsFromFills } from '../../src-main/engine/portfolio/position.js';
import { SYMBOL, ctx, pushBookAround, startHarness } from '../helpers/engine-harness.js';

type Command =
  | { kind: 'limit'; side: 'buy' | 'sell'; offset: number; qty: number }
  | { kind: 'market'; side: 'buy' | 'sell'; qty: number }
  | { kind: 'stop'; side: 'buy' | 'sell'; offset: number; qty: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'amend'; pick: number; offset: number }
  | { kind: 'move'; delta: number }
  | { kind: 'trade'; offset: number };

const side = fc.constantFrom<'buy' | 'sell'>('buy', 'sell');
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('limit' as const), side, offset: fc.integer({ min: -50, max: 50 }), qty: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('market' as const), side, qty: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('stop' as const), side, offset: fc.integer({ min: 1, max: 50 }), qty: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('amend' as const), pick: fc.nat(), offset: fc.integer({ min: -50, max: 50 }) }),
  fc.record({ kind: fc.constant('move' as const), delta: fc.integer({ min: -40, max: 40 }) }),
  fc.record({ kind: fc.constant('trade' as const), offset: fc.integer({ min: -60, max: 60 }) }),
);

describe('engine properties over random command sequences', () => {
  it('orders stay in known states, positions equal the sum of fills, balances never go negative', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40 }), async (commands) => {
        const h = await startHarness({ balance: '2000' });
        try {
          let mid = 100;
          const open = () => h.engine.oms.activeOrders().filter((o) => o.state !== 'initialized');
          for (const c of commands) {
            const p = (x: number) => (mid + x / 10).toFixed(2);
            try {
              switch (c.kind) {
                case 'limit':
                  await h.engine.call('orders.create', { symbol: SYMBOL, side: c.side, type: 'limit', price: p(c.offset), quantity: (c.qty / 100).toFixed(2) }, ctx);
                  break;
                case 'market':
                  await h.engine.call('orders.create', { symbol: SYMBOL, side: c.side, type: 'market', quantity: (c.qty / 100).toFixed(2) }, ctx);
                  break;
                case 'stop':
                  await h.engine.call(
                    'orders.create',
                    { symbol: SYMBOL, side: c.side, type: 'stop_market', stop_price: p(c.side === 'buy' ? c.offset + 2 : -c.offset - 2), quantity: (c.qty / 100).toFixed(2) },
                    ctx,
                  );
                  break;
                case 'cancel': {
                  const os = open();
                  if (os.length) await h.engine.call('orders.cancel', { id: os[c.pick % os.length]!.id }, ctx);
                  break;
                }
                case 'amend': {
                  const os = open().filter((o) => o.type === 'limit');
                  if (os.length) await h.engine.call('orders.amend', { id: os[c.pick % os.length]!.id, price: p(c.offset) }, ctx);
                  break;
                }
                case 'move':
                  mid = Math.max(50, mid + c.delta / 10);
                  pushBookAround(h.feed, mid);
                  break;
                case 'trade':
                  h.feed.pushTrade(SYMBOL, p(c.offset), '1', c.offset >= 0 ? 'buy' : 'sell');
                  break;
              }
            } catch (err) {
              // refusals are fine (a sell without BTC, a too-small notional); crashes are not
              const code = (err as { code?: string }).code;
              expect(['INVALID_ORDER', 'CONFLICT']).toContain(code);
            }
            await h.engine.journal.durable();
            for (const b of h.engine.portfolio.listBalances()) {
              expect(b.total.gte(0), `${b.asset} total ${str(b.total)}`).toBe(true);
              expect(b.locked.gte(0) && b.locked.lte(b.total), `${b.asset} locked ${str(b.locked)} of ${str(b.total)}`).toBe(true);
            }
          }
          for (const o of h.store.queryOrders({ status: 'all', limit: 10_000 })) {
            expect(ORDER_STATES).toContain(o.state);
            expect(o.filledQuantity.lte(o.quantity)).toBe(true);
          }
          const derived = positionsFromFills(h.store.allFills());
          for (const p of h.engine.portfolio.listPositions()) {
            const d = derived.get(`${p.account}\u0000${p.symbol}`);
            expect(str(p.quantity)).toBe(d ? str(d.quantity) : '0');
          }
          expect(h.store.verify().ok).toBe(true);
        } finally {
          await h.dispose();
        }
      }),
      { numRuns: 60 },
    );
  });
});
