import { create } from 'zustand';
import type { ResultOf } from '../../src-common/contract/methods.js';
import { describeError } from '../client/call-error.js';
import type { TernClient } from '../client/types.js';

export type StrategiesList = ResultOf<'strategies.list'>;
export type StrategyInfo = StrategiesList['available'][number];
export type StrategyParamSpec = StrategyInfo['params'][number];
export type StrategyInstance = StrategiesList['running'][number];

export interface StrategiesState {
  /** strategies that can run (built-in), with their declared parameters */
  available: StrategyInfo[];
  /** instances started in this engine session (running, stopped or failed) */
  running: StrategyInstance[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error?: string;
  set(list: StrategiesList): void;
  /** one instance as a call answered it (start, stop, setParams) */
  upsert(instance: StrategyInstance): void;
  fail(error: string): void;
  reset(): void;
}

export const useStrategies = create<StrategiesState>()((set) => ({
  available: [],
  running: [],
  status: 'idle',
  set: (list) => set({ available: list.available, running: list.running, status: 'ready', error: undefined }),
  upsert: (instance) =>
    set((s) => {
      const i = s.running.findIndex((r) => r.id === instance.id);
      return { running: i < 0 ? [...s.running, instance] : s.running.map((r, j) => (j === i ? instance : r)) };
    }),
  fail: (error) => set({ status: 'error', error }),
  reset: () => set({ available: [], running: [], status: 'idle', error: undefined }),
}));

/** strategies.list into the store; the status says loading only the first time */
export async function loadStrategies(client: TernClient): Promise<void> {
  const s = useStrategies.getState();
  if (s.status !== 'ready') useStrategies.setState({ status: 'loading' });
  try {
    useStrategies.getState().set(await client.call('strategies.list', {}));
  } catch (err) {
    useStrategies.getState().fail(describeError(err));
  }
}
