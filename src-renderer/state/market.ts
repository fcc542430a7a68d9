import { create } from 'zustand';
import type { Book, Ticker, Trade } from '../../src-common/contract/schemas.js';
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

export const useMarket = create<MarketState>()((set, get) => ({
  ...initial(),
  selectMarket: (account, symbol) => {
    const s = get();
    if (s.account === account && s.symbol === symbol) return;
    set({ account, symbol, book: null, trades: [], candles: new CandleSeries(TIMEFRAME_MS[s.timeframe]), candlesVersion: 0, candlesStatus: 'loading' });
  },
  setTimeframe: (timeframe) => {
    if (get().timeframe === timeframe) return;
    set({ timeframe, candles: new CandleSeries(TIMEFRAME_MS[timeframe]), candlesVersion: 0, candlesStatus: 'loading' });
  },
  setWatchlist: (watchlist) => set({ watchlist }),
  reset: () => set(initial()),
}));
