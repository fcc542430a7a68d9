// Plain values, no imports: the page and the preload import these as values
// (the zod schemas are never bundled into them); schemas.ts builds its enums
// from them. A new order type, time in force or status is added here, once.

export const SIDES = ['buy', 'sell'] as const;
export type Side = (typeof SIDES)[number];

export const ORDER_TYPES = ['market', 'limit', 'stop_market', 'stop_limit', 'trailing_stop'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** the order types that carry a stop price and wait for it to trigger */
export const STOP_ORDER_TYPES = ['stop_market', 'stop_limit'] as const satisfies readonly OrderType[];
/** the order types that carry a limit price */
export const LIMIT_PRICE_ORDER_TYPES = ['limit', 'stop_limit'] as const satisfies readonly OrderType[];

export const needsStopPrice = (type: OrderType): boolean => (STOP_ORDER_TYPES as readonly OrderType[]).includes(type);
export const needsLimitPrice = (type: OrderType): boolean => (LIMIT_PRICE_ORDER_TYPES as readonly OrderType[]).includes(type);

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
