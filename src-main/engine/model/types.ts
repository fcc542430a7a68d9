import type { Decimal } from './decimal.js';
import type { OrderState } from './order-state.js';
import type { Mode } from '../../../src-common/contract/constants/accounts.js';
import type { Liquidity, OrderType, Side, TimeInForce } from '../../../src-common/contract/constants/orders.js';
import type { Scope } from '../../../src-common/contract/constants/scopes.js';

export type { Liquidity, OrderType, Side, TimeInForce };

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
  /** set when the market is a replay of a file played on this computer's clock: what the trader is told about its data */
  replay?: ReplaySource;
}

export interface ReplaySource {
  /** the file's name */
  name: string;
  /** the file's own time span, epoch ms (first bar's open, last bar's end) */
  dataFrom: number;
  dataTo: number;
  /** when the replay began playing; candles before it are the file's first bars shown as the history before then */
  playingSince: number;
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
  /** limit price (limit, stop_limit, take_profit_limit) */
  price: Decimal | null;
  stopPrice: Decimal | null;
  timeInForce: TimeInForce;
  postOnly: boolean;
  reduceOnly: boolean;
  /** type 'trailing_stop' only: how its stop follows the market (stopPrice is the current stop) */
  trailing?: TrailingTerms | null;
}

/** Who holds an order's trigger or its group link: the venue (survives Tern closed) or Tern (works only while Tern runs). */
export type HeldBy = 'venue' | 'tern';
export type ProtectionRole = 'entry' | 'take_profit' | 'stop_loss' | 'trailing';

/** A trailing stop's terms. Its stop follows the best price since activation by `offset` and never moves back. */
export interface TrailingTerms {
  offset: Decimal;
  unit: 'percent' | 'price';
  activationPrice: Decimal | null;
  /** the best price since activation (a sell stop: the highest; a buy stop: the lowest); null until activated */
  best: Decimal | null;
}

/** Attached exits an entry places for what fills (take profit: a limit; stop loss: a stop, market without `price`). */
export interface AttachedExits {
  takeProfit: { price: Decimal } | null;
  stopLoss: { stopPrice: Decimal; price: Decimal | null } | null;
}

/** How an order belongs to a protective construct (see engine/oms/protection.ts). */
export interface OrderProtection {
  /** the group's id, shared by its legs (one cancels the other) */
  ocoId: string | null;
  /** an attached exit's entry order */
  parentId: string | null;
  role: ProtectionRole;
  heldBy: HeldBy;
  /** on an entry: the exits placed as it fills */
  attached: AttachedExits | null;
  /** on an entry: the ids of the exits placed so far */
  exits?: string[];
  /** a positions.protect group: resized when the position changes */
  followsPosition: boolean;
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
  /** the API key that placed it (per-bot keys); absent for the desktop app, strategies and the CLI */
  keyId?: string;
  /** group, parent and holder of a protective order; absent or null: a plain order, held by its venue */
  protection?: OrderProtection | null;
  /** when its trigger fired (venue or Tern): a stop or take profit works from then on; absent while it waits */
  triggeredAt?: number;
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
  /** migration 9 (per-bot keys): its own request rate; absent: the server's default */
  rateLimit?: { perSecond: number; burst: number };
  /** the accounts it may trade; absent: all */
  accounts?: string[];
  /** set by keys.halt: its new orders are refused; absent: trading */
  halted?: { at: number; by: string; reason: string };
}
