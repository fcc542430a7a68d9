import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { TernError } from '../../../src-common/contract/errors.js';
import { VenueRejection } from '../../../src-main/engine/ports/venue.js';
import { decOf, incrementOf, instrumentOf, orderStatusOf } from '../../../src-main/venues/ccxt/convert.js';
import { classifyCcxtError, redact, venueError, venueQueryError } from '../../../src-main/venues/ccxt/errors.js';
import { createExchange, parseBaseUrl, rewriteHosts } from '../../../src-main/venues/ccxt/exchange-factory.js';
import { healthVerdict } from '../../../src-main/venues/ccxt/venue-health.js';

describe("ccxt's structures as Tern's", () => {
  it("numbers ccxt parsed from the exchange's strings come back as the same decimals", () => {
    expect(decOf(0.1)!.toFixed()).toBe('0.1');
    expect(decOf(1e-7)!.toFixed()).toBe('0.0000001');
    expect(decOf(59000.01)!.toFixed()).toBe('59000.01');
    expect(decOf(undefined)).toBeNull();
    expect(decOf(Number.NaN)).toBeNull();
  });

  it('a precision is an increment: a tick size as it is, decimal places as 10^-n', () => {
    expect(incrementOf(0.01, 4)!.toFixed()).toBe('0.01');
    expect(incrementOf(3, 2)!.toFixed()).toBe('0.001');
    expect(incrementOf(5, 3)).toBeNull();
  });

  it('a spot market becomes an instrument with its filters; other markets are left out', () => {
    const market = {
      symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', spot: true, active: true, maker: 0.001, taker: 0.001,
      precision: { price: 0.01, amount: 0.00001 }, limits: { amount: { min: 0.00001 }, cost: { min: 5 } },
    } as never;
    const spec = instrumentOf(market, 4)!;
    expect([spec.priceIncrement, spec.sizeIncrement, spec.minQuantity, spec.minNotional, spec.takerFee].map((d) => d.toFixed())).toEqual(['0.01', '0.00001', '0.00001', '5', '0.001']);
    expect(instrumentOf({ ...(market as object), spot: false } as never, 4)).toBeNull();
  });

  it("an order's status, type and time in force map to Tern's; a post-only limit is LIMIT_MAKER", () => {
    const s = orderStatusOf({ id: '7', clientOrderId: 'c', symbol: 'ETH/USDT', side: 'sell', type: 'limit_maker', status: 'closed', amount: 2, filled: 2, price: 3000, timeInForce: 'GTC' } as never, 1)!;
    expect(s).toMatchObject({ venueOrderId: '7', status: 'filled', type: 'limit', postOnly: true, side: 'sell' });
    expect(orderStatusOf({ id: '8', symbol: 'ETH/USDT', side: 'buy', type: 'market', status: 'expired', amount: 1, filled: 0.4 } as never, 1)).toMatchObject({ type: 'market', price: null, status: 'expired' });
    expect(orderStatusOf({ id: '9', symbol: 'ETH/USDT', status: 'weird' } as never, 1)).toBeNull();
  });

  it('a trigger order: ccxt says market/limit with a triggerPrice; the exchange type (Binance TAKE_PROFIT(_LIMIT)) tells a take profit from a stop', () => {
    const o = { id: '10', symbol: 'ETH/USDT', side: 'sell', status: 'open', amount: 1, filled: 0, triggerPrice: 3300 };
    expect(orderStatusOf({ ...o, type: 'market', info: { type: 'STOP_LOSS' } } as never, 1)).toMatchObject({ type: 'stop_market', stopPrice: expect.anything() });
    expect(orderStatusOf({ ...o, type: 'market', info: { type: 'TAKE_PROFIT' } } as never, 1)).toMatchObject({ type: 'take_profit_market', price: null });
    const tpl = orderStatusOf({ ...o, type: 'limit', price: 3290, info: { type: 'TAKE_PROFIT_LIMIT' } } as never, 1)!;
    expect([tpl.type, tpl.price?.toFixed(), tpl.stopPrice?.toFixed()]).toEqual(['take_profit_limit', '3290', '3300']);
  });
});

describe("ccxt's errors as Tern's", () => {
  it.each([
    [new ccxt.DDoSProtection('429'), 'rate_limited'],
    [new ccxt.RateLimitExceeded('x'), 'rate_limited'],
    [new ccxt.ExchangeNotAvailable('502'), 'unavailable'],
    [new ccxt.OnMaintenance('x'), 'unavailable'],
    [new ccxt.RequestTimeout('x'), 'no_answer'],
    [new ccxt.NetworkError('other side closed'), 'no_answer'],
    [new ccxt.InsufficientFunds('x'), 'refused'],
    [new ccxt.InvalidOrder('Filter failure: PRICE_FILTER'), 'refused'],
    [new ccxt.BadRequest('Filter failure: NOTIONAL'), 'refused'],
    [new ccxt.AuthenticationError('x'), 'refused'],
    [new ccxt.ExchangeError('x'), 'refused'],
    [new ccxt.InvalidNonce('-1021'), 'refused'],
  ])('%s is %s', (err, kind) => {
    expect(classifyCcxtError(err).kind).toBe(kind);
  });

  it('a refusal is a VenueRejection naming it and carrying the exchange code; no answer keeps the order pending with VENUE_UNAVAILABLE', () => {
    const funds = venueError(new ccxt.InsufficientFunds('binance {"code":-2010,"msg":"Account has insufficient balance"}'), 'createOrder');
    expect(funds).toBeInstanceOf(VenueRejection);
    expect((funds as VenueRejection).reason).toMatch(/^insufficient funds/);
    expect((funds as VenueRejection).kind).toBe('order');
    expect((funds as VenueRejection).details).toMatchObject({ venue_error: 'InsufficientFunds', venue_code: -2010, venue_message: 'Account has insufficient balance' });
    expect((venueError(new ccxt.RequestTimeout('t'), 'createOrder') as TernError).code).toBe('VENUE_UNAVAILABLE');
  });

  it('a 429 is a refusal made before processing: a rate_limited VenueRejection with a wait', () => {
    const e = venueError(new ccxt.DDoSProtection('binance 429 Too Many Requests {"code":-1003,"msg":"Too much request weight used"}'), 'createOrder');
    expect(e).toBeInstanceOf(VenueRejection);
    expect(e as VenueRejection).toMatchObject({ kind: 'rate_limited', retryAfterS: 1, details: { http_status: 429, venue_code: -1003 } });
  });

  it("a gateway's 4xx is a refusal; its 5xx, and Binance's 409 (a cancelReplace's partial success), stay unknown", () => {
    const gw = (status: number, reason: string) => new ccxt.ExchangeNotAvailable(`binance POST http://h/api/v3/order ${status} ${reason} <html></html>`);
    expect(classifyCcxtError(gw(400, 'Bad Request'))).toMatchObject({ kind: 'refused', about: 'venue', details: { http_status: 400 } });
    expect(classifyCcxtError(gw(403, 'Forbidden')).kind).toBe('refused');
    expect(classifyCcxtError(gw(409, 'Conflict')).kind).toBe('unavailable');
    expect(classifyCcxtError(gw(503, 'Service Unavailable'))).toMatchObject({ kind: 'unavailable', details: { http_status: 503 } });
  });

  it("an account's health: a refusal about the order proves the exchange up; a gateway's 4xx does not", () => {
    expect(healthVerdict(new ccxt.InsufficientFunds('binance Account has insufficient balance'))).toBeNull();
    expect(healthVerdict(new ccxt.ExchangeNotAvailable('binance POST http://h/api/v3/order 403 Forbidden <html></html>'))).toMatchObject({ source: 'rest' });
  });

  it('-1021 (the clock) refuses a request as not about the order; a query failing with it is VENUE_UNAVAILABLE naming the clock and the code', () => {
    const skew = new ccxt.InvalidNonce('binance {"code":-1021,"msg":"Timestamp for this request was 1000ms ahead of the server\'s time."}');
    expect((venueError(skew, 'cancelOrder') as VenueRejection).kind).toBe('venue');
    const q = venueQueryError(skew, 'fetchOpenOrders on binance');
    expect(q.code).toBe('VENUE_UNAVAILABLE');
    expect(q.message).toMatch(/clock/);
    expect(q.details).toMatchObject({ venue_code: -1021, venue_error: 'InvalidNonce' });
  });

  it('a query never throws anything but a TernError: its rate limit is RATE_LIMITED, an unknown symbol BAD_REQUEST', () => {
    expect(venueQueryError(new ccxt.DDoSProtection('binance 429 Too Many Requests'), 'fetchBalance').code).toBe('RATE_LIMITED');
    expect(venueQueryError(new ccxt.BadSymbol('binance does not have market symbol X/Y'), 'fetchOpenOrders')).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'symbol' } });
    expect(venueQueryError(new ccxt.AuthenticationError('binance {"code":-2015,"msg":"Invalid API-key"}'), 'fetchBalance').code).toBe('VENUE_UNAVAILABLE');
    expect(venueQueryError(new VenueRejection('no'), 'fetchBalance')).toBeInstanceOf(TernError);
  });

  it('a duplicate client id means the first request got there: not a rejection, reconciliation resolves it', () => {
    const e = venueError(new ccxt.InvalidOrder('binance {"code":-2010,"msg":"Duplicate order sent."}'), 'createOrder');
    expect(e).toBeInstanceOf(TernError);
    expect((e as TernError).code).toBe('VENUE_UNAVAILABLE');
  });

  it("error texts lose their query strings' signatures and keys", () => {
    expect(redact('GET http://h/api/v3/order?symbol=X&timestamp=1&signature=abcdef timed out')).toBe('GET http://h/api/v3/order?symbol=X&timestamp=…&signature=… timed out');
  });
});

describe('an account’s exchange instance', () => {
  it('base_url keeps every path and swaps the host; https stays secure, http makes websockets ws://', () => {
    const api = { public: 'https://api.binance.com/api/v3', ws: { spot: 'wss://stream.binance.com:9443/ws' } };
    expect(rewriteHosts(api, new URL('http://127.0.0.1:9400'))).toEqual({ public: 'http://127.0.0.1:9400/api/v3', ws: { spot: 'ws://127.0.0.1:9400/ws' } });
    expect(rewriteHosts(api, new URL('https://testnet.example'))).toEqual({ public: 'https://testnet.example/api/v3', ws: { spot: 'wss://testnet.example/ws' } });
  });

  it('refuses an unknown exchange and a base_url that is not http(s), naming the field', () => {
    expect(() => createExchange({ exchange: 'nosuchexchange' })).toThrow(expect.objectContaining({ details: { field: 'exchange' } }));
    expect(() => parseBaseUrl('ftp://x')).toThrow(expect.objectContaining({ details: { field: 'base_url' } }));
    expect(() => parseBaseUrl('http://user:pw@x')).toThrow(/credentials/);
  });

  it("uses ccxt.pro's class where the exchange has websockets, with the rate limiter on and spot markets only", () => {
    const ex = createExchange({ exchange: 'binance', baseUrl: 'http://127.0.0.1:9' });
    expect(ex.enableRateLimit).toBe(true);
    expect((ex.has as Record<string, unknown>)['watchOrders']).toBe(true);
    expect((ex.options as { fetchMarkets: { types: string[] } }).fetchMarkets.types).toEqual(['spot']);
  });
});
