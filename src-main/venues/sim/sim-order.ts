import { type Decimal, ZERO } from '../../engine/model/decimal.js';
import type { OrderType, Side, TimeInForce } from '../../engine/model/types.js';
import type { VenueOrderRequest } from '../../engine/ports/venue.js';

/** An order as a simulated venue (paper, backtest) works it. Mutable: fills and amendments change it in place. */
export interface PaperOrder {
  clientOrderId: string;
  venueOrderId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  quantity: Decimal;
  filled: Decimal;
  /** limit price (limit, stop_limit) */
  price: Decimal | null;
  stopPrice: Decimal | null;
  timeInForce: TimeInForce;
  postOnly: boolean;
  /** a stop whose stop price was reached; it now works as a market or limit order */
  triggered: boolean;
  /** time priority: lower is earlier */
  seq: number;
}

/** A new, unfilled order from the OMS's request: the price fields its type uses, nothing else. */
export function orderFromRequest(request: VenueOrderRequest): PaperOrder {
  const hasPrice = request.type === 'limit' || request.type === 'stop_limit';
  const hasStop = request.type === 'stop_market' || request.type === 'stop_limit';
  return {
    clientOrderId: request.clientOrderId,
    venueOrderId: '',
    symbol: request.symbol,
    side: request.side,
    type: request.type,
    quantity: request.quantity,
    filled: ZERO,
    price: hasPrice ? request.price : null,
    stopPrice: hasStop ? request.stopPrice : null,
    timeInForce: request.timeInForce,
    postOnly: request.postOnly,
    triggered: false,
    seq: 0,
  };
}

/** A read-only copy of an open paper order, for inspection and reconciliation. */
export type PaperOrderView = Readonly<PaperOrder> & { remaining: Decimal };

export function remainingOf(order: Pick<PaperOrder, 'quantity' | 'filled'>): Decimal {
  return order.quantity.minus(order.filled);
}

/** A limit order working in the book: a limit, or a stop_limit whose stop was reached. */
export function isRestingLimit(order: Pick<PaperOrder, 'type' | 'triggered'>): boolean {
  return order.type === 'limit' || (order.type === 'stop_limit' && order.triggered);
}

/** A stop still waiting for its stop price. */
export function isPendingStop(order: Pick<PaperOrder, 'type' | 'triggered'>): boolean {
  return (order.type === 'stop_market' || order.type === 'stop_limit') && !order.triggered;
}
