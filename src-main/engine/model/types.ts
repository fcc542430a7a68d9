import type { Decimal } from './decimal.js';
import type { OrderState } from './order-state.js';
import type { Mode } from '../../../src-common/contract/constants/accounts.js';
import type { Liquidity, Side, TimeInForce } from '../../../src-common/contract/constants/orders.js';
import type { Scope } from '../../../src-common/contract/constants/scopes.js';

export type { Liquidity, Side, TimeInForce };

export type OrderType = 'market' | 'limit' | 'stop_market' | 'stop_limit';

/** A tradable market on one account, with the venue's filters. */
export interface InstrumentSpec {
  symbol: string;
  base: string;
  quote: string;
  priceIncrement: Decimal;
  sizeIncrement: Decimal;
  minQuantity: Decimal;
  minNotional: Decimal;
  makerFee: Decimal;
  takerFee: Decimal;
}

/**
 * What an order asks for, declared once: the OMS's record, the request a venue
 * receives, the shape the filters check, a venue's status report and a
 * simulated venue's working order all take their terms from here (Pick<>).
 */
export interface OrderTerms {
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  quantity: Decimal;
  /** limit price (limit, stop_limit) */
  price: Decimal | null;
  stopPrice: Decimal | null;
  timeInForce: TimeInForce;
  postOnly: boolean;
  reduceOnly: boolean;
}

/** what is left to fill: the quantity less what has filled (all of a new order); here so venues share it with the OMS */
export function remaining(order: { quantity: Decimal; filledQuantity: Decimal }): Decimal {
  return order.quantity.sub(order.filledQuantity);
}

export interface OrderRecord extends OrderTerms {
  id: string;
  account: string;
  state: OrderState;
  /** the state before pending_update / pending_cancel, where a refused request returns */
  previousState: OrderState | null;
  filledQuantity: Decimal;
  averagePrice: Decimal | null;
  fees: Decimal;
  rejectReason: string | null;
  venueOrderId: string | null;
  createdAt: number;
  updatedAt: number;
  /** the strategy that placed it (its instance id); absent for manual and API orders */
  strategyId?: string;
}

export interface FillRecord {
  id: string;
  orderId: string;
  clientOrderId: string;
  account: string;
  symbol: string;
  side: Side;
  quantity: Decimal;
  price: Decimal;
  fee: Decimal;
  feeAsset: string;
  liquidity: Liquidity;
  /** the venue's trade id: a fill reported twice is applied once */
  venueTradeId: string;
  ts: number;
  /** its order's strategy; absent for manual and API orders */
  strategyId?: string;
}

export interface PositionRecord {
  account: string;
  symbol: string;
  /** signed: negative is short */
  quantity: Decimal;
  averagePrice: Decimal | null;
  realizedPnl: Decimal;
  feesPaid: Decimal;
  updatedAt: number;
}

/** a strategy's own position in a symbol of an account: its share of the account's position (the per-strategy ledger) */
export interface StrategyPositionRecord extends PositionRecord {
  strategyId: string;
}

export interface BalanceRecord {
  account: string;
  asset: string;
  total: Decimal;
  locked: Decimal;
  updatedAt: number;
}

export interface AccountRecord {
  id: string;
  exchange: string;
  mode: Mode;
  status: string;
  /** paper only: balances a reset restores */
  startingBalances: Record<string, string>;
  createdAt: number;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  scopes: Scope[];
  /**
   * The key itself is never stored: generated keys as their sha256 (hex),
   * keys a person chose (TERN_API_KEY) as a salted scrypt hash with its cost
   * (`scrypt$N$r$p$salt$hash`, see access/api-keys.ts).
   */
  hash: string;
  createdAt: number;
  revokedAt: number | null;
  /** epoch ms after which the key no longer authenticates (web sessions); null: never */
  expiresAt: number | null;
}
