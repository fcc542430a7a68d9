import { d, type D } from './decimal.js';

/** One spot symbol of the simulator: Binance's filters plus the synthetic liquidity around its price path. */
export interface SymbolSpec {
  symbol: string; // Binance id, e.g. BTCUSDT
  base: string;
  quote: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  maxQty: string;
  minNotional: string;
  initialPrice: string;
  /** Quantity of the synthetic book's first level on each side (deeper levels hold more). */
  levelQty: string;
  /** Number of synthetic levels per side. */
  levels?: number;
  /** Distance between the synthetic best bid and best ask, in basis points of the mid. */
  spreadBps?: number;
  /** Distance between synthetic levels, in basis points of the mid. */
  levelStepBps?: number;
  /** Standard deviation of one random price step, in basis points. */
  volatilityBps?: number;
}

export const DEFAULT_SYMBOLS: SymbolSpec[] = [
  {
    symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: '0.01', stepSize: '0.00001', minQty: '0.00001',
    maxQty: '9000', minNotional: '5', initialPrice: '60000', levelQty: '0.5',
  },
  {
    symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT', tickSize: '0.01', stepSize: '0.0001', minQty: '0.0001',
    maxQty: '9000', minNotional: '5', initialPrice: '3000', levelQty: '5',
  },
  {
    symbol: 'ETHBTC', base: 'ETH', quote: 'BTC', tickSize: '0.00001', stepSize: '0.0001', minQty: '0.0001',
    maxQty: '100000', minNotional: '0.0001', initialPrice: '0.05', levelQty: '5',
  },
];

/** The order types the matching engine implements (Binance spot's); ccxt refuses others locally (it reads `orderTypes`). */
export const ORDER_TYPES = ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'] as const;

export interface Market {
  spec: SymbolSpec;
  id: string;
  lower: string;
  base: string;
  quote: string;
  tick: D;
  step: D;
  minQty: D;
  maxQty: D;
  minNotional: D;
  levels: number;
  spreadBps: number;
  levelStepBps: number;
  volatilityBps: number;
  levelQty: D;
}

export function toMarket(spec: SymbolSpec): Market {
  return {
    spec,
    id: spec.symbol,
    lower: spec.symbol.toLowerCase(),
    base: spec.base,
    quote: spec.quote,
    tick: d(spec.tickSize),
    step: d(spec.stepSize),
    minQty: d(spec.minQty),
    maxQty: d(spec.maxQty),
    minNotional: d(spec.minNotional),
    levels: spec.levels ?? 20,
    spreadBps: spec.spreadBps ?? 2,
    levelStepBps: spec.levelStepBps ?? 5,
    volatilityBps: spec.volatilityBps ?? 5,
    levelQty: d(spec.levelQty),
  };
}

function plain(value: string): string {
  return d(value).toFixed(8);
}

export function symbolInfo(m: Market): Record<string, unknown> {
  const s = m.spec;
  return {
    symbol: m.id,
    status: 'TRADING',
    baseAsset: m.base,
    baseAssetPrecision: 8,
    quoteAsset: m.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: [...ORDER_TYPES],
    icebergAllowed: false,
    ocoAllowed: true,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: false,
    cancelReplaceAllowed: true,
    amendAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: plain(s.tickSize), maxPrice: '1000000.00000000', tickSize: plain(s.tickSize) },
      { filterType: 'LOT_SIZE', minQty: plain(s.minQty), maxQty: plain(s.maxQty), stepSize: plain(s.stepSize) },
      { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty: plain(s.maxQty), stepSize: '0.00000000' },
      {
        filterType: 'NOTIONAL', minNotional: plain(s.minNotional), applyMinToMarket: true,
        maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5,
      },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'NONE',
    allowedSelfTradePreventionModes: ['NONE'],
  };
}

export function exchangeInfo(markets: Market[], serverTime: number): Record<string, unknown> {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: markets.map(symbolInfo),
  };
}
