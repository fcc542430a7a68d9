import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EngineApi, Principal } from '../../../src-common/contract/engine-api.js';
import { TernError } from '../../../src-common/contract/errors.js';
import { PlaceOrderParams, resultOf, type ResultOf } from '../../../src-common/contract/methods.js';
import type { Instrument, Order } from '../../../src-common/contract/schemas.js';
import { TIMEFRAMES } from '../../../src-common/contract/constants/timeframes.js';
import { mayUseAccount, type AccessControl } from '../access.js';
import { Decimal } from '../../engine/model/decimal.js';
import { balanceView, binanceErrorOf, binanceSymbol, cancelClientId, expiredLegs, f8, orderView, rejectionOf, symbolView, tradeView } from '../binance/convert.js';
import { BinanceError, binanceErrors as errors } from '../binance/errors.js';
import * as fmt from '../binance/format.js';
import { mid, ticker24h, type TickerReads } from '../binance/ticker.js';
import { PlacementFills } from '../binance/placement-fills.js';
import { verifySigned, withoutSignature } from '../binance/signing.js';
import { orderListEndpoints } from './binance-order-lists.js';
import { tradeEndpoints } from './binance-trades.js';
import type { Answer } from './methods.js';
import type { Call, Endpoint, GatewayStreams } from '../binance/endpoint.js';

/**
 * Tern speaks Binance (issue 14): Binance's spot REST API under `/binance/`
 * (the default account) and `/binance/ACCOUNT/`, so a bot written for Binance
 * (ccxt's `binance` class with its api host replaced) trades through Tern.
 * Every call is a protocol method called with the key's own context — the
 * same engine call as Tern's REST routes — so scopes, risk, the kill switch,
 * the journal and client order ids apply; nothing here decides an order.
 */

/** market data for callers without a key (Binance's public endpoints) */
export type PublicRead = <M extends 'instruments.list' | 'market.book' | 'market.ticker' | 'market.candles' | 'market.trades'>(method: M, params: unknown) => Promise<ResultOf<M>>;

export interface BinanceGatewayOptions {
  answer: Answer;
  publicRead: PublicRead;
  access: AccessControl;
  /** the account of `/binance/` without one (default 'paper') */
  defaultAccount?: string;
  now?: () => number;
  /** the user-data and market WebSockets with their listen keys (issue 14) */
  streams?: GatewayStreams;
  /** the engine's events: an order's FULL response takes its fills from them (without: read back from the journal) */
  subscribe?: EngineApi['subscribe'];
}

const SIGNING = ['timestamp', 'recvWindow', 'signature'];
const INTERVAL_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export async function binanceGatewayPlugin(app: FastifyInstance, opts: BinanceGatewayOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  const defaultAccount = opts.defaultAccount ?? 'paper';
  const instrumentCache = new Map<string, { at: number; list: Instrument[] }>();
  const placementFills = new PlacementFills();
  if (opts.subscribe) {
    const unsubscribe = opts.subscribe((e) => placementFills.onEvent(e));
    app.addHook('onClose', (_app, done) => {
      unsubscribe();
      done();
    });
  }

  async function instruments(c: Call): Promise<Instrument[]> {
    const hit = instrumentCache.get(c.account);
    // instruments change only when an account opens; a short memory spares a lookup per order
    if (hit && now() - hit.at < 5_000) return hit.list;
    const list = await c.call('instruments.list', { account: c.account });
    instrumentCache.set(c.account, { at: now(), list });
    return list;
  }

  async function instrumentOf(c: Call, name = 'symbol'): Promise<Instrument> {
    const symbol = c.params[name];
    if (symbol === undefined || symbol === '') throw errors.mandatory(name);
    const found = (await instruments(c)).find((i) => binanceSymbol(i) === symbol.toUpperCase());
    if (!found) throw errors.invalidSymbol();
    return found;
  }

  /** `symbol`, `symbols` (a JSON array) or every symbol; `single` when one was named with `symbol` */
  async function symbolsOf(c: Call): Promise<{ list: Instrument[]; single: boolean }> {
    if (c.params['symbol'] !== undefined) return { list: [await instrumentOf(c)], single: true };
    const all = await instruments(c);
    const raw = c.params['symbols'];
    if (raw === undefined) return { list: all, single: false };
    let names: unknown;
    try {
      names = JSON.parse(raw);
    } catch {
      throw errors.invalidParam('symbols');
    }
    if (!Array.isArray(names)) throw errors.invalidParam('symbols');
    const list = names.map((n) => all.find((i) => binanceSymbol(i) === String(n).toUpperCase()) ?? null);
    if (list.includes(null)) throw errors.invalidSymbol();
    return { list: list as Instrument[], single: false };
  }

  /** one answer per symbol asked (`symbol`: the object alone; `symbols` or none: a list) */
  async function eachSymbol(c: Call, one: (i: Instrument) => Promise<unknown>): Promise<unknown> {
    const { list, single } = await symbolsOf(c);
    const all = await Promise.all(list.map(one));
    return single ? all[0] : all;
  }

  function intParam(c: Call, name: string, min: number, max: number): number | undefined {
    const raw = c.params[name];
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw)) throw errors.illegalChars(name);
    const n = Number(raw);
    if (n < min || n > max) throw errors.invalidParam(name);
    return n;
  }

  /** the order a request names (orderId or origClientOrderId), on this account and symbol */
  async function namedOrder(c: Call, symbol: string, during: 'cancel' | 'query'): Promise<Order> {
    const id = c.params['orderId'] ?? c.params['origClientOrderId'];
    if (id === undefined || id === '') throw errors.eitherParam('orderId', 'origClientOrderId');
    const missing = during === 'cancel' ? errors.unknownOrder() : errors.orderDoesNotExist();
    let order: Order;
    try {
      order = await c.call('orders.get', { id });
    } catch (err) {
      if (err instanceof TernError && (err.code === 'NOT_FOUND' || err.code === 'BAD_REQUEST')) throw missing;
      throw err;
    }
    if (order.account !== c.account || binanceSymbol(splitSymbol(order.symbol)) !== symbol) throw missing;
    return order;
  }

  async function fillsOf(c: Call, order: Order): Promise<ResultOf<'fills.list'>> {
    const filled = new Decimal(order.filled_quantity);
    if (filled.isZero()) return [];
    // an order just placed has the newest fills: a short page usually holds all of them, and reading
    // (and converting) a thousand fills per order was most of the gateway's cost at 200 orders/s
    for (const limit of [8, 1000]) {
      const mine = (await c.call('fills.list', { account: c.account, symbol: order.symbol, limit })).filter((f) => f.order_id === order.id);
      const sum = mine.reduce((s, f) => s.add(f.quantity), new Decimal(0));
      if (sum.gte(filled) || limit === 1000) return mine.reverse();
    }
    return [];
  }

  /** Binance's order parameters as Tern's place-order parameters */
  async function placeParams(c: Call, check: 'here' | 'by-the-engine'): Promise<{ params: Record<string, unknown>; symbol: string }> {
    const i = await instrumentOf(c);
    const p = c.params;
    const side = p['side'];
    if (side === undefined) throw errors.mandatory('side');
    if (side !== 'BUY' && side !== 'SELL') throw errors.invalidSide();
    const type = p['type'];
    if (type === undefined) throw errors.mandatory('type');
    const tif = p['timeInForce'];
    if (tif !== undefined && tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK') throw errors.invalidTif();
    const decimal = (name: string): string | undefined => {
      const v = p[name];
      if (v === undefined) return undefined;
      if (!/^\d{1,20}(\.\d{1,20})?$/.test(v)) throw errors.illegalChars(name);
      return v;
    };
    let quantity = decimal('quantity');
    const quoteQty = decimal('quoteOrderQty');
    const price = decimal('price');
    const stopPrice = decimal('stopPrice');
    const out: Record<string, unknown> = { account: c.account, symbol: i.symbol, side: side === 'BUY' ? 'buy' : 'sell' };
    if (p['newClientOrderId'] !== undefined) out['client_order_id'] = p['newClientOrderId'];
    switch (type) {
      case 'LIMIT':
      case 'LIMIT_MAKER':
      case 'STOP_LOSS_LIMIT':
      case 'TAKE_PROFIT_LIMIT': {
        const trigger = type === 'STOP_LOSS_LIMIT' || type === 'TAKE_PROFIT_LIMIT';
        if (price === undefined) throw errors.mandatory('price');
        if (type !== 'LIMIT_MAKER' && tif === undefined) throw errors.mandatory('timeInForce');
        if (trigger && stopPrice === undefined) throw errors.mandatory('stopPrice');
        if (!trigger && stopPrice !== undefined) throw errors.notRequired('stopPrice');
        if (quoteQty !== undefined) throw errors.notRequired('quoteOrderQty');
        Object.assign(out, { type: type === 'STOP_LOSS_LIMIT' ? 'stop_limit' : type === 'TAKE_PROFIT_LIMIT' ? 'take_profit_limit' : 'limit', price, post_only: type === 'LIMIT_MAKER' });
        if (stopPrice !== undefined) out['stop_price'] = stopPrice;
        if (tif !== undefined) out['time_in_force'] = tif;
        break;
      }
      case 'MARKET':
      case 'STOP_LOSS':
      case 'TAKE_PROFIT':
        if (price !== undefined) throw errors.notRequired('price');
        if (type !== 'MARKET' && stopPrice === undefined) throw errors.mandatory('stopPrice');
        if (type === 'MARKET' && stopPrice !== undefined) throw errors.notRequired('stopPrice');
        out['type'] = type === 'MARKET' ? 'market' : type === 'STOP_LOSS' ? 'stop_market' : 'take_profit_market';
        if (stopPrice !== undefined) out['stop_price'] = stopPrice;
        if (quantity !== undefined && quoteQty !== undefined) throw errors.unsupportedCombination();
        if (quoteQty !== undefined) {
          if (type !== 'MARKET') throw errors.notRequired('quoteOrderQty');
          quantity = await quantityForQuote(c, i, out['side'] as 'buy' | 'sell', quoteQty);
        }
        break;
      default:
        throw errors.invalidType();
    }
    if (quantity === undefined) throw type === 'MARKET' ? errors.eitherParam('quantity', 'quoteOrderQty') : errors.mandatory('quantity');
    out['quantity'] = quantity;
    // orders.create parses its parameters (a refusal names the field, as here): parsing them twice per order is waste
    if (check === 'here') {
      const parsed = PlaceOrderParams.safeParse(out);
      if (!parsed.success) {
        const field = String(parsed.error.issues[0]?.path[0] ?? 'symbol');
        throw binanceErrorOf(new TernError('BAD_REQUEST', parsed.error.issues[0]?.message ?? 'invalid', { field }), 'order');
      }
    }
    return { params: out, symbol: binanceSymbol(i) };
  }

  /** quoteOrderQty: the base quantity it buys (or sells) at the touch, down to the size step — an order Tern's checks then see whole */
  async function quantityForQuote(c: Call, i: Instrument, side: 'buy' | 'sell', quote: string): Promise<string> {
    const t = await c.call('market.ticker', { account: c.account, symbol: i.symbol });
    const touch = side === 'buy' ? t.ask : t.bid;
    if (touch === null) throw errors.rejected(`no ${side === 'buy' ? 'ask' : 'bid'} in ${i.symbol} to size quoteOrderQty against`);
    const step = new Decimal(i.size_increment);
    const qty = new Decimal(quote).div(touch).div(step).floor().mul(step);
    if (qty.lte(0)) throw errors.filter('LOT_SIZE');
    return qty.toFixed();
  }

  const endpoints: Record<string, Endpoint> = {
    'GET api/v3/ping': { security: 'NONE', params: [], handle: async () => ({}) },
    'GET api/v3/time': { security: 'NONE', params: [], handle: async () => ({ serverTime: now() }) },
    'GET api/v3/exchangeInfo': {
      security: 'NONE',
      params: ['symbol', 'symbols', 'permissions', 'showPermissionSets', 'symbolStatus'],
      handle: async (c) => fmt.exchangeInfo((await symbolsOf(c)).list.map(symbolView), now()),
    },
    'GET api/v3/depth': {
      security: 'NONE',
      params: ['symbol', 'limit'],
      handle: async (c) => {
        const i = await instrumentOf(c);
        const depth = Math.min(500, intParam(c, 'limit', 1, 5000) ?? 100);
        const b = await c.call('market.book', { account: c.account, symbol: i.symbol, depth });
        return { lastUpdateId: opts.streams ? opts.streams.depthUpdateId(c.account, binanceSymbol(i)) : b.ts === null ? 0 : Date.parse(b.ts), bids: b.bids.map(([p, q]) => [f8(p), f8(q)]), asks: b.asks.map(([p, q]) => [f8(p), f8(q)]) };
      },
    },
    'GET api/v3/ticker/price': {
      security: 'NONE',
      params: ['symbol', 'symbols'],
      handle: (c) =>
        eachSymbol(c, async (i) => {
          const t = await c.call('market.ticker', { account: c.account, symbol: i.symbol });
          return { symbol: binanceSymbol(i), price: f8(t.last ?? mid(t.bid, t.ask)) };
        }),
    },
    'GET api/v3/ticker/bookTicker': {
      security: 'NONE',
      params: ['symbol', 'symbols'],
      handle: (c) =>
        eachSymbol(c, async (i) => {
          const b = await c.call('market.book', { account: c.account, symbol: i.symbol, depth: 1 });
          const [bid, ask] = [b.bids[0], b.asks[0]];
          return { symbol: binanceSymbol(i), bidPrice: f8(bid?.[0]), bidQty: f8(bid?.[1]), askPrice: f8(ask?.[0]), askQty: f8(ask?.[1]) };
        }),
    },
    'GET api/v3/ticker/24hr': {
      security: 'NONE',
      params: ['symbol', 'symbols', 'type'],
      handle: (c) => eachSymbol(c, (i) => ticker24h(tickerReads(c), c.account, i, now())),
    },
    'GET api/v3/klines': {
      security: 'NONE',
      params: ['symbol', 'interval', 'startTime', 'endTime', 'limit', 'timeZone'],
      handle: async (c) => {
        const i = await instrumentOf(c);
        const interval = c.params['interval'];
        if (interval === undefined) throw errors.mandatory('interval');
        if (!(TIMEFRAMES as readonly string[]).includes(interval)) throw errors.invalidInterval();
        const ms = Number(interval.slice(0, -1)) * (INTERVAL_MS[interval.slice(-1)] ?? 0);
        const params: Record<string, unknown> = { account: c.account, symbol: i.symbol, timeframe: interval, limit: Math.min(1000, intParam(c, 'limit', 1, 1000) ?? 500) };
        const start = intParam(c, 'startTime', 0, Number.MAX_SAFE_INTEGER);
        const end = intParam(c, 'endTime', 0, Number.MAX_SAFE_INTEGER);
        if (start !== undefined) params['since'] = start;
        if (end !== undefined && start !== undefined) params['until'] = end + 1;
        const candles = await c.call('market.candles', params);
        return candles.filter(([t]) => end === undefined || t <= end).map(([t, o, h, l, cl, v]) => fmt.kline(t, ms, f8(o), f8(h), f8(l), f8(cl), f8(v), '0.00000000', 0));
      },
    },
    'GET api/v3/account': {
      security: 'READ',
      params: ['omitZeroBalances'],
      handle: async (c) => {
        const [balances, list] = await Promise.all([c.call('balances.list', { account: c.account }), instruments(c)]);
        const fee = list[0];
        const bps = (r: string | undefined) => (r === undefined ? 0 : Number(new Decimal(r).mul(10_000).toFixed(0)));
        const shown = c.params['omitZeroBalances'] === 'true' ? balances.filter((b) => !new Decimal(b.total).isZero()) : balances;
        const canTrade = c.principal?.scopes.some((s) => s === 'trade' || s === 'admin') ?? false;
        return {
          makerCommission: bps(fee?.maker_fee),
          takerCommission: bps(fee?.taker_fee),
          buyerCommission: 0,
          sellerCommission: 0,
          commissionRates: { maker: f8(fee?.maker_fee), taker: f8(fee?.taker_fee), buyer: f8('0'), seller: f8('0') },
          canTrade,
          canWithdraw: false,
          canDeposit: false,
          brokered: false,
          requireSelfTradePrevention: false,
          preventSor: false,
          updateTime: now(),
          accountType: 'SPOT',
          balances: shown.map(balanceView),
          permissions: ['SPOT'],
          uid: 0,
        };
      },
    },
    'POST api/v3/order': {
      security: 'TRADE',
      during: 'order',
      params: ['symbol', 'side', 'type', 'timeInForce', 'quantity', 'quoteOrderQty', 'price', 'stopPrice', 'newClientOrderId', 'newOrderRespType', 'selfTradePreventionMode'],
      handle: async (c) => {
        const { params, symbol } = await placeParams(c, 'by-the-engine');
        const { order, fills } = await placementFills.place(() => c.call('orders.create', params));
        if (order.status === 'rejected') throw rejectionOf(order);
        return fmt.orderResponse(orderView(order, symbol, { fills: fills ?? (await fillsOf(c, order)) }), c.params['newOrderRespType']);
      },
    },
    'POST api/v3/order/test': {
      security: 'TRADE',
      during: 'order',
      params: ['symbol', 'side', 'type', 'timeInForce', 'quantity', 'quoteOrderQty', 'price', 'stopPrice', 'newClientOrderId', 'newOrderRespType', 'selfTradePreventionMode', 'computeCommissionRates'],
      // the parameters are checked as a real order's are; nothing is placed, so risk is not asked
      handle: async (c) => (await placeParams(c, 'here'), {}),
    },
    'GET api/v3/order': {
      security: 'READ',
      during: 'query',
      params: ['symbol', 'orderId', 'origClientOrderId'],
      handle: async (c) => {
        const i = await instrumentOf(c);
        const order = await namedOrder(c, binanceSymbol(i), 'query');
        return fmt.orderQuery(orderView(order, binanceSymbol(i), { expired: await ocoExpired(c, order) }));
      },
    },
    'DELETE api/v3/order': {
      security: 'TRADE',
      during: 'cancel',
      params: ['symbol', 'orderId', 'origClientOrderId', 'newClientOrderId', 'cancelRestrictions'],
      handle: async (c) => {
        const i = await instrumentOf(c);
        const order = await namedOrder(c, binanceSymbol(i), 'cancel');
        if (order.status !== 'open' && order.status !== 'partially_filled' && order.status !== 'pending') throw errors.unknownOrder();
        const cancelId = c.params['newClientOrderId'] ?? cancelClientId(order);
        // before the cancel, so the executionReport that reports it carries this id
        opts.streams?.noteCancel(order.id, cancelId);
        const canceled = await c.call('orders.cancel', { id: order.id });
        return fmt.cancelResponse(orderView(canceled, binanceSymbol(i), { cancelClientOrderId: cancelId }));
      },
    },
    'GET api/v3/openOrders': {
      security: 'READ',
      params: ['symbol'],
      handle: async (c) => {
        const only = c.params['symbol'] !== undefined ? await instrumentOf(c) : undefined;
        const list = await c.call('orders.list', { account: c.account, status: 'open', ...(only ? { symbol: only.symbol } : {}), limit: 10_000 });
        return list.reverse().map((o) => fmt.orderQuery(orderView(o, binanceSymbol(splitSymbol(o.symbol)))));
      },
    },
    'DELETE api/v3/openOrders': {
      security: 'TRADE',
      during: 'cancel',
      params: ['symbol'],
      handle: async (c) => {
        const i = await instrumentOf(c);
        const result = await c.call('orders.cancelAll', { account: c.account, symbol: i.symbol });
        const canceled = await Promise.all(result.canceled.map((id) => c.call('orders.get', { id })));
        return canceled.map((o) => fmt.cancelResponse(orderView(o, binanceSymbol(i), { cancelClientOrderId: cancelClientId(o) })));
      },
    },
    'GET api/v3/allOrders': {
      security: 'READ',
      params: ['symbol', 'orderId', 'startTime', 'endTime', 'limit'],
      handle: async (c) => {
        const i = await instrumentOf(c);
        const limit = intParam(c, 'limit', 1, 1000) ?? 500;
        // an order the venue refused answered its bot with -2010 and, as on Binance, is no order it lists (Tern's history keeps it)
        const list = (await c.call('orders.list', { account: c.account, symbol: i.symbol, status: 'all', limit: 10_000 })).reverse().filter((o) => o.status !== 'rejected');
        const expired = expiredLegs(list);
        return inWindow(c, list, (o) => Date.parse(o.created_at))
          .slice(0, limit)
          .map((o) => fmt.orderQuery(orderView(o, binanceSymbol(i), { expired: expired.has(o.id) })));
      },
    },
    'GET api/v3/myTrades': {
      security: 'READ',
      params: ['symbol', 'orderId', 'startTime', 'endTime', 'limit'],
      handle: async (c) => {
        const i = await instrumentOf(c);
        const limit = intParam(c, 'limit', 1, 1000) ?? 500;
        let fills = (await c.call('fills.list', { account: c.account, symbol: i.symbol, limit: 10_000 })).reverse();
        const orderId = c.params['orderId'];
        if (orderId !== undefined) fills = fills.filter((f) => f.order_id === orderId);
        const page = inWindow(c, fills, (f) => Date.parse(f.ts)).slice(0, limit);
        const lists = await listsOfFills(c, page);
        return page.map((f) => fmt.myTrade(tradeView(f, binanceSymbol(i), lists.get(f.order_id))));
      },
    },
  };

  Object.assign(endpoints, orderListEndpoints({ instrumentOf, intParam }), tradeEndpoints({ instrumentOf, intParam }));

  /** the OCO list (oco_id) of each fill's order that is a leg of one; only orders named like legs (<list>-tp / -sl) are looked up */
  async function listsOfFills(c: Call, fills: ResultOf<'fills.list'>): Promise<Map<string, string>> {
    const legs = [...new Set(fills.filter((f) => /-(tp|sl)$/.test(f.client_order_id)).map((f) => f.order_id))];
    const orders = await Promise.all(legs.map((id) => c.call('orders.get', { id }).catch(() => null)));
    return new Map(orders.filter((o) => o !== null && o.oco_id !== null).map((o) => [o!.id, o!.oco_id!]));
  }

  /** an OCO leg that the other leg's execution ended: Binance says EXPIRED */
  async function ocoExpired(c: Call, o: Order): Promise<boolean> {
    if (o.oco_id === null || o.status !== 'canceled' || o.role === null) return false;
    const sibling = o.client_order_id.replace(/-(tp|sl)$/, (m) => (m === '-tp' ? '-sl' : '-tp'));
    const other = await c.call('orders.get', { id: sibling }).catch(() => null);
    return other !== null && expiredLegs([o, other]).has(o.id);
  }

  function tickerReads(c: Call): TickerReads {
    return {
      ticker: (account, symbol) => c.call('market.ticker', { account, symbol }),
      candles: (account, symbol) => c.call('market.candles', { account, symbol, timeframe: '1h', limit: 24 }),
    };
  }

  /** startTime/endTime (epoch ms, inclusive) */
  function inWindow<T>(c: Call, list: T[], time: (x: T) => number): T[] {
    const start = intParam(c, 'startTime', 0, Number.MAX_SAFE_INTEGER);
    const end = intParam(c, 'endTime', 0, Number.MAX_SAFE_INTEGER);
    return list.filter((x) => (start === undefined || time(x) >= start) && (end === undefined || time(x) <= end));
  }

  // Binance's private POSTs send their parameters as a form: kept raw, because the signature is over the bytes sent
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err, req, reply) => {
    const b = err instanceof BinanceError ? err : err instanceof TernError ? binanceErrorOf(err, 'other') : frameworkError(err);
    if (b.code === -1000) req.log.error({ err, url: req.url }, 'binance gateway request failed');
    return sendBinance(reply, b);
  });
  app.setNotFoundHandler((req, reply) => sendBinance(reply, errors.notFound(`no Binance endpoint ${req.method} ${req.url.split('?', 1)[0] ?? ''} in Tern's gateway`)));

  for (const [key, ep] of Object.entries({ ...endpoints, ...opts.streams?.endpoints })) {
    const [method, path] = key.split(' ') as ['GET' | 'POST' | 'PUT' | 'DELETE', string];
    for (const url of [`/${path}`, `/:account/${path}`]) {
      app.route({ method, url, handler: (req, reply) => serve(req, reply, ep) });
    }
  }
  opts.streams?.routes(app);

  async function serve(req: FastifyRequest, reply: FastifyReply, ep: Endpoint): Promise<unknown> {
    const account = (req.params as { account?: string }).account ?? defaultAccount;
    const rawQuery = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    const rawBody = typeof req.body === 'string' ? req.body : '';
    const params = paramsOf(rawQuery, rawBody);
    for (const name of Object.keys(params)) if (!ep.params.includes(name) && !SIGNING.includes(name)) throw errors.notRead(name);
    let principal: Principal | null;
    if (ep.security === 'NONE') {
      const key = headerKey(req);
      // a key sent to a public endpoint is charged like any call; without one, the caller's address is
      const who = key === undefined ? null : authenticate(key, req.ip);
      rateOrThrow(reply, opts.access.charge(who ?? { id: `binance-public:${req.ip}`, scopes: [] }));
      principal = who;
    } else {
      const key = headerKey(req);
      if (key === undefined) throw errors.apiKeyFormat();
      principal = authenticate(key, req.ip);
      // the key is the HMAC secret: a bot is configured with apiKey = secret = its Tern key (USER_STREAM calls are not signed)
      if (ep.security !== 'KEY') verifySigned(key, params, withoutSignature(rawQuery) + withoutSignature(rawBody), now());
      const admission = opts.access.admitPrincipal(principal, ep.security === 'TRADE' ? 'trade' : 'read');
      rateOrThrow(reply, admission);
      // a key limited to some accounts neither trades, reads nor streams another (as Binance answers a key without the permission)
      if (!mayUseAccount(principal, account)) throw errors.invalidApiKey();
    }
    const who = principal;
    const c: Call = {
      account,
      params,
      principal: who,
      call: async (method, p) => {
        if (who === null) return opts.publicRead(method as 'market.book', p) as never;
        return resultOf(method, await opts.answer(method, p, who)) as never;
      },
    };
    try {
      return await ep.handle(c);
    } catch (err) {
      throw binanceErrorOf(err, ep.during ?? 'other');
    }
  }

  function authenticate(key: string, address: string): Principal {
    const who = opts.access.authenticate(key, address);
    if (who instanceof TernError) {
      if (who.code === 'RATE_LIMITED') throw new BinanceError(429, -1003, who.message, {});
      throw errors.invalidApiKey();
    }
    return who;
  }
}

function rateOrThrow(reply: FastifyReply, admission: { error?: TernError; rate?: { allowed: boolean; retryAfterSeconds: number } }): void {
  if (!admission.error) return;
  if (admission.error.code === 'RATE_LIMITED') {
    reply.header('retry-after', admission.rate?.retryAfterSeconds ?? 1);
    throw new BinanceError(429, -1003, admission.error.message);
  }
  throw errors.invalidApiKey();
}

function headerKey(req: FastifyRequest): string | undefined {
  const v = req.headers['x-mbx-apikey'];
  const key = Array.isArray(v) ? v[0] : v;
  return key === undefined || key === '' ? undefined : key;
}

function paramsOf(rawQuery: string, rawBody: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of [rawQuery, rawBody]) {
    for (const [k, v] of new URLSearchParams(raw)) {
      if (k in out) throw new BinanceError(400, -1101, `Duplicate values for parameter '${k}'.`);
      out[k] = v;
    }
  }
  return out;
}

/** Tern's instrument symbol (BASE/QUOTE) as its parts */
function splitSymbol(symbol: string): { base: string; quote: string } {
  const [base = symbol, quote = ''] = symbol.split('/');
  return { base, quote };
}

function frameworkError(err: unknown): BinanceError {
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 415) return new BinanceError(415, -1100, 'Content-Type must be application/x-www-form-urlencoded.');
  if (status === 413) return new BinanceError(413, -1100, 'Request body too large.');
  if (status !== undefined && status >= 400 && status < 500) return new BinanceError(status, -1100, 'Malformed request.');
  return errors.unknown();
}

function sendBinance(reply: FastifyReply, err: BinanceError): FastifyReply {
  if (err.status === 429 && !reply.hasHeader('retry-after')) reply.header('retry-after', 1);
  return reply.code(err.status).type('application/json; charset=utf-8').send(err.body());
}
