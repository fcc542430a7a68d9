import type { D } from './decimal.js';

export type Side = 'BUY' | 'SELL';
export type OrderType = 'LIMIT' | 'LIMIT_MAKER' | 'MARKET';
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
  newClientOrderId?: string;
}

export interface OrderRef {
  orderId?: number;
  origClientOrderId?: string;
}
