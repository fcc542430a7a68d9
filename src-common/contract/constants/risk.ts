// Plain values, no imports (see orders.ts). A new risk limit is added here, once
// (then its value schema in schemas.ts riskLimitShape and its rule in the engine).

/** limits checked on each order before it is sent */
export const PRE_TRADE_LIMIT_NAMES = [
  'max_order_quantity',
  'max_order_notional',
  'max_position_notional',
  'max_open_orders',
  'max_orders_per_second',
  'price_band_pct',
] as const;
/** Breakers trip on the portfolio, not on an order: set globally (all accounts together) or per account, never per symbol. */
export const BREAKER_LIMIT_NAMES = ['max_daily_loss', 'max_drawdown_pct', 'max_consecutive_losses'] as const;
export const RISK_LIMIT_NAMES = [...PRE_TRADE_LIMIT_NAMES, ...BREAKER_LIMIT_NAMES] as const;
/**
 * What a strategy scope may set: checked on the strategy's own orders (and its
 * ledger's position), in addition to the account's limits, and two breakers
 * measured on its own ledger that stop that strategy alone (status halted).
 */
export const STRATEGY_LIMIT_NAMES = ['max_order_notional', 'max_position_notional', 'max_open_orders', 'max_orders_per_second', 'max_daily_loss', 'max_drawdown_pct'] as const;
/**
 * What an API key's own scope may set (issue 14, per-bot keys): checked on every
 * order the key places (REST, WebSocket, Binance gateway), in addition to the
 * account's limits. No position or breaker limits: a key has no ledger of its own.
 */
export const KEY_LIMIT_NAMES = ['max_order_quantity', 'max_order_notional', 'max_open_orders', 'max_orders_per_second', 'price_band_pct'] as const;
export type RiskLimitName = (typeof RISK_LIMIT_NAMES)[number];
export type BreakerLimitName = (typeof BREAKER_LIMIT_NAMES)[number];

export const RISK_STATES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
export type RiskState = (typeof RISK_STATES)[number];
