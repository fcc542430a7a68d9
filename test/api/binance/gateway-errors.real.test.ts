/**
 * The error-code audit of Tern's Binance gateway (issue 14): every code the
 * issue lists, raised through the real ccxt binance class, is the exception
 * class ccxt raises for that code from Binance itself (ccxt reads the status
 * first — any 429 is DDoSProtection, the RateLimitExceeded family — then the
 * message, then the code), with Binance's HTTP status and Tern's reason.
 */
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../../src-main/api/server.js';
import { startGateway, type GatewayUnderTest } from '../../helpers/binance-gateway.js';
import { binanceFor, type Binance } from '../../helpers/ccxt-binance.js';
import { realEngineFactory } from '../../helpers/real-engine-factory.js';

type Api = Record<string, (params: Record<string, unknown>) => Promise<unknown>>;
let gw: GatewayUnderTest;
let te: GatewayUnderTest['te'];
let url: string;
let ex: Binance;
const api = (b: Binance) => b as unknown as Api;

beforeAll(async () => {
  gw = await startGateway();
  ({ te, url, ex } = gw);
});

afterAll(() => gw?.close());

/** the error a call ends in (fails the test if it succeeds) */
async function refusal(p: Promise<unknown>): Promise<Error> {
  const outcome = await p.then(
    () => null,
    (e: unknown) => e as Error,
  );
  if (outcome === null) throw new Error('expected a refusal');
  return outcome;
}

const limitOrder = { symbol: 'ETHUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '2000' };

describe('each Binance error code as the ccxt class bots handle', () => {
  it('-1013 filter failures: LOT_SIZE and PRICE_FILTER are InvalidOrder, NOTIONAL BadRequest (as from Binance), each with the filter and Tern’s reason', async () => {
    const lot = await refusal(api(ex)['privatePostOrder']!({ ...limitOrder, quantity: '0.0015' }));
    expect(lot).toBeInstanceOf(ccxt.InvalidOrder);
    expect(lot.message).toContain('"code":-1013,"msg":"Filter failure: LOT_SIZE (quantity 0.0015');
    const price = await refusal(api(ex)['privatePostOrder']!({ ...limitOrder, price: '2000.001' }));
    expect(price).toBeInstanceOf(ccxt.InvalidOrder);
    expect(price.message).toContain('Filter failure: PRICE_FILTER');
    const notional = await refusal(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0001, 44000));
    expect(notional).toBeInstanceOf(ccxt.BadRequest);
    expect(notional.message).toContain('"code":-1013,"msg":"Filter failure: NOTIONAL (notional 4.4 is below the minimum notional 5 USDT)"');
  });

  it("-2010: a risk rule is InvalidOrder naming the rule; the venue's funds refusal InsufficientFunds", async () => {
    await te.engine.call('risk.setLimits', { limits: { max_order_quantity: '0.5' } }, { actor: 'test' });
    try {
      const risk = await refusal(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.6, 40000));
      expect(risk).toBeInstanceOf(ccxt.InvalidOrder);
      expect(risk.message).toMatch(/"code":-2010,"msg":"max_order_quantity: /);
    } finally {
      await te.engine.call('risk.setLimits', { limits: { max_order_quantity: null } }, { actor: 'test' });
    }
    const funds = await refusal(ex.createOrder('BTC/USDT', 'limit', 'buy', 10, 44000));
    expect(funds).toBeInstanceOf(ccxt.InsufficientFunds);
    expect(funds.message).toContain('Account has insufficient balance for requested action.');
  });

  it('-2011 (cancel) and -2013 (query) of an unknown order are OrderNotFound', async () => {
    const cancel = await refusal(ex.cancelOrder('no-such-order', 'BTC/USDT'));
    expect(cancel).toBeInstanceOf(ccxt.OrderNotFound);
    expect(cancel.message).toContain('"code":-2011');
    const query = await refusal(ex.fetchOrder('no-such-order', 'BTC/USDT'));
    expect(query).toBeInstanceOf(ccxt.OrderNotFound);
    expect(query.message).toContain('"code":-2013');
  });

  it('-1021: a clock 20 s behind is InvalidNonce (the timestamp outside recvWindow)', async () => {
    const late = binanceFor(`${url}/binance`, te.keys.trade);
    late.options['timeDifference'] = 20_000;
    const err = await refusal(late.fetchBalance());
    expect(err).toBeInstanceOf(ccxt.InvalidNonce);
    expect(err.message).toContain('"code":-1021');
  });

  it('-1022 (bad signature), -2015 (unknown key; a read key on a trading endpoint) are AuthenticationError', async () => {
    const wrong = binanceFor(`${url}/binance`, te.keys.trade);
    wrong.secret = 'not-the-key';
    const sig = await refusal(wrong.fetchBalance());
    expect(sig).toBeInstanceOf(ccxt.AuthenticationError);
    expect(sig.message).toContain('"code":-1022');
    const unknown = await refusal(binanceFor(`${url}/binance`, 'tern-no-such-key').fetchBalance());
    expect(unknown).toBeInstanceOf(ccxt.AuthenticationError);
    expect(unknown.message).toContain('"code":-2015');
    // a fresh read-only bot: its first call is a trading one (once a key has worked, ccxt reads -2015 as a temporary ban)
    for (const trading of [
      (b: Binance) => b.cancelAllOrders('BTC/USDT'),
      (b: Binance) => api(b)['privateDeleteOrder']!({ symbol: 'BTCUSDT', orderId: 'x' }),
      (b: Binance) => api(b)['privatePostOrderListOco']!({ symbol: 'BTCUSDT', side: 'SELL', quantity: '0.1', aboveType: 'LIMIT_MAKER', abovePrice: '46000', belowType: 'STOP_LOSS', belowStopPrice: '44000' }),
      (b: Binance) => api(b)['privateDeleteOrderList']!({ symbol: 'BTCUSDT', orderListId: 'x' }),
    ]) {
      const reader = binanceFor(`${url}/binance`, te.keys.read);
      reader.markets = ex.markets;
      reader.marketsById = ex.marketsById;
      const err = await refusal(trading(reader));
      expect(err).toBeInstanceOf(ccxt.AuthenticationError);
      expect(err.message).toContain('"code":-2015');
    }
  });

  it('-1003 with 429 and Retry-After: ccxt raises DDoSProtection (its class for any 429; RateLimitExceeded is its subclass for -1003 without one)', async () => {
    const te2 = await realEngineFactory();
    const s2 = createApiServer({ engine: te2.engine, version: 'test', logger: false, port: 0, rateLimit: { perSecond: 0.5, burst: 2 } });
    const u2 = (await s2.listen()).url;
    try {
      const bot = binanceFor(`${u2}/binance`, te2.keys.read);
      // the key's bucket holds 2: the third signed call is over it
      await bot.fetchBalance();
      await bot.fetchBalance();
      const err = await refusal(bot.fetchBalance());
      expect(err).toBeInstanceOf(ccxt.DDoSProtection);
      expect(err.message).toContain('429');
      expect(err.message).toContain('"code":-1003');
      // public calls are charged to the caller's address, with the same answer
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await fetch(`${u2}/binance/api/v3/ping`));
      const over = answers.find((r) => r.status === 429)!;
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await over.json()).toMatchObject({ code: -1003 });
    } finally {
      await s2.close();
      await te2.close();
    }
  });

  it('-1102 / -1104 name the parameter (BadRequest); an unknown endpoint or method is Binance 404 JSON', async () => {
    const missing = await refusal(api(ex)['privatePostOrder']!({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01' }));
    expect(missing).toBeInstanceOf(ccxt.BadRequest);
    expect(missing.message).toContain(`"code":-1102,"msg":"Mandatory parameter 'price'`);
    const extra = await refusal(api(ex)['privatePostOrder']!({ ...limitOrder, icebergQty: '0.001' }));
    expect(extra).toBeInstanceOf(ccxt.BadRequest);
    expect(extra.message).toContain(`"code":-1104,"msg":"Not all sent parameters were read; parameter 'icebergQty' is not supported."`);
    // a value the engine's own parameter check refuses is named by its Binance parameter
    const badId = await refusal(api(ex)['privatePostOrder']!({ ...limitOrder, newClientOrderId: 'not ok!' }));
    expect(badId).toBeInstanceOf(ccxt.BadRequest);
    expect(badId.message).toContain(`"code":-1130,"msg":"Data sent for parameter 'newClientOrderId' is not valid`);
    const badTest = await refusal(api(ex)['privatePostOrderTest']!({ ...limitOrder, newClientOrderId: 'not ok!' }));
    expect(badTest.message).toContain(`"code":-1130,"msg":"Data sent for parameter 'newClientOrderId' is not valid`);
    const publicExtra = await refusal(ex.fetchOrderBook('BTC/USDT', 5, { depthKind: 'full' }));
    expect(publicExtra.message).toContain("parameter 'depthKind'");
    for (const [method, path] of [
      ['GET', 'api/v3/nope'],
      ['PUT', 'api/v3/order'],
      ['GET', 'sapi/v1/capital/config/getall'],
    ] as const) {
      const res = await fetch(`${url}/binance/${path}`, { method });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.json()).toMatchObject({ code: -1, msg: expect.stringContaining(path) });
    }
    // through ccxt: an endpoint Tern does not serve is an ExchangeError carrying the 404 body
    const notServed = await refusal(api(ex)['privateGetAccountCommission']!({ symbol: 'BTCUSDT' }));
    expect(notServed).toBeInstanceOf(ccxt.ExchangeError);
    expect(notServed.message).toContain('"code":-1');
  });
});
