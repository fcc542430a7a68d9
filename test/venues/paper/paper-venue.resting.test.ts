/**
 * Issue 9 item 8: thousands of resting orders must not make every market
 * event cost a pass over all of them. The venue counts the open orders its
 * matcher looks at; an event may look only at the orders it fills or
 * triggers, plus the one per side and queue that tells it where to stop.
 */
import { describe, expect, it } from 'vitest';
import { Decimal, dec } from '../../../src-main/engine/model/decimal.js';
import type { OrderRecord, OrderType, Side } from '../../../src-main/engine/model/types.js';
import { ManualClock, SequentialIds } from '../../../src-main/engine/ports/clock.js';
import type { ExecutionReport } from '../../../src-main/engine/ports/venue.js';
import { PaperVenue } from '../../../src-main/venues/paper/paper-venue.js';
import { FakeFeed, instrumentSpec } from '../../helpers/fake-feed.js';

const SYM = 'BTC/USDT';
/** per side: resting limits (buys 50.00–79.99, sells 120.00–149.99), and as many stops */
const PER_SIDE = 3_000;

/** Resting orders are put in through restore (as after a restart), which files them as createOrder does, without 6,000 round trips. */
async function venueWithManyResting(stops = 0) {
  const feed = new FakeFeed([instrumentSpec(SYM, { minNotional: '0' })]);
  const venue = new PaperVenue({
    account: 'paper',
    marketData: feed,
    clock: new ManualClock(1_000),
    ids: new SequentialIds('t'),
    startingBalances: { USDT: '0' },
  });
  const reports: ExecutionReport[] = [];
  venue.onReport((r) => reports.push(r));
  await venue.start();
  const records: OrderRecord[] = [];
  const add = (side: Side, type: OrderType, cents: number) => {
    const n = records.length + 1;
    const price = new Decimal(cents).div(100);
    records.push({
      id: `O${n}`,
      clientOrderId: `${type}-${side}-${n}`,
      account: 'paper',
      symbol: SYM,
      side,
      type,
      quantity: dec('1'),
      price: type === 'limit' ? price : null,
      stopPrice: type === 'stop_market' ? price : null,
      timeInForce: 'GTC',
      postOnly: false,
      reduceOnly: false,
      state: 'accepted',
      previousState: null,
      filledQuantity: dec('0'),
      averagePrice: null,
      fees: dec('0'),
      rejectReason: null,
      venueOrderId: `V${n}`,
      createdAt: n,
      updatedAt: n,
    });
  };
  for (let i = 0; i < PER_SIDE; i++) {
    add('buy', 'limit', 5_000 + i);
    add('sell', 'limit', 12_000 + i);
  }
  // buy stops from 101.00 up, sell stops from 99.00 down: a rise to 101.01 reaches two buy stops
  for (let i = 0; i < stops; i++) {
    add('buy', 'stop_market', 10_100 + i);
    add('sell', 'stop_market', 9_900 - i);
  }
  const restored = venue.restore({ balances: [{ asset: 'USDT', total: dec('1000000000') }, { asset: 'BTC', total: dec('1000000') }], openOrders: records });
  expect(restored.skipped).toEqual([]);
  return { feed, venue, reports };
}

const filled = (reports: ExecutionReport[]) => reports.filter((r) => r.type === 'fill').map((r) => r.clientOrderId);

describe('paper venue with thousands of resting orders', () => {
  it('a book event visits only the resting orders that cross it, plus one per side', async () => {
    const { feed, venue, reports } = await venueWithManyResting();
    expect(venue.openOrders()).toHaveLength(2 * PER_SIDE);
    const before = venue.matchingVisits;
    // asks reach the two best bids (79.99, 79.98); bids reach nothing
    feed.pushBook(SYM, [['100', '5']], [['79.98', '5']]);
    expect(filled(reports).sort()).toEqual([`limit-buy-${2 * PER_SIDE - 1}`, `limit-buy-${2 * PER_SIDE - 3}`].sort());
    expect(venue.matchingVisits - before).toBe(2 + 1 + 1);
  });

  it('a book that crosses nothing visits one order per side', async () => {
    const { feed, venue, reports } = await venueWithManyResting();
    const before = venue.matchingVisits;
    for (let i = 0; i < 10; i++) feed.pushBook(SYM, [['100', '5']], [['101', '5']]);
    expect(filled(reports)).toEqual([]);
    expect(venue.matchingVisits - before).toBe(10 * 2);
  });

  it('a trade visits only the resting orders it trades through, plus one per side', async () => {
    const { feed, venue, reports } = await venueWithManyResting();
    const before = venue.matchingVisits;
    feed.pushTrade(SYM, '120.015', '1'); // strictly through the sells at 120.00 and 120.01
    expect(filled(reports).sort()).toEqual(['limit-sell-2', 'limit-sell-4']);
    // resting: 2 sells + 1 sell that stops the walk + 1 bid; stops: none placed, no visit
    expect(venue.matchingVisits - before).toBe(2 + 1 + 1);
  });

  it('a trade visits only the stops it reaches, plus one per side', async () => {
    const { feed, venue, reports } = await venueWithManyResting(2_000);
    feed.pushBook(SYM, [['100', '1000']], [['101.5', '1000']]);
    const before = venue.matchingVisits;
    feed.pushTrade(SYM, '101.01', '1'); // reaches buy stops at 101.00 and 101.01
    expect(reports.filter((r) => r.type === 'triggered').map((r) => r.clientOrderId)).toEqual([
      `stop_market-buy-${2 * PER_SIDE + 1}`,
      `stop_market-buy-${2 * PER_SIDE + 3}`,
    ]);
    expect(filled(reports)).toHaveLength(2);
    // stops: 2 reached + 1 buy stop and 1 sell stop that stop the walks; resting: 1 per side
    expect(venue.matchingVisits - before).toBe(2 + 1 + 1 + 2);
  });

  it('after cancels and amends the order is still best price first, then time', async () => {
    const { feed, venue, reports } = await venueWithManyResting();
    const ref = (id: string, cents: number) => ({ clientOrderId: id, venueOrderId: null, symbol: SYM, cents });
    const best = ref(`limit-buy-${2 * PER_SIDE - 1}`, 7_999);
    await venue.cancelOrder(best);
    // the order at 50.00 moves to 79.98 and queues behind the one already there
    await venue.editOrder(ref('limit-buy-1', 5_000), { price: dec('79.98') });
    reports.length = 0;
    feed.pushBook(SYM, [['100', '5']], [['79.98', '1.5']]);
    expect(reports.filter((r) => r.type === 'fill').map((r) => [r.clientOrderId, r.quantity.toFixed()])).toEqual([
      [`limit-buy-${2 * PER_SIDE - 3}`, '1'],
      ['limit-buy-1', '0.5'],
    ]);
  });
});
