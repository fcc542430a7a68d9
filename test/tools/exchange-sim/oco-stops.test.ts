/**
 * Binance spot stop-loss / take-profit orders and OCO order lists on exchange-sim, through the real
 * ccxt binance class: unified createOrder params (stopLossPrice, takeProfitPrice, triggerPrice) and the
 * implicit order-list endpoints (orderList/oco, order/oco, orderList, openOrderList).
 */
import ccxt from 'ccxt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ExchangeSim } from '../../../tools/exchange-sim/index.js';
import { rejection, restClient, startSim, until, wsClient, type Binance } from './helpers.js';

let sim: ExchangeSim;
let ex: Binance;
let apiKey: string;
let secret: string;

type Api = Record<string, (params: Record<string, unknown>) => Promise<Record<string, unknown>>>;
const api = () => ex as unknown as Api;

beforeAll(async () => {
  ({ sim, apiKey, secret } = await startSim({}, { USDT: '100000', BTC: '2', ETH: '20' }));
  ex = await restClient(sim, apiKey, secret);
  await ex.loadMarkets();
});

afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  const open = sim.control.orders({ apiKey, open: true });
  for (const symbol of new Set(open.map((o) => o.symbol))) await ex.cancelAllOrders(symbol === 'BTCUSDT' ? 'BTC/USDT' : symbol === 'ETHUSDT' ? 'ETH/USDT' : 'ETH/BTC');
  sim.control.setPrice('BTCUSDT', '60000');
  sim.control.setBalance(apiKey, 'BTC', '2');
  sim.control.setBalance(apiKey, 'USDT', '100000');
});

const btc = () => sim.control.balances(apiKey)['BTC']!;
const view = (clientOrderId: string) => sim.control.order({ clientOrderId, apiKey })!;

describe('stop-loss and take-profit orders (triggers on the last trade price)', () => {
  it('a sell stop-loss limit (createOrder limit + stopLossPrice) waits off the book, locks its base, then triggers and fills when the price falls to it', async () => {
    const o = await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.1, 58900, { stopLossPrice: 59000, clientOrderId: 'sl-limit-1' });
    expect(o).toMatchObject({ clientOrderId: 'sl-limit-1', status: 'open', triggerPrice: 59000, price: 58900 });
    expect(sim.control.requests('POST /api/v3/order').at(-1)!.params).toMatchObject({ type: 'STOP_LOSS_LIMIT', stopPrice: '59000', price: '58900', timeInForce: 'GTC' });
    expect(btc()).toEqual({ free: '1.9', locked: '0.1' });
    const book = await ex.fetchOrderBook('BTC/USDT', 100);
    expect(book.asks.some(([p]) => p === 58900)).toBe(false);

    sim.control.setPrice('BTCUSDT', '59500');
    expect(view('sl-limit-1').status).toBe('NEW');
    sim.control.setPrice('BTCUSDT', '58990');
    const after = await ex.fetchOrder(o.id!, 'BTC/USDT');
    expect(after.status).toBe('closed');
    expect(after.filled).toBe(0.1);
    expect(btc()).toEqual({ free: '1.9', locked: '0' });
  });

  it('a sell stop-loss market (market + stopLossPrice = STOP_LOSS) sells at the bid when it triggers', async () => {
    const o = await ex.createOrder('BTC/USDT', 'market', 'sell', 0.05, undefined, { stopLossPrice: 59000, clientOrderId: 'sl-mkt-1' });
    expect(sim.control.requests('POST /api/v3/order').at(-1)!.params).toMatchObject({ type: 'STOP_LOSS', stopPrice: '59000' });
    expect(o.status).toBe('open');
    sim.control.setPrice('BTCUSDT', '58000');
    const trades = await ex.fetchMyTrades('BTC/USDT', undefined, 100);
    const mine = trades.filter((t) => t.order === o.id);
    expect(mine.reduce((s, t) => s + t.amount!, 0)).toBeCloseTo(0.05, 10);
    expect(mine[0]!.price).toBeLessThan(58000);
    expect((await ex.fetchOrder(o.id!, 'BTC/USDT')).status).toBe('closed');
  });

  it('a sell take-profit (limit + takeProfitPrice = TAKE_PROFIT_LIMIT) triggers when the price rises to it; a buy stop (triggerPrice) when it rises', async () => {
    const tp = await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.1, 61000, { takeProfitPrice: 61000, clientOrderId: 'tp-1' });
    expect(sim.control.requests('POST /api/v3/order').at(-1)!.params).toMatchObject({ type: 'TAKE_PROFIT_LIMIT', stopPrice: '61000' });
    const buyStop = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { triggerPrice: 60500, clientOrderId: 'buy-stop-1' });
    expect(sim.control.requests('POST /api/v3/order').at(-1)!.params).toMatchObject({ type: 'STOP_LOSS', side: 'BUY', stopPrice: '60500' });
    sim.control.setPrice('BTCUSDT', '60600');
    expect(view('buy-stop-1').status).toBe('FILLED');
    expect(view('tp-1').status).toBe('NEW');
    sim.control.setPrice('BTCUSDT', '61200');
    expect((await ex.fetchOrder(tp.id!, 'BTC/USDT')).status).toBe('closed');
    expect(buyStop.id).not.toBe(tp.id);
  });

  it('a stop that would trigger at once is refused (OrderImmediatelyFillable), nothing placed', async () => {
    const err = await rejection(ex.createOrder('BTC/USDT', 'market', 'sell', 0.1, undefined, { stopLossPrice: 60500, clientOrderId: 'sl-now' }));
    expect(err).toBeInstanceOf(ccxt.OrderImmediatelyFillable);
    expect(err.message).toContain('Order would trigger immediately.');
    expect(sim.control.order({ clientOrderId: 'sl-now', apiKey })).toBeUndefined();
  });

  it('fetchOpenOrders lists a waiting stop with its trigger; cancelOrder ends it and unlocks', async () => {
    const o = await ex.createOrder('BTC/USDT', 'market', 'sell', 0.2, undefined, { stopLossPrice: 55000, clientOrderId: 'sl-open' });
    const open = await ex.fetchOpenOrders('BTC/USDT');
    expect(open.find((x) => x.id === o.id)).toMatchObject({ clientOrderId: 'sl-open', triggerPrice: 55000, info: { type: 'STOP_LOSS', isWorking: false, workingTime: -1 } });
    await ex.cancelOrder(o.id!, 'BTC/USDT');
    expect(btc().locked).toBe('0');
  });
});

describe('OCO order lists', () => {
  const oco = (params: Record<string, unknown>) =>
    api()['privatePostOrderListOco']!({ symbol: 'BTCUSDT', side: 'SELL', quantity: '0.1', ...params });
  const sellOco = (tag: string) =>
    oco({
      listClientOrderId: `${tag}-list`,
      aboveType: 'LIMIT_MAKER', abovePrice: '62000', aboveClientOrderId: `${tag}-tp`,
      belowType: 'STOP_LOSS_LIMIT', belowStopPrice: '58000', belowPrice: '57900', belowTimeInForce: 'GTC', belowClientOrderId: `${tag}-sl`,
    });

  it('POST orderList/oco places both legs with their client ids under one list and one lock', async () => {
    const r = await sellOco('a');
    expect(r).toMatchObject({ contingencyType: 'OCO', listStatusType: 'EXEC_STARTED', listOrderStatus: 'EXECUTING', listClientOrderId: 'a-list', symbol: 'BTCUSDT' });
    const reports = r['orderReports'] as Array<Record<string, unknown>>;
    expect(reports.map((x) => [x['clientOrderId'], x['type'], x['orderListId']])).toEqual([
      ['a-sl', 'STOP_LOSS_LIMIT', r['orderListId']],
      ['a-tp', 'LIMIT_MAKER', r['orderListId']],
    ]);
    expect(btc()).toEqual({ free: '1.9', locked: '0.1' });
    const open = await ex.fetchOpenOrders('BTC/USDT');
    expect(open.map((o) => o.clientOrderId).sort()).toEqual(['a-sl', 'a-tp']);
    expect(open.find((o) => o.clientOrderId === 'a-sl')!.info).toMatchObject({ orderListId: r['orderListId'], stopPrice: '58000.00000000' });
    const lists = await api()['privateGetOpenOrderList']!({});
    expect(lists).toEqual([expect.objectContaining({ orderListId: r['orderListId'], listClientOrderId: 'a-list' })]);
    const byClientId = await api()['privateGetOrderList']!({ origClientOrderId: 'a-list' });
    expect((byClientId['orders'] as unknown[]).length).toBe(2);
  });

  it('the take-profit filling expires the stop leg on the exchange and ends the list', async () => {
    await sellOco('b');
    sim.control.setPrice('BTCUSDT', '62500');
    expect(view('b-tp').status).toBe('FILLED');
    expect(view('b-sl').status).toBe('EXPIRED');
    expect(btc()).toEqual({ free: '1.9', locked: '0' });
    const sl = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'b-sl' });
    expect(sl.status).toBe('expired');
    expect(await api()['privateGetOpenOrderList']!({})).toEqual([]);
    const list = await api()['privateGetOrderList']!({ origClientOrderId: 'b-list' });
    expect(list).toMatchObject({ listStatusType: 'ALL_DONE', listOrderStatus: 'ALL_DONE' });
  });

  it('a partial fill of the take-profit also expires the stop (Binance ends the other leg as soon as one executes)', async () => {
    await sellOco('p');
    sim.control.fillOrder({ clientOrderId: 'p-tp', apiKey }, { qty: '0.04' });
    expect(view('p-tp').status).toBe('PARTIALLY_FILLED');
    expect(view('p-sl').status).toBe('EXPIRED');
    expect(btc()).toEqual({ free: '1.9', locked: '0.06' });
  });

  it('the stop triggering expires the take-profit before the stop fills', async () => {
    await sellOco('c');
    sim.control.setPrice('BTCUSDT', '57950');
    expect(view('c-tp').status).toBe('EXPIRED');
    expect(view('c-sl').status).toBe('FILLED');
    expect(btc()).toEqual({ free: '1.9', locked: '0' });
  });

  it('canceling one leg (DELETE order) cancels the whole list and releases the lock', async () => {
    await sellOco('d');
    await ex.cancelOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'd-tp' });
    expect(view('d-tp').status).toBe('CANCELED');
    expect(view('d-sl').status).toBe('CANCELED');
    expect(btc()).toEqual({ free: '2', locked: '0' });
  });

  it('DELETE orderList cancels both legs; a second cancel is refused as unknown', async () => {
    const r = await sellOco('e');
    const canceled = await api()['privateDeleteOrderList']!({ symbol: 'BTCUSDT', orderListId: r['orderListId'] });
    expect(canceled).toMatchObject({ listStatusType: 'ALL_DONE' });
    expect((canceled['orderReports'] as Array<Record<string, unknown>>).map((x) => [x['origClientOrderId'], x['status']])).toEqual([
      ['e-sl', 'CANCELED'],
      ['e-tp', 'CANCELED'],
    ]);
    const again = await rejection(api()['privateDeleteOrderList']!({ symbol: 'BTCUSDT', listClientOrderId: 'e-list' }));
    expect(again).toBeInstanceOf(ccxt.OrderNotFound);
    expect(btc().locked).toBe('0');
  });

  it('an OCO with a leg the exchange refuses places nothing: wrong price order, a take-profit that would take, a stop that would trigger', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ aboveType: 'LIMIT_MAKER', abovePrice: '59000', belowType: 'STOP_LOSS', belowStopPrice: '58000' }, 'relationship of the prices'],
      [{ aboveType: 'LIMIT_MAKER', abovePrice: '62000', belowType: 'STOP_LOSS', belowStopPrice: '61000' }, 'relationship of the prices'],
      [{ aboveType: 'TAKE_PROFIT', aboveStopPrice: '62000', belowType: 'TAKE_PROFIT', belowStopPrice: '58000' }, 'Unsupported order combination'],
      [{ aboveType: 'LIMIT_MAKER', abovePrice: '62000', belowType: 'STOP_LOSS', belowStopPrice: '58000', quantity: '50' }, 'insufficient balance'],
    ];
    for (const [params, words] of cases) {
      const err = await rejection(oco({ ...params, aboveClientOrderId: 'x-tp', belowClientOrderId: 'x-sl' }));
      expect(err).toBeInstanceOf(words === 'insufficient balance' ? ccxt.InsufficientFunds : ccxt.InvalidOrder);
      expect(err.message).toContain(words);
    }
    expect(sim.control.order({ clientOrderId: 'x-tp', apiKey })).toBeUndefined();
    expect(sim.control.order({ clientOrderId: 'x-sl', apiKey })).toBeUndefined();
    expect(btc()).toEqual({ free: '2', locked: '0' });
  });

  it('the older POST order/oco takes price / stopPrice / stopLimitPrice and the leg client ids', async () => {
    const r = await api()['privatePostOrderOco']!({
      symbol: 'BTCUSDT', side: 'SELL', quantity: '0.1', price: '61000', stopPrice: '59000', stopLimitPrice: '58900', stopLimitTimeInForce: 'GTC',
      listClientOrderId: 'f-list', limitClientOrderId: 'f-tp', stopClientOrderId: 'f-sl',
    });
    expect((r['orderReports'] as Array<Record<string, unknown>>).map((x) => [x['clientOrderId'], x['type']])).toEqual([
      ['f-sl', 'STOP_LOSS_LIMIT'],
      ['f-tp', 'LIMIT_MAKER'],
    ]);
    expect(view('f-sl')).toMatchObject({ type: 'STOP_LOSS_LIMIT', price: '58900' });
  });

  it('a buy OCO (stop above, take-profit below) locks the larger quote need once', async () => {
    await oco({
      side: 'BUY', quantity: '0.1', aboveType: 'STOP_LOSS_LIMIT', aboveStopPrice: '61000', abovePrice: '61100', aboveTimeInForce: 'GTC',
      belowType: 'LIMIT_MAKER', belowPrice: '59000', aboveClientOrderId: 'g-sl', belowClientOrderId: 'g-tp',
    });
    expect(sim.control.balances(apiKey)['USDT']!.locked).toBe('6110');
    sim.control.setPrice('BTCUSDT', '58500');
    expect(view('g-tp').status).toBe('FILLED');
    expect(view('g-sl').status).toBe('EXPIRED');
    expect(sim.control.balances(apiKey)['USDT']!.locked).toBe('0');
  });

  it('the user-data stream carries the legs with their list id and the expiry of the other leg (ccxt.pro watchOrders)', async () => {
    const pro = await wsClient(sim, apiKey, secret);
    try {
      await pro.loadMarkets();
      const seen: Array<{ clientOrderId?: string; status?: string; list?: unknown }> = [];
      let running = true;
      const loop = (async () => {
        while (running) {
          const orders = await pro.watchOrders('BTC/USDT').catch(() => []);
          for (const o of orders) seen.push({ clientOrderId: o.clientOrderId, status: o.status, list: (o.info as Record<string, unknown>)['g'] });
        }
      })();
      await until(() => sim.control.wsSubscriptions().includes(`userData:${apiKey}`), 'the user-data subscription');
      await sellOco('h');
      sim.control.setPrice('BTCUSDT', '62500');
      await until(() => seen.some((s) => s.clientOrderId === 'h-sl' && s.status === 'expired'), 'the expired stop leg on the stream');
      expect(seen.find((s) => s.clientOrderId === 'h-tp' && s.status === 'closed')).toBeDefined();
      expect(typeof seen.find((s) => s.clientOrderId === 'h-sl')!.list).toBe('number');
      running = false;
      await pro.close();
      await loop;
    } finally {
      await pro.close();
    }
  });
});
