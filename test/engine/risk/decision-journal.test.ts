import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src-main/backtest/memory-store.js';
import { Engine } from '../../../src-main/engine/engine.js';
import { ManualClock, SequentialIds } from '../../../src-main/engine/ports/clock.js';
import { PaperVenue } from '../../../src-main/venues/paper/paper-venue.js';
import { SYMBOL, btcFeed, ctx, pushBookAround } from '../../helpers/engine-harness.js';

async function engineOn(store: MemoryStore, journalRiskDecisions?: boolean) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const ids = new SequentialIds('d');
  const feed = btcFeed(clock);
  pushBookAround(feed);
  const engine = new Engine({
    store,
    clock,
    ids,
    version: 'test',
    paperBalances: { USDT: '100000' },
    ...(journalRiskDecisions === undefined ? {} : { journalRiskDecisions }),
    venueFor: (a) => new PaperVenue({ account: a.id, marketData: feed, clock, ids, startingBalances: { USDT: '100000' } }),
  });
  await engine.start();
  return engine;
}

describe('risk decisions in the journal', () => {
  it('are written by default, and kept in memory only when the engine is told not to (a backtest)', async () => {
    for (const journalRiskDecisions of [undefined, false]) {
      const store = new MemoryStore({ keepJournal: true });
      const engine = await engineOn(store, journalRiskDecisions);
      const order = await engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '0.1' }, ctx);
      expect(order.status).toBe('filled');
      const written = store.journal!.filter((e) => e.type === 'risk_decision');
      expect(written).toHaveLength(journalRiskDecisions === false ? 0 : 1);
      expect(engine.recentDecisions.recent().map((d) => d.order.id)).toEqual([order.id]);
      await engine.stop();
    }
  });
});
