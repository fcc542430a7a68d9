import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { ManualClock, SequentialIds } from '../../../src-main/engine/ports/clock.js';
import type { ExecutionReport, VenueOrderRequest } from '../../../src-main/engine/ports/venue.js';
import { PaperVenue } from '../../../src-main/venues/paper/paper-venue.js';
import { FakeFeed, instrumentSpec } from '../../helpers/fake-feed.js';

// Issue 12's benchmark: the paper venue reports its trailing stops' moves in batches (at most every
// 250 ms of its clock, the first at once), not one 'updated' per stop per print; always before a
// stop triggers and when the venue stops, so the OMS never keeps a stop behind the venue's.
const SYM = 'BTC/USDT';

async function setup() {
  const feed = new FakeFeed([instrumentSpec(SYM, { makerFee: '0', takerFee: '0' })]);
  const clock = new ManualClock(1_000);
  const venue = new PaperVenue({ account: 'paper', marketData: feed, clock, ids: new SequentialIds('t'), startingBalances: { USDT: '100000', BTC: '2' } });
  const reports: ExecutionReport[] = [];
  venue.onReport((r) => reports.push(r));
  await venue.start();
  feed.pushBook(SYM, [['100', '10']], [['101', '10']]);
  feed.pushTrade(SYM, '100', '1');
  return { feed, venue, clock, reports };
}

const trailing = (clientOrderId: string, offset: string): VenueOrderRequest => ({
  clientOrderId,
  symbol: SYM,
  side: 'sell',
  type: 'trailing_stop',
  quantity: dec('0.5'),
  price: null,
  stopPrice: null,
  timeInForce: 'GTC',
  postOnly: false,
  reduceOnly: true,
  trailing: { offset: dec(offset), unit: 'percent', activationPrice: null, best: null },
});

const moves = (reports: ExecutionReport[]) =>
  reports.filter((r): r is Extract<ExecutionReport, { type: 'updated' }> => r.type === 'updated').map((r) => `${r.clientOrderId}@${r.stopPrice!.toFixed()}`);

describe('paper trailing stops report their moves in batches', () => {
  it('the first move at once, the rest of the batch once 250 ms passed, each stop at its latest', async () => {
    const { feed, venue, clock, reports } = await setup();
    await venue.createOrder(trailing('a', '5'));
    await venue.createOrder(trailing('b', '10'));
    feed.pushTrade(SYM, '110', '1');
    expect(moves(reports)).toEqual(['a@104.5', 'b@99']);
    clock.advance(100);
    feed.pushTrade(SYM, '120', '1');
    clock.advance(100);
    feed.pushTrade(SYM, '130', '1');
    expect(moves(reports)).toHaveLength(2); // moved twice, not reported yet
    expect(venue.openOrders().map((o) => o.stopPrice!.toFixed())).toEqual(['123.5', '117']); // a view is current all the same
    clock.advance(50);
    feed.pushTrade(SYM, '125', '1'); // 250 ms since the last report: the moves waiting go out, once each, at their latest
    expect(moves(reports)).toEqual(['a@104.5', 'b@99', 'a@123.5', 'b@117']);
  });

  it('a stop about to trigger reports where it moved first', async () => {
    const { feed, venue, clock, reports } = await setup();
    await venue.createOrder(trailing('a', '5'));
    feed.pushTrade(SYM, '110', '1');
    clock.advance(10);
    feed.pushTrade(SYM, '120', '1'); // stop 114, not reported yet
    feed.pushBook(SYM, [['113', '10']], [['114', '10']]);
    feed.pushTrade(SYM, '113', '1');
    const ofA = reports.filter((r) => r.type !== 'balance' && 'clientOrderId' in r && r.clientOrderId === 'a').map((r) => (r.type === 'updated' ? `updated@${r.stopPrice!.toFixed()}` : r.type));
    expect(ofA).toEqual(['accepted', 'updated@104.5', 'updated@114', 'triggered', 'fill']);
  });

  it('stopping the venue reports the moves still waiting; so does a market gone quiet', async () => {
    const { feed, venue, clock, reports } = await setup();
    await venue.createOrder(trailing('a', '5'));
    feed.pushTrade(SYM, '110', '1');
    clock.advance(10);
    feed.pushTrade(SYM, '120', '1');
    expect(moves(reports)).toEqual(['a@104.5']);
    await new Promise((r) => setTimeout(r, 300)); // no print for longer than a batch: the venue's timer reports it
    expect(moves(reports)).toEqual(['a@104.5', 'a@114']);
    clock.advance(10);
    feed.pushTrade(SYM, '130', '1');
    await venue.stop();
    expect(moves(reports)).toEqual(['a@104.5', 'a@114', 'a@123.5']);
  });
});
