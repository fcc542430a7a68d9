/**
 * OCO order lists and Binance's order types on Tern's gateway (issue 14), through
 * the real ccxt binance class (its implicit orderList endpoints, as a bot calls
 * them): each list is one `orders.oco` group of the engine, its legs Tern's
 * orders; refusals reach ccxt as Binance's codes.
 */
import ccxt from 'ccxt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayUnderTest } from '../../helpers/binance-gateway.js';
import { binanceFor, type Binance } from '../../helpers/ccxt-binance.js';
import type { FakeFeed } from '../../helpers/fake-feed.js';

type Api = Record<string, (params: Record<string, unknown>) => Promise<Record<string, any>>>;
const admin = { actor: 'test' };
let gw: GatewayUnderTest;
let te: GatewayUnderTest['te'];
let feed: FakeFeed;
let ex: Binance;
let url: string;
const api = () => ex as unknown as Api;

beforeAll(async () => {
  gw = await startGateway();
  ({ te, url, ex } = gw);
  feed = te.feed;
  // BTC to sell: a sell OCO sells what the account holds, as on Binance
  await ex.createOrder('BTC/USDT', 'market', 'buy', 0.5);
});

afterAll(() => gw?.close());

beforeEach(async () => {
  await te.engine.call('orders.cancelAll', { account: 'paper' }, admin);
  feed.pushBook('BTC/USDT', [['44999.99', '100']], [['45000.01', '100']]);
  feed.pushTrade('BTC/USDT', '45000', '0.01', 'buy');
});

const sellOco = (tag: string, extra: Record<string, unknown> = {}) =>
  api()['privatePostOrderListOco']!({
    symbol: 'BTCUSDT', side: 'SELL', quantity: '0.1', listClientOrderId: tag,
    aboveType: 'LIMIT_MAKER', abovePrice: '46000',
    belowType: 'STOP_LOSS_LIMIT', belowStopPrice: '44000', belowPrice: '43900', belowTimeInForce: 'GTC',
    ...extra,
  });

describe('OCO order lists (orderList/oco, order/oco, orderList, openOrderList, allOrderList)', () => {
  it('POST orderList/oco places one Tern OCO group: a LIMIT_MAKER take profit and a stop, under one orderListId', async () => {
    const r = await sellOco('a-list', { aboveClientOrderId: 'a-list-tp' });
    expect(r).toMatchObject({ contingencyType: 'OCO', listStatusType: 'EXEC_STARTED', listOrderStatus: 'EXECUTING', listClientOrderId: 'a-list', symbol: 'BTCUSDT' });
    expect(r['orderReports'].map((x: any) => [x.clientOrderId, x.type, x.status, x.orderListId])).toEqual([
      ['a-list-sl', 'STOP_LOSS_LIMIT', 'NEW', r['orderListId']],
      ['a-list-tp', 'LIMIT_MAKER', 'NEW', r['orderListId']],
    ]);
    // Tern's own API sees the group
    const tp = await te.engine.call('orders.get', { id: 'a-list-tp' }, admin);
    expect(tp).toMatchObject({ oco_id: r['orderListId'], role: 'take_profit', type: 'limit', price: '46000' });
    const open = await ex.fetchOpenOrders('BTC/USDT');
    expect(open.map((o) => o.clientOrderId).sort()).toEqual(['a-list-sl', 'a-list-tp']);
    expect(open.find((o) => o.clientOrderId === 'a-list-sl')).toMatchObject({ triggerPrice: 44000, price: 43900, info: { orderListId: r['orderListId'] } });
    expect(await api()['privateGetOpenOrderList']!({})).toEqual([expect.objectContaining({ orderListId: r['orderListId'], listClientOrderId: 'a-list' })]);
    const byClientId = await api()['privateGetOrderList']!({ origClientOrderId: 'a-list' });
    const byId = await api()['privateGetOrderList']!({ orderListId: r['orderListId'] });
    expect(byId).toEqual(byClientId);
    expect(byId['orders'].map((o: any) => o.clientOrderId)).toEqual(['a-list-sl', 'a-list-tp']);
  });

  it('DELETE orderList cancels both legs; canceling it again is OrderNotFound; GET orderList then says ALL_DONE', async () => {
    const r = await sellOco('b-list');
    const canceled = await api()['privateDeleteOrderList']!({ symbol: 'BTCUSDT', orderListId: r['orderListId'] });
    expect(canceled).toMatchObject({ listStatusType: 'ALL_DONE', listOrderStatus: 'ALL_DONE' });
    expect(canceled['orderReports'].map((x: any) => [x.origClientOrderId, x.status])).toEqual([
      ['b-list-sl', 'CANCELED'],
      ['b-list-tp', 'CANCELED'],
    ]);
    await expect(api()['privateDeleteOrderList']!({ symbol: 'BTCUSDT', listClientOrderId: 'b-list' })).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    expect(await api()['privateGetOrderList']!({ origClientOrderId: 'b-list' })).toMatchObject({ listOrderStatus: 'ALL_DONE' });
    await expect(api()['privateGetOrderList']!({ origClientOrderId: 'no-such-list' })).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    const all = await api()['privateGetAllOrderList']!({});
    expect((all as unknown as Array<Record<string, unknown>>).map((l) => l['listClientOrderId'])).toEqual(expect.arrayContaining(['a-list', 'b-list']));
  });

  it('canceling one leg (DELETE order) ends the list, as on Binance', async () => {
    await sellOco('c-list');
    await ex.cancelOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'c-list-tp' });
    expect((await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'c-list-sl' })).status).toBe('canceled');
  });

  it('the take profit filling ends the stop leg: the stop reads EXPIRED (ccxt: expired), the list ALL_DONE', async () => {
    await sellOco('d-list');
    feed.pushBook('BTC/USDT', [['46500', '100']], [['46500.02', '100']]);
    feed.pushTrade('BTC/USDT', '46500', '1', 'buy');
    const tp = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'd-list-tp' });
    expect(tp).toMatchObject({ status: 'closed', filled: 0.1 });
    const sl = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'd-list-sl' });
    expect(sl.status).toBe('expired');
    expect(await api()['privateGetOrderList']!({ origClientOrderId: 'd-list' })).toMatchObject({ listStatusType: 'ALL_DONE' });
    const mine = (await ex.fetchOrders('BTC/USDT')).find((o) => o.clientOrderId === 'd-list-sl');
    expect(mine?.status).toBe('expired');
  });

  it('the older POST order/oco takes price / stopPrice / stopLimitPrice and the legs named after the list', async () => {
    const r = await api()['privatePostOrderOco']!({
      symbol: 'BTCUSDT', side: 'SELL', quantity: '0.1', price: '46000', stopPrice: '44000', stopLimitPrice: '43900', stopLimitTimeInForce: 'GTC',
      listClientOrderId: 'e-list', limitClientOrderId: 'e-list-tp', stopClientOrderId: 'e-list-sl',
    });
    expect(r['orderReports'].map((x: any) => [x.clientOrderId, x.type, x.price])).toEqual([
      ['e-list-sl', 'STOP_LOSS_LIMIT', '43900.00000000'],
      ['e-list-tp', 'LIMIT_MAKER', '46000.00000000'],
    ]);
    const market = await api()['privatePostOrderOco']!({ symbol: 'BTCUSDT', side: 'SELL', quantity: '0.1', price: '46000', stopPrice: '44000' });
    expect(market['orderReports'][0]).toMatchObject({ type: 'STOP_LOSS', stopPrice: '44000.00000000' });
  });

  it('a buy OCO: the stop above, the LIMIT_MAKER below', async () => {
    const r = await api()['privatePostOrderListOco']!({
      symbol: 'BTCUSDT', side: 'BUY', quantity: '0.01',
      aboveType: 'STOP_LOSS', aboveStopPrice: '46000', belowType: 'LIMIT_MAKER', belowPrice: '44000',
    });
    expect(r['orderReports'].map((x: any) => [x.side, x.type])).toEqual([
      ['BUY', 'STOP_LOSS'],
      ['BUY', 'LIMIT_MAKER'],
    ]);
  });

  it('refuses what Tern cannot hold, naming it: prices the wrong way round, other leg types, leg ids not named after the list, a non-GTC leg', async () => {
    const wrong = await sellOco('f-list', { abovePrice: '43000', belowStopPrice: '44000' }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(ccxt.InvalidOrder);
    expect(String(wrong)).toContain('take_profit_beyond_stop');
    // a SELL's take profit is its above leg, the stop below (Binance's rule)
    const swapped = await sellOco('g-list', { aboveType: 'STOP_LOSS', aboveStopPrice: '46000', abovePrice: undefined, belowType: 'TAKE_PROFIT', belowStopPrice: '44000', belowPrice: undefined, belowTimeInForce: undefined }).catch((e: unknown) => e);
    expect(swapped).toBeInstanceOf(ccxt.InvalidOrder);
    expect(String(swapped)).toContain('"code":-1014');
    const legId = await sellOco('h-list', { aboveClientOrderId: 'my-own-tp' }).catch((e: unknown) => e);
    expect(String(legId)).toContain('"code":-1130');
    expect(String(legId)).toContain("'aboveClientOrderId'");
    const tif = await sellOco('i-list', { belowTimeInForce: 'IOC' }).catch((e: unknown) => e);
    expect(String(tif)).toContain("'belowTimeInForce'");
    const missing = await sellOco('j-list', { belowStopPrice: undefined }).catch((e: unknown) => e);
    expect(String(missing)).toContain("Mandatory parameter 'belowStopPrice'");
    const unknown = await sellOco('k-list', { aboveIcebergQty: '0.01' }).catch((e: unknown) => e);
    expect(String(unknown)).toContain('"code":-1104');
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([]);
  });

  it('TAKE_PROFIT / TAKE_PROFIT_LIMIT legs: a SELL\'s above leg is Tern\'s take_profit_market / take_profit_limit; reaching it fires it and the stop leg expires', async () => {
    const r = await sellOco('tp-list', { aboveType: 'TAKE_PROFIT', aboveStopPrice: '46000', abovePrice: undefined });
    expect(r).toMatchObject({ contingencyType: 'OCO', listOrderStatus: 'EXECUTING', listClientOrderId: 'tp-list' });
    expect(r['orderReports'].map((x: any) => [x.clientOrderId, x.type, x.status, x.stopPrice])).toEqual([
      ['tp-list-sl', 'STOP_LOSS_LIMIT', 'NEW', '44000.00000000'],
      ['tp-list-tp', 'TAKE_PROFIT', 'NEW', '46000.00000000'],
    ]);
    expect(await te.engine.call('orders.get', { id: 'tp-list-tp' }, admin)).toMatchObject({ oco_id: r['orderListId'], role: 'take_profit', type: 'take_profit_market', stop_price: '46000', price: null });
    expect((await ex.fetchOpenOrders('BTC/USDT')).find((o) => o.clientOrderId === 'tp-list-tp')).toMatchObject({ triggerPrice: 46000, info: { type: 'TAKE_PROFIT' } });
    feed.pushBook('BTC/USDT', [['45999.99', '100']], [['46000.01', '100']]);
    feed.pushTrade('BTC/USDT', '46000', '0.01', 'buy');
    expect(await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'tp-list-tp' })).toMatchObject({ status: 'closed', filled: 0.1 });
    expect((await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'tp-list-sl' })).status).toBe('expired');
    expect(await api()['privateGetOrderList']!({ origClientOrderId: 'tp-list' })).toMatchObject({ listStatusType: 'ALL_DONE', listOrderStatus: 'ALL_DONE' });

    feed.pushBook('BTC/USDT', [['44999.99', '100']], [['45000.01', '100']]);
    feed.pushTrade('BTC/USDT', '45000', '0.01', 'buy');
    const tpl = await sellOco('tpl-list', { aboveType: 'TAKE_PROFIT_LIMIT', aboveStopPrice: '46000', abovePrice: '45900', aboveTimeInForce: 'GTC' });
    expect(tpl['orderReports'][1]).toMatchObject({ clientOrderId: 'tpl-list-tp', type: 'TAKE_PROFIT_LIMIT', price: '45900.00000000', stopPrice: '46000.00000000', timeInForce: 'GTC' });
    expect(await te.engine.call('orders.get', { id: 'tpl-list-tp' }, admin)).toMatchObject({ type: 'take_profit_limit', stop_price: '46000', price: '45900' });
    // a TAKE_PROFIT_LIMIT leg takes its time in force (GTC); a trigger the market already reached is refused
    const noTif = await sellOco('tpl-2', { aboveType: 'TAKE_PROFIT_LIMIT', aboveStopPrice: '46000', abovePrice: '45900' }).catch((e: unknown) => e);
    expect(String(noTif)).toContain("Mandatory parameter 'aboveTimeInForce'");
    const reached = await sellOco('tpl-3', { aboveType: 'TAKE_PROFIT', aboveStopPrice: '44999', abovePrice: undefined }).catch((e: unknown) => e);
    expect(reached).toBeInstanceOf(ccxt.InvalidOrder);
    expect(String(reached)).toContain('take_profit_side');
  });

  it('a BUY OCO with a TAKE_PROFIT_LIMIT below and the stop above', async () => {
    const r = await api()['privatePostOrderListOco']!({
      symbol: 'BTCUSDT', side: 'BUY', quantity: '0.01',
      aboveType: 'STOP_LOSS', aboveStopPrice: '46000', belowType: 'TAKE_PROFIT_LIMIT', belowStopPrice: '44000', belowPrice: '44010', belowTimeInForce: 'GTC',
    });
    expect(r['orderReports'].map((x: any) => [x.side, x.type, x.stopPrice])).toEqual([
      ['BUY', 'STOP_LOSS', '46000.00000000'],
      ['BUY', 'TAKE_PROFIT_LIMIT', '44000.00000000'],
    ]);
  });

  it('a read-only key may read lists but not place one (-2015)', async () => {
    const reader = binanceFor(`${url}/binance`, te.keys.read);
    await expect((reader as unknown as Api)['privatePostOrderListOco']!({ symbol: 'BTCUSDT', side: 'SELL', quantity: '0.1', aboveType: 'LIMIT_MAKER', abovePrice: '46000', belowType: 'STOP_LOSS', belowStopPrice: '44000' })).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect(await (reader as unknown as Api)['privateGetOpenOrderList']!({})).toEqual([]);
  });
});

describe("Binance order types as Tern's", () => {
  it('LIMIT_MAKER is a post-only limit; one that would take is refused', async () => {
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 44000, { postOnly: true });
    expect((o.info as Record<string, unknown>)['type']).toBe('LIMIT_MAKER');
    expect((await te.engine.call('orders.get', { id: String(o.id) }, admin)).post_only).toBe(true);
    const taking = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 45100, { postOnly: true }).catch((e: unknown) => e);
    expect(taking).toBeInstanceOf(ccxt.InvalidOrder);
  });

  it('STOP_LOSS / STOP_LOSS_LIMIT are stop_market / stop_limit', async () => {
    const sl = await ex.createOrder('BTC/USDT', 'market', 'sell', 0.01, undefined, { stopLossPrice: 44000 });
    expect(await te.engine.call('orders.get', { id: String(sl.id) }, admin)).toMatchObject({ type: 'stop_market', stop_price: '44000' });
    const sll = await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.01, 43900, { stopLossPrice: 44000 });
    expect(await te.engine.call('orders.get', { id: String(sll.id) }, admin)).toMatchObject({ type: 'stop_limit', stop_price: '44000', price: '43900' });
    expect((await ex.fetchOrder(String(sll.id), 'BTC/USDT'))).toMatchObject({ type: 'limit', triggerPrice: 44000, status: 'open' });
  });

  it('TAKE_PROFIT (ccxt takeProfitPrice) is a take_profit_market: a sell waits while the market falls and sells once it rises to its stop', async () => {
    const tp = await ex.createOrder('BTC/USDT', 'market', 'sell', 0.01, undefined, { takeProfitPrice: 46000, clientOrderId: 'tp-m' });
    expect((tp.info as Record<string, unknown>)['type']).toBe('TAKE_PROFIT');
    expect(await te.engine.call('orders.get', { id: 'tp-m' }, admin)).toMatchObject({ type: 'take_profit_market', stop_price: '46000', status: 'open' });
    expect(await ex.fetchOrder(String(tp.id), 'BTC/USDT')).toMatchObject({ type: 'market', triggerPrice: 46000, status: 'open', info: { type: 'TAKE_PROFIT', stopPrice: '46000.00000000' } });
    // a sell stop at 46000 would have fired here
    feed.pushTrade('BTC/USDT', '44000', '0.01', 'sell');
    expect((await ex.fetchOrder(String(tp.id), 'BTC/USDT')).status).toBe('open');
    feed.pushBook('BTC/USDT', [['45999', '100']], [['46001', '100']]);
    feed.pushTrade('BTC/USDT', '46000', '0.01', 'buy');
    await new Promise((r) => setTimeout(r, 20));
    expect(await ex.fetchOrder(String(tp.id), 'BTC/USDT')).toMatchObject({ status: 'closed', filled: 0.01, average: 45999 });
  });

  it('TAKE_PROFIT_LIMIT is a take_profit_limit (in exchangeInfo, so ccxt sends it); one the market already reached is OrderImmediatelyFillable', async () => {
    const tpl = await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.01, 46100, { takeProfitPrice: 46000 });
    expect((tpl.info as Record<string, unknown>)['type']).toBe('TAKE_PROFIT_LIMIT');
    expect(await te.engine.call('orders.get', { id: String(tpl.id) }, admin)).toMatchObject({ type: 'take_profit_limit', stop_price: '46000', price: '46100', time_in_force: 'GTC' });
    const byType = await ex.createOrder('BTC/USDT', 'TAKE_PROFIT_LIMIT', 'buy', 0.01, 44000, { triggerPrice: 44000, timeInForce: 'GTC' });
    expect(await te.engine.call('orders.get', { id: String(byType.id) }, admin)).toMatchObject({ type: 'take_profit_limit', side: 'buy', stop_price: '44000' });
    const reached = await ex.createOrder('BTC/USDT', 'market', 'sell', 0.01, undefined, { takeProfitPrice: 44500 }).catch((e: unknown) => e);
    expect(reached).toBeInstanceOf(ccxt.OrderImmediatelyFillable);
    expect(String(reached)).toContain('Order would trigger immediately.');
    const noStop = await ex.createOrder('BTC/USDT', 'TAKE_PROFIT', 'sell', 0.01).catch((e: unknown) => e);
    expect(String(noStop)).toMatch(/stopPrice|triggerPrice/);
  });
});
