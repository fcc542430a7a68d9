import { describe, expect, it } from 'vitest';
import { Decimal, dec } from '../../../src-main/engine/model/decimal.js';
import type { OrderRecord, OrderType, Side, TimeInForce } from '../../../src-main/engine/model/types.js';
import { ManualClock, SequentialIds } from '../../../src-main/engine/ports/clock.js';
import { VenueRejection, type ExecutionReport, type VenueOrderRef, type VenueOrderRequest } from '../../../src-main/engine/ports/venue.js';
import { PaperVenue } from '../../../src-main/venues/paper/paper-venue.js';
import { FakeFeed, instrumentSpec } from '../../helpers/fake-feed.js';

const SYM = 'BTC/USDT';

async function setup(opts: { balances?: Record<string, string>; makerFee?: string; takerFee?: string } = {}) {
  const feed = new FakeFeed([instrumentSpec(SYM, { makerFee: opts.makerFee ?? '0.001', takerFee: opts.takerFee ?? '0.002' })]);
  const clock = new ManualClock(1_000);
  const venue = new PaperVenue({
    account: 'paper',
    marketData: feed,
    clock,
    ids: new SequentialIds('t'),
    startingBalances: opts.balances ?? { USDT: '100000' },
  });
  const reports: ExecutionReport[] = [];
  venue.onReport((r) => reports.push(r));
  await venue.start();
  return { feed, venue, reports, clock };
}

let nextId = 0;
interface OrderInput {
  side: Side;
  type?: OrderType;
  quantity: string;
  price?: string;
  stopPrice?: string;
  tif?: TimeInForce;
  postOnly?: boolean;
  id?: string;
}
function req(o: OrderInput): VenueOrderRequest {
  return {
    clientOrderId: o.id ?? `c${++nextId}`,
    symbol: SYM,
    side: o.side,
    type: o.type ?? (o.price ? 'limit' : 'market'),
    quantity: dec(o.quantity),
    price: o.price ? dec(o.price) : null,
    stopPrice: o.stopPrice ? dec(o.stopPrice) : null,
    timeInForce: o.tif ?? 'GTC',
    postOnly: o.postOnly ?? false,
    reduceOnly: false,
  };
}

async function place(venue: PaperVenue, o: OrderInput): Promise<VenueOrderRef> {
  const r = req(o);
  const ack = await venue.createOrder(r);
  return { clientOrderId: r.clientOrderId, venueOrderId: ack.venueOrderId, symbol: SYM };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(VenueRejection);
    return (err as VenueRejection).reason;
  }
  throw new Error('expected a VenueRejection');
}

function fills(reports: ExecutionReport[], clientOrderId?: string) {
  return reports
    .filter((r): r is Extract<ExecutionReport, { type: 'fill' }> => r.type === 'fill')
    .filter((r) => clientOrderId === undefined || r.clientOrderId === clientOrderId)
    .map((f) => ({ qty: f.quantity.toFixed(), price: f.price.toFixed(), fee: f.fee.toFixed(), liquidity: f.liquidity }));
}

function kinds(reports: ExecutionReport[]): string[] {
  return reports.filter((r) => r.type !== 'balance').map((r) => r.type);
}

async function balance(venue: PaperVenue, asset: string) {
  const b = (await venue.fetchBalance()).find((x) => x.asset === asset);
  const total = b?.total ?? new Decimal(0);
  const locked = b?.locked ?? new Decimal(0);
  return { total: total.toFixed(), locked: locked.toFixed(), free: total.minus(locked).toFixed() };
}

describe('market orders', () => {
  it('walk the book best level first, one taker fill per level, fee in quote at the taker rate', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushBook(SYM, [['99', '1']], [['100', '1'], ['101', '2'], ['102', '5']]);
    await place(venue, { side: 'buy', quantity: '2.5' });
    expect(kinds(reports)).toEqual(['accepted', 'fill', 'fill']);
    expect(fills(reports)).toEqual([
      { qty: '1', price: '100', fee: '0.2', liquidity: 'taker' },
      { qty: '1.5', price: '101', fee: '0.303', liquidity: 'taker' },
    ]);
    expect(await balance(venue, 'USDT')).toEqual({ total: '99747.997', locked: '0', free: '99747.997' });
    expect(await balance(venue, 'BTC')).toEqual({ total: '2.5', locked: '0', free: '2.5' });
  });

  it('do not take liquidity our own fills already took from the same book snapshot', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushBook(SYM, [], [['100', '1'], ['101', '2'], ['102', '5']]);
    const a = await place(venue, { side: 'buy', quantity: '1.5' });
    const b = await place(venue, { side: 'buy', quantity: '2' });
    expect(fills(reports, a.clientOrderId).map((f) => [f.qty, f.price])).toEqual([['1', '100'], ['0.5', '101']]);
    expect(fills(reports, b.clientOrderId).map((f) => [f.qty, f.price])).toEqual([['1.5', '101'], ['0.5', '102']]);
  });

  it('see the full book again once a new snapshot is published', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushBook(SYM, [], [['100', '1'], ['101', '2']]);
    await place(venue, { side: 'buy', quantity: '1' });
    feed.pushBook(SYM, [], [['100', '1'], ['101', '2']]);
    const second = await place(venue, { side: 'buy', quantity: '1' });
    expect(fills(reports, second.clientOrderId).map((f) => [f.qty, f.price])).toEqual([['1', '100']]);
  });

  it('expire the remainder with "no more liquidity" when the book runs out', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushBook(SYM, [], [['100', '1'], ['101', '2']]);
    await place(venue, { side: 'buy', quantity: '5' });
    expect(kinds(reports)).toEqual(['accepted', 'fill', 'fill', 'expired']);
    expect(reports.at(-1)).toMatchObject({ type: 'expired', reason: 'no more liquidity' });
    expect(await balance(venue, 'BTC')).toMatchObject({ total: '3' });
  });

  it('sell into the bids, receiving notional minus the taker fee', async () => {
    const { feed, venue, reports } = await setup({ balances: { USDT: '0', BTC: '2' } });
    feed.pushBook(SYM, [['99', '1'], ['98', '5']], [['101', '1']]);
    await place(venue, { side: 'sell', quantity: '1.5' });
    expect(fills(reports)).toEqual([
      { qty: '1', price: '99', fee: '0.198', liquidity: 'taker' },
      { qty: '0.5', price: '98', fee: '0.098', liquidity: 'taker' },
    ]);
    // 99 + 49 − 0.198 − 0.098
    expect(await balance(venue, 'USDT')).toMatchObject({ total: '147.704' });
    expect(await balance(venue, 'BTC')).toMatchObject({ total: '0.5' });
  });

  it('are refused without a book', async () => {
    const { venue, reports } = await setup();
    expect(await refusal(place(venue, { side: 'buy', quantity: '1' }))).toBe('no market data for BTC/USDT');
    expect(reports).toEqual([]);
  });

  it('are refused when the walk plus taker fee costs more than the free quote', async () => {
    const { feed, venue, reports } = await setup({ balances: { USDT: '150' } });
    feed.pushBook(SYM, [], [['100', '1'], ['101', '2']]);
    // 100 + 0.2 + 50.5 + 0.101
    expect(await refusal(place(venue, { side: 'buy', quantity: '1.5' }))).toBe('insufficient USDT: needs 150.801, free 150');
    expect(reports).toEqual([]);
  });

  it('sell without the base asset is refused', async () => {
    const { feed, venue } = await setup();
    feed.pushBook(SYM, [['99', '1']], [['101', '1']]);
    expect(await refusal(place(venue, { side: 'sell', quantity: '1' }))).toBe('insufficient BTC: needs 1, free 0');
  });

  it('FOK fills completely or expires without a fill', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushBook(SYM, [], [['100', '1'], ['101', '1']]);
    const short = await place(venue, { side: 'buy', quantity: '3', tif: 'FOK' });
    expect(kinds(reports)).toEqual(['accepted', 'expired']);
    expect(reports.at(-1)).toMatchObject({ clientOrderId: short.clientOrderId, reason: 'FOK: only 2 of 3 available in the book' });
    const full = await place(venue, { side: 'buy', quantity: '2', tif: 'FOK' });
    expect(fills(reports, full.clientOrderId).map((f) => f.qty)).toEqual(['1', '1']);
  });
});

describe('limit orders at placement', () => {
  it('take as taker up to the limit price, then rest the remainder (GTC) with its lock', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushBook(SYM, [['99', '1']], [['100', '1'], ['101', '1'], ['103', '1']]);
    const o = await place(venue, { side: 'buy', quantity: '3', price: '101' });
    expect(kinds(reports)).toEqual(['accepted', 'fill', 'fill']);
    expect(fills(reports).map((f) => [f.qty, f.price, f.liquidity])).toEqual([
      ['1', '100', 'taker'],
      ['1', '101', 'taker'],
    ]);
    expect(venue.openOrders().map((x) => [x.clientOrderId, x.remaining.toFixed()])).toEqual([[o.clientOrderId, '1']]);
    // 1 × 101 × (1 + max(0.001, 0.002))
    expect((await balance(venue, 'USDT')).locked).toBe('101.202');
  });

  it('IOC expires what it cannot take within its limit', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushBook(SYM, [], [['100', '1'], ['102', '1']]);
    await place(venue, { side: 'buy', quantity: '2', price: '101', tif: 'IOC' });
    expect(kinds(reports)).toEqual(['accepted', 'fill', 'expired']);
    expect(reports.at(-1)).toMatchObject({ reason: 'IOC: no more liquidity at or better than 101' });
    expect(venue.openOrders()).toEqual([]);
    expect((await balance(venue, 'USDT')).locked).toBe('0');
  });

  it('FOK fills completely within its limit', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushBook(SYM, [], [['100', '1'], ['101', '1'], ['102', '9']]);
    await place(venue, { side: 'buy', quantity: '2', price: '101', tif: 'FOK' });
    expect(kinds(reports)).toEqual(['accepted', 'fill', 'fill']);
  });

  it('FOK expires without any fill when the levels within its limit are too thin', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushBook(SYM, [], [['100', '1'], ['101', '1'], ['102', '9']]);
    await place(venue, { side: 'buy', quantity: '3', price: '101', tif: 'FOK' });
    expect(kinds(reports)).toEqual(['accepted', 'expired']);
    expect(reports.at(-1)).toMatchObject({ reason: 'FOK: only 2 of 3 available at or better than 101' });
    expect(await balance(venue, 'USDT')).toEqual({ total: '100000', locked: '0', free: '100000' });
  });

  it('post_only that would take is refused, naming the prices', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushBook(SYM, [['99', '1']], [['100', '1']]);
    expect(await refusal(place(venue, { side: 'buy', quantity: '1', price: '100', postOnly: true }))).toBe(
      'post_only order would take liquidity: buy at 100 crosses the best ask 100',
    );
    expect(reports).toEqual([]);
    await place(venue, { side: 'buy', quantity: '1', price: '99.5', postOnly: true });
    expect(kinds(reports)).toEqual(['accepted']);
  });

  it('a limit placed without any book rests', async () => {
    const { venue } = await setup();
    await place(venue, { side: 'buy', quantity: '1', price: '100' });
    expect(venue.openOrders()).toHaveLength(1);
  });

  it('a limit buy the account cannot lock is refused with the amounts', async () => {
    const { venue, reports } = await setup({ balances: { USDT: '1000' } });
    expect(await refusal(place(venue, { side: 'buy', quantity: '45', price: '100' }))).toBe('insufficient USDT: needs 4509, free 1000');
    expect(reports).toEqual([]);
  });

  it('a limit sell needs the base asset free', async () => {
    const { venue } = await setup({ balances: { USDT: '1000', BTC: '1' } });
    await place(venue, { side: 'sell', quantity: '0.6', price: '200' });
    expect(await refusal(place(venue, { side: 'sell', quantity: '0.5', price: '200' }))).toBe('insufficient BTC: needs 0.5, free 0.4');
  });
});

describe('resting limits', () => {
  it('fill their whole remainder as maker at their price on a trade strictly through it', async () => {
    const { feed, venue, reports } = await setup();
    const o = await place(venue, { side: 'buy', quantity: '2', price: '100' });
    feed.pushTrade(SYM, '100', '0.1', 'sell');
    expect(fills(reports)).toEqual([]);
    feed.pushTrade(SYM, '99.99', '0.1', 'sell');
    expect(fills(reports, o.clientOrderId)).toEqual([{ qty: '2', price: '100', fee: '0.2', liquidity: 'maker' }]);
    expect(venue.openOrders()).toEqual([]);
    expect(await balance(venue, 'USDT')).toEqual({ total: '99799.8', locked: '0', free: '99799.8' });
  });

  it('a resting sell fills on a trade above its price', async () => {
    const { feed, venue, reports } = await setup({ balances: { BTC: '1' } });
    await place(venue, { side: 'sell', quantity: '1', price: '100' });
    feed.pushTrade(SYM, '100.01', '0.1', 'buy');
    expect(fills(reports)).toEqual([{ qty: '1', price: '100', fee: '0.1', liquidity: 'maker' }]);
    expect(await balance(venue, 'USDT')).toMatchObject({ total: '99.9' });
    expect(await balance(venue, 'BTC')).toEqual({ total: '0', locked: '0', free: '0' });
  });

  it('fill on a book that crosses them, up to the quantity at the crossing levels (partial fills)', async () => {
    const { feed, venue, reports } = await setup();
    const o = await place(venue, { side: 'buy', quantity: '3', price: '100' });
    feed.pushBook(SYM, [['99', '1']], [['99.5', '1'], ['100', '0.5'], ['100.5', '10']]);
    expect(fills(reports, o.clientOrderId)).toEqual([{ qty: '1.5', price: '100', fee: '0.15', liquidity: 'maker' }]);
    // remaining 1.5 × 100 × 1.002
    expect((await balance(venue, 'USDT')).locked).toBe('150.3');
    feed.pushBook(SYM, [['99', '1']], [['99.5', '1'], ['100', '0.5'], ['100.5', '10']]);
    expect(fills(reports, o.clientOrderId).map((f) => f.qty)).toEqual(['1.5', '1.5']);
    expect(venue.openOrders()).toEqual([]);
  });

  it('share crossing liquidity by price, then time priority', async () => {
    const { feed, venue, reports } = await setup();
    const early = await place(venue, { side: 'buy', quantity: '1', price: '100' });
    const better = await place(venue, { side: 'buy', quantity: '1', price: '101' });
    const late = await place(venue, { side: 'buy', quantity: '1', price: '100' });
    feed.pushBook(SYM, [], [['99', '1.5']]);
    expect(fills(reports, better.clientOrderId).map((f) => f.qty)).toEqual(['1']);
    expect(fills(reports, early.clientOrderId).map((f) => f.qty)).toEqual(['0.5']);
    expect(fills(reports, late.clientOrderId)).toEqual([]);
  });

  it('market orders cannot take the liquidity resting orders already took from a snapshot', async () => {
    const { feed, venue, reports } = await setup();
    await place(venue, { side: 'buy', quantity: '1', price: '100' });
    feed.pushBook(SYM, [], [['100', '1'], ['101', '1']]);
    const m = await place(venue, { side: 'buy', quantity: '1' });
    expect(fills(reports, m.clientOrderId).map((f) => f.price)).toEqual(['101']);
  });
});

describe('fees', () => {
  it('maker and taker fees are exact to the last digit, in the quote asset', async () => {
    const { feed, venue, reports } = await setup({ makerFee: '0.00075', takerFee: '0.0015' });
    await place(venue, { side: 'buy', quantity: '0.1234', price: '45678.91' });
    feed.pushTrade(SYM, '45678.9', '1', 'sell');
    feed.pushBook(SYM, [], [['45678.91', '0.1234']]);
    await place(venue, { side: 'buy', quantity: '0.1234' });
    const [maker, taker] = reports.filter((r) => r.type === 'fill');
    expect(maker).toMatchObject({ liquidity: 'maker', feeAsset: 'USDT' });
    expect(taker).toMatchObject({ liquidity: 'taker', feeAsset: 'USDT' });
    expect(maker?.type === 'fill' && maker.fee.toFixed()).toBe('4.2275831205');
    expect(taker?.type === 'fill' && taker.fee.toFixed()).toBe('8.455166241');
    // 100000 − 2 × 5636.777494 − 4.2275831205 − 8.455166241
    expect((await balance(venue, 'USDT')).total).toBe('88713.7622626385');
  });
});

describe('locks and free balances', () => {
  it('a resting buy locks price × remaining × (1 + worst fee); a sell locks its base; cancel gives both back', async () => {
    const { venue, reports } = await setup({ balances: { USDT: '1000', BTC: '2' } });
    const buy = await place(venue, { side: 'buy', quantity: '1', price: '100' });
    const sell = await place(venue, { side: 'sell', quantity: '0.75', price: '200' });
    expect(await balance(venue, 'USDT')).toEqual({ total: '1000', locked: '100.2', free: '899.8' });
    expect(await balance(venue, 'BTC')).toEqual({ total: '2', locked: '0.75', free: '1.25' });
    await venue.cancelOrder(buy);
    await venue.cancelOrder(sell);
    expect(await balance(venue, 'USDT')).toEqual({ total: '1000', locked: '0', free: '1000' });
    expect(await balance(venue, 'BTC')).toEqual({ total: '2', locked: '0', free: '2' });
    expect(kinds(reports)).toEqual(['accepted', 'accepted', 'canceled', 'canceled']);
  });

  it('every change of total or locked is reported as a balance, per changed asset', async () => {
    const { feed, venue, reports } = await setup();
    await place(venue, { side: 'buy', quantity: '1', price: '100' });
    expect(reports.map((r) => r.type)).toEqual(['accepted', 'balance']);
    expect(reports[1]).toMatchObject({ asset: 'USDT' });
    expect(reports[1]?.type === 'balance' && reports[1].locked.toFixed()).toBe('100.2');
    feed.pushTrade(SYM, '99', '1', 'sell');
    const after = reports.slice(2);
    expect(after.map((r) => (r.type === 'balance' ? `balance ${r.asset} ${r.total.toFixed()}/${r.locked.toFixed()}` : r.type))).toEqual([
      'fill',
      'balance BTC 1/0',
      'balance USDT 99899.9/0',
    ]);
  });

  it('balances of an asset never held start at zero', async () => {
    const { venue } = await setup();
    expect(await balance(venue, 'ETH')).toEqual({ total: '0', locked: '0', free: '0' });
    expect((await venue.fetchBalance()).map((b) => b.asset)).toEqual(['USDT']);
  });
});

describe('stops', () => {
  it('a buy stop_market triggers when the last trade reaches its stop, then walks the book', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushTrade(SYM, '100', '1');
    feed.pushBook(SYM, [['104', '1']], [['105', '0.5'], ['106', '5']]);
    const o = await place(venue, { side: 'buy', type: 'stop_market', quantity: '1', stopPrice: '105' });
    // 1 × 105 × 1.002
    expect((await balance(venue, 'USDT')).locked).toBe('105.21');
    feed.pushTrade(SYM, '104.99', '1');
    expect(kinds(reports)).toEqual(['accepted']);
    feed.pushTrade(SYM, '105', '1');
    expect(kinds(reports)).toEqual(['accepted', 'triggered', 'fill', 'fill']);
    expect(fills(reports, o.clientOrderId).map((f) => [f.qty, f.price, f.liquidity])).toEqual([
      ['0.5', '105', 'taker'],
      ['0.5', '106', 'taker'],
    ]);
    expect((await balance(venue, 'USDT')).locked).toBe('0');
  });

  it('a sell stop_market triggers at or below its stop', async () => {
    const { feed, venue, reports } = await setup({ balances: { BTC: '1' } });
    feed.pushTrade(SYM, '100', '1');
    feed.pushBook(SYM, [['94', '2']], [['96', '1']]);
    await place(venue, { side: 'sell', type: 'stop_market', quantity: '1', stopPrice: '95' });
    expect((await balance(venue, 'BTC')).locked).toBe('1');
    feed.pushTrade(SYM, '95', '1');
    expect(kinds(reports)).toEqual(['accepted', 'triggered', 'fill']);
    expect(fills(reports)).toEqual([{ qty: '1', price: '94', fee: '0.188', liquidity: 'taker' }]);
  });

  it('a sell stop_limit triggers, takes down to its limit, and rests the rest at the limit', async () => {
    const { feed, venue, reports } = await setup({ balances: { BTC: '2' } });
    feed.pushTrade(SYM, '100', '1');
    feed.pushBook(SYM, [['94.5', '1'], ['93', '5']], [['96', '1']]);
    const o = await place(venue, { side: 'sell', type: 'stop_limit', quantity: '2', stopPrice: '95', price: '94' });
    feed.pushTrade(SYM, '94.9', '1');
    expect(kinds(reports)).toEqual(['accepted', 'triggered', 'fill']);
    expect(fills(reports, o.clientOrderId).map((f) => [f.qty, f.price])).toEqual([['1', '94.5']]);
    expect(venue.openOrders().map((x) => [x.type, x.triggered, x.remaining.toFixed()])).toEqual([['stop_limit', true, '1']]);
    expect((await balance(venue, 'BTC')).locked).toBe('1');
    feed.pushTrade(SYM, '94.01', '1');
    expect(fills(reports, o.clientOrderId).map((f) => [f.qty, f.price, f.liquidity])).toEqual([
      ['1', '94.5', 'taker'],
      ['1', '94', 'maker'],
    ]);
  });

  it('a buy stop_limit locks at its limit price and rests once triggered below the book', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushTrade(SYM, '100', '1');
    feed.pushBook(SYM, [['104', '1']], [['107', '1']]);
    await place(venue, { side: 'buy', type: 'stop_limit', quantity: '1', stopPrice: '105', price: '106' });
    expect((await balance(venue, 'USDT')).locked).toBe('106.212');
    feed.pushTrade(SYM, '105.5', '1');
    expect(kinds(reports)).toEqual(['accepted', 'triggered']);
    feed.pushBook(SYM, [['104', '1']], [['105.9', '0.4']]);
    expect(fills(reports).map((f) => [f.qty, f.price, f.liquidity])).toEqual([['0.4', '106', 'maker']]);
  });

  it('a stop the market has already reached is refused at placement', async () => {
    const { feed, venue } = await setup({ balances: { USDT: '1000', BTC: '1' } });
    feed.pushTrade(SYM, '100', '1');
    expect(await refusal(place(venue, { side: 'buy', type: 'stop_market', quantity: '1', stopPrice: '99' }))).toBe(
      'buy stop at 99 would trigger immediately: last price 100 is at or above it',
    );
    expect(await refusal(place(venue, { side: 'sell', type: 'stop_limit', quantity: '1', stopPrice: '100', price: '99' }))).toBe(
      'sell stop at 100 would trigger immediately: last price 100 is at or below it',
    );
  });

  it('a stop_market buy the account can no longer pay for when it triggers is rejected with a report', async () => {
    const { feed, venue, reports } = await setup({ balances: { USDT: '1000' } });
    feed.pushTrade(SYM, '90', '1');
    await place(venue, { side: 'buy', type: 'stop_market', quantity: '9', stopPrice: '100' });
    expect((await balance(venue, 'USDT')).locked).toBe('901.8');
    feed.pushBook(SYM, [['190', '1']], [['200', '10']]);
    feed.pushTrade(SYM, '200', '1');
    expect(kinds(reports)).toEqual(['accepted', 'triggered', 'rejected']);
    expect(reports.find((r) => r.type === 'rejected')).toMatchObject({ reason: 'insufficient USDT: needs 1803.6, free 1000 when the stop triggered' });
    expect(await balance(venue, 'USDT')).toEqual({ total: '1000', locked: '0', free: '1000' });
  });
});

describe('amend', () => {
  it('a new price re-locks and reports updated', async () => {
    const { venue, reports } = await setup();
    const o = await place(venue, { side: 'buy', quantity: '1', price: '100' });
    await venue.editOrder(o, { price: dec('90') });
    expect(reports.filter((r) => r.type === 'updated')).toMatchObject([{ clientOrderId: o.clientOrderId, quantity: dec('1') }]);
    expect((reports.find((r) => r.type === 'updated') as { price: Decimal }).price.toFixed()).toBe('90');
    expect((await balance(venue, 'USDT')).locked).toBe('90.18');
  });

  it('a new quantity must exceed the filled quantity', async () => {
    const { feed, venue } = await setup();
    const o = await place(venue, { side: 'buy', quantity: '3', price: '100' });
    feed.pushBook(SYM, [], [['100', '2']]);
    expect(await refusal(venue.editOrder(o, { quantity: dec('2') }))).toBe('new quantity 2 must exceed the filled quantity 2');
    await venue.editOrder(o, { quantity: dec('2.5') });
    expect(venue.openOrders()[0]?.remaining.toFixed()).toBe('0.5');
    expect((await balance(venue, 'USDT')).locked).toBe('50.1');
  });

  it('an amend the account cannot lock is refused and changes nothing', async () => {
    const { venue } = await setup({ balances: { USDT: '200' } });
    const o = await place(venue, { side: 'buy', quantity: '1', price: '100' });
    expect(await refusal(venue.editOrder(o, { quantity: dec('2') }))).toBe('insufficient USDT: needs 200.4, free 200');
    expect((await balance(venue, 'USDT')).locked).toBe('100.2');
  });

  it('a price that now crosses executes at once as taker, after the updated report', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushBook(SYM, [['98', '1']], [['100', '0.5'], ['101', '5']]);
    const o = await place(venue, { side: 'buy', quantity: '1', price: '99' });
    await venue.editOrder(o, { price: dec('100') });
    expect(kinds(reports)).toEqual(['accepted', 'updated', 'fill']);
    expect(fills(reports).map((f) => [f.qty, f.price, f.liquidity])).toEqual([['0.5', '100', 'taker']]);
    expect(venue.openOrders()[0]?.remaining.toFixed()).toBe('0.5');
  });

  it('a post_only amend that would cross is refused', async () => {
    const { feed, venue } = await setup();
    feed.pushBook(SYM, [['98', '1']], [['100', '0.5']]);
    const o = await place(venue, { side: 'buy', quantity: '1', price: '99', postOnly: true });
    expect(await refusal(venue.editOrder(o, { price: dec('100.5') }))).toBe(
      'post_only order would take liquidity: buy at 100.5 crosses the best ask 100',
    );
    expect(venue.openOrders()[0]?.price?.toFixed()).toBe('99');
  });

  it('a waiting stop can change quantity; a stop_market has no price to change', async () => {
    const { venue, reports } = await setup();
    const o = await place(venue, { side: 'buy', type: 'stop_market', quantity: '1', stopPrice: '105' });
    await venue.editOrder(o, { quantity: dec('2') });
    expect((await balance(venue, 'USDT')).locked).toBe('210.42');
    expect(reports.find((r) => r.type === 'updated')).toMatchObject({ price: null });
    expect(await refusal(venue.editOrder(o, { price: dec('110') }))).toBe('a stop_market order has no limit price to amend');
  });
});

describe('cancel', () => {
  it('reports canceled and releases the lock; a second cancel is refused as closed', async () => {
    const { venue, reports } = await setup();
    const o = await place(venue, { side: 'buy', quantity: '1', price: '100' });
    await venue.cancelOrder(o);
    expect(reports.filter((r) => r.type === 'canceled')).toMatchObject([{ clientOrderId: o.clientOrderId, reason: null }]);
    expect((await balance(venue, 'USDT')).locked).toBe('0');
    expect(await refusal(venue.cancelOrder(o))).toBe(`cannot cancel order ${o.clientOrderId}: it is already canceled`);
    expect(await refusal(venue.editOrder(o, { price: dec('1') }))).toBe(`cannot amend order ${o.clientOrderId}: it is already canceled`);
  });

  it('an unknown order is refused', async () => {
    const { venue } = await setup();
    expect(await refusal(venue.cancelOrder({ clientOrderId: 'nope', venueOrderId: null, symbol: SYM }))).toBe('cannot cancel: no order nope on BTC/USDT');
  });

  it('finds an order by its client order id when the venue id is not known yet', async () => {
    const { venue } = await setup();
    const o = await place(venue, { side: 'buy', quantity: '1', price: '100' });
    await venue.cancelOrder({ ...o, venueOrderId: null });
    expect(venue.openOrders()).toEqual([]);
  });
});

describe('requests', () => {
  it('createOrder resolves with the venue order id after the accepted report was delivered', async () => {
    const { venue, reports } = await setup();
    const promise = venue.createOrder(req({ side: 'buy', quantity: '1', price: '100', id: 'x1' }));
    expect(reports[0]).toEqual({ type: 'accepted', clientOrderId: 'x1', venueOrderId: 'P-t-1', ts: 1000 });
    expect(await promise).toEqual({ venueOrderId: 'P-t-1' });
  });

  it('refuses a client order id it has seen', async () => {
    const { venue } = await setup();
    await place(venue, { side: 'buy', quantity: '1', price: '100', id: 'dup' });
    expect(await refusal(place(venue, { side: 'buy', quantity: '1', price: '100', id: 'dup' }))).toBe(
      'duplicate client order id dup: the venue already has an order with it',
    );
  });

  it('refuses quantities and prices off the instrument filters, naming them', async () => {
    const { venue } = await setup();
    expect(await refusal(place(venue, { side: 'buy', quantity: '0.00015', price: '100' }))).toBe(
      'quantity 0.00015 is not a multiple of the size increment 0.0001 of BTC/USDT',
    );
    expect(await refusal(place(venue, { side: 'buy', quantity: '1', price: '100.001' }))).toBe(
      'price 100.001 is not a multiple of the price increment 0.01 of BTC/USDT',
    );
    expect(await refusal(place(venue, { side: 'buy', quantity: '0', price: '100' }))).toBe('quantity must be positive, got 0');
    expect(await refusal(place(venue, { side: 'buy', type: 'limit', quantity: '1' }))).toBe('a limit order needs a price');
    expect(await refusal(venue.createOrder({ ...req({ side: 'buy', quantity: '1' }), symbol: 'DOGE/USDT' }))).toBe(
      'unknown symbol DOGE/USDT: the market data has no such instrument',
    );
  });

  it('a listener may cancel from inside a report; reports stay in one order', async () => {
    const { feed, venue, reports } = await setup();
    const a = await place(venue, { side: 'buy', quantity: '1', price: '100' });
    const b = await place(venue, { side: 'buy', quantity: '1', price: '99' });
    venue.onReport((r) => {
      if (r.type === 'fill' && r.clientOrderId === a.clientOrderId) void venue.cancelOrder(b);
    });
    feed.pushTrade(SYM, '99.5', '1', 'sell');
    expect(kinds(reports)).toEqual(['accepted', 'accepted', 'fill', 'canceled']);
    expect(venue.openOrders()).toEqual([]);
  });

  it('listens to the feed between start and stop', async () => {
    const { feed, venue, reports } = await setup();
    expect(feed.subscriberCount).toBe(1);
    await place(venue, { side: 'buy', quantity: '1', price: '100' });
    await venue.stop();
    expect(feed.subscriberCount).toBe(0);
    feed.pushTrade(SYM, '90', '1');
    expect(fills(reports)).toEqual([]);
    await venue.start();
    feed.pushTrade(SYM, '90', '1');
    expect(fills(reports)).toHaveLength(1);
  });

  it('loadMarkets returns the feed instruments', async () => {
    const { venue } = await setup();
    expect((await venue.loadMarkets()).map((s) => s.symbol)).toEqual([SYM]);
    expect(venue.exchange).toBe('paper');
    expect(venue.mode).toBe('paper');
  });

  it('is deterministic for the same inputs, clock and ids', async () => {
    async function run() {
      const { feed, venue, reports, clock } = await setup({ balances: { USDT: '5000', BTC: '3' } });
      feed.pushTrade(SYM, '100', '1');
      feed.pushBook(SYM, [['99', '2'], ['98', '3']], [['101', '1'], ['102', '4']]);
      await place(venue, { side: 'buy', quantity: '2', price: '101.5', id: 'a' });
      const d = await place(venue, { side: 'buy', quantity: '1', price: '90', id: 'd' });
      clock.advance(10);
      await place(venue, { side: 'sell', type: 'stop_market', quantity: '1', stopPrice: '97', id: 'b' });
      await place(venue, { side: 'sell', quantity: '1.2', id: 'c' });
      feed.pushTrade(SYM, '96', '1', 'sell');
      await venue.editOrder(d, { price: dec('102') });
      feed.pushBook(SYM, [['95', '2']], [['99', '3']]);
      expect(fills(reports).length).toBeGreaterThan(4);
      return JSON.stringify(reports);
    }
    expect(await run()).toBe(await run());
  });
});

describe('restore and reset', () => {
  function record(partial: Partial<OrderRecord> & Pick<OrderRecord, 'clientOrderId' | 'side' | 'type' | 'quantity'>): OrderRecord {
    return {
      id: `O-${partial.clientOrderId}`,
      account: 'paper',
      symbol: SYM,
      price: null,
      stopPrice: null,
      timeInForce: 'GTC',
      postOnly: false,
      reduceOnly: false,
      state: 'accepted',
      previousState: null,
      filledQuantity: dec(0),
      averagePrice: null,
      fees: dec(0),
      rejectReason: null,
      venueOrderId: `P-${partial.clientOrderId}`,
      createdAt: 1,
      updatedAt: 1,
      ...partial,
    };
  }

  it('restore rebuilds the locks an identical live venue holds', async () => {
    const live = await setup({ balances: { USDT: '10000', BTC: '5' } });
    live.feed.pushTrade(SYM, '100', '1');
    const buy = await place(live.venue, { side: 'buy', quantity: '3', price: '99' });
    live.feed.pushTrade(SYM, '98', '1'); // fills `buy` completely
    const partial = await place(live.venue, { side: 'buy', quantity: '4', price: '97' });
    live.feed.pushBook(SYM, [], [['96', '1.5']]);
    const stopSell = await place(live.venue, { side: 'sell', type: 'stop_limit', quantity: '2', stopPrice: '90', price: '89' });
    const stopBuy = await place(live.venue, { side: 'buy', type: 'stop_market', quantity: '1', stopPrice: '110' });
    expect(fills(live.reports, buy.clientOrderId)).toHaveLength(1);

    const restored = await setup({ balances: {} });
    const open = live.venue.openOrders();
    const result = restored.venue.restore({
      balances: (await live.venue.fetchBalance()).map((b) => ({ asset: b.asset, total: b.total })),
      openOrders: open.map((o, i) =>
        record({
          clientOrderId: o.clientOrderId,
          venueOrderId: o.venueOrderId,
          side: o.side,
          type: o.type,
          quantity: o.quantity,
          filledQuantity: o.filledQuantity,
          price: o.price,
          stopPrice: o.stopPrice,
          state: o.filledQuantity.gt(0) ? 'partially_filled' : 'accepted',
          createdAt: i,
        }),
      ),
    });
    expect(result).toEqual({ restored: [partial, stopSell, stopBuy].map((o) => o.clientOrderId), skipped: [] });
    expect(await restored.venue.fetchBalance()).toEqual(await live.venue.fetchBalance());
    expect(restored.reports).toEqual([]);
    // the restored partial fills on, like the live one
    restored.feed.pushTrade(SYM, '96.5', '1', 'sell');
    expect(fills(restored.reports, partial.clientOrderId)).toEqual([{ qty: '2.5', price: '97', fee: '0.2425', liquidity: 'maker' }]);
  });

  it('restore skips what cannot rest, with the reason', async () => {
    const { venue } = await setup();
    const result = venue.restore({
      balances: [{ asset: 'USDT', total: dec('1000') }],
      openOrders: [
        record({ clientOrderId: 'm', side: 'buy', type: 'market', quantity: dec(1) }),
        record({ clientOrderId: 'n', side: 'buy', type: 'limit', quantity: dec(1), price: dec(10), venueOrderId: null }),
        record({ clientOrderId: 't', side: 'buy', type: 'stop_market', quantity: dec(1), stopPrice: dec(10), state: 'triggered' }),
        record({ clientOrderId: 'ok', side: 'buy', type: 'stop_limit', quantity: dec(1), stopPrice: dec(10), price: dec(11), state: 'triggered' }),
      ],
    });
    expect(result.restored).toEqual(['ok']);
    expect(result.skipped.map((s) => s.clientOrderId + ': ' + s.reason)).toEqual([
      'm: a market order never rests',
      'n: the venue never acknowledged the order',
      't: a triggered stop_market works as a market order and never rests',
    ]);
    // a triggered stop_limit rests as a limit
    expect(venue.openOrders()[0]).toMatchObject({ triggered: true });
    expect((await balance(venue, 'USDT')).locked).toBe('11.022');
  });

  it('reset drops every order and restores the starting balances, silently', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushBook(SYM, [], [['100', '1']]);
    await place(venue, { side: 'buy', quantity: '0.5' });
    await place(venue, { side: 'buy', quantity: '1', price: '90' });
    const before = reports.length;
    venue.reset({ USDT: '250' });
    expect(reports.length).toBe(before);
    expect(venue.openOrders()).toEqual([]);
    expect(await venue.fetchBalance()).toEqual([{ asset: 'USDT', total: dec('250'), locked: dec('0') }]);
  });

  it('refuses starting balances that are not non-negative decimals, naming the asset', () => {
    const feed = new FakeFeed([instrumentSpec(SYM)]);
    expect(
      () => new PaperVenue({ account: 'p', marketData: feed, clock: new ManualClock(), ids: new SequentialIds('x'), startingBalances: { USDT: 'lots' } }),
    ).toThrow('startingBalances.USDT must be a non-negative decimal string, got "lots"');
  });
});

describe('take profits (Binance TAKE_PROFIT / TAKE_PROFIT_LIMIT)', () => {
  it('a sell take_profit_market does not fill while the market falls, and fills once it rises to its stop', async () => {
    const { feed, venue, reports } = await setup({ balances: { BTC: '1' } });
    feed.pushTrade(SYM, '100', '1');
    feed.pushBook(SYM, [['109', '2']], [['111', '1']]);
    const o = await place(venue, { side: 'sell', type: 'take_profit_market', quantity: '1', stopPrice: '110' });
    expect((await balance(venue, 'BTC')).locked).toBe('1');
    // a sell stop at 110 would fire here; a take profit waits for the rise
    feed.pushTrade(SYM, '95', '1');
    feed.pushTrade(SYM, '109.99', '1');
    expect(kinds(reports)).toEqual(['accepted']);
    feed.pushTrade(SYM, '110', '1');
    expect(kinds(reports)).toEqual(['accepted', 'triggered', 'fill']);
    expect(fills(reports, o.clientOrderId).map((f) => [f.qty, f.price, f.liquidity])).toEqual([['1', '109', 'taker']]);
  });

  it('a buy take_profit_limit fires when the market falls to its stop and rests at its limit', async () => {
    const { feed, venue, reports } = await setup();
    feed.pushTrade(SYM, '100', '1');
    feed.pushBook(SYM, [['89', '1']], [['91', '1']]);
    await place(venue, { side: 'buy', type: 'take_profit_limit', quantity: '1', stopPrice: '90', price: '90' });
    // 1 × 90 × 1.002
    expect((await balance(venue, 'USDT')).locked).toBe('90.18');
    feed.pushTrade(SYM, '105', '1');
    expect(kinds(reports)).toEqual(['accepted']);
    feed.pushTrade(SYM, '90', '1');
    expect(kinds(reports)).toEqual(['accepted', 'triggered']);
    expect(venue.openOrders().map((x) => [x.type, x.triggered])).toEqual([['take_profit_limit', true]]);
    feed.pushBook(SYM, [['89', '1']], [['89.5', '1']]);
    expect(fills(reports).map((f) => [f.qty, f.price, f.liquidity])).toEqual([['1', '90', 'maker']]);
  });

  it('a take profit the market has already reached is refused at placement, a stop at the same price is not', async () => {
    const { feed, venue } = await setup({ balances: { USDT: '1000', BTC: '1' } });
    feed.pushTrade(SYM, '100', '1');
    expect(await refusal(place(venue, { side: 'sell', type: 'take_profit_market', quantity: '1', stopPrice: '99' }))).toBe(
      'sell take profit at 99 would trigger immediately: last price 100 is at or above it',
    );
    expect(await refusal(place(venue, { side: 'buy', type: 'take_profit_limit', quantity: '1', stopPrice: '101', price: '101' }))).toBe(
      'buy take profit at 101 would trigger immediately: last price 100 is at or below it',
    );
    await place(venue, { side: 'sell', type: 'stop_market', quantity: '1', stopPrice: '99' });
  });
});
