import { create } from 'zustand';
import type { DownloadJob } from '../../src-common/contract/schemas.js';

/** History downloads of this session (market.downloads), kept current by the `downloads` channel. */
export interface DownloadsState {
  /** newest first, as market.downloads lists them */
  jobs: DownloadJob[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error?: string;
  loading(): void;
  load(jobs: DownloadJob[]): void;
  /** applies progress events; a job not seen yet goes on top */
  apply(jobs: readonly DownloadJob[]): void;
  fail(error: string): void;
  reset(): void;
}

export const useDownloads = create<DownloadsState>()((set) => ({
  jobs: [],
  status: 'idle',
  loading: () => set((s) => (s.status === 'ready' ? {} : { status: 'loading' })),
  // events that arrived while the list loaded stay if they are newer
  load: (jobs) => set((s) => ({ jobs: mergeJobs(jobs, s.jobs), status: 'ready', error: undefined })),
  apply: (updates) => set((s) => ({ jobs: mergeJobs(s.jobs, updates) })),
  fail: (error) => set({ status: 'error', error }),
  reset: () => set({ jobs: [], status: 'idle', error: undefined }),
}));

/** `base` with `updates` applied by id; the later `updated_at` wins, so a stale snapshot never rolls progress back */
export function mergeJobs(base: readonly DownloadJob[], updates: readonly DownloadJob[]): DownloadJob[] {
  const jobs = [...base];
  for (const u of updates) {
    const i = jobs.findIndex((j) => j.id === u.id);
    if (i < 0) jobs.unshift(u);
    else if (Date.parse(u.updated_at) >= Date.parse(jobs[i]!.updated_at)) jobs[i] = u;
  }
  return jobs;
}
