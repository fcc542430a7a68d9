import { create } from 'zustand';
import type { ResultOf } from '../../src-common/contract/methods.js';
import { describeError } from '../client/call-error.js';
import type { TernClient } from '../client/types.js';

export type BacktestJob = ResultOf<'backtests.list'>[number];
export type BacktestDetail = ResultOf<'backtests.get'>;
export type BacktestReport = NonNullable<BacktestDetail['report']>;

export const isFinished = (job: Pick<BacktestJob, 'status'>) => job.status !== 'running';

/** the most runs compared at once (colours stay distinct, the table stays readable) */
export const MAX_COMPARE = 6;

export interface BacktestsState {
  /** the backtests the engine keeps (this session's and earlier ones'), newest first (backtests.list) */
  jobs: BacktestJob[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error?: string;
  /** backtests.get answers by id: a finished one never changes, a running one is replaced as it is polled */
  details: Record<string, BacktestDetail>;
  /** the run on screen */
  selected: string | null;
  /** finished runs ticked for the comparison, in the order ticked */
  compare: string[];
  setJobs(jobs: BacktestJob[]): void;
  setDetail(detail: BacktestDetail): void;
  select(id: string | null): void;
  toggleCompare(id: string): void;
  /** a run was deleted: gone from the list, the selection, the comparison and the details at once */
  forget(id: string): void;
  fail(error: string): void;
  reset(): void;
}

const initial = () => ({ jobs: [] as BacktestJob[], status: 'idle' as const, error: undefined, details: {} as Record<string, BacktestDetail>, selected: null, compare: [] as string[] });

export const useBacktests = create<BacktestsState>()((set) => ({
  ...initial(),
  setJobs: (jobs) =>
    set((s) => {
      // the engine keeps a bounded list: forget what it dropped
      const ids = new Set(jobs.map((j) => j.id));
      const details = Object.fromEntries(Object.entries(s.details).filter(([id]) => ids.has(id)));
      // a job's row follows its detail when that is newer (the poll of the selected run may be ahead of the list)
      const merged = jobs.map((j) => {
        const d = details[j.id];
        return d && isFinished(d) && !isFinished(j) ? stripDetail(d) : j;
      });
      // the selection and the comparison keep their identity unless a run left them (views re-fetch when they change)
      const compare = s.compare.every((id) => ids.has(id)) ? s.compare : s.compare.filter((id) => ids.has(id));
      const dropped = Object.keys(details).length !== Object.keys(s.details).length;
      return { jobs: merged, details: dropped ? details : s.details, status: 'ready', error: undefined, compare, selected: s.selected !== null && !ids.has(s.selected) ? null : s.selected };
    }),
  setDetail: (detail) =>
    set((s) => ({
      details: { ...s.details, [detail.id]: detail },
      jobs: s.jobs.some((j) => j.id === detail.id) ? s.jobs.map((j) => (j.id === detail.id ? stripDetail(detail) : j)) : [stripDetail(detail), ...s.jobs],
    })),
  select: (selected) => set({ selected }),
  toggleCompare: (id) =>
    set((s) => {
      if (s.compare.includes(id)) return { compare: s.compare.filter((x) => x !== id) };
      return s.compare.length >= MAX_COMPARE ? {} : { compare: [...s.compare, id] };
    }),
  forget: (id) =>
    set((s) => {
      const { [id]: _gone, ...details } = s.details;
      return { jobs: s.jobs.filter((j) => j.id !== id), details, compare: s.compare.filter((x) => x !== id), selected: s.selected === id ? null : s.selected };
    }),
  fail: (error) => set({ status: 'error', error }),
  reset: () => set(initial()),
}));

function stripDetail(d: BacktestDetail): BacktestJob {
  const { report: _report, sweep: _sweep, ...job } = d;
  return job;
}

export interface BacktestPoller {
  /** poll now, and keep polling while a run is in progress */
  kick(): void;
  dispose(): void;
}

/**
 * Follows the backtests: backtests.list, and backtests.get for the runs on
 * screen (the selected one and those compared). Polls every `intervalMs` while
 * any run is in progress, and stops when none is (the engine sends no backtest
 * events); `kick` starts it again after the trader starts or picks a run.
 */
export function startBacktestPoller(client: TernClient, opts: { intervalMs?: number } = {}): BacktestPoller {
  const intervalMs = opts.intervalMs ?? 500;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;
  let again = false;
  let disposed = false;

  async function tick(): Promise<void> {
    if (disposed) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    clearTimeout(timer);
    timer = undefined;
    const store = useBacktests.getState();
    if (store.status === 'idle') useBacktests.setState({ status: 'loading' });
    try {
      useBacktests.getState().setJobs(await client.call('backtests.list', {}));
      const s = useBacktests.getState();
      const wanted = new Set([...(s.selected ? [s.selected] : []), ...s.compare]);
      await Promise.all(
        [...wanted].map(async (id) => {
          const job = s.jobs.find((j) => j.id === id);
          const have = s.details[id];
          // a finished run's report never changes: fetched once
          if (!job || (have && isFinished(have))) return;
          try {
            const detail = await client.call('backtests.get', { id });
            if (!disposed) useBacktests.getState().setDetail(detail);
          } catch {
            // the list poll shows the job; its detail comes on the next tick
          }
        }),
      );
    } catch (err) {
      if (!disposed) useBacktests.getState().fail(describeError(err));
    } finally {
      inFlight = false;
    }
    if (disposed) return;
    const running = useBacktests.getState().jobs.some((j) => !isFinished(j));
    const soon = again;
    again = false;
    if (soon || running) timer = setTimeout(() => void tick(), soon ? 0 : intervalMs);
  }

  return {
    kick: () => void tick(),
    dispose() {
      disposed = true;
      clearTimeout(timer);
    },
  };
}
