import * as binance from '../../src-main/api/binance/format.js';
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

/** The shapes are src-main/api/binance/format.ts (shared with Tern's Binance gateway). */
export function symbolInfo(m: Market): Record<string, unknown> {
  const s = m.spec;
  return binance.symbolInfo(symbolView(m, s));
}

function symbolView(m: Market, s: SymbolSpec): binance.BinanceSymbolView {
  return {
    symbol: m.id,
    base: m.base,
    quote: m.quote,
    tickSize: plain(s.tickSize),
    stepSize: plain(s.stepSize),
    minQty: plain(s.minQty),
    maxQty: plain(s.maxQty),
    minNotional: plain(s.minNotional),
    orderTypes: ORDER_TYPES,
    ocoAllowed: true,
  };
}

export function exchangeInfo(markets: Market[], serverTime: number): Record<string, unknown> {
  return binance.exchangeInfo(markets.map((m) => symbolView(m, m.spec)), serverTime);
}
