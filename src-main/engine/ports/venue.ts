import type { Decimal } from '../model/decimal.js';
import type { InstrumentSpec, Liquidity, OrderType, Side, TimeInForce } from '../model/types.js';
import type { MarketFeed } from './market-data.js';

/** What the OMS sends: the client order id is Tern's and travels in the venue's own field. */
export interface VenueOrderRequest {
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  quantity: Decimal;
  price: Decimal | null;
  stopPrice: Decimal | null;
  timeInForce: TimeInForce;
  postOnly: boolean;
  reduceOnly: boolean;
}

export interface VenueOrderRef {
  clientOrderId: string;
  venueOrderId: string | null;
  symbol: string;
}

export interface VenueAck {
  venueOrderId: string;
}

/** A venue's answer that refuses the request: the OMS rejects the order with `reason`. */
export class VenueRejection extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'VenueRejection';
  }
}

/**
 * What a venue reports about orders, asynchronously (ccxt watchOrders /
 * watchMyTrades / watchBalance). A report may arrive before the ack of the
 * request that caused it.
 */
export type ExecutionReport =
  | { type: 'accepted'; clientOrderId: string; venueOrderId: string; ts: number }
  | { type: 'rejected'; clientOrderId: string; reason: string; ts: number }
  | { type: 'triggered'; clientOrderId: string; ts: number }
  | { type: 'updated'; clientOrderId: string; price: Decimal | null; quantity: Decimal; ts: number }
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
  editOrder(ref: VenueOrderRef, changes: { price?: Decimal; quantity?: Decimal }): Promise<void>;
  cancelOrder(ref: VenueOrderRef): Promise<void>;
  fetchBalance(): Promise<VenueBalance[]>;
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
