import * as binance from '../../src-main/api/binance/format.js';
import type { Candle } from './candles.js';
import { f8 } from './decimal.js';
import type { Fill, PublicTrade, SimOrder, SimOrderList } from './types.js';

/**
 * Binance's REST JSON shapes for the simulator's records: the shapes are
 * src-main/api/binance/format.ts (shared with Tern's Binance gateway); this
 * module only says what each simulator record is in them.
 */

export function orderView(o: SimOrder): binance.BinanceOrderView {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: o.orderListId,
    clientOrderId: o.clientOrderId,
    price: f8(o.price),
    origQty: f8(o.origQty),
    executedQty: f8(o.executedQty),
    origQuoteOrderQty: f8(o.origQuoteOrderQty),
    cummulativeQuoteQty: f8(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: o.stopPrice.isZero() ? null : f8(o.stopPrice),
    time: o.time,
    updateTime: o.updateTime,
    workingTime: o.workingTime,
    isWorking: o.working && o.type !== 'MARKET',
    fills: o.fills.map((f) => ({ price: f8(f.price), qty: f8(f.qty), commission: f8(f.commission), commissionAsset: f.commissionAsset, tradeId: f.tradeId })),
    cancelClientOrderId: o.cancelClientOrderId,
  };
}

export const orderAck = (o: SimOrder) => binance.orderAck(orderView(o));
export const orderResult = (o: SimOrder) => binance.orderResult(orderView(o));
export const orderFull = (o: SimOrder) => binance.orderFull(orderView(o));
export const orderResponse = (o: SimOrder, respType: string | undefined) => binance.orderResponse(orderView(o), respType);
/** GET /api/v3/order, openOrders and allOrders. */
export const orderQuery = (o: SimOrder) => binance.orderQuery(orderView(o));
/** DELETE /api/v3/order */
export const cancelResponse = (o: SimOrder) => binance.cancelResponse(orderView(o));

export function orderListView(l: SimOrderList): binance.BinanceOrderListView {
  const { orderListId, contingencyType, listStatusType, listOrderStatus, listClientOrderId, transactionTime, symbol } = l;
  return { orderListId, contingencyType, listStatusType, listOrderStatus, listClientOrderId, transactionTime, symbol, orders: l.orders.map(orderView) };
}

/** GET orderList / openOrderList / allOrderList: the list and its orders' ids. */
export const orderList = (l: SimOrderList) => binance.orderList(orderListView(l));
/** POST orderList/oco and order/oco: the list plus each order as placed. */
export const orderListResponse = (l: SimOrderList, respType: string | undefined) => binance.orderListResponse(orderListView(l), respType);
/** DELETE orderList: the list plus each order's cancel. */
export const orderListCancel = (l: SimOrderList) => binance.orderListCancel(orderListView(l));

export function myTrade(f: Fill, orderListId = -1): Record<string, unknown> {
  return binance.myTrade({ ...f, id: f.tradeId, orderListId, price: f8(f.price), qty: f8(f.qty), quoteQty: f8(f.quoteQty), commission: f8(f.commission) });
}

/** a simulator print as Binance's public trade (REST and streams alike) */
export function publicTradeView(t: PublicTrade): binance.BinancePublicTradeView {
  return { id: t.id, price: f8(t.price), qty: f8(t.qty), time: t.time, isBuyerMaker: t.isBuyerMaker };
}

export const publicTrade = (t: PublicTrade) => binance.publicTrade(publicTradeView(t), f8(t.quoteQty));
/** One trade per aggregate (the sim never splits a taker across makers at one price level). */
export const aggTrade = (t: PublicTrade) => binance.aggTrade(publicTradeView(t));

export function kline(c: Candle, intervalMs: number): unknown[] {
  return binance.kline(c.t, intervalMs, f8(c.o), f8(c.h), f8(c.l), f8(c.c), f8(c.v), f8(c.q), c.n);
}
