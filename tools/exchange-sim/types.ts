import type { D } from './decimal.js';

export type Side = 'BUY' | 'SELL';
export type OrderType = 'LIMIT' | 'LIMIT_MAKER' | 'MARKET' | 'STOP_LOSS' | 'STOP_LOSS_LIMIT' | 'TAKE_PROFIT' | 'TAKE_PROFIT_LIMIT';
/** Orders that wait for the last trade price to reach `stopPrice` before they work. */
export const TRIGGER_TYPES: readonly OrderType[] = ['STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'];
/** Orders that execute at any price once working (no limit). */
export const MARKET_TYPES: readonly OrderType[] = ['MARKET', 'STOP_LOSS', 'TAKE_PROFIT'];
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';

/** One order on the simulator, in Binance's terms. */
export interface SimOrder {
  orderId: number;
  symbol: string;
  apiKey: string;
  clientOrderId: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  /** Limit price; zero for market orders. */
  price: D;
  /** Trigger price of stop-loss / take-profit orders; zero for the others. */
  stopPrice: D;
  /** false while a trigger order waits for its price (Binance's isWorking). */
  working: boolean;
  workingTime: number;
  /** The order list (OCO) it belongs to, or -1. */
  orderListId: number;
  origQty: D;
  origQuoteOrderQty: D;
  executedQty: D;
  cumQuote: D;
  status: OrderStatus;
  time: number;
  updateTime: number;
  /** Amount still locked for this order (quote for buys, base for sells). */
  locked: D;
  /** Time priority within a price level. */
  seq: number;
  fills: Fill[];
  /** The cancel request's own client id, once canceled (Binance reports it as `clientOrderId` of the cancel). */
  cancelClientOrderId?: string;
}

/** One execution of an order (the account's view of a trade). */
export interface Fill {
  symbol: string;
  tradeId: number;
  orderId: number;
  price: D;
  qty: D;
  quoteQty: D;
  commission: D;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

export interface PublicTrade {
  id: number;
  price: D;
  qty: D;
  quoteQty: D;
  time: number;
  isBuyerMaker: boolean;
}

export interface OrderRequest {
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce?: TimeInForce;
  quantity?: D;
  quoteOrderQty?: D;
  price?: D;
  stopPrice?: D;
  newClientOrderId?: string;
}

export type ListStatusType = 'EXEC_STARTED' | 'ALL_DONE';
export type ListOrderStatus = 'EXECUTING' | 'ALL_DONE';

/** An OCO order list: two orders of which the first to trigger or fill ends the other. */
export interface SimOrderList {
  orderListId: number;
  listClientOrderId: string;
  symbol: string;
  apiKey: string;
  contingencyType: 'OCO';
  listStatusType: ListStatusType;
  listOrderStatus: ListOrderStatus;
  transactionTime: number;
  orders: SimOrder[];
  /** What the list locks (its legs share one lock), until a leg starts executing. */
  locked: D;
  /** The cancel request's own list client id, once canceled. */
  cancelClientOrderId?: string;
}

/** One leg of an OCO request (Binance's above… / below… parameters). */
export interface OcoLegRequest {
  type: OrderType;
  price?: D;
  stopPrice?: D;
  timeInForce?: TimeInForce;
  clientOrderId?: string;
}

export interface OcoRequest {
  symbol: string;
  side: Side;
  quantity: D;
  listClientOrderId?: string;
  above: OcoLegRequest;
  below: OcoLegRequest;
}

export interface OrderRef {
  orderId?: number;
  origClientOrderId?: string;
}
