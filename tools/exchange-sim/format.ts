import type { Candle } from './candles.js';
import { f8 } from './decimal.js';
import type { Fill, PublicTrade, SimOrder, SimOrderList } from './types.js';

/** Binance's REST JSON shapes for the simulator's records. */

export function orderAck(o: SimOrder): Record<string, unknown> {
  return { symbol: o.symbol, orderId: o.orderId, orderListId: o.orderListId, clientOrderId: o.clientOrderId, transactTime: o.time };
}

export function orderResult(o: SimOrder): Record<string, unknown> {
  return {
    ...orderAck(o),
    price: f8(o.price),
    origQty: f8(o.origQty),
    executedQty: f8(o.executedQty),
    origQuoteOrderQty: f8(o.origQuoteOrderQty),
    cummulativeQuoteQty: f8(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    ...stopFields(o),
    workingTime: o.workingTime,
    selfTradePreventionMode: 'NONE',
  };
}

/** Binance prints `stopPrice` only on orders that have one. */
function stopFields(o: SimOrder): Record<string, unknown> {
  return o.stopPrice.isZero() ? {} : { stopPrice: f8(o.stopPrice) };
}

export function orderFull(o: SimOrder): Record<string, unknown> {
  return {
    ...orderResult(o),
    fills: o.fills.map((f) => ({
      price: f8(f.price),
      qty: f8(f.qty),
      commission: f8(f.commission),
      commissionAsset: f.commissionAsset,
      tradeId: f.tradeId,
    })),
  };
}

export function orderResponse(o: SimOrder, respType: string | undefined): Record<string, unknown> {
  if (respType === 'ACK') return orderAck(o);
  if (respType === 'RESULT') return orderResult(o);
  return orderFull(o);
}

/** GET /api/v3/order, openOrders and allOrders. */
export function orderQuery(o: SimOrder): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: o.orderListId,
    clientOrderId: o.clientOrderId,
    price: f8(o.price),
    origQty: f8(o.origQty),
    executedQty: f8(o.executedQty),
    cummulativeQuoteQty: f8(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: f8(o.stopPrice),
    icebergQty: '0.00000000',
    time: o.time,
    updateTime: o.updateTime,
    isWorking: o.working && o.type !== 'MARKET',
    workingTime: o.workingTime,
    origQuoteOrderQty: f8(o.origQuoteOrderQty),
    selfTradePreventionMode: 'NONE',
  };
}

/** DELETE /api/v3/order: `clientOrderId` is the cancel request's own id, `origClientOrderId` the order's. */
export function cancelResponse(o: SimOrder): Record<string, unknown> {
  return {
    symbol: o.symbol,
    origClientOrderId: o.clientOrderId,
    orderId: o.orderId,
    orderListId: o.orderListId,
    clientOrderId: o.cancelClientOrderId,
    transactTime: o.updateTime,
    price: f8(o.price),
    origQty: f8(o.origQty),
    executedQty: f8(o.executedQty),
    origQuoteOrderQty: f8(o.origQuoteOrderQty),
    cummulativeQuoteQty: f8(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    ...stopFields(o),
    selfTradePreventionMode: 'NONE',
  };
}

/** GET orderList / openOrderList / allOrderList: the list and its orders' ids. */
export function orderList(l: SimOrderList): Record<string, unknown> {
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
export function orderListResponse(l: SimOrderList, respType: string | undefined): Record<string, unknown> {
  return { ...orderList(l), orderReports: l.orders.map((o) => (respType === 'ACK' ? orderAck(o) : orderResult(o))) };
}

/** DELETE orderList: the list plus each order's cancel. */
export function orderListCancel(l: SimOrderList): Record<string, unknown> {
  return { ...orderList(l), orderReports: l.orders.map(cancelResponse) };
}

export function myTrade(f: Fill, orderListId = -1): Record<string, unknown> {
  return {
    symbol: f.symbol,
    id: f.tradeId,
    orderId: f.orderId,
    orderListId,
    price: f8(f.price),
    qty: f8(f.qty),
    quoteQty: f8(f.quoteQty),
    commission: f8(f.commission),
    commissionAsset: f.commissionAsset,
    time: f.time,
    isBuyer: f.isBuyer,
    isMaker: f.isMaker,
    isBestMatch: true,
  };
}

export function publicTrade(t: PublicTrade): Record<string, unknown> {
  return {
    id: t.id,
    price: f8(t.price),
    qty: f8(t.qty),
    quoteQty: f8(t.quoteQty),
    time: t.time,
    isBuyerMaker: t.isBuyerMaker,
    isBestMatch: true,
  };
}

/** One trade per aggregate (the sim never splits a taker across makers at one price level). */
export function aggTrade(t: PublicTrade): Record<string, unknown> {
  return { a: t.id, p: f8(t.price), q: f8(t.qty), f: t.id, l: t.id, T: t.time, m: t.isBuyerMaker, M: true };
}

export function kline(c: Candle, intervalMs: number): unknown[] {
  return [c.t, f8(c.o), f8(c.h), f8(c.l), f8(c.c), f8(c.v), c.t + intervalMs - 1, f8(c.q), c.n, '0.00000000', '0.00000000', '0'];
}
