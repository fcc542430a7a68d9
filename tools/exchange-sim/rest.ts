import { randomBytes } from 'node:crypto';
import type { Account } from './accounts.js';
import { requireApiKey, verifySigned } from './auth.js';
import { INTERVALS } from './candles.js';
import type { SimContext } from './context.js';
import { f8, parseDec, ZERO, type D } from './decimal.js';
import { errors, SimError } from './errors.js';
import * as fmt from './format.js';
import { exchangeInfo, symbolInfo } from './markets.js';
import { TRIGGER_TYPES, type OcoLegRequest, type OcoRequest, type OrderRef, type OrderRequest, type OrderType, type Side, type TimeInForce } from './types.js';

export interface RestRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  apiKey: string | undefined;
  /** Query string plus body, without the signature: what a SIGNED request's HMAC covers. */
  signedPayload: string;
}

type Security = 'NONE' | 'API_KEY' | 'SIGNED';

interface Call {
  params: Record<string, string>;
  account: Account | undefined;
}

interface Route {
  security: Security;
  handle(ctx: SimContext, call: Call): unknown;
}

// ---- parameter helpers ------------------------------------------------------------------------

function str(p: Record<string, string>, name: string): string {
  const v = p[name];
  if (v === undefined || v === '') throw errors.mandatory(name);
  return v;
}

function dec(p: Record<string, string>, name: string): D | undefined {
  const raw = p[name];
  if (raw === undefined || raw === '') return undefined;
  const v = parseDec(raw);
  if (v === undefined || v.lt(0)) throw errors.illegalChars(name);
  return v;
}

function int(p: Record<string, string>, name: string): number | undefined {
  const raw = p[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw errors.illegalChars(name);
  return Number(raw);
}

function limit(p: Record<string, string>, dflt: number, max: number): number {
  const n = int(p, 'limit') ?? dflt;
  if (n <= 0) throw errors.invalidParam('limit');
  return Math.min(n, max);
}

function symbolOf(ctx: SimContext, p: Record<string, string>): string {
  const s = str(p, 'symbol');
  if (!ctx.engine.books.has(s)) throw errors.invalidSymbol();
  return s;
}

/** `symbol`, `symbols=["A","B"]`, or neither (every symbol). */
function symbolsOf(ctx: SimContext, p: Record<string, string>): { list: string[]; single: boolean } {
  if (p['symbol']) return { list: [symbolOf(ctx, p)], single: true };
  if (p['symbols']) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(p['symbols']);
    } catch {
      throw errors.invalidParam('symbols');
    }
    if (!Array.isArray(parsed)) throw errors.invalidParam('symbols');
    for (const s of parsed) if (typeof s !== 'string' || !ctx.engine.books.has(s)) throw errors.invalidSymbol();
    return { list: parsed as string[], single: false };
  }
  return { list: [...ctx.engine.books.keys()], single: false };
}

const CLIENT_ID = /^[a-zA-Z0-9-_]{1,36}$/;

function clientId(p: Record<string, string>, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === '') return undefined;
  if (!CLIENT_ID.test(v)) throw new SimError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[a-zA-Z0-9-_]{1,36}$'.`);
  return v;
}

function orderRef(p: Record<string, string>, idName: string, cidName: string): OrderRef {
  const orderId = int(p, idName);
  const origClientOrderId = p[cidName] || undefined;
  if (orderId === undefined && origClientOrderId === undefined) throw errors.eitherParam(idName, cidName);
  return orderId !== undefined ? { orderId } : { origClientOrderId };
}

const KNOWN_TYPES = ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'];

/** Parses and checks the parameters of a new order (POST order, order/test, order/cancelReplace). */
function orderRequest(ctx: SimContext, p: Record<string, string>): OrderRequest & { respType: string | undefined } {
  const symbol = symbolOf(ctx, p);
  const sideRaw = str(p, 'side');
  if (sideRaw !== 'BUY' && sideRaw !== 'SELL') throw errors.invalidSide();
  const typeRaw = str(p, 'type');
  if (!KNOWN_TYPES.includes(typeRaw)) throw errors.invalidType();
  const type = typeRaw as OrderType;
  const side = sideRaw as Side;
  const quantity = dec(p, 'quantity');
  const quoteOrderQty = dec(p, 'quoteOrderQty');
  const price = dec(p, 'price');
  const stopPrice = dec(p, 'stopPrice');
  if (p['trailingDelta']) throw errors.notFound('trailingDelta (trailing stops)');
  if (TRIGGER_TYPES.includes(type)) {
    if (stopPrice === undefined || stopPrice.lte(0)) throw errors.mandatory('stopPrice');
  } else if (stopPrice !== undefined) {
    throw errors.notRequired('stopPrice');
  }
  let timeInForce: TimeInForce | undefined;
  if (type === 'LIMIT' || type === 'STOP_LOSS_LIMIT' || type === 'TAKE_PROFIT_LIMIT') {
    timeInForce = tifOf(p, 'timeInForce');
    if (price === undefined) throw errors.mandatory('price');
    if (quantity === undefined) throw errors.mandatory('quantity');
    if (quoteOrderQty !== undefined) throw errors.notRequired('quoteOrderQty');
  } else if (type === 'LIMIT_MAKER') {
    if (price === undefined) throw errors.mandatory('price');
    if (quantity === undefined) throw errors.mandatory('quantity');
    if (quoteOrderQty !== undefined) throw errors.notRequired('quoteOrderQty');
  } else if (type === 'STOP_LOSS' || type === 'TAKE_PROFIT') {
    if (quantity === undefined) throw errors.mandatory('quantity');
    if (quoteOrderQty !== undefined) throw errors.notRequired('quoteOrderQty');
    if (price !== undefined) throw errors.notRequired('price');
    if (p['timeInForce']) throw errors.notRequired('timeInForce');
  } else {
    if (quantity === undefined && quoteOrderQty === undefined) throw errors.eitherParam('quantity', 'quoteOrderQty');
    if (quantity !== undefined && quoteOrderQty !== undefined) throw errors.notRequired('quoteOrderQty');
    if (price !== undefined) throw errors.notRequired('price');
    if (p['timeInForce']) throw errors.notRequired('timeInForce');
  }
  if (quantity !== undefined && quantity.lte(0)) throw errors.invalidParam('quantity');
  if (quoteOrderQty !== undefined && quoteOrderQty.lte(0)) throw errors.invalidParam('quoteOrderQty');
  const respType = respTypeOf(p);
  return {
    symbol, side, type, timeInForce, quantity, quoteOrderQty, price, stopPrice,
    newClientOrderId: clientId(p, 'newClientOrderId'),
    respType,
  };
}

function tifOf(p: Record<string, string>, name: string): TimeInForce {
  const tif = str(p, name);
  if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK') throw errors.invalidTif();
  return tif;
}

function respTypeOf(p: Record<string, string>): string | undefined {
  const respType = p['newOrderRespType'];
  if (respType !== undefined && respType !== 'ACK' && respType !== 'RESULT' && respType !== 'FULL') throw errors.invalidParam('newOrderRespType');
  return respType;
}

function sideOf(p: Record<string, string>): Side {
  const side = str(p, 'side');
  if (side !== 'BUY' && side !== 'SELL') throw errors.invalidSide();
  return side;
}

function positive(p: Record<string, string>, name: string): D {
  const v = dec(p, name);
  if (v === undefined) throw errors.mandatory(name);
  if (v.lte(0)) throw errors.invalidParam(name);
  return v;
}

/** One leg of POST orderList/oco: the `above…` or `below…` parameters. */
function ocoLeg(p: Record<string, string>, prefix: 'above' | 'below'): OcoLegRequest {
  const typeRaw = str(p, `${prefix}Type`);
  if (!KNOWN_TYPES.includes(typeRaw)) throw errors.invalidType();
  if (p[`${prefix}TrailingDelta`]) throw errors.notFound(`${prefix}TrailingDelta (trailing stops)`);
  const type = typeRaw as OrderType;
  const limitLike = type === 'STOP_LOSS_LIMIT' || type === 'TAKE_PROFIT_LIMIT';
  return {
    type,
    price: dec(p, `${prefix}Price`),
    stopPrice: dec(p, `${prefix}StopPrice`),
    timeInForce: limitLike ? tifOf(p, `${prefix}TimeInForce`) : undefined,
    clientOrderId: clientId(p, `${prefix}ClientOrderId`),
  };
}

/** POST orderList/oco (Binance's current OCO). */
function ocoRequest(ctx: SimContext, p: Record<string, string>): OcoRequest {
  return {
    symbol: symbolOf(ctx, p),
    side: sideOf(p),
    quantity: positive(p, 'quantity'),
    listClientOrderId: clientId(p, 'listClientOrderId'),
    above: ocoLeg(p, 'above'),
    below: ocoLeg(p, 'below'),
  };
}

/** POST order/oco (deprecated by Binance, still served): a LIMIT_MAKER leg and a STOP_LOSS(_LIMIT) leg. */
function legacyOcoRequest(ctx: SimContext, p: Record<string, string>): OcoRequest {
  const side = sideOf(p);
  const stopLimitPrice = dec(p, 'stopLimitPrice');
  const limit: OcoLegRequest = { type: 'LIMIT_MAKER', price: positive(p, 'price'), clientOrderId: clientId(p, 'limitClientOrderId') };
  const stop: OcoLegRequest = {
    type: stopLimitPrice === undefined ? 'STOP_LOSS' : 'STOP_LOSS_LIMIT',
    price: stopLimitPrice,
    stopPrice: positive(p, 'stopPrice'),
    timeInForce: stopLimitPrice === undefined ? undefined : tifOf(p, 'stopLimitTimeInForce'),
    clientOrderId: clientId(p, 'stopClientOrderId'),
  };
  return {
    symbol: symbolOf(ctx, p),
    side,
    quantity: positive(p, 'quantity'),
    listClientOrderId: clientId(p, 'listClientOrderId'),
    above: side === 'SELL' ? limit : stop,
    below: side === 'SELL' ? stop : limit,
  };
}

function listRef(p: Record<string, string>, cidName: string): { orderListId?: number; listClientOrderId?: string } {
  const orderListId = int(p, 'orderListId');
  const listClientOrderId = p[cidName] || undefined;
  if (orderListId === undefined && listClientOrderId === undefined) throw errors.eitherParam('orderListId', cidName);
  return orderListId !== undefined ? { orderListId } : { listClientOrderId };
}

function errorBody(e: unknown): Record<string, unknown> {
  if (e instanceof SimError) return { code: e.code, msg: e.msg };
  throw e;
}

function needAccount(call: Call): Account {
  if (!call.account) throw errors.apiKeyFormat();
  return call.account;
}

function openOf(ctx: SimContext, account: Account, symbol?: string) {
  return ctx.engine.ordersOf(account.apiKey).filter(
    (o) => (symbol === undefined || o.symbol === symbol) && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'),
  );
}

function inTime(t: number, p: Record<string, string>): boolean {
  const start = int(p, 'startTime');
  const end = int(p, 'endTime');
  return (start === undefined || t >= start) && (end === undefined || t <= end);
}

function ticker24hFor(ctx: SimContext, call: Call): unknown {
  const { list, single } = symbolsOf(ctx, call.params);
  const all = list.map((s) => ctx.engine.ticker24h(s));
  return single ? all[0] : all;
}

// ---- the endpoints ---------------------------------------------------------------------------

const routes: Record<string, Route> = {
  'GET /api/v3/ping': { security: 'NONE', handle: () => ({}) },
  'GET /api/v3/time': { security: 'NONE', handle: (ctx) => ({ serverTime: ctx.now() }) },
  'GET /api/v3/exchangeInfo': {
    security: 'NONE',
    handle: (ctx, { params }) => {
      const info = exchangeInfo(ctx.markets, ctx.now());
      if (params['symbol'] || params['symbols']) {
        const { list } = symbolsOf(ctx, params);
        info['symbols'] = ctx.markets.filter((m) => list.includes(m.id)).map(symbolInfo);
      }
      return info;
    },
  },
  'GET /api/v3/depth': {
    security: 'NONE',
    handle: (ctx, { params }) => ctx.engine.depth(symbolOf(ctx, params), limit(params, 100, 5000)),
  },
  'GET /api/v3/trades': {
    security: 'NONE',
    handle: (ctx, { params }) => {
      const book = ctx.engine.book(symbolOf(ctx, params));
      return book.trades.slice(-limit(params, 500, 1000)).map(fmt.publicTrade);
    },
  },
  // Binance's MARKET_DATA security: a known key, unsigned
  'GET /api/v3/historicalTrades': {
    security: 'API_KEY',
    handle: (ctx, { params }) => {
      const book = ctx.engine.book(symbolOf(ctx, params));
      const fromId = int(params, 'fromId');
      const n = limit(params, 500, 1000);
      const list = fromId === undefined ? book.trades.slice(-n) : book.trades.filter((t) => t.id >= fromId).slice(0, n);
      return list.map(fmt.publicTrade);
    },
  },
  'GET /api/v3/aggTrades': {
    security: 'NONE',
    handle: (ctx, { params }) => {
      const book = ctx.engine.book(symbolOf(ctx, params));
      const n = limit(params, 500, 1000);
      const fromId = int(params, 'fromId');
      let list = book.trades;
      if (fromId !== undefined) list = list.filter((t) => t.id >= fromId).slice(0, n);
      else if (params['startTime'] || params['endTime']) list = list.filter((t) => inTime(t.time, params)).slice(0, n);
      else list = list.slice(-n);
      return list.map(fmt.aggTrade);
    },
  },
  'GET /api/v3/klines': { security: 'NONE', handle: (ctx, call) => klines(ctx, call) },
  'GET /api/v3/uiKlines': { security: 'NONE', handle: (ctx, call) => klines(ctx, call) },
  'GET /api/v3/ticker/24hr': { security: 'NONE', handle: ticker24hFor },
  'GET /api/v3/ticker': { security: 'NONE', handle: ticker24hFor },
  'GET /api/v3/ticker/price': {
    security: 'NONE',
    handle: (ctx, { params }) => {
      const { list, single } = symbolsOf(ctx, params);
      const all = list.map((s) => {
        const b = ctx.engine.book(s);
        return { symbol: s, price: f8(b.last?.price ?? b.mid) };
      });
      return single ? all[0] : all;
    },
  },
  'GET /api/v3/ticker/bookTicker': {
    security: 'NONE',
    handle: (ctx, { params }) => {
      const { list, single } = symbolsOf(ctx, params);
      const all = list.map((s) => {
        const t = ctx.engine.top(s);
        return {
          symbol: s,
          bidPrice: f8(t.bid?.[0] ?? ZERO), bidQty: f8(t.bid?.[1] ?? ZERO),
          askPrice: f8(t.ask?.[0] ?? ZERO), askQty: f8(t.ask?.[1] ?? ZERO),
        };
      });
      return single ? all[0] : all;
    },
  },
  'GET /api/v3/avgPrice': {
    security: 'NONE',
    handle: (ctx, { params }) => {
      const b = ctx.engine.book(symbolOf(ctx, params));
      return { mins: 5, price: f8(b.mid), closeTime: ctx.now() };
    },
  },

  // user data stream (listenKey)
  'POST /api/v3/userDataStream': {
    security: 'API_KEY',
    handle: (ctx, call) => {
      const account = needAccount(call);
      for (const [k, v] of ctx.listenKeys) if (v === account.apiKey) return { listenKey: k };
      const listenKey = randomBytes(45).toString('base64url').slice(0, 60);
      ctx.listenKeys.set(listenKey, account.apiKey);
      return { listenKey };
    },
  },
  'PUT /api/v3/userDataStream': {
    security: 'API_KEY',
    handle: (ctx, call) => {
      const key = str(call.params, 'listenKey');
      if (ctx.listenKeys.get(key) !== needAccount(call).apiKey) throw errors.invalidListenKey();
      return {};
    },
  },
  'DELETE /api/v3/userDataStream': {
    security: 'API_KEY',
    handle: (ctx, call) => {
      const key = str(call.params, 'listenKey');
      if (ctx.listenKeys.get(key) !== needAccount(call).apiKey) throw errors.invalidListenKey();
      ctx.listenKeys.delete(key);
      return {};
    },
  },

  // account
  'GET /api/v3/account': {
    security: 'SIGNED',
    handle: (ctx, call) => {
      const a = needAccount(call);
      const omitZero = call.params['omitZeroBalances'] === 'true';
      const bps = (r: D) => Number(r.mul(10_000).toFixed(0));
      const balances = [...a.balances.entries()]
        .filter(([, b]) => !omitZero || !b.free.plus(b.locked).isZero())
        .map(([asset, b]) => ({ asset, free: f8(b.free), locked: f8(b.locked) }));
      return {
        makerCommission: bps(a.makerRate),
        takerCommission: bps(a.takerRate),
        buyerCommission: 0,
        sellerCommission: 0,
        commissionRates: { maker: f8(a.makerRate), taker: f8(a.takerRate), buyer: f8(ZERO), seller: f8(ZERO) },
        canTrade: true,
        canWithdraw: true,
        canDeposit: true,
        brokered: false,
        requireSelfTradePrevention: false,
        preventSor: false,
        updateTime: a.updateTime,
        accountType: 'SPOT',
        balances,
        permissions: ['SPOT'],
        uid: a.uid,
      };
    },
  },
  'GET /api/v3/account/commission': {
    security: 'SIGNED',
    handle: (ctx, call) => {
      const a = needAccount(call);
      const symbol = symbolOf(ctx, call.params);
      const zero = f8(ZERO);
      return {
        symbol,
        standardCommission: { maker: f8(a.makerRate), taker: f8(a.takerRate), buyer: zero, seller: zero },
        specialCommission: { maker: zero, taker: zero, buyer: zero, seller: zero },
        taxCommission: { maker: zero, taker: zero, buyer: zero, seller: zero },
        discount: { enabledForAccount: false, enabledForSymbol: false, discountAsset: 'BNB', discount: zero },
      };
    },
  },
  'GET /sapi/v1/asset/tradeFee': {
    security: 'SIGNED',
    handle: (ctx, call) => {
      const a = needAccount(call);
      const list = call.params['symbol'] ? [symbolOf(ctx, call.params)] : [...ctx.engine.books.keys()];
      return list.map((symbol) => ({ symbol, makerCommission: a.makerRate.toFixed(), takerCommission: a.takerRate.toFixed() }));
    },
  },

  // orders
  'POST /api/v3/order': {
    security: 'SIGNED',
    handle: (ctx, call) => {
      const req = orderRequest(ctx, call.params);
      const order = ctx.engine.placeOrder(needAccount(call), req);
      return fmt.orderResponse(order, req.respType);
    },
  },
  'POST /api/v3/order/test': {
    security: 'SIGNED',
    handle: (ctx, call) => {
      ctx.engine.validate(needAccount(call), orderRequest(ctx, call.params));
      return {};
    },
  },
  'GET /api/v3/order': {
    security: 'SIGNED',
    handle: (ctx, call) => {
      const symbol = symbolOf(ctx, call.params);
      const order = ctx.engine.findOrder(needAccount(call).apiKey, symbol, orderRef(call.params, 'orderId', 'origClientOrderId'));
      if (!order) throw errors.orderDoesNotExist();
      return fmt.orderQuery(order);
    },
  },
  'DELETE /api/v3/order': {
    security: 'SIGNED',
    handle: (ctx, call) => {
      const symbol = symbolOf(ctx, call.params);
      const ref = orderRef(call.params, 'orderId', 'origClientOrderId');
      const order = ctx.engine.cancelOrder(needAccount(call), symbol, ref, clientId(call.params, 'newClientOrderId'));
      return fmt.cancelResponse(order);
    },
  },
  'POST /api/v3/order/cancelReplace': {
    security: 'SIGNED',
    handle: (ctx, call) => {
      const p = call.params;
      const mode = str(p, 'cancelReplaceMode');
      if (mode !== 'STOP_ON_FAILURE' && mode !== 'ALLOW_FAILURE') throw errors.invalidParam('cancelReplaceMode');
      const req = orderRequest(ctx, p);
      const ref = orderRef(p, 'cancelOrderId', 'cancelOrigClientOrderId');
      const r = ctx.engine.cancelReplace(
        needAccount(call),
        { symbol: req.symbol, ref, newClientOrderId: clientId(p, 'cancelNewClientOrderId') },
        req,
        mode === 'ALLOW_FAILURE',
      );
      const data = {
        cancelResult: r.canceled ? 'SUCCESS' : 'FAILURE',
        newOrderResult: r.placed ? 'SUCCESS' : r.placeError ? 'FAILURE' : 'NOT_ATTEMPTED',
        cancelResponse: r.canceled ? fmt.cancelResponse(r.canceled) : errorBody(r.cancelError),
        newOrderResponse: r.placed ? fmt.orderResponse(r.placed, req.respType) : r.placeError ? errorBody(r.placeError) : null,
      };
      if (r.canceled && r.placed) return data;
      if (r.canceled || r.placed) throw new SimError(409, -2021, 'Order cancel-replace partially failed.', { data });
      throw new SimError(400, -2022, 'Order cancel-replace failed.', { data });
    },
  },
  'POST /api/v3/orderList/oco': {
    security: 'SIGNED',
    handle: (ctx, call) => fmt.orderListResponse(ctx.engine.placeOrderList(needAccount(call), ocoRequest(ctx, call.params)), respTypeOf(call.params)),
  },
  'POST /api/v3/order/oco': {
    security: 'SIGNED',
    handle: (ctx, call) => fmt.orderListResponse(ctx.engine.placeOrderList(needAccount(call), legacyOcoRequest(ctx, call.params)), respTypeOf(call.params)),
  },
  'DELETE /api/v3/orderList': {
    security: 'SIGNED',
    handle: (ctx, call) => {
      const p = call.params;
      const list = ctx.engine.cancelOrderList(needAccount(call), symbolOf(ctx, p), listRef(p, 'listClientOrderId'), clientId(p, 'newClientOrderId'));
      return fmt.orderListCancel(list);
    },
  },
  'GET /api/v3/orderList': {
    security: 'SIGNED',
    handle: (ctx, call) => {
      const list = ctx.engine.findList(needAccount(call).apiKey, listRef(call.params, 'origClientOrderId'));
      if (!list) throw errors.orderListDoesNotExist();
      return fmt.orderList(list);
    },
  },
  'GET /api/v3/openOrderList': {
    security: 'SIGNED',
    handle: (ctx, call) => ctx.engine.listsOf(needAccount(call).apiKey).filter((l) => l.listOrderStatus === 'EXECUTING').map(fmt.orderList),
  },
  'GET /api/v3/allOrderList': {
    security: 'SIGNED',
    handle: (ctx, call) => {
      const n = limit(call.params, 500, 1000);
      return ctx.engine.listsOf(needAccount(call).apiKey).filter((l) => inTime(l.transactionTime, call.params)).slice(-n).map(fmt.orderList);
    },
  },
  'GET /api/v3/openOrders': {
    security: 'SIGNED',
    handle: (ctx, call) => {
      const symbol = call.params['symbol'] ? symbolOf(ctx, call.params) : undefined;
      return openOf(ctx, needAccount(call), symbol).map(fmt.orderQuery);
    },
  },
  'DELETE /api/v3/openOrders': {
    security: 'SIGNED',
    handle: (ctx, call) => ctx.engine.cancelAll(needAccount(call), symbolOf(ctx, call.params)).map(fmt.cancelResponse),
  },
  'GET /api/v3/allOrders': {
    security: 'SIGNED',
    handle: (ctx, call) => {
      const symbol = symbolOf(ctx, call.params);
      const fromId = int(call.params, 'orderId');
      const n = limit(call.params, 500, 1000);
      const list = ctx.engine
        .ordersOf(needAccount(call).apiKey)
        .filter((o) => o.symbol === symbol && (fromId === undefined || o.orderId >= fromId) && inTime(o.time, call.params));
      return (fromId === undefined && !call.params['startTime'] ? list.slice(-n) : list.slice(0, n)).map(fmt.orderQuery);
    },
  },
  'GET /api/v3/myTrades': {
    security: 'SIGNED',
    handle: (ctx, call) => {
      const symbol = symbolOf(ctx, call.params);
      const orderId = int(call.params, 'orderId');
      const fromId = int(call.params, 'fromId');
      const n = limit(call.params, 500, 1000);
      const list = ctx.engine
        .fillsOf(needAccount(call).apiKey)
        .filter(
          (f) => f.symbol === symbol && (orderId === undefined || f.orderId === orderId) && (fromId === undefined || f.tradeId >= fromId) && inTime(f.time, call.params),
        );
      return (fromId === undefined && !call.params['startTime'] ? list.slice(-n) : list.slice(0, n)).map((f) => fmt.myTrade(f, ctx.engine.orderById(f.orderId)?.orderListId));
    },
  },
};

function klines(ctx: SimContext, { params }: Call): unknown {
  const symbol = symbolOf(ctx, params);
  const interval = str(params, 'interval');
  const ms = INTERVALS[interval];
  if (ms === undefined) throw errors.invalidInterval();
  const book = ctx.engine.book(symbol);
  book.candles.ensureUpTo(ctx.now(), book.mid);
  return book.candles
    .klines(ms, limit(params, 500, 1000), int(params, 'startTime'), int(params, 'endTime'))
    .map((c) => fmt.kline(c, ms));
}

/** Handles one REST request; throws SimError with Binance's code and HTTP status. */
export function handleRest(ctx: SimContext, req: RestRequest): unknown {
  const route = routes[`${req.method} ${req.path}`];
  if (!route) throw errors.notFound(`${req.method} ${req.path}`);
  let account: Account | undefined;
  if (route.security !== 'NONE') {
    account = requireApiKey(ctx.accounts, req.apiKey);
    if (route.security === 'SIGNED') verifySigned(account, req.params, req.signedPayload, ctx.now());
  }
  return route.handle(ctx, { params: req.params, account });
}

export function isRoute(method: string, path: string): boolean {
  return `${method} ${path}` in routes;
}
