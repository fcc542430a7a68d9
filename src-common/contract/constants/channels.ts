// Plain values, no imports (see orders.ts). A new event channel is added here, once.

/** Private channels: one per table, named alone ("orders"). */
export const PRIVATE_CHANNELS = ['orders', 'fills', 'positions', 'balances', 'risk', 'accounts', 'downloads', 'strategies'] as const;
export type PrivateChannel = (typeof PRIVATE_CHANNELS)[number];

/** Public market channels, named with an account and a symbol: `ticker:ACCOUNT:SYMBOL`. */
export const MARKET_CHANNELS = ['ticker', 'book', 'trades', 'candles'] as const;
export type MarketChannel = (typeof MARKET_CHANNELS)[number];

export const marketChannel = (kind: MarketChannel, account: string, symbol: string): string => `${kind}:${account}:${symbol}`;
