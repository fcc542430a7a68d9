import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { TernError } from '../../../src-main/contract/errors.js';
import { VenueRejection } from '../../../src-main/engine/ports/venue.js';
import { decOf, incrementOf, instrumentOf, orderStatusOf } from '../../../src-main/venues/ccxt/convert.js';
import { classifyCcxtError, redact, venueError } from '../../../src-main/venues/ccxt/errors.js';
import { createExchange, parseBaseUrl, rewriteHosts } from '../../../src-main/venues/ccxt/exchange-factory.js';

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

  it('a refusal is a VenueRejection naming it; no answer keeps the order pending with VENUE_UNAVAILABLE; 429 is RATE_LIMITED', () => {
    const funds = venueError(new ccxt.InsufficientFunds('binance {"code":-2010,"msg":"Account has insufficient balance"}'), 'createOrder');
    expect(funds).toBeInstanceOf(VenueRejection);
    expect((funds as VenueRejection).reason).toMatch(/^insufficient funds/);
    expect((venueError(new ccxt.RequestTimeout('t'), 'createOrder') as TernError).code).toBe('VENUE_UNAVAILABLE');
    expect((venueError(new ccxt.DDoSProtection('429'), 'createOrder') as TernError).code).toBe('RATE_LIMITED');
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
