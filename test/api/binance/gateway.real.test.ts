/**
 * Tern speaks Binance (issue 14): the real ccxt `binance` class, its api host
 * replaced by Tern's /binance, trades a real engine in paper mode through the
 * same engine calls as Tern's REST (risk, kill switch, scopes), and each
 * refusal reaches ccxt as the exception class Binance's code maps to.
 */
import { createHmac } from 'node:crypto';
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { f8 } from '../../../src-main/api/binance/convert.js';
import { createApiServer, type ApiServer } from '../../../src-main/api/server.js';
import type { TestEngine } from '../../helpers/api-harness.js';
import { realEngineFactory } from '../../helpers/real-engine-factory.js';
import { binanceFor, type Binance } from '../../helpers/ccxt-binance.js';

let te: TestEngine;
let server: ApiServer;
let url: string;
let ex: Binance;

beforeAll(async () => {
  te = await realEngineFactory();
  server = createApiServer({ engine: te.engine, version: 'test', logger: false, port: 0, rateLimit: { perSecond: 1000, burst: 1000 } });
  url = (await server.listen()).url;
  ex = binanceFor(`${url}/binance`, te.keys.trade);
  await ex.loadMarkets();
});

afterAll(async () => {
  await server?.close();
  await te?.close();
});

/** a raw signed request, as a bot without ccxt sends it */
async function signed(method: string, path: string, params: Record<string, string>, key = te.keys.trade, secret = key): Promise<{ status: number; json: any; headers: Headers }> {
  const query = new URLSearchParams(params).toString();
  const signature = createHmac('sha256', secret).update(query).digest('hex');
  const res = await fetch(`${url}/binance/api/v3/${path}?${query}&signature=${signature}`, { method, headers: { 'x-mbx-apikey': key } });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

describe('ccxt.binance against Tern', () => {
  it('loads markets from Tern instruments with their filters', () => {
    const m = ex.market('BTC/USDT');
    expect(m.id).toBe('BTCUSDT');
    expect(m.limits.cost?.min).toBe(5);
    expect(ex.market('ETH/USDT').limits.amount?.min).toBe(0.001);
    expect(ex.market('ETH/USDT').precision.amount).toBe(0.001);
  });

  it('answers the public market data', async () => {
    const book = await ex.fetchOrderBook('BTC/USDT');
    expect(book.bids[0]).toEqual([44999.99, 100]);
    expect(book.asks[0]).toEqual([45000.01, 100]);
    const t = await ex.fetchTicker('BTC/USDT');
    expect(t.bid).toBe(44999.99);
    expect(t.ask).toBe(45000.01);
    expect((await ex.fetchTime()) as number).toBeGreaterThan(0);
    const bidsAsks = await ex.fetchBidsAsks(['BTC/USDT', 'ETH/USDT']);
    expect([bidsAsks['ETH/USDT']?.bid, bidsAsks['ETH/USDT']?.ask]).toEqual([2999.99, 3000.01]);
    const last = await ex.fetchLastPrices(['BTC/USDT']);
    expect(last['BTC/USDT']?.price).toBeGreaterThan(44999);
  });

  it('fetches the balance', async () => {
    const b = await ex.fetchBalance();
    expect(b['USDT']?.free).toBe(100000);
  });

  it('places, fetches and cancels a limit order; it is open until canceled', async () => {
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000, { clientOrderId: 'bot-limit-1' });
    expect(o.status).toBe('open');
    expect(o.clientOrderId).toBe('bot-limit-1');
    const got = await ex.fetchOrder(String(o.id), 'BTC/USDT');
    expect(got).toMatchObject({ id: o.id, status: 'open', price: 40000, amount: 0.01, filled: 0, side: 'buy', type: 'limit' });
    const open = await ex.fetchOpenOrders('BTC/USDT');
    expect(open.map((x) => x.id)).toContain(o.id);
    // the same engine call as POST /api/v1/orders: Tern's own API sees the order with its client id
    const tern = await te.engine.call('orders.get', { id: 'bot-limit-1' }, { actor: 'test' });
    expect(tern.id).toBe(o.id);
    const canceled = await ex.cancelOrder(String(o.id), 'BTC/USDT');
    expect(canceled.status).toBe('canceled');
    expect((await ex.fetchOrder(String(o.id), 'BTC/USDT')).status).toBe('canceled');
    await expect(ex.cancelOrder(String(o.id), 'BTC/USDT')).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    await expect(ex.fetchOrder('no-such-order', 'BTC/USDT')).rejects.toBeInstanceOf(ccxt.OrderNotFound);
  });

  it('fills a market order (by quantity and by quoteOrderQty) and lists my trades', async () => {
    const o = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.02);
    const filled = await ex.fetchOrder(String(o.id), 'BTC/USDT');
    expect(filled).toMatchObject({ status: 'closed', filled: 0.02, average: 45000.01 });
    const byQuote = await ex.createOrder('ETH/USDT', 'market', 'buy', undefined as unknown as number, undefined, { quoteOrderQty: '300.5' });
    const eth = await ex.fetchOrder(String(byQuote.id), 'ETH/USDT');
    // 300.5 USDT at the 3000.01 ask: 0.1001… down to the 0.001 step
    expect(eth).toMatchObject({ status: 'closed', filled: 0.1 });
    const trades = await ex.fetchMyTrades('BTC/USDT');
    const mine = trades.filter((t) => t.order === o.id);
    expect(mine.map((t) => [t.side, t.amount, t.price])).toEqual([['buy', 0.02, 45000.01]]);
    const all = await ex.fetchOrders('BTC/USDT');
    expect(all.map((x) => x.id)).toContain(o.id);
    const b = await ex.fetchBalance();
    expect(b['BTC']?.total).toBeCloseTo(0.02, 10);
  });

  it("a FULL answer lists the order's fills as the journal has them, without reading them back (a retry with its client id: read back)", async () => {
    const asked: string[] = [];
    const answer = te.engine.answer.bind(te.engine);
    te.engine.answer = ((method, params, ctx) => (asked.push(method), answer(method, params, ctx))) as typeof te.engine.answer;
    try {
      const params = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.03', newClientOrderId: 'bot-full-1', newOrderRespType: 'FULL' };
      const placed = await signed('POST', 'order', { ...params, timestamp: String(Date.now()) });
      expect(placed.status).toBe(200);
      expect(asked).toEqual(['orders.create']);
      const journal = (await te.engine.call('fills.list', { account: 'paper', symbol: 'BTC/USDT', limit: 50 }, { actor: 'test' })).filter((f) => f.order_id === placed.json.orderId);
      expect(journal).toHaveLength(1);
      const shown = journal.map((f) => ({ price: f8(f.price), qty: f8(f.quantity), commission: f8(f.fee), commissionAsset: f.fee_asset, tradeId: f.id }));
      expect(placed.json.fills).toEqual(shown);
      asked.length = 0;
      const again = await signed('POST', 'order', { ...params, timestamp: String(Date.now()) });
      expect(asked).toEqual(['orders.create', 'fills.list']);
      expect(again.json.orderId).toBe(placed.json.orderId);
      expect(again.json.fills).toEqual(shown);
    } finally {
      te.engine.answer = answer;
    }
  });

  it('cancels all open orders of a symbol', async () => {
    const a = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 41000);
    const b = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 41001);
    const canceled = await ex.cancelAllOrders('BTC/USDT');
    expect(canceled.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([]);
  });

  it('refuses a filter failure (-1013) as InvalidOrder, too little balance as InsufficientFunds', async () => {
    // ccxt rounds the amount to the step itself; a bot that does not gets LOT_SIZE
    const lot = await signed('POST', 'order', { symbol: 'ETHUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.0015', price: '2000', timestamp: String(Date.now()) });
    expect(lot.json.code).toBe(-1013);
    expect(lot.json.msg).toMatch(/^Filter failure: LOT_SIZE/);
    const price = await signed('POST', 'order', { symbol: 'ETHUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '2000.001', timestamp: String(Date.now()) });
    expect(price.json.msg).toMatch(/^Filter failure: PRICE_FILTER/);
    const err = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0001, 44000).catch((e: unknown) => e);
    // ccxt maps LOT_SIZE and PRICE_FILTER to InvalidOrder; NOTIONAL, as from Binance itself, by its code (-1013: BadRequest)
    expect(String((err as Error).message)).toContain('"code":-1013');
    expect(String((err as Error).message)).toContain('Filter failure: NOTIONAL');
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 100, 44000)).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
  });

  it("refuses by Tern's risk rules: InvalidOrder naming the rule", async () => {
    await te.engine.call('risk.setLimits', { limits: { max_order_notional: '1000' } }, { actor: 'test' });
    try {
      const err = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.1, 40000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ccxt.InvalidOrder);
      expect(String((err as Error).message)).toContain('max_order_notional');
    } finally {
      await te.engine.call('risk.setLimits', { limits: { max_order_notional: null } }, { actor: 'test' });
    }
  });

  it('the kill switch refuses new orders', async () => {
    await te.engine.call('risk.killSwitch', { reason: 'gateway test' }, { actor: 'test' });
    try {
      const err = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ccxt.InvalidOrder);
      expect(String((err as Error).message)).toMatch(/kill switch/);
    } finally {
      await te.engine.call('risk.setState', { state: 'ACTIVE', reason: 'test over' }, { actor: 'test' });
    }
  });

  it('a read-only key may read but not trade (-2015)', async () => {
    const reader = binanceFor(`${url}/binance`, te.keys.read);
    await reader.loadMarkets();
    // first: once a key has authenticated, ccxt reads -2015 as a temporary ban (DDoSProtection), as against Binance
    await expect(reader.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000)).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect((await reader.fetchBalance())['USDT']).toBeDefined();
    const raw = await signed('POST', 'order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '40000', timestamp: String(Date.now()) }, te.keys.read);
    expect(raw.json.code).toBe(-2015);
  });

  it('serves another account under /binance/ACCOUNT/', async () => {
    await te.engine.call('accounts.create', { id: 'bot2', exchange: 'paper', mode: 'paper' }, { actor: 'test' });
    const other = binanceFor(`${url}/binance/bot2`, te.keys.trade);
    await other.loadMarkets();
    const o = await other.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000);
    const tern = await te.engine.call('orders.get', { id: String(o.id) }, { actor: 'test' });
    expect(tern.account).toBe('bot2');
    // the default account does not know it
    await expect(ex.fetchOrder(String(o.id), 'BTC/USDT')).rejects.toBeInstanceOf(ccxt.OrderNotFound);
  });
});

describe('Binance authentication and errors', () => {
  const order = () => ({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '40000', timestamp: String(Date.now()) });

  it('a bad signature is -1022 (AuthenticationError in ccxt)', async () => {
    const raw = await signed('GET', 'account', { timestamp: String(Date.now()) }, te.keys.trade, 'not-the-key');
    expect(raw.status).toBe(400);
    expect(raw.json.code).toBe(-1022);
    const wrong = binanceFor(`${url}/binance`, te.keys.trade);
    wrong.secret = 'not-the-key';
    await expect(wrong.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
  });

  it('a timestamp outside recvWindow or ahead of the server is -1021', async () => {
    const old = await signed('GET', 'account', { timestamp: String(Date.now() - 10_000) });
    expect(old.json).toEqual({ code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' });
    const ahead = await signed('GET', 'account', { timestamp: String(Date.now() + 5_000) });
    expect(ahead.json.code).toBe(-1021);
    const narrow = await signed('GET', 'account', { timestamp: String(Date.now() - 300), recvWindow: '100' });
    expect(narrow.json.code).toBe(-1021);
    const wide = await signed('GET', 'account', { timestamp: String(Date.now() - 10_000), recvWindow: '20000' });
    expect(wide.status).toBe(200);
    const tooWide = await signed('GET', 'account', { timestamp: String(Date.now()), recvWindow: '70000' });
    expect(tooWide.json.code).toBe(-1130);
  });

  it('an unknown key is -2015; no key on a signed endpoint is -2014', async () => {
    const raw = await signed('GET', 'account', { timestamp: String(Date.now()) }, 'no-such-key-0000');
    expect(raw.status).toBe(401);
    expect(raw.json.code).toBe(-2015);
    const res = await fetch(`${url}/binance/api/v3/account?timestamp=${Date.now()}&signature=00`);
    expect((await res.json()).code).toBe(-2014);
  });

  it('a missing or unsupported parameter is -1102 / -1104 naming it', async () => {
    const { price: _p, ...noPrice } = order();
    const missing = await signed('POST', 'order', noPrice);
    expect(missing.json).toEqual({ code: -1102, msg: "Mandatory parameter 'price' was not sent, was empty/null, or malformed." });
    const extra = await signed('POST', 'order', { ...order(), icebergQty: '0.001' });
    expect(extra.json.code).toBe(-1104);
    expect(extra.json.msg).toContain("'icebergQty'");
  });

  it('order/test checks the parameters and places nothing', async () => {
    const before = (await te.engine.call('orders.list', { status: 'all' }, { actor: 'test' })).length;
    const ok = await signed('POST', 'order/test', order());
    expect(ok).toMatchObject({ status: 200, json: {} });
    const bad = await signed('POST', 'order/test', { ...order(), symbol: 'NOPEUSDT' });
    expect(bad.json.code).toBe(-1121);
    expect((await te.engine.call('orders.list', { status: 'all' }, { actor: 'test' })).length).toBe(before);
  });

  it('an unknown endpoint is Binance 404 JSON', async () => {
    const res = await fetch(`${url}/binance/api/v3/nope`);
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.code).toBe(-1);
    expect(typeof body.msg).toBe('string');
  });

  it("Tern's Host guard applies", async () => {
    const res = await server.app.inject({ method: 'GET', url: '/binance/api/v3/ping', headers: { host: 'evil.example:80' } });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
  });
});

describe('Binance rate limit', () => {
  it('over the key budget: 429, -1003, Retry-After (ccxt: RateLimitExceeded family)', async () => {
    const te2 = await realEngineFactory();
    const s2 = createApiServer({ engine: te2.engine, version: 'test', logger: false, port: 0, rateLimit: { perSecond: 1, burst: 2 } });
    const u2 = (await s2.listen()).url;
    try {
      const call = async () => {
        const query = `timestamp=${Date.now()}`;
        const sig = createHmac('sha256', te2.keys.read).update(query).digest('hex');
        return fetch(`${u2}/binance/api/v3/account?${query}&signature=${sig}`, { headers: { 'x-mbx-apikey': te2.keys.read } });
      };
      await call();
      await call();
      const res = await call();
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await res.json()).code).toBe(-1003);
      const bot = binanceFor(`${u2}/binance`, te2.keys.read);
      bot.options['fetchMarkets'] = { types: ['spot'] };
      // ccxt raises DDoSProtection for any 429 (as against Binance itself); RateLimitExceeded is its subclass
      await expect(bot.fetchBalance()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    } finally {
      await s2.close();
      await te2.close();
    }
  });
});
