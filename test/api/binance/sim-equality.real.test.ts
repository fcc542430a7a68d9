/**
 * The gateway is Binance-shaped where bots look (issue 14): ONE scenario — load
 * markets, balances, place/query/cancel limit and market orders, my trades,
 * open orders, cancel all, an OCO list, take profits, the market's public trades — run by the real ccxt binance class
 * once against the loopback exchange simulator (Binance's shapes) and once
 * against Tern's gateway, must give the same ccxt-level results: which fields
 * ccxt fills, statuses, types, sides, amounts filled, fee presence (not ids,
 * times or prices, which are each venue's own).
 */
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../../src-main/api/server.js';
import { pointCcxtAtSim, startExchangeSim, type ExchangeSim } from '../../../tools/exchange-sim/index.js';
import { binanceFor, type Binance } from '../../helpers/ccxt-binance.js';
import { realEngineWithFeed } from '../../helpers/real-engine-factory.js';

type Api = Record<string, (params: Record<string, unknown>) => Promise<Record<string, any>>>;
type Shape = Record<string, unknown>;

/** the fields ccxt filled (defined, not null), sorted */
const filled = (x: object): string[] =>
  Object.entries(x)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k]) => k)
    .sort();

/** what a bot reads from a ccxt order, without the venue's own ids, times and prices */
function order(o: Record<string, any>): Shape {
  return {
    fields: filled(o),
    status: o['status'],
    type: o['type'],
    side: o['side'],
    amount: o['amount'],
    filled: o['filled'],
    remaining: o['remaining'],
    timeInForce: o['timeInForce'],
    postOnly: o['postOnly'],
    fee: o['fee'] === undefined ? 'none' : filled(o['fee']),
    trades: (o['trades'] ?? []).length,
    hasTrigger: o['triggerPrice'] !== undefined,
    info: filled(o['info']),
    infoStatus: o['info']?.['status'],
    infoType: o['info']?.['type'],
  };
}

function trade(t: Record<string, any>): Shape {
  return { fields: filled(t), side: t['side'], amount: t['amount'], takerOrMaker: t['takerOrMaker'], fee: filled(t['fee'] ?? {}), info: filled(t['info']) };
}

function list(l: Record<string, any>): Shape {
  return {
    fields: filled(l),
    contingencyType: l['contingencyType'],
    listStatusType: l['listStatusType'],
    listOrderStatus: l['listOrderStatus'],
    orders: (l['orders'] as Array<Record<string, unknown>>).map(filled),
    reports: ((l['orderReports'] as Array<Record<string, any>> | undefined) ?? []).map((r) => ({ fields: filled(r), type: r['type'], status: r['status'], side: r['side'] })),
  };
}

/** prices on the venue's tick, relative to its touch, so the same scenario fits either market */
const at = (ex: Binance, x: number) => Number(ex.priceToPrecision('BTC/USDT', x));

/** The one scenario. Everything it returns must be equal on both venues. */
async function scenario(ex: Binance, moveTo: (price: number) => void): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const api = ex as unknown as Api;
  await ex.loadMarkets();
  const m = ex.market('BTC/USDT');
  out['market'] = { fields: filled(m), spot: m.spot, active: m.active, limits: filled(m.limits), amount: filled(m.limits.amount ?? {}), cost: filled(m.limits.cost ?? {}), precision: filled(m.precision) };
  const balance = await ex.fetchBalance();
  out['balance'] = { fields: filled(balance), usdt: filled(balance['USDT'] ?? {}), usdtFree: balance['USDT']?.free };
  const ticker = await ex.fetchTicker('BTC/USDT');
  out['ticker'] = { fields: filled(ticker), info: filled(ticker.info) };
  out['tickers'] = Object.values(await ex.fetchTickers(['BTC/USDT'])).map((t) => filled(t));
  out['bidsAsks'] = Object.values(await ex.fetchBidsAsks(['BTC/USDT'])).map((t) => ({ fields: filled(t), info: filled(t.info) }));
  out['lastPrices'] = Object.values(await ex.fetchLastPrices(['BTC/USDT'])).map((t) => ({ fields: filled(t), info: filled(t.info) }));
  out['ohlcv'] = (await ex.fetchOHLCV('BTC/USDT', '1m', undefined, 3)).map((c) => c.map((x) => typeof x));
  const book = await ex.fetchOrderBook('BTC/USDT', 5);
  out['book'] = { bids: book.bids.length > 0, asks: book.asks.length > 0 };
  const bid = book.bids[0]![0]!;
  const ask = book.asks[0]![0]!;

  // a limit order: placed, queried, listed, canceled, queried again
  const limit = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, at(ex, bid * 0.9), { clientOrderId: 'eq-limit-1' });
  out['limit.placed'] = order(limit);
  out['limit.fetched'] = order(await ex.fetchOrder(String(limit.id), 'BTC/USDT'));
  out['limit.open'] = (await ex.fetchOpenOrders('BTC/USDT')).map(order);
  out['limit.canceled'] = order(await ex.cancelOrder(String(limit.id), 'BTC/USDT'));
  out['limit.after'] = order(await ex.fetchOrder(String(limit.id), 'BTC/USDT'));
  out['limit.cancelAgain'] = await ex.cancelOrder(String(limit.id), 'BTC/USDT').then(
    () => 'ok',
    (e: unknown) => (e as Error).constructor.name,
  );
  out['missing'] = await ex.fetchOrder('12345678', 'BTC/USDT').then(
    () => 'ok',
    (e: unknown) => (e as Error).constructor.name,
  );

  // a post-only limit
  const maker = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, at(ex, bid * 0.95), { postOnly: true });
  out['maker.placed'] = order(maker);
  await ex.cancelOrder(String(maker.id), 'BTC/USDT');

  // a market order fills at once; its trades
  const market = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.02);
  out['market.placed'] = order(market);
  out['market.fetched'] = order(await ex.fetchOrder(String(market.id), 'BTC/USDT'));
  const trades = (await ex.fetchMyTrades('BTC/USDT')).filter((t) => t.order === market.id);
  out['market.trades'] = trades.map(trade);
  const sell = await ex.createOrder('BTC/USDT', 'market', 'sell', 0.01);
  out['sell.placed'] = order(sell);

  // two limits, canceled together
  await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, at(ex, bid * 0.9));
  await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, at(ex, bid * 0.91));
  out['cancelAll'] = (await ex.cancelAllOrders('BTC/USDT')).map(order).sort((a, b) => String(a['fields']).localeCompare(String(b['fields'])));
  out['afterCancelAll'] = (await ex.fetchOpenOrders('BTC/USDT')).length;

  // an OCO list on what was bought: placed, its legs open, canceled
  const oco = await api['privatePostOrderListOco']!({
    symbol: 'BTCUSDT', side: 'SELL', quantity: '0.005', listClientOrderId: 'eq-oco',
    aboveType: 'LIMIT_MAKER', abovePrice: String(at(ex, ask * 1.1)),
    belowType: 'STOP_LOSS_LIMIT', belowStopPrice: String(at(ex, bid * 0.9)), belowPrice: String(at(ex, bid * 0.89)), belowTimeInForce: 'GTC',
  });
  out['oco.placed'] = list(oco);
  const legs = await ex.fetchOpenOrders('BTC/USDT');
  out['oco.legs'] = legs.map((o): Shape => ({ ...order(o), sameList: o.info['orderListId'] === oco['orderListId'] })).sort((a, b) => String(a['infoType']).localeCompare(String(b['infoType'])));
  out['oco.open'] = ((await api['privateGetOpenOrderList']!({})) as unknown as Array<Record<string, any>>).map(list);
  out['oco.got'] = list(await api['privateGetOrderList']!({ origClientOrderId: 'eq-oco' }));
  out['oco.canceled'] = list(await api['privateDeleteOrderList']!({ symbol: 'BTCUSDT', listClientOrderId: 'eq-oco' }));
  out['oco.cancelAgain'] = await api['privateDeleteOrderList']!({ symbol: 'BTCUSDT', listClientOrderId: 'eq-oco' }).then(
    () => 'ok',
    (e: unknown) => (e as Error).constructor.name,
  );

  // refusals, as the exception class ccxt raises
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e as Error).constructor.name,
    );
  out['refused.notional'] = await failure(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0001, at(ex, bid * 0.9)));
  out['refused.funds'] = await failure(ex.createOrder('BTC/USDT', 'limit', 'buy', 100, at(ex, bid * 0.9)));
  out['refused.symbol'] = await failure(api['privateGetOrder']!({ symbol: 'NOPEUSDT', orderId: '1' }));

  // an OCO whose take profit fills: the stop leg expires, the list is done
  const filledOco = await api['privatePostOrderListOco']!({
    symbol: 'BTCUSDT', side: 'SELL', quantity: '0.005', listClientOrderId: 'eq-oco2',
    aboveType: 'LIMIT_MAKER', abovePrice: String(at(ex, ask * 1.01)),
    belowType: 'STOP_LOSS', belowStopPrice: String(at(ex, bid * 0.9)),
  });
  moveTo(ask * 1.02);
  const ended = await api['privateGetOrderList']!({ orderListId: filledOco['orderListId'] });
  out['oco2.ended'] = list(ended);
  const endedLegs = await Promise.all((ended['orders'] as Array<Record<string, unknown>>).map((o) => ex.fetchOrder(String(o['orderId']), 'BTC/USDT')));
  out['oco2.legs'] = endedLegs.map(order).sort((a, b) => String(a['infoType']).localeCompare(String(b['infoType'])));
  const legTrades = (await ex.fetchMyTrades('BTC/USDT')).filter((t) => endedLegs.some((o) => o.id === t.order));
  out['oco2.trades'] = legTrades.map((t) => ({ ...trade(t), inList: t.info['orderListId'] === filledOco['orderListId'] }));

  // take profits: a TAKE_PROFIT sell above the market waits and fills on the rise to it; a TAKE_PROFIT_LIMIT buy below waits; one the market already reached is refused
  const tp = await ex.createOrder('BTC/USDT', 'market', 'sell', 0.002, undefined, { takeProfitPrice: at(ex, ask * 1.05) });
  out['tp.placed'] = order(tp);
  out['tp.fetched'] = order(await ex.fetchOrder(String(tp.id), 'BTC/USDT'));
  const tpl = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.002, at(ex, bid * 0.9), { takeProfitPrice: at(ex, bid * 0.9) });
  out['tpl.placed'] = order(tpl);
  out['tp.reached'] = await failure(ex.createOrder('BTC/USDT', 'market', 'sell', 0.002, undefined, { takeProfitPrice: at(ex, bid * 0.5) }));
  moveTo(ask * 1.06);
  let fired = await ex.fetchOrder(String(tp.id), 'BTC/USDT');
  for (let i = 0; i < 50 && fired.status === 'open'; i++) {
    await new Promise((r) => setTimeout(r, 20));
    fired = await ex.fetchOrder(String(tp.id), 'BTC/USDT');
  }
  out['tp.filled'] = order(fired);
  out['tpl.canceled'] = order(await ex.cancelOrder(String(tpl.id), 'BTC/USDT'));

  // a stop limit that triggers on the fall but whose limit (above the market then) rests unfilled: working from its trigger (isWorking, workingTime)
  const now = ask * 1.06;
  const sl = await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.002, at(ex, now), { stopLossPrice: at(ex, now * 0.99) });
  const working = (o: Record<string, any>): Shape => ({ ...order(o), isWorking: o['info']['isWorking'], workingTime: Number(o['info']['workingTime']) > 0 ? 'set' : o['info']['workingTime'] });
  out['sl.placed'] = working(sl);
  moveTo(now * 0.98);
  let triggered = await ex.fetchOrder(String(sl.id), 'BTC/USDT');
  for (let i = 0; i < 50 && !triggered.info['isWorking']; i++) {
    await new Promise((r) => setTimeout(r, 20));
    triggered = await ex.fetchOrder(String(sl.id), 'BTC/USDT');
  }
  out['sl.triggered'] = working(triggered);
  out['sl.open'] = (await ex.fetchOpenOrders('BTC/USDT')).filter((o) => o.id === sl.id).map(working);
  out['sl.canceled'] = order(await ex.cancelOrder(String(sl.id), 'BTC/USDT'));

  // an OCO whose take profit is a TAKE_PROFIT trigger above the market: it waits, fires on the rise (a market sell), the stop leg expires
  const last = now * 0.98;
  const tpOco = await api['privatePostOrderListOco']!({
    symbol: 'BTCUSDT', side: 'SELL', quantity: '0.002', listClientOrderId: 'eq-oco3',
    aboveType: 'TAKE_PROFIT', aboveStopPrice: String(at(ex, last * 1.02)),
    belowType: 'STOP_LOSS_LIMIT', belowStopPrice: String(at(ex, last * 0.95)), belowPrice: String(at(ex, last * 0.94)), belowTimeInForce: 'GTC',
  });
  out['oco3.placed'] = list(tpOco);
  const byType = (a: Shape, b: Shape) => String(a['infoType']).localeCompare(String(b['infoType']));
  out['oco3.legs'] = (await ex.fetchOpenOrders('BTC/USDT')).filter((o) => o.info['orderListId'] === tpOco['orderListId']).map(order).sort(byType);
  moveTo(last * 1.03);
  let ended3 = await api['privateGetOrderList']!({ orderListId: tpOco['orderListId'] });
  for (let i = 0; i < 50 && ended3['listOrderStatus'] !== 'ALL_DONE'; i++) {
    await new Promise((r) => setTimeout(r, 20));
    ended3 = await api['privateGetOrderList']!({ orderListId: tpOco['orderListId'] });
  }
  out['oco3.ended'] = list(ended3);
  out['oco3.endedLegs'] = (await Promise.all((ended3['orders'] as Array<Record<string, unknown>>).map((o) => ex.fetchOrder(String(o['orderId']), 'BTC/USDT')))).map(order).sort(byType);

  // the market's public trades (the simulator's matches, Tern's feed prints): aggTrades, ccxt's default, and trades
  const publicTrade = (t: Record<string, any>): Shape => ({ fields: filled(t), sideKnown: t['side'] === 'buy' || t['side'] === 'sell', info: filled(t['info']) });
  out['publicTrades.agg'] = (await ex.fetchTrades('BTC/USDT', undefined, 1)).map(publicTrade);
  out['publicTrades.trades'] = (await ex.fetchTrades('BTC/USDT', undefined, 1, { fetchTradesMethod: 'publicGetTrades' })).map(publicTrade);
  // historicalTrades takes the bot's key (ccxt sends it); without one, both refuse alike
  out['publicTrades.historical'] = (await ex.fetchTrades('BTC/USDT', undefined, 1, { fetchTradesMethod: 'publicGetHistoricalTrades' })).map(publicTrade);
  // (ccxt itself will not send it without a key: asked raw)
  const keyless = await fetch(`${(ex.urls['api'] as Record<string, string>)['public']}/historicalTrades?symbol=BTCUSDT`);
  out['publicTrades.historicalKeyless'] = { status: keyless.status, body: await keyless.json() };

  // every order of the scenario, as allOrders lists them
  out['all'] = (await ex.fetchOrders('BTC/USDT')).map((o) => `${o.type}/${o.side}/${o.status}`).sort();
  return out;
}

let sim: ExchangeSim;
let te: Awaited<ReturnType<typeof realEngineWithFeed>>;
let server: ApiServer;
const results: Record<'sim' | 'tern', Record<string, unknown>> = { sim: {}, tern: {} };

beforeAll(async () => {
  sim = await startExchangeSim({ historyMinutes: 60 });
  sim.control.setPrice('BTCUSDT', '45000');
  const { apiKey, secret } = sim.control.createApiKey({ USDT: '100000' });
  const onSim = new ccxt.binance({ apiKey, secret, enableRateLimit: false });
  await pointCcxtAtSim(onSim, sim.url);
  te = await realEngineWithFeed();
  // a few finished minutes of history, as the simulator has
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  for (let i = 5; i >= 1; i--) te.feed.pushBar('BTC/USDT', { ts: minute - i * 60_000, open: '45000', high: '45010', low: '44990', close: '45000', volume: '3' });
  server = createApiServer({ engine: te.engine, version: 'test', logger: false, port: 0, rateLimit: { perSecond: 1000, burst: 1000 } });
  const onTern = binanceFor(`${(await server.listen()).url}/binance`, te.keys.trade);
  results.sim = await scenario(onSim, (p) => sim.control.setPrice('BTCUSDT', p.toFixed(2)));
  results.tern = await scenario(onTern, (p) => {
    te.feed.pushBook('BTC/USDT', [[(p - 0.01).toFixed(2), '100']], [[(p + 0.01).toFixed(2), '100']]);
    te.feed.pushTrade('BTC/USDT', p.toFixed(2), '1', 'buy');
  });
});

afterAll(async () => {
  await server?.close();
  await te?.close();
  await sim?.close();
});

describe('the same ccxt scenario on the exchange simulator and on Tern', () => {
  it('ran every step on both', () => {
    expect(Object.keys(results.tern)).toEqual(Object.keys(results.sim));
    // the public trades compared below are there on both, not two empty lists
    expect([results.sim['publicTrades.agg'], results.tern['publicTrades.trades'], results.tern['publicTrades.historical']].map((x) => (x as unknown[]).length)).toEqual([1, 1, 1]);
    expect(results.sim['publicTrades.historicalKeyless']).toEqual({ status: 401, body: { code: -2014, msg: 'API-key format invalid.' } });
  });
  // one assertion per step, so a difference names the step
  for (const step of ['tickers', 'bidsAsks', 'lastPrices', 'ohlcv', 'refused.notional', 'refused.funds', 'refused.symbol', 'oco2.ended', 'oco2.legs', 'oco2.trades', 'publicTrades.agg', 'publicTrades.trades', 'publicTrades.historical', 'publicTrades.historicalKeyless', 'market', 'balance', 'ticker', 'book', 'limit.placed', 'limit.fetched', 'limit.open', 'limit.canceled', 'limit.after', 'limit.cancelAgain', 'missing', 'maker.placed', 'market.placed', 'market.fetched', 'market.trades', 'sell.placed', 'cancelAll', 'afterCancelAll', 'oco.placed', 'oco.legs', 'oco.open', 'oco.got', 'oco.canceled', 'oco.cancelAgain', 'tp.placed', 'tp.fetched', 'tpl.placed', 'tp.reached', 'tp.filled', 'tpl.canceled', 'sl.placed', 'sl.triggered', 'sl.open', 'sl.canceled', 'oco3.placed', 'oco3.legs', 'oco3.ended', 'oco3.endedLegs', 'all']) {
    it(step, () => {
      expect(results.tern[step]).toEqual(results.sim[step]);
    });
  }

  it('take profits did what Binance does on both: TAKE_PROFIT(_LIMIT), filled on the rise, refused when already reached', () => {
    for (const r of [results.sim, results.tern]) {
      expect([(r['tp.placed'] as Shape)['infoType'], (r['tpl.placed'] as Shape)['infoType']]).toEqual(['TAKE_PROFIT', 'TAKE_PROFIT_LIMIT']);
      expect((r['tp.filled'] as Shape)['status']).toBe('closed');
      expect(r['tp.reached']).toBe('OrderImmediatelyFillable');
      // the OCO's TAKE_PROFIT leg fired on the rise and filled; its stop leg expired
      expect((r['oco3.endedLegs'] as Shape[]).map((o) => [o['infoType'], o['status']])).toEqual([['STOP_LOSS_LIMIT', 'expired'], ['TAKE_PROFIT', 'closed']]);
      // the stop limit waited (not working), then triggered and rests unfilled, working since its trigger
      // (the placement answer carries no isWorking on either: its workingTime says it)
      expect([r['sl.placed'], r['sl.triggered']].map((o) => [(o as Shape)['infoType'], (o as Shape)['status'], (o as Shape)['isWorking'], (o as Shape)['workingTime']])).toEqual([
        ['STOP_LOSS_LIMIT', 'open', undefined, -1],
        ['STOP_LOSS_LIMIT', 'open', true, 'set'],
      ]);
    }
  });
});
