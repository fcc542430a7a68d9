/** The real engine (temp SQLite, paper venue over a static BTC/USDT and ETH/USDT book) as an API test engine. */
import { Engine } from '../../src-main/engine/engine.js';
import { type Clock, SequentialIds, systemClock } from '../../src-main/engine/ports/clock.js';
import { openTempStore } from '../../src-main/store/temp-store.js';
import { downloadHandlers } from '../../src-main/downloads/download-jobs.js';
import { strategyHandlers } from '../../src-main/strategies/strategy-handlers.js';
import type { VenueCapabilities } from '../../src-main/engine/ports/venue.js';
import { PaperVenue } from '../../src-main/venues/paper/paper-venue.js';
import type { EngineFactory, TestEngine } from './api-harness.js';
import { FakeFeed, instrumentSpec } from './fake-feed.js';
import { testFiles } from './test-files.js';

export const realEngineFactory: EngineFactory = () => realEngineWithFeed();

/** realEngineFactory's engine and the feed its paper venue fills against (to move the market in a test) */
/** capabilities: a paper venue holding fewer constructs itself (the engine holds the rest: held_by 'tern') */
export async function realEngineWithFeed(opts: { capabilities?: VenueCapabilities } = {}): Promise<TestEngine & { feed: FakeFeed }> {
  const temp = openTempStore();
  const clock: Clock = systemClock;
  const ids = new SequentialIds('api');
  const feed = new FakeFeed([instrumentSpec('BTC/USDT', { minNotional: '5' }), instrumentSpec('ETH/USDT', { minNotional: '5', sizeIncrement: '0.001', minQuantity: '0.001' })], { clock });
  feed.pushBook('BTC/USDT', [['44999.99', '100']], [['45000.01', '100']]);
  feed.pushBook('ETH/USDT', [['2999.99', '1000']], [['3000.01', '1000']]);
  const engine = new Engine({
    store: temp.store,
    clock,
    ids,
    version: 'test',
    paperBalances: { USDT: '100000' },
    // test keys are made with ensureKey (scrypt): a low cost keeps the suite fast
    slowKeyHash: { N: 1024, r: 8, p: 1 },
    venueFor: (a) => {
      const venue = new PaperVenue({ account: a.id, marketData: feed, clock, ids, startingBalances: { USDT: '100000' } });
      if (opts.capabilities) Object.assign(venue, { capabilities: opts.capabilities });
      return venue;
    },
    features: (host) => ({ ...strategyHandlers(host.api, { clock: host.clock, log: host.log, files: testFiles() }), ...downloadHandlers(host) }),
  });
  await engine.start();
  const key = (scope: 'read' | 'trade' | 'admin') => {
    const secret = `tern-test-${scope}-${Math.random().toString(36).slice(2)}`;
    engine.ensureKey(secret, `test-${scope}`, [scope]);
    return secret;
  };
  return {
    engine,
    feed,
    keys: { read: key('read'), trade: key('trade'), admin: key('admin') },
    close: async () => {
      await engine.stop();
      temp.dispose();
    },
  };
}
