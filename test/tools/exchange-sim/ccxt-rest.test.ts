import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSim } from '../../../tools/exchange-sim/index.js';
import { rejection, restClient, startSim, type Binance } from './helpers.js';

let sim: ExchangeSim;
let ex: Binance;
let apiKey: string;
let secret: string;

beforeAll(async () => {
  ({ sim, apiKey, secret } = await startSim());
  ex = await restClient(sim, apiKey, secret);
  await ex.loadMarkets();
});

afterAll(async () => {
  await sim.close();
});

describe('the real ccxt binance class against exchange-sim: market data', () => {
  it('loadMarkets reads only exchangeInfo and gets the filters as precision and limits', () => {
    expect(ex.symbols).toEqual(['BTC/USDT', 'ETH/BTC', 'ETH/USDT']);
    const m = ex.market('BTC/USDT');
    expect(m).toMatchObject({ id: 'BTCUSDT', spot: true, precision: { price: 0.01, amount: 0.00001 } });
    expect(m.limits.cost?.min).toBe(5);
    expect(m.limits.amount?.min).toBe(0.00001);
    expect(sim.control.requestCounts()).toEqual({ 'GET /api/v3/exchangeInfo': 1 });
  });

  it('fetchTicker gives last, bid and ask around the sim price', async () => {
    sim.control.setPrice('BTC/USDT', '61000');
    const t = await ex.fetchTicker('BTC/USDT');
    expect(t.bid!).toBeLessThan(61000);
    expect(t.ask!).toBeGreaterThan(61000);
    expect(t.last!).toBeGreaterThanOrEqual(t.bid!);
  });

  it('fetchOrderBook is sorted both sides and carries the update id as nonce', async () => {
    const ob = await ex.fetchOrderBook('ETH/USDT', 10);
    expect(ob.bids).toHaveLength(10);
    expect(ob.bids[0]![0]!).toBeGreaterThan(ob.bids[1]![0]!);
    expect(ob.asks[0]![0]!).toBeLessThan(ob.asks[1]![0]!);
    expect(ob.bids[0]![0]!).toBeLessThan(ob.asks[0]![0]!);
    expect(typeof ob.nonce).toBe('number');
  });

  it('fetchOHLCV pages forward from since without gaps or overlap', async () => {
    const latest = await ex.fetchOHLCV('BTC/USDT', '1h', undefined, 3);
    expect(latest).toHaveLength(3);
    const since = latest[0]![0]! - 5 * 3_600_000;
    const page1 = await ex.fetchOHLCV('BTC/USDT', '1h', since, 3);
    const page2 = await ex.fetchOHLCV('BTC/USDT', '1h', page1[2]![0]! + 1, 3);
    const times = [...page1, ...page2].map((c) => c[0]);
    expect(times).toEqual([0, 1, 2, 3, 4, 5].map((i) => since + i * 3_600_000));
    for (const [, o, h, l, c] of page1) {
      expect(h!).toBeGreaterThanOrEqual(Math.max(o!, c!));
      expect(l!).toBeLessThanOrEqual(Math.min(o!, c!));
    }
  });

  it('fetchTrades returns the trades the price path printed', async () => {
    sim.control.tick('ETH/BTC', 3);
    const trades = await ex.fetchTrades('ETH/BTC');
    expect(trades.length).toBeGreaterThanOrEqual(3);
    expect(trades[0]!.symbol).toBe('ETH/BTC');
  });
});

describe('the real ccxt binance class against exchange-sim: account and orders', () => {
  it('fetchBalance shows the API key balances', async () => {
    const b = await ex.fetchBalance();
    expect(b['USDT']).toMatchObject({ free: 100000, used: 0, total: 100000 });
    expect(b['BTC']?.total).toBe(2);
  });

  it('createOrder sends the clientOrderId as newClientOrderId and a limit order rests', async () => {
    sim.control.setPrice('BTC/USDT', '60000');
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.1, 59000, { clientOrderId: 'tern-limit-1' });
    expect(o).toMatchObject({ clientOrderId: 'tern-limit-1', status: 'open', price: 59000, amount: 0.1, filled: 0 });
    const sent = sim.control.requests('POST /api/v3/order').at(-1)!;
    expect(sent.params['newClientOrderId']).toBe('tern-limit-1');
    expect(sim.control.orderSubmissions('tern-limit-1')).toBe(1);
    const b = await ex.fetchBalance();
    expect(b['USDT']).toMatchObject({ free: 94100, used: 5900 });
  });

  it('a market order fills at once with its fills and fee', async () => {
    const o = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { clientOrderId: 'tern-market-1' });
    expect(o.status).toBe('closed');
    expect(o.filled).toBe(0.01);
    expect(o.trades).toHaveLength(1);
    expect(o.fee?.currency).toBe('BTC');
  });

  it('fetchOrder finds an order by exchange id and by client id', async () => {
    const byClient = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { clientOrderId: 'tern-limit-1' });
    expect(sim.control.requests('GET /api/v3/order').at(-1)!.params['origClientOrderId']).toBe('tern-limit-1');
    const byId = await ex.fetchOrder(byClient.id!, 'BTC/USDT');
    expect(byId).toMatchObject({ clientOrderId: 'tern-limit-1', status: 'open' });
  });

  it('fetchOpenOrders lists only open orders', async () => {
    const open = await ex.fetchOpenOrders('BTC/USDT');
    expect(open.map((o) => o.clientOrderId)).toEqual(['tern-limit-1']);
  });

  it('fetchOpenOrders without a symbol (ccxt needs options.fetchOpenOrders.warnWithoutSymbol = false) lists every symbol', async () => {
    const eth = await ex.createOrder('ETH/USDT', 'limit', 'buy', 0.1, 2000, { clientOrderId: 'tern-all-1' });
    expect(await rejection(ex.fetchOpenOrders())).toBeInstanceOf(ccxt.ExchangeError);
    ex.options['fetchOpenOrders'] = { warnWithoutSymbol: false };
    const open = await ex.fetchOpenOrders();
    expect(open.map((o) => o.clientOrderId).sort()).toEqual(['tern-all-1', 'tern-limit-1']);
    await ex.cancelOrder(undefined as unknown as string, 'ETH/USDT', { clientOrderId: eth.clientOrderId });
    expect(sim.control.orders({ clientOrderId: 'tern-all-1' })[0]!.status).toBe('CANCELED');
  });

  it('a price move through the resting order fills it; fetchMyTrades shows the maker fill', async () => {
    sim.control.setPrice('BTC/USDT', '58800');
    const o = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'tern-limit-1' });
    expect(o).toMatchObject({ status: 'closed', filled: 0.1, average: 59000 });
    const mine = await ex.fetchMyTrades('BTC/USDT');
    const fill = mine.find((t) => t.order === o.id)!;
    expect(fill).toMatchObject({ price: 59000, amount: 0.1, takerOrMaker: 'maker', side: 'buy' });
    expect(fill.fee?.cost).toBeCloseTo(0.0001, 10);
  });

  it('editOrder is one cancelReplace: the old order is canceled and a new one rests', async () => {
    const first = await ex.createOrder('ETH/USDT', 'limit', 'sell', 1, 3100, { clientOrderId: 'tern-edit-1' });
    const edited = await ex.editOrder(first.id!, 'ETH/USDT', 'limit', 'sell', 2, 3200, { clientOrderId: 'tern-edit-2' });
    expect(edited).toMatchObject({ clientOrderId: 'tern-edit-2', status: 'open', price: 3200, amount: 2 });
    expect((await ex.fetchOrder(first.id!, 'ETH/USDT')).status).toBe('canceled');
    expect(sim.control.requestCount('POST /api/v3/order/cancelReplace')).toBe(1);
    expect(sim.control.requests('POST /api/v3/order/cancelReplace')[0]!.params).toMatchObject({ cancelOrderId: first.id, newClientOrderId: 'tern-edit-2' });
  });

  it('cancelOrder cancels and unlocks; the answer carries the cancel request id as clientOrderId', async () => {
    const o = await ex.createOrder('ETH/USDT', 'limit', 'buy', 1, 2900, { clientOrderId: 'tern-cancel-1' });
    const c = await ex.cancelOrder(o.id!, 'ETH/USDT');
    expect(c.status).toBe('canceled');
    expect(c.clientOrderId).not.toBe('tern-cancel-1');
    expect((c.info as Record<string, unknown>)['origClientOrderId']).toBe('tern-cancel-1');
    const open = await ex.fetchOpenOrders('ETH/USDT');
    expect(open.map((x) => x.clientOrderId)).toEqual(['tern-edit-2']);
  });

  it('fetchOrders lists every order of a symbol with its final status', async () => {
    const all = await ex.fetchOrders('ETH/USDT');
    expect(all.map((o) => [o.clientOrderId, o.status])).toEqual([
      ['tern-all-1', 'canceled'],
      ['tern-edit-1', 'canceled'],
      ['tern-edit-2', 'open'],
      ['tern-cancel-1', 'canceled'],
    ]);
  });
});

describe('the real ccxt binance class against exchange-sim: rejections', () => {
  it('a wrong secret is -1022 and ccxt raises AuthenticationError', async () => {
    const bad = await restClient(sim, apiKey, 'not-the-secret');
    const e = await rejection(bad.fetchBalance());
    expect(e).toBeInstanceOf(ccxt.AuthenticationError);
    expect(e.message).toContain('-1022');
  });

  it('an unknown API key is -2015 (AuthenticationError)', async () => {
    const bad = await restClient(sim, 'no-such-key', secret);
    const e = await rejection(bad.fetchBalance());
    expect(e).toBeInstanceOf(ccxt.AuthenticationError);
    expect(e.message).toContain('-2015');
  });

  it('a timestamp outside recvWindow is -1021 (InvalidNonce)', async () => {
    sim.control.setClockOffset(60_000);
    try {
      const e = await rejection(ex.fetchBalance());
      expect(e).toBeInstanceOf(ccxt.InvalidNonce);
      expect(e.message).toContain('recvWindow');
    } finally {
      sim.control.setClockOffset(0);
    }
  });

  it('too little balance is InsufficientFunds', async () => {
    const e = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 100, 50000));
    expect(e).toBeInstanceOf(ccxt.InsufficientFunds);
  });

  it('an unknown order is OrderNotFound for cancel and fetch', async () => {
    expect(await rejection(ex.cancelOrder('987654', 'BTC/USDT'))).toBeInstanceOf(ccxt.OrderNotFound);
    expect(await rejection(ex.fetchOrder('987654', 'BTC/USDT'))).toBeInstanceOf(ccxt.OrderNotFound);
  });

  it('a price off the tick is InvalidOrder (PRICE_FILTER), a post-only order that would take is OrderImmediatelyFillable', async () => {
    const raw = ex as unknown as { privatePostOrder(p: Record<string, string>): Promise<unknown> };
    const e = await rejection(raw.privatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '50000.001' }));
    expect(e).toBeInstanceOf(ccxt.InvalidOrder);
    expect(await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 70000, { postOnly: true }))).toBeInstanceOf(ccxt.OrderImmediatelyFillable);
  });

  it('an order below the minimum notional is -1013 NOTIONAL, which ccxt raises as BadRequest', async () => {
    const e = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.00001, 50000));
    expect(e).toBeInstanceOf(ccxt.BadRequest);
    expect(e.message).toContain('Filter failure: NOTIONAL');
  });

  it('reusing the client id of an open order is rejected (-2010 Duplicate order sent, InvalidOrder)', async () => {
    const e = await rejection(ex.createOrder('ETH/USDT', 'limit', 'sell', 1, 3300, { clientOrderId: 'tern-edit-2' }));
    expect(e).toBeInstanceOf(ccxt.InvalidOrder);
    expect(e.message).toContain('Duplicate order sent.');
  });
});
