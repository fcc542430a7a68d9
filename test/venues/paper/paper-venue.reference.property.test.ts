/**
 * The paper venue's price-ordered working orders (WorkingOrders queues) must
 * fill exactly as the venue did when it copied, filtered and sorted every
 * open order on every market event. The reference below is that old way: it
 * hands the matcher every resting limit of a side, best price then time, and
 * every waiting stop in time order, and lets the venue's own per-order checks
 * decide. Two venues, one with each, get the same random requests and market
 * events and must report the same things, in the same order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../src-main/engine/model/decimal.js';
import type { OrderType, Side, TimeInForce } from '../../../src-main/engine/model/types.js';
import { ManualClock, SequentialIds } from '../../../src-main/engine/ports/clock.js';
import { VenueRejection, type ExecutionReport, type VenueOrderRef, type VenueOrderRequest } from '../../../src-main/engine/ports/venue.js';
import { isPendingStop, isRestingLimit, type PaperOrder } from '../../../src-main/venues/sim/sim-order.js';
import { PaperVenue } from '../../../src-main/venues/paper/paper-venue.js';
import { WorkingOrders } from '../../../src-main/venues/sim/working-orders.js';
import { FakeFeed, instrumentSpec, type LevelInput } from '../../helpers/fake-feed.js';

const SYM = 'BTC/USDT';
const OTHER = 'ETH/USDT';
const specOf = (symbol: string) => instrumentSpec(symbol, { makerFee: '0.001', takerFee: '0.0025', priceIncrement: '0.5', sizeIncrement: '0.1', minQuantity: '0.1' });

/** The old matching queries: everything of the side or symbol, sorted on every call. */
class NaiveWorkingOrders extends WorkingOrders {
  override crossingLimits(symbol: string, side: Side): PaperOrder[] {
    return this.all()
      .filter((o) => o.symbol === symbol && o.side === side && isRestingLimit(o))
      .sort((a, b) => {
        const byPrice = a.price!.comparedTo(b.price!);
        if (byPrice !== 0) return side === 'buy' ? -byPrice : byPrice;
        return a.seq - b.seq;
      });
  }

  override reachedStops(symbol: string): PaperOrder[] {
    return this.all().filter((o) => o.symbol === symbol && isPendingStop(o));
  }
}

type Command =
  | { kind: 'book'; symbol: string; mid: number; bids: number[]; asks: number[] }
  | { kind: 'trade'; symbol: string; price: number }
  | { kind: 'order'; symbol: string; side: Side; type: OrderType; qty: number; price: number; stop: number; tif: TimeInForce; postOnly: boolean }
  | { kind: 'cancel'; pick: number }
  | { kind: 'amend'; pick: number; price: number | null; qty: number | null };

const symbol = fc.constantFrom(SYM, SYM, SYM, OTHER);
const halfPrice = fc.integer({ min: 180, max: 220 }); // in halves: 90 .. 110, so that many orders share a price
const tenthQty = fc.integer({ min: 1, max: 30 });

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('book' as const), symbol, mid: fc.integer({ min: 185, max: 215 }), bids: fc.array(tenthQty, { maxLength: 5 }), asks: fc.array(tenthQty, { maxLength: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('trade' as const), symbol, price: halfPrice }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      symbol,
      side: fc.constantFrom<Side>('buy', 'sell'),
      type: fc.constantFrom<OrderType>('market', 'limit', 'limit', 'limit', 'stop_market', 'stop_limit'),
      qty: tenthQty,
      price: halfPrice,
      stop: halfPrice,
      tif: fc.constantFrom<TimeInForce>('GTC', 'GTC', 'GTC', 'IOC', 'FOK'),
      postOnly: fc.constantFrom(false, false, false, true),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('amend' as const), pick: fc.nat(), price: fc.option(halfPrice, { nil: null }), qty: fc.option(tenthQty, { nil: null }) }),
  },
);

const half = (n: number) => new Decimal(n).div(2);
const tenth = (n: number) => new Decimal(n).div(10);

/** Runs `commands` on a venue with the given working orders; returns everything it said, as text. */
async function run(commands: Command[], orders: WorkingOrders): Promise<string[]> {
  const feed = new FakeFeed([specOf(SYM), specOf(OTHER)]);
  const venue = new PaperVenue({
    account: 'p',
    marketData: feed,
    clock: new ManualClock(0),
    ids: new SequentialIds('ref'),
    startingBalances: { USDT: '5000', BTC: '6', ETH: '6' },
    workingOrders: orders,
  });
  const out: string[] = [];
  venue.onReport((r: ExecutionReport) => out.push(JSON.stringify(r)));
  await venue.start();
  let n = 0;
  for (const c of commands) {
    try {
      if (c.kind === 'book') {
        const bids: LevelInput[] = c.bids.map((q, i) => [half(c.mid - 1 - i), tenth(q)]);
        const asks: LevelInput[] = c.asks.map((q, i) => [half(c.mid + 1 + i), tenth(q)]);
        feed.pushBook(c.symbol, bids, asks);
      } else if (c.kind === 'trade') {
        feed.pushTrade(c.symbol, half(c.price), '1');
      } else if (c.kind === 'order') {
        const hasPrice = c.type === 'limit' || c.type === 'stop_limit';
        const request: VenueOrderRequest = {
          clientOrderId: `o${++n}`,
          symbol: c.symbol,
          side: c.side,
          type: c.type,
          quantity: tenth(c.qty),
          price: hasPrice ? half(c.price) : null,
          stopPrice: c.type.startsWith('stop') ? half(c.stop) : null,
          timeInForce: c.tif,
          postOnly: c.postOnly,
          reduceOnly: false,
        };
        await venue.createOrder(request);
      } else {
        const open = venue.openOrders();
        const target = open[c.pick % Math.max(open.length, 1)];
        if (!target) continue;
        const ref: VenueOrderRef = { clientOrderId: target.clientOrderId, venueOrderId: target.venueOrderId, symbol: target.symbol };
        if (c.kind === 'cancel') await venue.cancelOrder(ref);
        else await venue.editOrder(ref, { ...(c.price !== null ? { price: half(c.price) } : {}), ...(c.qty !== null ? { quantity: tenth(c.qty) } : {}) });
      }
    } catch (err) {
      if (!(err instanceof VenueRejection)) throw err;
      out.push(`refused: ${err.reason}`);
    }
  }
  out.push(`open: ${venue.openOrders().map((o) => `${o.clientOrderId}@${o.seq}`).join(',')}`);
  return out;
}

describe('paper venue: price-ordered working orders against the sort-everything reference', () => {
  it('random requests and market events give the same reports, fills and open orders', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 120, size: 'max' }), async (commands) => {
        const reference = await run(commands, new NaiveWorkingOrders());
        const indexed = await run(commands, new WorkingOrders());
        expect(indexed).toEqual(reference);
      }),
      { numRuns: 60 },
    );
  });
});
