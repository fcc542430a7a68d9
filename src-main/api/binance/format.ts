/**
 * Binance's spot REST JSON shapes, from plain views whose amounts are already
 * Binance's decimal strings ("0.10000000"). Shared by Tern's Binance gateway
 * and the loopback exchange simulator (tools/exchange-sim/format.ts), so an
 * order, a cancel or a trade looks the same from either.
 */

export interface BinanceFillView {
  price: string;
  qty: string;
  commission: string;
  commissionAsset: string;
  tradeId: number | string;
}

export interface BinanceOrderView {
  symbol: string;
  orderId: number | string;
  /** the OCO list the order is a leg of; -1: none */
  orderListId: number | string;
  clientOrderId: string;
  price: string;
  origQty: string;
  executedQty: string;
  origQuoteOrderQty: string;
  cummulativeQuoteQty: string;
  status: string;
  timeInForce: string;
  type: string;
  side: string;
  /** null: the order has no trigger */
  stopPrice: string | null;
  time: number;
  updateTime: number;
  workingTime: number;
  isWorking: boolean;
  fills: BinanceFillView[];
  /** the cancel request's own client id, once canceled */
  cancelClientOrderId?: string | undefined;
}

export interface BinanceTradeView {
  symbol: string;
  id: number | string;
  orderId: number | string;
  orderListId: number | string;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

const ZERO8 = '0.00000000';

export function orderAck(o: BinanceOrderView): Record<string, unknown> {
  return { symbol: o.symbol, orderId: o.orderId, orderListId: o.orderListId, clientOrderId: o.clientOrderId, transactTime: o.time };
}

/** Binance prints `stopPrice` only on orders that have one. */
function stopFields(o: BinanceOrderView): Record<string, unknown> {
  return o.stopPrice === null ? {} : { stopPrice: o.stopPrice };
}

export function orderResult(o: BinanceOrderView): Record<string, unknown> {
  return {
    ...orderAck(o),
    price: o.price,
    origQty: o.origQty,
    executedQty: o.executedQty,
    origQuoteOrderQty: o.origQuoteOrderQty,
    cummulativeQuoteQty: o.cummulativeQuoteQty,
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    ...stopFields(o),
    workingTime: o.workingTime,
    selfTradePreventionMode: 'NONE',
  };
}

export function orderFull(o: BinanceOrderView): Record<string, unknown> {
  return { ...orderResult(o), fills: o.fills.map((f) => ({ price: f.price, qty: f.qty, commission: f.commission, commissionAsset: f.commissionAsset, tradeId: f.tradeId })) };
}

/** POST /api/v3/order by `newOrderRespType` (FULL by default). */
export function orderResponse(o: BinanceOrderView, respType: string | undefined): Record<string, unknown> {
  if (respType === 'ACK') return orderAck(o);
  if (respType === 'RESULT') return orderResult(o);
  return orderFull(o);
}

/** GET /api/v3/order, openOrders and allOrders. */
export function orderQuery(o: BinanceOrderView): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: o.orderListId,
    clientOrderId: o.clientOrderId,
    price: o.price,
    origQty: o.origQty,
    executedQty: o.executedQty,
    cummulativeQuoteQty: o.cummulativeQuoteQty,
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: o.stopPrice ?? ZERO8,
    icebergQty: ZERO8,
    time: o.time,
    updateTime: o.updateTime,
    isWorking: o.isWorking,
    workingTime: o.workingTime,
    origQuoteOrderQty: o.origQuoteOrderQty,
    selfTradePreventionMode: 'NONE',
  };
}

/** DELETE /api/v3/order: `clientOrderId` is the cancel request's own id, `origClientOrderId` the order's. */
export function cancelResponse(o: BinanceOrderView): Record<string, unknown> {
  return {
    symbol: o.symbol,
    origClientOrderId: o.clientOrderId,
    orderId: o.orderId,
    orderListId: o.orderListId,
    clientOrderId: o.cancelClientOrderId,
    transactTime: o.updateTime,
    price: o.price,
    origQty: o.origQty,
    executedQty: o.executedQty,
    origQuoteOrderQty: o.origQuoteOrderQty,
    cummulativeQuoteQty: o.cummulativeQuoteQty,
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    ...stopFields(o),
    selfTradePreventionMode: 'NONE',
  };
}

/** An OCO order list: its state and its legs (stop leg first, as Binance lists them). */
export interface BinanceOrderListView {
  orderListId: number | string;
  contingencyType: 'OCO';
  /** EXEC_STARTED while a leg works, ALL_DONE once none does, REJECT when refused */
  listStatusType: string;
  /** EXECUTING, ALL_DONE or REJECT */
  listOrderStatus: string;
  listClientOrderId: string;
  transactionTime: number;
  symbol: string;
  orders: BinanceOrderView[];
}

/** GET orderList / openOrderList / allOrderList: the list and its orders' ids. */
export function orderList(l: BinanceOrderListView): Record<string, unknown> {
  return {
    orderListId: l.orderListId,
    contingencyType: l.contingencyType,
    listStatusType: l.listStatusType,
    listOrderStatus: l.listOrderStatus,
    listClientOrderId: l.listClientOrderId,
    transactionTime: l.transactionTime,
    symbol: l.symbol,
    orders: l.orders.map((o) => ({ symbol: o.symbol, orderId: o.orderId, clientOrderId: o.clientOrderId })),
  };
}

/** POST orderList/oco and order/oco: the list plus each order as placed. */
export function orderListResponse(l: BinanceOrderListView, respType: string | undefined): Record<string, unknown> {
  return { ...orderList(l), orderReports: l.orders.map((o) => (respType === 'ACK' ? orderAck(o) : orderResult(o))) };
}

/** DELETE orderList: the list plus each order's cancel. */
export function orderListCancel(l: BinanceOrderListView): Record<string, unknown> {
  return { ...orderList(l), orderReports: l.orders.map(cancelResponse) };
}

/** GET /api/v3/myTrades. */
export function myTrade(t: BinanceTradeView): Record<string, unknown> {
  return {
    symbol: t.symbol,
    id: t.id,
    orderId: t.orderId,
    orderListId: t.orderListId,
    price: t.price,
    qty: t.qty,
    quoteQty: t.quoteQty,
    commission: t.commission,
    commissionAsset: t.commissionAsset,
    time: t.time,
    isBuyer: t.isBuyer,
    isMaker: t.isMaker,
    isBestMatch: true,
  };
}

/** One GET /api/v3/klines row from a candle's decimal strings. */
/** A print of the market (a public trade: not the account's own fill). */
export interface BinancePublicTradeView {
  id: number;
  price: string;
  qty: string;
  time: number;
  isBuyerMaker: boolean;
}

/** GET /api/v3/trades and historicalTrades. */
export function publicTrade(t: BinancePublicTradeView, quoteQty: string): Record<string, unknown> {
  return { id: t.id, price: t.price, qty: t.qty, quoteQty, time: t.time, isBuyerMaker: t.isBuyerMaker, isBestMatch: true };
}

/** GET /api/v3/aggTrades (and the `@aggTrade` stream's fields): each print its own aggregate, first and last id its own. */
export function aggTrade(t: BinancePublicTradeView): Record<string, unknown> {
  return { a: t.id, p: t.price, q: t.qty, f: t.id, l: t.id, T: t.time, m: t.isBuyerMaker, M: true };
}

export function kline(openTime: number, intervalMs: number, o: string, h: string, l: string, c: string, volume: string, quoteVolume: string, trades: number): unknown[] {
  return [openTime, o, h, l, c, volume, openTime + intervalMs - 1, quoteVolume, trades, ZERO8, ZERO8, '0'];
}

/** One spot symbol's rules, as Binance's filters state them (decimal strings). */
export interface BinanceSymbolView {
  symbol: string;
  base: string;
  quote: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  maxQty: string;
  minNotional: string;
  orderTypes: readonly string[];
  ocoAllowed: boolean;
}

/** One entry of exchangeInfo's `symbols`: what ccxt's loadMarkets reads (precision, limits, order types). */
export function symbolInfo(s: BinanceSymbolView): Record<string, unknown> {
  return {
    symbol: s.symbol,
    status: 'TRADING',
    baseAsset: s.base,
    baseAssetPrecision: 8,
    quoteAsset: s.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: [...s.orderTypes],
    icebergAllowed: false,
    ocoAllowed: s.ocoAllowed,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: false,
    cancelReplaceAllowed: true,
    amendAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: s.tickSize, maxPrice: '1000000.00000000', tickSize: s.tickSize },
      { filterType: 'LOT_SIZE', minQty: s.minQty, maxQty: s.maxQty, stepSize: s.stepSize },
      { filterType: 'MARKET_LOT_SIZE', minQty: ZERO8, maxQty: s.maxQty, stepSize: ZERO8 },
      { filterType: 'NOTIONAL', minNotional: s.minNotional, applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'NONE',
    allowedSelfTradePreventionModes: ['NONE'],
  };
}

export function exchangeInfo(symbols: BinanceSymbolView[], serverTime: number): Record<string, unknown> {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: symbols.map(symbolInfo),
  };
}
