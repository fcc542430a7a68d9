/**
 * The strategy API: what a trader's strategy module exports and what it may
 * do. The same module runs in a backtest, on paper and live; only the runner
 * behind the context changes (docs/strategies.md).
 *
 *   import { defineStrategy } from 'tern/strategies';   // src-main/strategies/api.ts
 *   import { Sma } from 'tern/strategies/indicators';
 *   export default defineStrategy({
 *     name: 'my-strategy',
 *     params: { period: { type: 'integer', default: 20, min: 2 } },
 *     create(params, ctx) {
 *       const sma = new Sma(params.period);
 *       return { onBar(bar) { sma.update(bar.close); ... } };
 *     },
 *   });
 */
import type { Decimal } from '../engine/model/decimal.js';
import type { OrderType, Side, TimeInForce } from '../engine/model/types.js';
import type { OcoTakeProfitType } from '../../src-common/contract/constants/orders.js';

// ── parameters ────────────────────────────────────────────────────────────

export interface NumberParam {
  type: 'number' | 'integer';
  default: number;
  min?: number;
  max?: number;
  description?: string;
}
export interface BooleanParam {
  type: 'boolean';
  default: boolean;
  description?: string;
}
export interface StringParam {
  type: 'string';
  default: string;
  /** the allowed values, when it is a choice */
  options?: readonly string[];
  description?: string;
}
export type ParamSpec = NumberParam | BooleanParam | StringParam;
export type ParamSpecs = Record<string, ParamSpec>;
export type ParamValue = number | boolean | string;
export type ParamValues = Record<string, ParamValue>;

/** the values a strategy receives for its declared parameters */
export type ParamsOf<S extends ParamSpecs> = {
  [K in keyof S]: S[K] extends BooleanParam ? boolean : S[K] extends StringParam ? string : number;
};

// ── what a strategy sees ─────────────────────────────────────────────────

/**
 * A final bar, as plain numbers (for indicators: fast, never for money). The
 * object is reused from bar to bar: copy what you keep. `ctx.exact('close')`
 * gives the exact decimal of the current bar's prices.
 */
export interface BarView {
  /** the bar's number in this run, from 0 */
  readonly index: number;
  /** open time, epoch ms */
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface TradeView {
  readonly price: number;
  readonly quantity: number;
  /** the aggressor */
  readonly side: Side;
  readonly ts: number;
}

export interface BookView {
  /** [price, quantity], best first */
  readonly bids: ReadonlyArray<readonly [number, number]>;
  readonly asks: ReadonlyArray<readonly [number, number]>;
  readonly ts: number;
}

export type OrderStatus = 'pending' | 'open' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'expired';

/** One of the strategy's own orders, as the engine last reported it. */
export interface StrategyOrder {
  readonly id: string;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly status: OrderStatus;
  readonly quantity: Decimal;
  readonly filledQuantity: Decimal;
  readonly price: Decimal | null;
  readonly stopPrice: Decimal | null;
  readonly averagePrice: Decimal | null;
  readonly fees: Decimal;
  readonly rejectReason: string | null;
  readonly updatedAt: number;
}

/** A fill of one of the strategy's orders. When onFill runs, ctx.position() and ctx.cash() already include it. */
export interface StrategyFill {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly quantity: Decimal;
  readonly price: Decimal;
  readonly fee: Decimal;
  readonly ts: number;
}

export interface InstrumentView {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly priceIncrement: Decimal;
  readonly sizeIncrement: Decimal;
  readonly minQuantity: Decimal;
  readonly minNotional: Decimal;
  readonly makerFee: Decimal;
  readonly takerFee: Decimal;
}

export type Amount = Decimal | string | number;

export interface OrderRequest {
  side: Side;
  /** default 'market' */
  type?: OrderType;
  quantity: Amount;
  price?: Amount;
  stopPrice?: Amount;
  timeInForce?: TimeInForce;
  postOnly?: boolean;
  reduceOnly?: boolean;
  /** an entry (market or limit): a reduce-only take-profit limit placed for what fills */
  takeProfit?: { price: Amount };
  /** an entry (market or limit): a reduce-only stop placed for what fills (no price: stop-market); with takeProfit, one OCO group */
  stopLoss?: { stopPrice: Amount; price?: Amount };
  /** type 'trailing_stop': the stop follows the best price by this offset ('percent' below 100, or 'price') */
  trailingOffset?: Amount;
  trailingUnit?: 'percent' | 'price';
  activationPrice?: Amount;
}

/**
 * An OCO pair: a take profit and a stop on `side`, both for `quantity`; one
 * fills, the other is canceled. The take profit is a limit resting at `price`
 * (type 'limit', the default), or a trigger at `stopPrice` that fires a
 * market order ('take_profit_market') or a limit at `price`
 * ('take_profit_limit'); the engine refuses a missing or extra field by name
 * (orders.oco, docs/api.md).
 */
export interface OcoRequest {
  side: Side;
  quantity: Amount;
  takeProfit: { type?: OcoTakeProfitType; price?: Amount; stopPrice?: Amount };
  stopLoss: { stopPrice: Amount; price?: Amount };
}

/** what amend may change: a limit price, a waiting trigger (`stopPrice`, refused where the market already is) and/or the quantity */
export interface AmendRequest {
  price?: Amount;
  quantity?: Amount;
  stopPrice?: Amount;
}

export type RunMode = 'backtest' | 'paper' | 'live';

/**
 * What a strategy may do. Orders go through the engine's protocol methods
 * (orders.create, orders.amend, orders.cancel), so they pass the same OMS and
 * risk engine as any other order; each carries the strategy's id as the
 * prefix of its client order id. A refused order rejects the promise with the
 * engine's error (RISK_REJECTED, INVALID_ORDER...); an order the venue refuses
 * later arrives as an onOrder with status 'rejected'.
 */
export interface StrategyContext<P = ParamValues> {
  readonly id: string;
  readonly mode: RunMode;
  readonly account: string;
  readonly symbol: string;
  readonly instrument: InstrumentView;
  /** the current parameters (replaced by setParams; onParams is told) */
  readonly params: Readonly<P>;

  /** engine time, epoch ms: in a backtest the close time of the current bar */
  now(): number;
  /** the exact decimal of a price of the current bar (as written in the data) */
  exact(field: 'open' | 'high' | 'low' | 'close'): Decimal;

  /**
   * the strategy's own signed position in the symbol (base units): what its
   * own orders bought and sold, not the account's (others' shares are never
   * its to sell: the engine refuses a sell beyond it, rule strategy_position)
   */
  position(): Decimal;
  /**
   * the strategy's own cash in the quote asset: its share at start (its `cash`
   * parameter when it declares one and it is > 0, else the account's free
   * quote balance at start) plus what its own fills sold less what they
   * bought and paid in fees; never more than the account's free quote balance
   */
  cash(): Decimal;
  balance(asset: string): { total: Decimal; free: Decimal };
  /** this strategy's working orders, oldest first */
  openOrders(): StrategyOrder[];

  placeOrder(request: OrderRequest): Promise<StrategyOrder>;
  /** a market buy (or `type` etc. in `options`) */
  buy(quantity: Amount, options?: Omit<OrderRequest, 'side' | 'quantity'>): Promise<StrategyOrder>;
  sell(quantity: Amount, options?: Omit<OrderRequest, 'side' | 'quantity'>): Promise<StrategyOrder>;
  /** an OCO pair (reduce-only): resolves with its legs, take profit first */
  placeOco(request: OcoRequest): Promise<StrategyOrder[]>;
  amend(orderId: string, changes: AmendRequest): Promise<StrategyOrder>;
  cancel(orderId: string): Promise<StrategyOrder>;
  /** cancels every working order of this strategy */
  cancelAll(): Promise<void>;

  /** `quantity` rounded down to the instrument's size increment */
  floorQuantity(quantity: Amount): Decimal;
  /** `price` rounded to the nearest price increment */
  roundPrice(price: Amount): Decimal;

  /** calls onTimer(name) after `delayMs` of engine time (again every `delayMs` with repeat); setting a name again replaces it */
  setTimer(name: string, delayMs: number, options?: { repeat?: boolean }): void;
  clearTimer(name: string): void;

  log(message: string, data?: Record<string, unknown>): void;
}

/** The handlers a strategy implements; all optional. A handler may be async: the runner waits for it. */
export interface Strategy<P = ParamValues> {
  onStart?(ctx: StrategyContext<P>): void | Promise<void>;
  onBar?(bar: BarView, ctx: StrategyContext<P>): void | Promise<void>;
  onTrade?(trade: TradeView, ctx: StrategyContext<P>): void | Promise<void>;
  onBook?(book: BookView, ctx: StrategyContext<P>): void | Promise<void>;
  onOrder?(order: StrategyOrder, ctx: StrategyContext<P>): void | Promise<void>;
  onFill?(fill: StrategyFill, ctx: StrategyContext<P>): void | Promise<void>;
  onTimer?(name: string, ctx: StrategyContext<P>): void | Promise<void>;
  /** the parameters changed (setParams); ctx.params already holds the new ones */
  onParams?(previous: Readonly<P>, ctx: StrategyContext<P>): void | Promise<void>;
  onStop?(ctx: StrategyContext<P>): void | Promise<void>;
}

export interface StrategyDefinition<S extends ParamSpecs = ParamSpecs> {
  /** lowercase letters, digits and '-' */
  name: string;
  description?: string;
  params: S;
  /** a rule across parameters (e.g. fast < slow): the reason they are refused, or null */
  validate?(params: ParamsOf<S>): string | null;
  /** a new instance with its own state, for one run */
  create(params: ParamsOf<S>, ctx: StrategyContext<ParamsOf<S>>): Strategy<ParamsOf<S>>;
}

/** Identity, for type inference: `export default defineStrategy({...})`. */
export function defineStrategy<S extends ParamSpecs>(definition: StrategyDefinition<S>): StrategyDefinition<S> {
  return definition;
}

/** A definition with its parameter types erased, as the runners hold it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStrategyDefinition = StrategyDefinition<any>;
