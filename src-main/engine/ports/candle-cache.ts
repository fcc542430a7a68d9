import type { InstrumentSpec } from '../model/types.js';
import type { Bar } from './market-data.js';

/**
 * Public market data kept between runs (store/market-cache.ts implements it):
 * an exchange's instruments, so an account opens while its exchange is
 * unreachable, and downloaded candles. `source` names the exchange's data.
 */
export interface CandleCache {
  saveInstruments(source: string, specs: InstrumentSpec[], now: number): void;
  /** the cached instruments of `source` and when they were saved, or null */
  loadInstruments(source: string): { specs: InstrumentSpec[]; savedAt: number } | null;
  /** upserts candles (a newer download of a candle replaces the older one) */
  saveCandles(source: string, symbol: string, timeframe: string, bars: Bar[]): void;
  /** candles with from ≤ ts < to, oldest first */
  candles(source: string, symbol: string, timeframe: string, from: number, to: number): Bar[];
  /** the newest cached candle's open time in [from, to), or null */
  lastCandleTs(source: string, symbol: string, timeframe: string, from: number, to: number): number | null;
  /** how many candles are cached with from ≤ ts < to */
  countCandles(source: string, symbol: string, timeframe: string, from: number, to: number): number;
}
