import { z } from 'zod';
import { conflict, notFound } from '../../src-common/contract/errors.js';
import type { BacktestJob, BacktestJobDetail, StartBacktestParams } from '../../src-common/contract/strategy-schemas.js';
import type { Clock } from '../engine/ports/clock.js';
import type { BacktestReportDto } from './report.js';
import { type SweepResult, runSweep } from './sweep.js';
import { type PortableConfig, WorkerPool } from './worker-pool.js';

type JobDetail = z.infer<typeof BacktestJobDetail>;

interface JobState {
  job: BacktestJob;
  report: BacktestReportDto | null;
  sweep: SweepResult | null;
  abort: AbortController;
}

/** finished jobs kept for backtests.get (oldest dropped) */
const JOBS_KEPT = 50;

/**
 * The backtests started through the protocol: each runs on worker threads
 * (a single run on a shared pool, a sweep on its own), so the engine's event
 * loop keeps serving while history is replayed. Progress is polled with
 * backtests.get; the report (or the sweep table) is there when it is done.
 */
export class BacktestJobs {
  private readonly jobs = new Map<string, JobState>();
  private pool: WorkerPool | null = null;
  private seq = 0;

  constructor(private readonly opts: { clock: Clock; cwd?: string; singleRunWorkers?: number }) {}

  /**
   * `files` are what to read, already checked for the caller (FileAccess):
   * the data as a self-contained source, the strategy as a name or a real path.
   * The job shows the names the caller gave.
   */
  start(p: StartBacktestParams, files: { data: string; strategy: string }): BacktestJob {
    const sweep = p.grid !== undefined && Object.keys(p.grid).length > 0;
    const id = `bt-${++this.seq}`;
    const config: PortableConfig = {
      data: files.data,
      symbol: p.symbol,
      strategy: files.strategy,
      params: p.params,
      cash: p.cash,
      fee: p.fee,
      slippage: p.slippage,
      ...(p.from !== undefined ? { from: p.from } : {}),
      ...(p.to !== undefined ? { to: p.to } : {}),
      ...(this.opts.cwd ? { cwd: this.opts.cwd } : {}),
    };
    const state: JobState = {
      job: {
        id,
        kind: sweep ? 'sweep' : 'backtest',
        status: 'running',
        strategy: p.strategy,
        symbol: p.symbol,
        data: p.data,
        params: p.params,
        progress: { done: 0, total: 0, unit: sweep ? 'runs' : 'bars' },
        error: null,
        created_at: this.opts.clock.now(),
        finished_at: null,
        loop_bars_per_s: null,
      },
      report: null,
      sweep: null,
      abort: new AbortController(),
    };
    this.jobs.set(id, state);
    this.trim();
    const progress = (done: number, total: number) => {
      state.job.progress = { ...state.job.progress, done, total };
    };
    const run = sweep
      ? runSweep(
          { base: config, grid: p.grid!, metric: p.metric, ...(p.order ? { order: p.order } : {}), ...(p.workers ? { workers: p.workers } : {}) },
          { onProgress: progress, signal: state.abort.signal },
        ).then((result) => {
          state.sweep = result;
        })
      : this.singlePool()
          .run(config, { full: true, onProgress: progress })
          .then((outcome) => {
            state.report = outcome.report ?? null;
            state.job.loop_bars_per_s = outcome.timing.loop_bars_per_s;
          });
    run.then(
      () => this.finish(state, 'done', null),
      (err) => this.finish(state, state.abort.signal.aborted ? 'canceled' : 'failed', err instanceof Error ? err.message : String(err)),
    );
    return { ...state.job };
  }

  get(id: string): JobDetail {
    const state = this.jobs.get(id);
    if (!state) throw notFound('backtest', id);
    return { ...state.job, report: state.report, sweep: state.sweep };
  }

  list(): BacktestJob[] {
    return [...this.jobs.values()].reverse().map((s) => ({ ...s.job }));
  }

  async cancel(id: string): Promise<BacktestJob> {
    const state = this.jobs.get(id);
    if (!state) throw notFound('backtest', id);
    if (state.job.status !== 'running') throw conflict(`backtest ${id} is already ${state.job.status}`);
    state.abort.abort();
    if (state.job.kind === 'backtest') {
      // a single run cannot be interrupted inside its worker: the shared pool is replaced
      const pool = this.pool;
      this.pool = null;
      await pool?.close();
    }
    this.finish(state, 'canceled', 'canceled');
    return { ...state.job };
  }

  async close(): Promise<void> {
    for (const s of this.jobs.values()) if (s.job.status === 'running') s.abort.abort();
    await this.pool?.close();
    this.pool = null;
  }

  private singlePool(): WorkerPool {
    this.pool ??= new WorkerPool(this.opts.singleRunWorkers ?? 1);
    return this.pool;
  }

  private finish(state: JobState, status: BacktestJob['status'], error: string | null): void {
    if (state.job.status !== 'running') return;
    state.job.status = status;
    state.job.error = error;
    state.job.finished_at = this.opts.clock.now();
  }

  private trim(): void {
    if (this.jobs.size <= JOBS_KEPT) return;
    for (const [id, s] of this.jobs) {
      if (this.jobs.size <= JOBS_KEPT) break;
      if (s.job.status !== 'running') this.jobs.delete(id);
    }
  }
}
