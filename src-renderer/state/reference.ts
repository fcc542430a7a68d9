import { create } from 'zustand';
import type { Account, Instrument } from '../../src-main/contract/schemas.js';

/** Slow-changing facts: accounts, instruments, the engine's version. */
export interface ReferenceState {
  accounts: Account[];
  instruments: Instrument[];
  status: 'loading' | 'ready' | 'error';
  error?: string;
  version?: string;
  setAccounts(accounts: Account[]): void;
  upsertAccount(account: Account): void;
  setInstruments(instruments: Instrument[]): void;
  setVersion(version: string): void;
  fail(error: string): void;
  reset(): void;
}

export const useReference = create<ReferenceState>()((set) => ({
  accounts: [],
  instruments: [],
  status: 'loading',
  setAccounts: (accounts) => set({ accounts, status: 'ready', error: undefined }),
  upsertAccount: (account) =>
    set((s) => {
      const i = s.accounts.findIndex((a) => a.id === account.id);
      const accounts = i < 0 ? [...s.accounts, account] : s.accounts.map((a, j) => (j === i ? account : a));
      return { accounts };
    }),
  setInstruments: (instruments) => set({ instruments }),
  setVersion: (version) => set({ version }),
  fail: (error) => set({ status: 'error', error }),
  reset: () => set({ accounts: [], instruments: [], status: 'loading', error: undefined, version: undefined }),
}));

export function findInstrument(instruments: readonly Instrument[], account: string, symbol: string): Instrument | undefined {
  return instruments.find((i) => i.account === account && i.symbol === symbol);
}
