/** A real engine on a temp SQLite file with the paper venue over a deep static book, for benchmarks. */
import { Engine } from '../src-main/engine/engine.js';
import type { PreTradeCheck } from '../src-main/engine/oms/pre-trade.js';
import type { VenueCapabilities } from '../src-main/engine/ports/venue.js';
import { type Clock, SequentialIds, systemClock } from '../src-main/engine/ports/clock.js';
import { openTempStore } from '../src-main/store/temp-store.js';
import { PaperVenue } from '../src-main/venues/paper/paper-venue.js';
import { FakeFeed, instrumentSpec } from '../test/helpers/fake-feed.js';

export const SYMBOL = 'BTC/USDT';

export async function benchEngine(checks: PreTradeCheck[] = [], capabilities?: Partial<VenueCapabilities>) {
  const temp = openTempStore();
  const clock: Clock = systemClock;
  const ids = new SequentialIds('bench');
  const feed = new FakeFeed([instrumentSpec(SYMBOL, { minNotional: '5', sizeIncrement: '0.0001', minQuantity: '0.0001' })], { clock });
  const refreshBook = () =>
    feed.pushBook(
      SYMBOL,
      [['99.9', '1000000'], ['99.8', '1000000']],
      [['100.1', '1000000'], ['100.2', '1000000']],
    );
  refreshBook();
  const engine = new Engine({
    store: temp.store,
    clock,
    ids,
    version: 'bench',
    // the paper account's balances are these (the venue is reset to them): base too, or every resting sell is refused
    paperBalances: { USDT: '1000000000', BTC: '1000000' },
    checks,
    venueFor: (a) => {
      const venue = new PaperVenue({ account: a.id, marketData: feed, clock, ids, startingBalances: { USDT: '1000000000', BTC: '1000000' } });
      // a venue holding fewer constructs: the engine emulates the rest (issue 12)
      if (capabilities) Object.assign(venue, { capabilities });
      return venue;
    },
  });
  await engine.start();
  return { engine, feed, refreshBook, store: temp.store, dispose: () => temp.dispose() };
}
