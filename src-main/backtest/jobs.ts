import { z } from 'zod';
import { conflict, notFound } from '../../src-common/contract/errors.js';
import type { BacktestJob, BacktestJobDetail, StartBacktestParams } from '../../src-common/contract/strategy-schemas.js';
import type { Clock } from '../engine/ports/clock.js';
import { type Logger, silentLogger } from '../engine/ports/logger.js';
import type { BacktestReportDto } from './report.js';
import { type SweepResult, runSweep } from './sweep.js';
import { type PortableConfig, WorkerPool } from './worker-pool.js';

type JobDetail = z.infer<typeof BacktestJobDetail>;

/** A run as it is kept: the job, what started it, what it produced. */
export interface KeptRun {
  job: BacktestJob;
  request: StartBacktestParams;
  report: JobDetail['report'];
  sweep: JobDetail['sweep'];
}

/**
 * Where runs are kept between sessions (store/backtest-runs.ts in the data
 * folder's database; a private in-memory one by default). Runs are numbered
 * by it, so ids stay unique across restarts.
 */
export interface BacktestRunArchive {
  create(run: Omit<KeptRun, 'job'> & { job: Omit<BacktestJob, 'id'> }, idOf: (n: number) => string): BacktestJob;
  save(run: KeptRun): void;
  get(id: string): KeptRun | null;
  list(): BacktestJob[];
  delete(id: string): boolean;
  /** runs left `running` by an earlier process (a crash) become `interrupted`, with `error` */
  markInterrupted(now: number, error: string): number;
}

/** what a run that was in progress when Tern stopped says afterwards */
export const INTERRUPTED_ERROR = 'Tern stopped while this run was in progress; start it again to get its results';

interface JobState {
  job: BacktestJob;
  request: StartBacktestParams;
  report: BacktestReportDto | null;
  sweep: SweepResult | null;
  abort: AbortController;
}

/**
 * The backtests started through the protocol: each runs on worker threads
 * (a single run on a shared pool, a sweep on its own), so the engine's event
 * loop keeps serving while history is replayed. Progress is polled with
 * backtests.get; the report (or the sweep table) is there when it is done.
 * Every run is kept in the archive from its start: a finished one with its
 * results until it is deleted, one that was running when Tern stopped as
 * `interrupted`.
 */
export class BacktestJobs {
  /** runs in progress in this process (and finished ones the archive could not take) */
  private readonly live = new Map<string, JobState>();
  private pool: WorkerPool | null = null;
  private readonly log: Logger;

  constructor(private readonly opts: { clock: Clock; runs: BacktestRunArchive; cwd?: string; singleRunWorkers?: number; log?: Logger }) {
    this.log = opts.log ?? silentLogger;
    // nothing runs yet in this process: whatever is marked running was cut short by a stop or a crash
    const interrupted = opts.runs.markInterrupted(opts.clock.now(), INTERRUPTED_ERROR);
    if (interrupted > 0) this.log.warn({ runs: interrupted }, 'backtests that were running when Tern stopped are marked interrupted');
  }

  /**
   * `files` are what to read, already checked for the caller (FileAccess):
   * the data as a self-contained source, the strategy as a name or a real path.
   * The job shows the names the caller gave.
   */
  start(p: StartBacktestParams, files: { data: string; strategy: string }): BacktestJob {
    const sweep = p.grid !== undefined && Object.keys(p.grid).length > 0;
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
    const job = this.opts.runs.create(
      {
        job: {
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
        request: p,
        report: null,
        sweep: null,
      },
      (n) => `bt-${n}`,
    );
    const state: JobState = { job, request: p, report: null, sweep: null, abort: new AbortController() };
    this.live.set(job.id, state);
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
    const state = this.live.get(id);
    if (state) return { ...state.job, report: state.report, sweep: state.sweep };
    const kept = this.opts.runs.get(id);
    if (!kept) throw notFound('backtest', id);
    return { ...kept.job, report: kept.report, sweep: kept.sweep };
  }

  /** every kept run, newest first; those in progress with their progress now */
  list(): BacktestJob[] {
    return this.opts.runs.list().map((j) => {
      const state = this.live.get(j.id);
      return state ? { ...state.job } : j;
    });
  }

  async cancel(id: string): Promise<BacktestJob> {
    const state = this.live.get(id);
    if (!state || state.job.status !== 'running') {
      const job = state?.job ?? this.opts.runs.get(id)?.job;
      if (!job) throw notFound('backtest', id);
      throw conflict(`backtest ${id} is already ${job.status}`);
    }
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

  /** Removes a run and its results; one in progress is canceled first. Answers the run as it was last. */
  async delete(id: string): Promise<BacktestJob> {
    const state = this.live.get(id);
    let job: BacktestJob;
    if (state) {
      if (state.job.status === 'running') await this.cancel(id);
      job = { ...state.job };
      this.live.delete(id);
    } else {
      const kept = this.opts.runs.get(id);
      if (!kept) throw notFound('backtest', id);
      job = kept.job;
    }
    this.opts.runs.delete(id);
    return job;
  }

  /** Tern stops: runs in progress are kept as interrupted (as after a crash), then their workers end. */
  async close(): Promise<void> {
    for (const s of this.live.values()) {
      if (s.job.status !== 'running') continue;
      this.finish(s, 'interrupted', INTERRUPTED_ERROR);
      s.abort.abort();
    }
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
    // deleted while it ran: nothing to keep
    if (!this.live.has(state.job.id)) return;
    try {
      this.opts.runs.save({ job: state.job, request: state.request, report: state.report, sweep: state.sweep });
      this.live.delete(state.job.id);
    } catch (err) {
      // the store cannot take it now (disk full, closed): this session still shows it
      this.log.error({ err: String(err), backtest: state.job.id }, 'a finished backtest could not be kept in the store');
    }
  }
}
