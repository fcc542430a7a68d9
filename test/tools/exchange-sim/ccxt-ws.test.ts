import ccxt from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ExchangeSim } from '../../../tools/exchange-sim/index.js';
import { rejection, restClient, startSim, until, wsClient, type Binance, type BinancePro } from './helpers.js';

let sim: ExchangeSim;
let ex: BinancePro;
let rest: Binance;
let apiKey: string;

beforeAll(async () => {
  const s = await startSim();
  sim = s.sim;
  apiKey = s.apiKey;
  ex = await wsClient(sim, s.apiKey, s.secret);
  await ex.loadMarkets();
  rest = await restClient(sim, s.apiKey, s.secret);
  await rest.loadMarkets();
});

afterEach(() => {
  sim.control.clearFaults();
});

afterAll(async () => {
  await ex.close();
  await sim.close();
});

const subscribed = (name: string) => until(() => sim.control.wsSubscriptions().some((s) => s.startsWith(name)), `subscription ${name}`);

describe('ccxt.pro binance against exchange-sim: market streams', () => {
  it('watchOrderBook gets the REST snapshot, then applies depth updates as the price moves', async () => {
    const first = await ex.watchOrderBook('BTC/USDT');
    expect(first.bids.length).toBeGreaterThan(0);
    const nonce = first.nonce!;
    const next = ex.watchOrderBook('BTC/USDT');
    sim.control.setPrice('BTC/USDT', '60300');
    const ob = await next;
    expect(ob.nonce).toBe(nonce + 1);
    expect(ob.bids[0]![0]!).toBeLessThan(60300);
    expect(ob.asks[0]![0]!).toBeGreaterThan(60300);
    expect(sim.control.wsSubscriptions()).toContain('btcusdt@depth@100ms');
  });

  it('watchTrades receives the trades the price path prints', async () => {
    const p = ex.watchTrades('ETH/USDT');
    await subscribed('ethusdt@trade');
    sim.control.setPrice('ETH/USDT', '3050');
    const trades = await p;
    expect(trades.at(-1)).toMatchObject({ symbol: 'ETH/USDT', side: 'buy' });
    expect(trades.at(-1)!.price).toBeGreaterThanOrEqual(3050);
  });

  it('watchTicker (the miniTicker stream by default) follows the last price', async () => {
    const p = ex.watchTicker('ETH/BTC');
    await subscribed('ethbtc@');
    sim.control.setPrice('ETH/BTC', '0.051');
    const t = await p;
    expect(t.symbol).toBe('ETH/BTC');
    expect(t.last!).toBeGreaterThan(0.0509);
  });

  it('watchOHLCV receives the current 1m candle', async () => {
    const p = ex.watchOHLCV('ETH/BTC', '1m');
    await subscribed('ethbtc@kline_1m');
    sim.control.setPrice('ETH/BTC', '0.052');
    const candles = await p;
    expect(candles.at(-1)![4]!).toBeGreaterThan(0.0519);
  });
});

describe('ccxt.pro binance against exchange-sim: user data (WebSocket API subscription)', () => {
  it('watchOrders and watchBalance see a new order, watchMyTrades and watchOrders its fill', async () => {
    const orders = ex.watchOrders('BTC/USDT');
    const balance = ex.watchBalance();
    await subscribed(`userData:${apiKey}`);
    await rest.createOrder('BTC/USDT', 'limit', 'buy', 0.1, 59000, { clientOrderId: 'ws-1' });
    const seen = await orders;
    expect(seen.at(-1)).toMatchObject({ clientOrderId: 'ws-1', status: 'open', price: 59000, amount: 0.1 });
    const b = await balance;
    expect(b['USDT']).toMatchObject({ used: 5900 });

    const trades = ex.watchMyTrades('BTC/USDT');
    const filled = ex.watchOrders('BTC/USDT');
    sim.control.fillOrder({ clientOrderId: 'ws-1' }, { qty: '0.04' });
    const t = await trades;
    expect(t.at(-1)).toMatchObject({ price: 59000, amount: 0.04, takerOrMaker: 'maker' });
    const o = await filled;
    expect(o.at(-1)).toMatchObject({ clientOrderId: 'ws-1', status: 'open', filled: 0.04 });
  });

  it('a cancel arrives with the original client id', async () => {
    const p = ex.watchOrders('BTC/USDT');
    await rest.cancelOrder(sim.control.order({ clientOrderId: 'ws-1' })!.orderId.toString(), 'BTC/USDT');
    const o = await p;
    expect(o.at(-1)).toMatchObject({ clientOrderId: 'ws-1', status: 'canceled' });
  });
});

describe('ccxt.pro binance against exchange-sim: websocket faults', () => {
  it('a duplicated depth update is ignored by ccxt; the book stays consistent', async () => {
    const before = (await ex.watchOrderBook('ETH/USDT')).nonce!;
    sim.control.addWsFault({ kind: 'duplicate', target: 'market', match: 'ethusdt@depth' });
    const next = ex.watchOrderBook('ETH/USDT');
    sim.control.tick('ETH/USDT');
    expect((await next).nonce).toBe(before + 1);
    const after = ex.watchOrderBook('ETH/USDT');
    sim.control.tick('ETH/USDT');
    expect((await after).nonce).toBe(before + 2);
  });

  it('out-of-order depth updates make ccxt raise ChecksumError; watching again resyncs', async () => {
    await ex.watchOrderBook('ETH/BTC');
    sim.control.addWsFault({ kind: 'reorder', target: 'market', match: 'ethbtc@depth' });
    const broken = ex.watchOrderBook('ETH/BTC');
    sim.control.tick('ETH/BTC');
    sim.control.tick('ETH/BTC');
    expect(await rejection(broken)).toBeInstanceOf(ccxt.ChecksumError);
    const resynced = await ex.watchOrderBook('ETH/BTC');
    expect(resynced.nonce).toBe((await rest.fetchOrderBook('ETH/BTC')).nonce);
  });

  it('a dropped market connection rejects the pending watch with NetworkError; the next watch reconnects', async () => {
    const p = ex.watchTrades('BTC/USDT');
    await subscribed('btcusdt@trade');
    expect(sim.control.dropWebSockets('market')).toBeGreaterThan(0);
    expect(await rejection(p)).toBeInstanceOf(ccxt.NetworkError);
    const again = ex.watchTrades('BTC/USDT');
    await subscribed('btcusdt@trade');
    sim.control.tick('BTC/USDT');
    expect((await again).length).toBeGreaterThan(0);
  });

  it('a dropped user-data connection rejects watchOrders with NetworkError; watching again resubscribes', async () => {
    const p = ex.watchOrders('ETH/BTC');
    await subscribed(`userData:${apiKey}`);
    expect(sim.control.dropWebSockets('user')).toBe(1);
    expect(await rejection(p)).toBeInstanceOf(ccxt.NetworkError);
    const again = ex.watchOrders('ETH/BTC');
    await subscribed(`userData:${apiKey}`);
    await rest.createOrder('ETH/BTC', 'limit', 'buy', 1, 0.04, { clientOrderId: 'ws-after-drop' });
    expect((await again).at(-1)!.clientOrderId).toBe('ws-after-drop');
  });

  it('a lost executionReport never reaches ccxt; the next one does', async () => {
    const p = ex.watchOrders('ETH/USDT');
    await subscribed(`userData:${apiKey}`);
    sim.control.addWsFault({ kind: 'drop-message', target: 'user', match: 'executionReport' });
    await rest.createOrder('ETH/USDT', 'limit', 'buy', 1, 2000, { clientOrderId: 'ws-lost' });
    await rest.createOrder('ETH/USDT', 'limit', 'buy', 1, 2001, { clientOrderId: 'ws-seen' });
    const o = await p;
    expect(o.map((x) => x.clientOrderId)).not.toContain('ws-lost');
    expect(o.at(-1)!.clientOrderId).toBe('ws-seen');
  });
});

describe('exchange-sim raw websocket endpoints', () => {
  const open = (url: string) =>
    new Promise<{ ws: WebSocket; messages: unknown[] }>((resolve, reject) => {
      const ws = new WebSocket(url);
      const messages: unknown[] = [];
      ws.on('message', (m) => messages.push(JSON.parse(m.toString())));
      ws.once('open', () => resolve({ ws, messages }));
      ws.once('error', reject);
    });

  it('a combined stream wraps each event as {stream, data}', async () => {
    const { ws, messages } = await open(`${sim.wsUrl}/stream?streams=btcusdt@bookTicker/btcusdt@trade`);
    await subscribed('btcusdt@bookTicker');
    sim.control.setPrice('BTC/USDT', '60500');
    await until(() => messages.length >= 2, 'two messages');
    const streams = (messages as Array<{ stream: string }>).map((m) => m.stream).sort();
    expect(streams).toEqual(['btcusdt@bookTicker', 'btcusdt@trade']);
    ws.close();
  });

  it('the listenKey stream from POST /api/v3/userDataStream carries executionReport and outboundAccountPosition', async () => {
    const raw = rest as unknown as { publicPostUserDataStream(p: object): Promise<{ listenKey: string }> };
    const { listenKey } = await raw.publicPostUserDataStream({});
    const { ws, messages } = await open(`${sim.wsUrl}/ws/${listenKey}`);
    await rest.createOrder('ETH/USDT', 'limit', 'sell', 1, 4000, { clientOrderId: 'lk-1' });
    await until(() => messages.length >= 2, 'user events');
    expect(messages.map((m) => (m as { e: string }).e)).toEqual(['executionReport', 'outboundAccountPosition']);
    expect(messages[0]).toMatchObject({ c: 'lk-1', x: 'NEW', X: 'NEW' });
    ws.close();
  });

  it('refused handshakes fail to connect until the count is used up', async () => {
    sim.control.refuseWebSockets(1);
    await expect(open(`${sim.wsUrl}/ws`)).rejects.toThrow(/503/);
    const { ws } = await open(`${sim.wsUrl}/ws`);
    ws.close();
  });

  it('"all" refuses every handshake (websockets down at start) until the count is set to 0', async () => {
    const refuse = (count: unknown) => fetch(`${sim.url}/__sim/ws/refuse`, { method: 'POST', body: JSON.stringify({ count }) });
    expect((await refuse('all')).status).toBe(200);
    for (let i = 0; i < 3; i++) await expect(open(`${sim.wsUrl}/ws`)).rejects.toThrow(/503/);
    await refuse(0);
    const { ws } = await open(`${sim.wsUrl}/ws`);
    ws.close();
  });
});
