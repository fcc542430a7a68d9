import type { Decimal } from '../model/decimal.js';
import type { InstrumentSpec, Liquidity, OrderTerms, Side, TrailingTerms } from '../model/types.js';
import type { MarketFeed } from './market-data.js';
import type { OcoTakeProfitType } from '../../../src-common/contract/constants/orders.js';

/** What the OMS sends: the client order id is Tern's and travels in the venue's own field. */
export type VenueOrderRequest = OrderTerms;

export interface VenueOrderRef {
  clientOrderId: string;
  venueOrderId: string | null;
  symbol: string;
  /**
   * The order's total and filled quantity as Tern knows them (amendments): a
   * venue that amends by cancel-and-replace sends the new remainder.
   */
  quantity?: Decimal;
  filledQuantity?: Decimal;
}

export interface VenueAck {
  venueOrderId: string;
}

/**
 * Why a venue refused, beyond the sentence:
 * - `order`: the request itself (funds, filters, no such order);
 * - `rate_limited`: the venue's rate limit, before doing anything; the same request later may pass;
 * - `venue`: nothing about the order: the account's key, the clock, a gateway's refusal.
 */
export type RejectionKind = 'order' | 'rate_limited' | 'venue';

export interface RejectionInfo {
  kind?: RejectionKind;
  /** with `rate_limited`: seconds to wait before the next request */
  retryAfterS?: number;
  /** what the venue said, for the caller's error details (venue_code, venue_message, http_status…) */
  details?: Record<string, unknown>;
}

/**
 * A venue's answer that refuses the request for certain (nothing was done):
 * the OMS rejects the order with `reason`, or keeps it as it was for a
 * refused cancel or amendment.
 */
export class VenueRejection extends Error {
  readonly kind: RejectionKind;
  readonly retryAfterS: number | null;
  readonly details: Record<string, unknown>;

  constructor(
    readonly reason: string,
    info: RejectionInfo = {},
  ) {
    super(reason);
    this.name = 'VenueRejection';
    this.kind = info.kind ?? 'order';
    this.retryAfterS = info.retryAfterS ?? null;
    this.details = info.details ?? {};
  }
}

/**
 * What a venue reports about orders, asynchronously (ccxt watchOrders /
 * watchMyTrades / watchBalance). A report may arrive before the ack of the
 * request that caused it.
 */
export type ExecutionReport =
  /** `stopPrice`/`trailing`: where a venue-held trailing stop starts (from the last price when placed) */
  | { type: 'accepted'; clientOrderId: string; venueOrderId: string; stopPrice?: Decimal | null; trailing?: TrailingTerms | null; ts: number }
  | { type: 'rejected'; clientOrderId: string; reason: string; ts: number }
  | { type: 'triggered'; clientOrderId: string; ts: number }
  /** `stopPrice`: a venue-held trailing stop whose stop moved (with `trailing`, its best price so far) */
  | { type: 'updated'; clientOrderId: string; price: Decimal | null; quantity: Decimal; stopPrice?: Decimal | null; trailing?: TrailingTerms | null; ts: number }
  | { type: 'update_rejected'; clientOrderId: string; reason: string; ts: number }
  | { type: 'canceled'; clientOrderId: string; reason: string | null; ts: number }
  | { type: 'cancel_rejected'; clientOrderId: string; reason: string; ts: number }
  | { type: 'expired'; clientOrderId: string; reason: string | null; ts: number }
  | {
      type: 'fill';
      clientOrderId: string;
      venueTradeId: string;
      quantity: Decimal;
      price: Decimal;
      fee: Decimal;
      feeAsset: string;
      liquidity: Liquidity;
      ts: number;
    }
  | { type: 'balance'; asset: string; total: Decimal; locked: Decimal; ts: number };

/**
 * The protective constructs a venue holds itself (issue 12; /work/coord/iface-12.md).
 * What a venue does not hold, the engine emulates (held_by 'tern').
 */
export interface VenueCapabilities {
  /** stop_market / stop_limit orders trigger on the venue's side */
  stopOrders: boolean;
  /** take_profit_market / take_profit_limit orders trigger on the venue's side (Binance TAKE_PROFIT(_LIMIT)); without it Tern holds them */
  takeProfitOrders?: boolean;
  /** a take-profit limit and a stop as one order list; the venue cancels the other leg itself (Binance orderList/oco) */
  oco: boolean;
  /** amending one leg of its OCO list resizes the list (the simulated venues); without it a list is canceled and placed again */
  ocoAmend?: boolean;
  /** type 'trailing_stop' (createOrder with request.trailing); the venue moves the stop and reports it ('updated' stopPrice) */
  trailingStop: boolean;
}

/** One OCO order list: both legs sell (or buy) `quantity`; the first to fill cancels the other. */
export interface VenueOcoRequest {
  /** Tern's group id: the list's client id (Binance listClientOrderId) */
  ocoId: string;
  symbol: string;
  side: Side;
  quantity: Decimal;
  /** a limit at `price` (Binance LIMIT_MAKER; type absent or 'limit'), or a take profit trigger at `stopPrice` (TAKE_PROFIT; TAKE_PROFIT_LIMIT with `price`) */
  takeProfit: { clientOrderId: string; type?: OcoTakeProfitType; price: Decimal | null; stopPrice?: Decimal | null };
  /** price null: a stop-market leg */
  stopLoss: { clientOrderId: string; stopPrice: Decimal; price: Decimal | null };
}

export interface VenueOcoAck {
  listId: string;
  takeProfit: VenueAck;
  stopLoss: VenueAck;
}

/** what an amendment changes: the limit price, the quantity, a waiting trigger's stop price */
export interface VenueOrderChanges {
  price?: Decimal;
  quantity?: Decimal;
  stopPrice?: Decimal;
}

export interface VenueBalance {
  asset: string;
  total: Decimal;
  locked: Decimal;
}

/**
 * One account's venue: a real exchange through ccxt, the paper venue, or the
 * backtest venue. The OMS cannot tell them apart. Shaped like ccxt's unified
 * API (createOrder, editOrder, cancelOrder, fetchOpenOrders, fetchMyTrades,
 * fetchBalance, watch*).
 */
export interface Venue {
  readonly account: string;
  readonly exchange: string;
  readonly mode: 'paper' | 'live';
  readonly marketData: MarketFeed;
  loadMarkets(): Promise<InstrumentSpec[]>;
  createOrder(request: VenueOrderRequest): Promise<VenueAck>;
  /**
   * createOrder answered now, by a venue that works the order inside the call
   * (its reports already delivered, a refusal thrown as a VenueRejection): the
   * OMS need not wait a turn of the event loop for an answer that is there.
   */
  createOrderNow?(request: VenueOrderRequest): VenueAck;
  /** stopPrice: a stop or take profit still waiting moves its trigger */
  editOrder(ref: VenueOrderRef, changes: VenueOrderChanges): Promise<void>;
  cancelOrder(ref: VenueOrderRef): Promise<void>;
  fetchBalance(): Promise<VenueBalance[]>;
  /** what this venue holds natively; absent: nothing (the engine emulates every construct) */
  readonly capabilities?: Partial<VenueCapabilities>;
  /**
   * Places an OCO list (only with capabilities.oco). All or nothing: a
   * VenueRejection leaves nothing open. Canceling one leg cancels the list.
   */
  placeOco?(request: VenueOcoRequest): Promise<VenueOcoAck>;
  /** execution reports; returns an unsubscribe */
  onReport(listener: (report: ExecutionReport) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A venue whose whole state lives in this process (paper, backtest): after a
 * restart the engine hands it back its balances and working orders from the
 * store, and a reset restores its starting balances.
 */
export interface InProcessVenue extends Venue {
  /** returns the orders it could not take back (market orders caught mid-flight…), which the OMS then ends */
  restore(state: { balances: Array<{ asset: string; total: Decimal }>; openOrders: import('../model/types.js').OrderRecord[] }): {
    skipped: Array<{ clientOrderId: string; reason: string }>;
  };
  reset(startingBalances: Record<string, string>): void;
}

export function isInProcessVenue(venue: Venue): venue is InProcessVenue {
  return typeof (venue as Partial<InProcessVenue>).restore === 'function' && typeof (venue as Partial<InProcessVenue>).reset === 'function';
}

/** An order as a venue reports it when asked (reconciliation). Quantities are the venue's for this order id. */
export interface VenueOrderStatus extends Pick<OrderTerms, 'symbol' | 'side' | 'type' | 'quantity' | 'price' | 'stopPrice' | 'timeInForce' | 'postOnly'> {
  /** null for an order placed outside Tern */
  clientOrderId: string | null;
  venueOrderId: string;
  status: 'open' | 'filled' | 'canceled' | 'expired' | 'rejected';
  filled: Decimal;
  /** the venue's order list (OCO) the order belongs to, if any */
  ocoListId?: string | null;
  ts: number;
}

/** One of the account's trades as a venue reports it when asked. */
export interface VenueFill {
  venueTradeId: string;
  venueOrderId: string;
  symbol: string;
  side: Side;
  quantity: Decimal;
  price: Decimal;
  fee: Decimal;
  feeAsset: string;
  liquidity: Liquidity;
  ts: number;
}

/**
 * A venue whose state lives elsewhere (an exchange): it answers questions, so
 * reconciliation can compare what Tern believes with what the venue holds.
 */
export interface ReconcilableVenue extends Venue {
  /** the account's open orders in `symbols`, or in every symbol when omitted (costlier: exchanges weigh it more) */
  fetchOpenOrders(symbols?: string[]): Promise<VenueOrderStatus[]>;
  /** the newest order with this client order id (or venue id), or null when the venue has none */
  fetchOrder(ref: VenueOrderRef): Promise<VenueOrderStatus | null>;
  /** the account's trades in `symbol` since `since` (epoch ms), oldest first */
  fetchFills(symbol: string, since: number): Promise<VenueFill[]>;
  /** the venue order ids that belong to a client order id (an amendment may replace the venue's order) */
  venueOrderIds(clientOrderId: string): string[];
  /** true while a request about this client order id is in flight: its outcome is not known yet */
  inFlight(clientOrderId: string): boolean;
  /** how long after sending an order a venue may still accept it; unknown to the venue only after that is it lost */
  readonly unknownOrderGraceMs: number;
  /** the venue asks for a reconciliation (reconnected, a request went unanswered, polling instead of streams) */
  onResync(listener: (reason: string) => void): () => void;
}

export function isReconcilableVenue(venue: Venue): venue is ReconcilableVenue {
  const v = venue as Partial<ReconcilableVenue>;
  return typeof v.fetchOpenOrders === 'function' && typeof v.fetchOrder === 'function' && typeof v.fetchFills === 'function' && typeof v.onResync === 'function';
}
