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
  orderListId: number;
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
  orderListId: number;
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
export function kline(openTime: number, intervalMs: number, o: string, h: string, l: string, c: string, volume: string, quoteVolume: string, trades: number): unknown[] {
  return [openTime, o, h, l, c, volume, openTime + intervalMs - 1, quoteVolume, trades, ZERO8, ZERO8, '0'];
}
