import { type Decimal, ZERO } from '../../engine/model/decimal.js';
import { isTriggerType, needsLimitPrice, needsStopPrice, worksAsMarketOnceTriggered } from '../../../src-common/contract/constants/orders.js';
import type { OrderTerms, OrderType, TrailingTerms } from '../../engine/model/types.js';
import type { VenueOrderRequest } from '../../engine/ports/venue.js';

/** An order as a simulated venue (paper, backtest) works it. Mutable: fills and amendments change it in place. */
export interface PaperOrder extends Pick<OrderTerms, 'clientOrderId' | 'symbol' | 'side' | 'type' | 'quantity' | 'price' | 'stopPrice' | 'timeInForce' | 'postOnly'> {
  venueOrderId: string;
  filledQuantity: Decimal;
  /** a stop whose stop price was reached; it now works as a market or limit order */
  triggered: boolean;
  /** time priority: lower is earlier */
  seq: number;
  /** the OCO list it is a leg of (the other leg is canceled or shrunk as this one triggers or fills) */
  ocoId?: string | null;
  /** which leg of its OCO list: the stop leg holds no lock of its own while the take-profit leg holds the list's */
  ocoLeg?: 'take_profit' | 'stop_loss' | null;
  /** a trailing stop's terms; its stopPrice follows them (null until activated) */
  trailing?: TrailingTerms | null;
}

/** Types that work as a market order once triggered. */
export function worksAsMarket(type: OrderType): boolean {
  return type === 'market' || worksAsMarketOnceTriggered(type);
}

/** A new, unfilled order from the OMS's request: the price fields its type uses, nothing else. */
export function orderFromRequest(request: VenueOrderRequest): PaperOrder {
  const hasPrice = needsLimitPrice(request.type);
  const hasStop = needsStopPrice(request.type) || request.type === 'trailing_stop';
  return {
    clientOrderId: request.clientOrderId,
    venueOrderId: '',
    symbol: request.symbol,
    side: request.side,
    type: request.type,
    quantity: request.quantity,
    filledQuantity: ZERO,
    price: hasPrice ? request.price : null,
    stopPrice: hasStop ? request.stopPrice : null,
    timeInForce: request.timeInForce,
    postOnly: request.postOnly,
    triggered: false,
    seq: 0,
    ocoId: null,
    trailing: request.type === 'trailing_stop' && request.trailing ? { ...request.trailing } : null,
  };
}

/** A read-only copy of an open paper order, for inspection and reconciliation. */
export type PaperOrderView = Readonly<PaperOrder> & { remaining: Decimal };

/** A limit order working in the book: a limit, or a stop_limit / take_profit_limit whose stop was reached. */
export function isRestingLimit(order: Pick<PaperOrder, 'type' | 'triggered'>): boolean {
  return order.type === 'limit' || (order.triggered && needsLimitPrice(order.type));
}

/** A stop or take profit still waiting for its stop price. */
export function isPendingStop(order: Pick<PaperOrder, 'type' | 'triggered'>): boolean {
  return isTriggerType(order.type) && !order.triggered;
}
