import ccxt from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSim } from '../../../tools/exchange-sim/index.js';
import { rejection, restClient, startSim, type Binance } from './helpers.js';

let sim: ExchangeSim;
let ex: Binance;

beforeAll(async () => {
  const s = await startSim();
  sim = s.sim;
  ex = await restClient(sim, s.apiKey, s.secret); // timeout 1000 ms
  await ex.loadMarkets();
});

afterEach(() => {
  sim.control.clearFaults();
});

afterAll(async () => {
  await sim.close();
});

describe('exchange-sim REST faults as the real ccxt binance class sees them', () => {
  it('429 with Retry-After: ccxt raises DDoSProtection (the parent of RateLimitExceeded), not RateLimitExceeded', async () => {
    sim.control.addFault({ kind: 'status', status: 429, retryAfter: 3, times: 1 });
    const e = await rejection(ex.fetchTicker('BTC/USDT'));
    expect(e).toBeInstanceOf(ccxt.DDoSProtection);
    expect(e).not.toBeInstanceOf(ccxt.RateLimitExceeded);
    expect(e.message).toContain('-1003');
    expect(sim.control.requests('GET /api/v3/ticker/24hr').at(-1)!.outcome).toBe(429);
  });

  it('418 (IP ban) is DDoSProtection too', async () => {
    sim.control.addFault({ kind: 'status', status: 418, endpoint: 'GET /api/v3/depth', times: 1 });
    expect(await rejection(ex.fetchOrderBook('BTC/USDT'))).toBeInstanceOf(ccxt.DDoSProtection);
  });

  it('a fault applies only `times` times, then the endpoint answers again', async () => {
    sim.control.addFault({ kind: 'status', status: 503, endpoint: '/api/v3/ticker/24hr', times: 1 });
    expect(await rejection(ex.fetchTicker('BTC/USDT'))).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect((await ex.fetchTicker('BTC/USDT')).symbol).toBe('BTC/USDT');
  });

  it('with `after`, a fault lets that many matching requests through first', async () => {
    sim.control.addFault({ kind: 'status', status: 503, endpoint: '/api/v3/ticker/24hr', after: 2, times: 1 });
    expect((await ex.fetchTicker('BTC/USDT')).symbol).toBe('BTC/USDT');
    expect((await ex.fetchTicker('BTC/USDT')).symbol).toBe('BTC/USDT');
    expect(await rejection(ex.fetchTicker('BTC/USDT'))).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect((await ex.fetchTicker('BTC/USDT')).symbol).toBe('BTC/USDT');
  });

  it('with `params`, a fault applies only to requests carrying those parameters', async () => {
    sim.control.addFault({ kind: 'status', status: 503, endpoint: 'GET /api/v3/depth', params: { symbol: 'ETHUSDT' }, times: 1 });
    expect((await ex.fetchOrderBook('BTC/USDT')).symbol).toBe('BTC/USDT');
    expect(await rejection(ex.fetchOrderBook('ETH/USDT'))).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect((await ex.fetchOrderBook('ETH/USDT')).symbol).toBe('ETH/USDT');
  });

  it.each([
    [500, ccxt.ExchangeNotAvailable],
    [502, ccxt.ExchangeNotAvailable],
    [503, ccxt.ExchangeNotAvailable],
    [504, ccxt.RequestTimeout],
  ])('a gateway %i is %o', async (status, cls) => {
    sim.control.addFault({ kind: 'status', status, times: 1 });
    expect(await rejection(ex.fetchTicker('BTC/USDT'))).toBeInstanceOf(cls);
  });

  it("Binance's own -1007 'execution status unknown' body is RequestTimeout", async () => {
    sim.control.addFault({
      kind: 'status', status: 503, times: 1,
      body: { code: -1007, msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.' },
    });
    expect(await rejection(ex.fetchTicker('BTC/USDT'))).toBeInstanceOf(ccxt.RequestTimeout);
  });

  it('a request never answered is RequestTimeout after exchange.timeout', async () => {
    sim.control.addFault({ kind: 'timeout', times: 1 });
    expect(await rejection(ex.fetchTicker('BTC/USDT'))).toBeInstanceOf(ccxt.RequestTimeout);
    expect(sim.control.requests('GET /api/v3/ticker/24hr').at(-1)!.outcome).toBe('timeout');
  });

  it('a connection reset is NetworkError', async () => {
    sim.control.addFault({ kind: 'reset', times: 1 });
    const e = await rejection(ex.fetchTicker('BTC/USDT'));
    expect(e).toBeInstanceOf(ccxt.NetworkError);
  });

  it('added latency delays the answer but the call succeeds', async () => {
    sim.control.addFault({ kind: 'latency', ms: 200, times: 1 });
    expect((await ex.fetchTicker('ETH/USDT')).symbol).toBe('ETH/USDT');
  });

  it('a dropped order response is NetworkError, yet the order exists on the sim and was sent once', async () => {
    sim.control.addFault({ kind: 'drop-response', endpoint: 'POST /api/v3/order', times: 1 });
    const e = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 55000, { clientOrderId: 'lost-ack-1' }));
    expect(e).toBeInstanceOf(ccxt.NetworkError);
    expect(sim.control.orders({ clientOrderId: 'lost-ack-1' })).toMatchObject([{ status: 'NEW', price: '55000' }]);
    expect(sim.control.orderSubmissions('lost-ack-1')).toBe(1);
    const found = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'lost-ack-1' });
    expect(found.status).toBe('open');
  });

  it('a hung order response is RequestTimeout, and the order exists', async () => {
    sim.control.addFault({ kind: 'drop-response', mode: 'hang', endpoint: 'POST /api/v3/order', times: 1 });
    expect(await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 55000, { clientOrderId: 'lost-ack-2' }))).toBeInstanceOf(ccxt.RequestTimeout);
    expect(sim.control.orders({ clientOrderId: 'lost-ack-2', open: true })).toHaveLength(1);
  });

  it('a 5xx after processing (process: true) leaves the order placed behind an ExchangeNotAvailable', async () => {
    sim.control.addFault({ kind: 'status', status: 502, process: true, endpoint: 'POST /api/v3/order', times: 1 });
    expect(await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 55000, { clientOrderId: 'lost-ack-3' }))).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect(sim.control.orders({ clientOrderId: 'lost-ack-3', open: true })).toHaveLength(1);
  });

  it('a timeout before processing leaves no order', async () => {
    sim.control.addFault({ kind: 'timeout', endpoint: 'POST /api/v3/order', times: 1 });
    expect(await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 55000, { clientOrderId: 'never-1' }))).toBeInstanceOf(ccxt.RequestTimeout);
    expect(sim.control.orders({ clientOrderId: 'never-1' })).toEqual([]);
    expect(sim.control.orderSubmissions('never-1')).toBe(1);
  });

  it('counts requests per endpoint, faulted ones included', async () => {
    sim.control.resetRequests();
    sim.control.addFault({ kind: 'status', status: 503, endpoint: 'GET /api/v3/openOrders', times: 1 });
    await rejection(ex.fetchOpenOrders('BTC/USDT'));
    await ex.fetchOpenOrders('BTC/USDT');
    expect(sim.control.requestCount('GET /api/v3/openOrders')).toBe(2);
    expect(sim.control.requestCount('/api/v3/openOrders')).toBe(2);
    expect(sim.control.requestCounts()).toEqual({ 'GET /api/v3/openOrders': 2 });
  });
});
