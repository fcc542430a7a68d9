import { create } from 'zustand';
import type { Book, Candle, Ticker, Trade } from '../../src-common/contract/schemas.js';
import { TIMEFRAME_MS, type Timeframe } from '../../src-common/contract/constants/timeframes.js';
import { CandleSeries } from '../lib/candles.js';

export type Stamped<T> = T & { receivedAt: number };
/** a trade with a key of its own, so the list keeps its rows as new trades push in */
export type KeyedTrade = Trade & { key: number };

export const MAX_TRADES = 60;

export interface MarketState {
  /** the market on screen */
  account: string;
  symbol: string;
  timeframe: Timeframe;
  /** symbols in the ticker strip, for the selected account */
  watchlist: string[];
  tickers: Record<string, Stamped<Ticker>>;
  book: Stamped<Book> | null;
  trades: KeyedTrade[];
  candles: CandleSeries;
  candlesVersion: number;
  candlesStatus: 'loading' | 'ready' | 'error';
  candlesError?: string;
  /** performance.now() of the newest event that moved the last candle */
  candleReceivedAt: number;
  selectMarket(account: string, symbol: string): void;
  setTimeframe(tf: Timeframe): void;
  setWatchlist(symbols: string[]): void;
  /** candles loaded in the background (a watchlist symbol not on screen), for an instant switch to it */
  keepCandles(account: string, symbol: string, timeframe: Timeframe, candles: readonly Candle[]): void;
  reset(): void;
}

export const tickerKey = (account: string, symbol: string) => `${account}|${symbol}`;

const initial = () => ({
  account: 'paper',
  symbol: 'BTC/USDT',
  timeframe: '1m' as Timeframe,
  watchlist: [] as string[],
  tickers: {} as Record<string, Stamped<Ticker>>,
  book: null,
  trades: [] as KeyedTrade[],
  candles: new CandleSeries(TIMEFRAME_MS['1m']),
  candlesVersion: 0,
  candlesStatus: 'loading' as const,
  candleReceivedAt: 0,
});

/** at most this many markets' candles kept off screen (1000 candles each) */
const KEPT_MAX = 24;
const candlesKey = (account: string, symbol: string, tf: Timeframe) => `${account}|${symbol}|${tf}`;

/**
 * Candles of markets seen before (or fetched in the background), so switching
 * back draws them at once from memory; the feed's reload then refreshes them in
 * place. Off screen they get no trades, so they are only a first frame.
 */
const kept = new Map<string, CandleSeries>();

function keep(key: string, series: CandleSeries): void {
  kept.delete(key);
  kept.set(key, series);
  if (kept.size > KEPT_MAX) kept.delete(kept.keys().next().value!);
}

/** what the chart shows first for a market: its kept candles, or an empty series loading */
function candlesFor(s: MarketState, account: string, symbol: string, timeframe: Timeframe) {
  if (s.candlesStatus === 'ready' && s.candles.toArray().length > 0) keep(candlesKey(s.account, s.symbol, s.timeframe), s.candles);
  const series = kept.get(candlesKey(account, symbol, timeframe));
  if (series) return { candles: series, candlesVersion: series.version, candlesStatus: 'ready' as const, candlesError: undefined };
  return { candles: new CandleSeries(TIMEFRAME_MS[timeframe]), candlesVersion: 0, candlesStatus: 'loading' as const };
}

export const useMarket = create<MarketState>()((set, get) => ({
  ...initial(),
  selectMarket: (account, symbol) => {
    const s = get();
    if (s.account === account && s.symbol === symbol) return;
    set({ account, symbol, book: null, trades: [], ...candlesFor(s, account, symbol, s.timeframe) });
  },
  setTimeframe: (timeframe) => {
    const s = get();
    if (s.timeframe === timeframe) return;
    set({ timeframe, ...candlesFor(s, s.account, s.symbol, timeframe) });
  },
  setWatchlist: (watchlist) => set({ watchlist }),
  keepCandles: (account, symbol, timeframe, candles) => {
    const s = get();
    if (s.account === account && s.symbol === symbol && s.timeframe === timeframe) return;
    const series = new CandleSeries(TIMEFRAME_MS[timeframe]);
    series.load(candles);
    keep(candlesKey(account, symbol, timeframe), series);
  },
  reset: () => {
    kept.clear();
    set(initial());
  },
}));
