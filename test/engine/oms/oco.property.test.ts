import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { ManualClock, SequentialIds } from '../../../src-main/engine/ports/clock.js';
import type { ExecutionReport } from '../../../src-main/engine/ports/venue.js';
import { PaperVenue } from '../../../src-main/venues/paper/paper-venue.js';
import { FakeFeed, instrumentSpec } from '../../helpers/fake-feed.js';
import { SYMBOL, ctx, pushBookAround, settled, startHarness, type Harness } from '../../helpers/engine-harness.js';

// Issue 12: for any sequence of market moves and partial fills, an OCO group never sells more than
// the position it protects and never leaves one leg open after the other filled completely.

/** a market step: a book whose best bid may reach the take profit with some depth (partial fills), or a trade print (stops) */
const step = fc.oneof(
  fc.record({ kind: fc.constant('book' as const), bid: fc.integer({ min: 95, max: 112 }), depth: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('trade' as const), price: fc.integer({ min: 85, max: 115 }) }),
);

describe('OCO groups on the paper venue (held by the venue)', () => {
  it('never sell more than the list protects; no leg stays open once the other filled', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const feed = new FakeFeed([instrumentSpec(SYMBOL, { makerFee: '0', takerFee: '0', sizeIncrement: '0.1', minQuantity: '0.1' })]);
        const venue = new PaperVenue({ account: 'p', marketData: feed, clock: new ManualClock(0), ids: new SequentialIds('p'), startingBalances: { BTC: '1', USDT: '0' } });
        const reports: ExecutionReport[] = [];
        venue.onReport((r) => reports.push(r));
        await venue.start();
        feed.pushBook(SYMBOL, [['100', '10']], [['100.5', '10']]);
        feed.pushTrade(SYMBOL, '100', '1');
        await venue.placeOco({
          ocoId: 'G',
          symbol: SYMBOL,
          side: 'sell',
          quantity: dec('1'),
          takeProfit: { clientOrderId: 'tp', price: dec('110') },
          stopLoss: { clientOrderId: 'sl', stopPrice: dec('90'), price: null },
        });
        for (const s of steps) {
          if (s.kind === 'book') feed.pushBook(SYMBOL, [[String(s.bid), (s.depth / 10).toFixed(1)]], [[String(s.bid + 1), '10']]);
          else {
            feed.pushBook(SYMBOL, [[String(s.price - 1), '10']], [[String(s.price), '10']]);
            feed.pushTrade(SYMBOL, String(s.price), '1');
          }
          const sold = reports.reduce((a, r) => (r.type === 'fill' ? a.plus(r.quantity) : a), dec(0));
          expect(sold.lte(1)).toBe(true);
          const open = venue.openOrders().map((o) => o.clientOrderId);
          const done = (id: string) => reports.some((r) => r.type === 'fill' && r.clientOrderId === id) && !open.includes(id);
          if (done('tp') || done('sl')) expect(open).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('OCO groups Tern links itself (a venue without lists)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it('never sell more than the position; no leg stays open once the other filled', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        await h?.dispose();
        h = await startHarness({ capabilities: { stopOrders: true, oco: false, trailingStop: false } });
        // a fired leg's chain (cancel the other, commit, send, fill) takes a few rounds: wait until the journal is quiet, not a guessed 2 ms
        const settle = () => settled(h!);
        pushBookAround(h.feed, 100);
        h.feed.pushTrade(SYMBOL, '100', '1');
        await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1' }, ctx);
        const group = await h.engine.call('orders.oco', { symbol: SYMBOL, side: 'sell', quantity: '1', take_profit: { price: '110' }, stop_loss: { stop_price: '90' } }, ctx);
        const ids = group.orders.map((o) => o.id);
        for (const s of steps) {
          if (s.kind === 'book') h.feed.pushBook(SYMBOL, [[String(s.bid), (s.depth / 10).toFixed(1)]], [[String(s.bid + 1), '10']]);
          else {
            pushBookAround(h.feed, s.price);
            h.feed.pushTrade(SYMBOL, String(s.price), '1');
          }
          await settle();
          expect(h.engine.portfolio.positionQuantity('paper', SYMBOL).gte(0)).toBe(true);
          const legs = ids.map((id) => h!.engine.oms.find(id)!);
          if (legs.some((o) => o.state === 'filled')) expect(legs.filter((o) => h!.engine.oms.activeOrders().some((a) => a.id === o.id))).toEqual([]);
        }
      }),
      { numRuns: 8 },
    );
  });
});
