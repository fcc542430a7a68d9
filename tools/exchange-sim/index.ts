/** The loopback Binance spot simulator (test tooling). See README.md beside this file. */
export { startExchangeSim, type ExchangeSim, type ExchangeSimOptions } from './server.js';
export { pointCcxtAtSim, type CcxtLike } from './ccxt-target.js';
export type { SimControl, OrderSelector, OrderView, FillView } from './control.js';
export type { RestFault, WsFault, WsTarget, RequestRecord } from './faults.js';
export { DEFAULT_SYMBOLS, type SymbolSpec } from './markets.js';
export type { CandleRow } from './candles.js';
export type { AccountOptions } from './accounts.js';
