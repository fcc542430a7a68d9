/**
 * A real engine for tests: the SQLite store (a temp file, so restarts can be
 * tested), the paper venue, and a FakeFeed the test drives, with a manual
 * clock and deterministic ids.
 */
import { Engine } from '../../src-main/engine/engine.js';
import { ManualClock, SequentialIds } from '../../src-main/engine/ports/clock.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { openTempStore } from '../../src-main/store/temp-store.js';
import { PaperVenue } from '../../src-main/venues/paper/paper-venue.js';
import type { PreTradeCheck } from '../../src-main/engine/oms/pre-trade.js';
import type { VenueCapabilities } from '../../src-main/engine/ports/venue.js';
import { FakeFeed, instrumentSpec } from './fake-feed.js';

export const SYMBOL = 'BTC/USDT';

export interface Harness {
  engine: Engine;
  feed: FakeFeed;
  clock: ManualClock;
  store: SqliteStore;
  file: string;
  /** the paper venue of each account, as built (tests that act as the exchange) */
  venues: Map<string, PaperVenue>;
  /** the engine again on the same file, as after a crash (the old one is dropped without a clean stop) */
  restart(): Promise<Harness>;
  dispose(): Promise<void>;
}

export const ctx = { actor: 'test' };

export function btcFeed(clock: ManualClock): FakeFeed {
  const feed = new FakeFeed([instrumentSpec(SYMBOL, { minNotional: '5', sizeIncrement: '0.0001', minQuantity: '0.0001', makerFee: '0.0005', takerFee: '0.001' })], { clock });
  return feed;
}

/** a book around 100: bids 99.9 / 99.8 / 99.7, asks 100.1 / 100.2 / 100.3, 1, 2, 3 BTC each */
export function pushBookAround(feed: FakeFeed, mid = 100): void {
  const p = (x: number) => x.toFixed(2);
  feed.pushBook(
    SYMBOL,
    [[p(mid - 0.1), '1'], [p(mid - 0.2), '2'], [p(mid - 0.3), '3']],
    [[p(mid + 0.1), '1'], [p(mid + 0.2), '2'], [p(mid + 0.3), '3']],
  );
}

/**
 * Waits until what a price or an order set off has played out: no exits owed
 * and the journal quiet (nothing recorded for a few rounds of the event loop),
 * all of it committed. Each step of a chain (a stop fires, the other leg is
 * canceled, the stop's order is sent and fills) waits for its own commit at
 * the end of a round, so a chain takes a few rounds: waited for, not guessed.
 */
export async function settled(h: Pick<Harness, 'engine' | 'store'>): Promise<void> {
  await new Promise((r) => setTimeout(r, 5));
  const deadline = performance.now() + 10_000;
  let last = -1;
  for (let quiet = 0; quiet < 3; ) {
    await h.engine.oms.exitsSettled();
    await h.engine.journal.durable();
    await new Promise((r) => setTimeout(r, 1));
    const seq = h.store.journalSeq + h.store.pending;
    quiet = seq === last ? quiet + 1 : 0;
    last = seq;
    if (performance.now() > deadline) throw new Error('the engine kept journaling for 10 s: nothing settled');
  }
  await h.engine.journal.durable();
}

/** The market moves to `price` (a book around it and a trade at it), and whatever that sets off settles (see settled). */
export async function marketAt(h: Pick<Harness, 'engine' | 'store' | 'feed'>, price: number): Promise<void> {
  pushBookAround(h.feed, price);
  h.feed.pushTrade(SYMBOL, price.toFixed(2), '1');
  await settled(h);
}

export async function startHarness(
  opts: { file?: string; checks?: PreTradeCheck[]; balance?: string; runTag?: string; capabilities?: Partial<VenueCapabilities>; closedOrdersKept?: number } = {},
): Promise<Harness> {
  const temp = opts.file ? undefined : openTempStore();
  const file = opts.file ?? temp!.file;
  const store = temp ? temp.store : SqliteStore.open(file);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const ids = new SequentialIds(opts.runTag ?? 'r1');
  const feed = btcFeed(clock);
  pushBookAround(feed);
  const venues = new Map<string, PaperVenue>();
  const engine = new Engine({
    store,
    clock,
    ids,
    version: 'test',
    paperBalances: { USDT: opts.balance ?? '100000' },
    checks: opts.checks,
    ...(opts.closedOrdersKept !== undefined ? { closedOrdersKept: opts.closedOrdersKept } : {}),
    venueFor: (account) => {
      const venue = new PaperVenue({ account: account.id, marketData: feed, clock, ids, startingBalances: account.startingBalances });
      // a venue holding fewer constructs itself: the engine emulates the rest (issue 12)
      if (opts.capabilities) Object.assign(venue, { capabilities: opts.capabilities });
      venues.set(account.id, venue);
      return venue;
    },
  });
  await engine.start();
  let restarts = 0;
  const h: Harness = {
    engine,
    feed,
    clock,
    store,
    file,
    venues,
    async restart() {
      engine.journal.flush();
      store.close();
      restarts += 1;
      return startHarness({ ...opts, file, runTag: `${opts.runTag ?? 'r1'}x${restarts}` });
    },
    async dispose() {
      try {
        await engine.stop();
      } catch {
        // already stopped
      }
      store.close();
      temp?.dispose();
    },
  };
  return h;
}
