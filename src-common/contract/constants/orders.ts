// Plain values, no imports: the page and the preload import these as values
// (the zod schemas are never bundled into them); schemas.ts builds its enums
// from them. A new order type, time in force or status is added here, once.

export const SIDES = ['buy', 'sell'] as const;
export type Side = (typeof SIDES)[number];

export const ORDER_TYPES = ['market', 'limit', 'stop_market', 'stop_limit', 'take_profit_market', 'take_profit_limit', 'trailing_stop'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** the order types that carry a stop price and wait for it to trigger (a trailing stop's stop follows the market instead) */
export const STOP_ORDER_TYPES = ['stop_market', 'stop_limit', 'take_profit_market', 'take_profit_limit'] as const satisfies readonly OrderType[];
/** the trigger orders that fire when the market moves in the trader's favour (Binance TAKE_PROFIT / TAKE_PROFIT_LIMIT) */
export const TAKE_PROFIT_ORDER_TYPES = ['take_profit_market', 'take_profit_limit'] as const satisfies readonly OrderType[];
/** what an OCO pair's take-profit leg may be: a limit (Binance LIMIT_MAKER) or a take profit trigger (TAKE_PROFIT, TAKE_PROFIT_LIMIT) */
export const OCO_TAKE_PROFIT_TYPES = ['limit', 'take_profit_market', 'take_profit_limit'] as const satisfies readonly OrderType[];
export type OcoTakeProfitType = (typeof OCO_TAKE_PROFIT_TYPES)[number];
/** the order types that carry a limit price */
export const LIMIT_PRICE_ORDER_TYPES = ['limit', 'stop_limit', 'take_profit_limit'] as const satisfies readonly OrderType[];
/** the order types that trade as a market order once they trigger */
export const MARKET_ONCE_TRIGGERED_TYPES = ['stop_market', 'take_profit_market', 'trailing_stop'] as const satisfies readonly OrderType[];

export const needsStopPrice = (type: OrderType): boolean => (STOP_ORDER_TYPES as readonly OrderType[]).includes(type);
export const needsLimitPrice = (type: OrderType): boolean => (LIMIT_PRICE_ORDER_TYPES as readonly OrderType[]).includes(type);
export const worksAsMarketOnceTriggered = (type: OrderType): boolean => (MARKET_ONCE_TRIGGERED_TYPES as readonly OrderType[]).includes(type);
export const isTakeProfit = (type: OrderType): boolean => (TAKE_PROFIT_ORDER_TYPES as readonly OrderType[]).includes(type);
/** a trigger order of any kind: a stop, a take profit or a trailing stop */
export const isTriggerType = (type: OrderType): boolean => needsStopPrice(type) || type === 'trailing_stop';

/**
 * Which way the market must move to fire a trigger order: a stop (and a
 * trailing stop) fires against the position it protects — a sell when the
 * market falls to it, a buy when it rises to it; a take profit the other
 * way — a sell when the market rises to it, a buy when it falls to it.
 */
export type TriggerDirection = 'rise' | 'fall';
export function triggerDirection(type: OrderType, side: Side): TriggerDirection {
  return (side === 'buy') !== isTakeProfit(type) ? 'rise' : 'fall';
}

/**
 * THE trigger rule, for every venue, the trigger book and the page: whether a
 * trigger order of `type` and `side` fires when the last price compares to its
 * stop price as `lastVsStop` (the sign of last − stop). It fires at the stop
 * price itself.
 */
export function triggerFires(type: OrderType, side: Side, lastVsStop: number): boolean {
  return triggerDirection(type, side) === 'rise' ? lastVsStop >= 0 : lastVsStop <= 0;
}

/** who holds an order's trigger or group link: the venue (works with Tern closed) or Tern (works only while Tern runs) */
export const HELD_BY = ['venue', 'tern'] as const;
export type HeldBy = (typeof HELD_BY)[number];
export const TRAILING_UNITS = ['percent', 'price'] as const;
/** what an order is in a protective construct */
export const PROTECTION_ROLES = ['entry', 'take_profit', 'stop_loss', 'trailing'] as const;

export const TIME_IN_FORCE = ['GTC', 'IOC', 'FOK'] as const;
export type TimeInForce = (typeof TIME_IN_FORCE)[number];

export const ORDER_STATUSES = ['pending', 'open', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** the statuses of an order that can still fill or be canceled */
export const OPEN_ORDER_STATUSES = ['pending', 'open', 'partially_filled'] as const satisfies readonly OrderStatus[];

export const LIQUIDITIES = ['maker', 'taker'] as const;
export type Liquidity = (typeof LIQUIDITIES)[number];
