import { create } from 'zustand';
import type { Account, Instrument } from '../../src-common/contract/schemas.js';
import { stampReceived } from './account-status.js';

/** Slow-changing facts: accounts, instruments, the engine's version. */
export interface ReferenceState {
  accounts: Account[];
  instruments: Instrument[];
  status: 'loading' | 'ready' | 'error';
  error?: string;
  version?: string;
  setAccounts(accounts: Account[]): void;
  /** adds or updates an account; one whose status is "deleted" leaves the list */
  upsertAccount(account: Account): void;
  removeAccount(id: string): void;
  setInstruments(instruments: Instrument[]): void;
  setVersion(version: string): void;
  fail(error: string): void;
  reset(): void;
}

export const useReference = create<ReferenceState>()((set) => ({
  accounts: [],
  instruments: [],
  status: 'loading',
  setAccounts: (accounts) => {
    for (const a of accounts) stampReceived(a);
    set({ accounts, status: 'ready', error: undefined });
  },
  upsertAccount: (account) =>
    set((s) => {
      stampReceived(account);
      const i = s.accounts.findIndex((a) => a.id === account.id);
      if (account.status === 'deleted') return i < 0 ? {} : { accounts: s.accounts.filter((a) => a.id !== account.id), instruments: s.instruments.filter((x) => x.account !== account.id) };
      const accounts = i < 0 ? [...s.accounts, account] : s.accounts.map((a, j) => (j === i ? account : a));
      return { accounts };
    }),
  removeAccount: (id) => set((s) => ({ accounts: s.accounts.filter((a) => a.id !== id), instruments: s.instruments.filter((x) => x.account !== id) })),
  setInstruments: (instruments) => set({ instruments }),
  setVersion: (version) => set({ version }),
  fail: (error) => set({ status: 'error', error }),
  reset: () => set({ accounts: [], instruments: [], status: 'loading', error: undefined, version: undefined }),
}));

export function findInstrument(instruments: readonly Instrument[], account: string, symbol: string): Instrument | undefined {
  return instruments.find((i) => i.account === account && i.symbol === symbol);
}
