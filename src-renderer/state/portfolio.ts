import { create } from 'zustand';
import type { Portfolio } from '../../src-common/contract/schemas.js';

export interface PortfolioSample {
  /** epoch ms (wall clock) */
  t: number;
  equity: number;
  realized: number;
  unrealized: number;
  fees: number;
}

export const MAX_SAMPLES = 5_000;

export interface PortfolioState {
  current: Portfolio | null;
  samples: PortfolioSample[];
  status: 'loading' | 'ready' | 'error';
  error?: string;
  record(p: Portfolio, t: number): void;
  /** the newest valuation, between samples (the header follows the marks; the chart keeps its sampling) */
  setCurrent(p: Portfolio): void;
  fail(error: string): void;
  reset(): void;
}

/** Equity and PnL over time, sampled by the feed (periodically and after fills). */
export const usePortfolio = create<PortfolioState>()((set) => ({
  current: null,
  samples: [],
  status: 'loading',
  record: (p, t) =>
    set((s) => {
      const sample: PortfolioSample = { t, equity: Number(p.equity), realized: Number(p.realized_pnl), unrealized: Number(p.unrealized_pnl), fees: Number(p.fees_paid) };
      const samples = s.samples.length >= MAX_SAMPLES ? [...s.samples.slice(1 - MAX_SAMPLES), sample] : [...s.samples, sample];
      return { current: p, samples, status: 'ready', error: undefined };
    }),
  setCurrent: (p) => set({ current: p }),
  fail: (error) => set({ status: 'error', error }),
  reset: () => set({ current: null, samples: [], status: 'loading', error: undefined }),
}));
