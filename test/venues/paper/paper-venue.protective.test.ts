import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { ManualClock, SequentialIds } from '../../../src-main/engine/ports/clock.js';
import { VenueRejection, type ExecutionReport, type VenueOcoRequest, type VenueOrderRequest } from '../../../src-main/engine/ports/venue.js';
import { PaperVenue } from '../../../src-main/venues/paper/paper-venue.js';
import { FakeFeed, instrumentSpec } from '../../helpers/fake-feed.js';

// Issue 12 on the paper venue, rule by rule: OCO lists and trailing stops held by the simulated exchange.
const SYM = 'BTC/USDT';

async function setup(balances: Record<string, string> = { USDT: '100000', BTC: '2' }) {
  const feed = new FakeFeed([instrumentSpec(SYM, { makerFee: '0', takerFee: '0' })]);
  const venue = new PaperVenue({ account: 'paper', marketData: feed, clock: new ManualClock(1_000), ids: new SequentialIds('t'), startingBalances: balances });
  const reports: ExecutionReport[] = [];
  venue.onReport((r) => reports.push(r));
  await venue.start();
  feed.pushBook(SYM, [['100', '10']], [['101', '10']]);
  feed.pushTrade(SYM, '100', '1');
  return { feed, venue, reports };
}

function oco(over: Partial<VenueOcoRequest> = {}): VenueOcoRequest {
  return {
    ocoId: 'G1',
    symbol: SYM,
    side: 'sell',
    quantity: dec('1'),
    takeProfit: { clientOrderId: 'tp', price: dec('110') },
    stopLoss: { clientOrderId: 'sl', stopPrice: dec('90'), price: null },
    ...over,
  };
}

const of = (reports: ExecutionReport[], id: string) => reports.filter((r) => r.type !== 'balance' && 'clientOrderId' in r && r.clientOrderId === id).map((r) => r.type);
const filled = (reports: ExecutionReport[], id: string) =>
  reports.filter((r): r is Extract<ExecutionReport, { type: 'fill' }> => r.type === 'fill' && r.clientOrderId === id).reduce((a, f) => a.plus(f.quantity), dec(0));

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(VenueRejection);
    return (err as VenueRejection).reason;
  }
  throw new Error('expected a refusal');
}

describe('paper OCO lists', () => {
  it('take profit fills: the stop is canceled; base was locked once for both legs', async () => {
    const { feed, venue, reports } = await setup();
    const ack = await venue.placeOco(oco());
    expect(ack.takeProfit.venueOrderId).not.toBe(ack.stopLoss.venueOrderId);
    expect((await venue.fetchBalance()).find((b) => b.asset === 'BTC')!.locked.toFixed()).toBe('1');
    feed.pushTrade(SYM, '111', '5');
    expect(of(reports, 'tp')).toEqual(['accepted', 'fill']);
    expect(of(reports, 'sl')).toEqual(['accepted', 'canceled']);
    expect(venue.openOrders()).toEqual([]);
    expect((await venue.fetchBalance()).find((b) => b.asset === 'BTC')!.total.toFixed()).toBe('1');
  });

  it('the stop triggers: the take profit is canceled first, the stop sells at market', async () => {
    const { feed, venue, reports } = await setup();
    await venue.placeOco(oco());
    feed.pushBook(SYM, [['89', '10']], [['90', '10']]);
    feed.pushTrade(SYM, '89', '1');
    expect(of(reports, 'tp')).toEqual(['accepted', 'canceled']);
    expect(of(reports, 'sl')).toEqual(['accepted', 'triggered', 'fill']);
    expect(filled(reports, 'sl').toFixed()).toBe('1');
    expect(filled(reports, 'tp').toFixed()).toBe('0');
  });

  it('a partial fill of the take profit shrinks the stop to what is left; never more than the list protects', async () => {
    const { feed, venue, reports } = await setup();
    await venue.placeOco(oco());
    feed.pushBook(SYM, [['110', '0.4']], [['111', '10']]); // bids reach the take profit: 0.4 fills as maker
    expect(filled(reports, 'tp').toFixed()).toBe('0.4');
    const shrink = reports.find((r) => r.type === 'updated' && r.clientOrderId === 'sl') as Extract<ExecutionReport, { type: 'updated' }>;
    expect(shrink.quantity.toFixed()).toBe('0.6');
    feed.pushBook(SYM, [['80', '10']], [['81', '10']]);
    feed.pushTrade(SYM, '80', '1');
    expect(filled(reports, 'sl').toFixed()).toBe('0.6');
    expect(filled(reports, 'tp').plus(filled(reports, 'sl')).toFixed()).toBe('1');
  });

  it('canceling one leg cancels the list', async () => {
    const { venue, reports } = await setup();
    await venue.placeOco(oco());
    await venue.cancelOrder({ clientOrderId: 'sl', venueOrderId: null, symbol: SYM });
    expect(of(reports, 'sl')).toEqual(['accepted', 'canceled']);
    expect(of(reports, 'tp')).toEqual(['accepted', 'canceled']);
    expect((await venue.fetchBalance()).find((b) => b.asset === 'BTC')!.locked.toFixed()).toBe('0');
  });

  it('an amended quantity is both legs’', async () => {
    const { venue, reports } = await setup();
    await venue.placeOco(oco());
    await venue.editOrder({ clientOrderId: 'tp', venueOrderId: null, symbol: SYM }, { quantity: dec('0.5') });
    const stop = venue.openOrders().find((o) => o.clientOrderId === 'sl')!;
    expect(stop.quantity.toFixed()).toBe('0.5');
    expect(of(reports, 'sl')).toEqual(['accepted', 'updated']);
  });

  it('all or nothing: a take profit at the market, a stop already reached, or missing funds leave nothing open', async () => {
    const { venue, reports } = await setup({ USDT: '0', BTC: '0.5' });
    expect(await refusal(venue.placeOco(oco({ takeProfit: { clientOrderId: 'tp', price: dec('100') } })))).toMatch(/would fill at once/);
    expect(await refusal(venue.placeOco(oco({ stopLoss: { clientOrderId: 'sl', stopPrice: dec('100'), price: null } })))).toMatch(/would trigger at once/);
    expect(await refusal(venue.placeOco(oco()))).toMatch(/insufficient BTC/);
    expect(venue.openOrders()).toEqual([]);
    expect(reports.filter((r) => r.type !== 'balance')).toEqual([]);
  });
});

describe('paper trailing stops', () => {
  const trailing = (over: Partial<VenueOrderRequest> = {}): VenueOrderRequest => ({
    clientOrderId: 'tr',
    symbol: SYM,
    side: 'sell',
    type: 'trailing_stop',
    quantity: dec('1'),
    price: null,
    stopPrice: null,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: true,
    trailing: { offset: dec('5'), unit: 'percent', activationPrice: null, best: null },
    ...over,
  });

  it('follows the best last price, never moves back, and sells at market when hit', async () => {
    const { feed, venue, reports } = await setup();
    await venue.createOrder(trailing());
    expect(venue.openOrders()[0]!.stopPrice!.toFixed()).toBe('95'); // 100 − 5 %
    feed.pushTrade(SYM, '120', '1');
    expect(venue.openOrders()[0]!.stopPrice!.toFixed()).toBe('114');
    feed.pushTrade(SYM, '116', '1'); // down: the stop stays
    expect(venue.openOrders()[0]!.stopPrice!.toFixed()).toBe('114');
    const moves = reports.filter((r): r is Extract<ExecutionReport, { type: 'updated' }> => r.type === 'updated').map((r) => r.stopPrice!.toFixed());
    expect(moves).toEqual(['114']);
    feed.pushBook(SYM, [['113', '10']], [['114', '10']]);
    feed.pushTrade(SYM, '114', '1');
    expect(of(reports, 'tr')).toEqual(['accepted', 'updated', 'triggered', 'fill']);
    expect(filled(reports, 'tr').toFixed()).toBe('1');
  });

  it('waits for its activation price, then trails by a price offset', async () => {
    const { feed, venue } = await setup();
    await venue.createOrder(trailing({ trailing: { offset: dec('3'), unit: 'price', activationPrice: dec('105'), best: null } }));
    expect(venue.openOrders()[0]!.stopPrice).toBeNull();
    feed.pushTrade(SYM, '90', '1'); // below the activation: a stop not yet armed never fires
    expect(venue.openOrders()).toHaveLength(1);
    feed.pushTrade(SYM, '106', '1');
    expect(venue.openOrders()[0]!.stopPrice!.toFixed()).toBe('103');
  });

  it('refuses an offset ≤ 0 or ≥ 100 %', async () => {
    const { venue } = await setup();
    expect(await refusal(venue.createOrder(trailing({ trailing: { offset: dec('100'), unit: 'percent', activationPrice: null, best: null } })))).toMatch(/below 100/);
    expect(await refusal(venue.createOrder(trailing({ clientOrderId: 'x', trailing: { offset: dec('0'), unit: 'price', activationPrice: null, best: null } })))).toMatch(/positive/);
  });
});
