import { existsSync } from 'node:fs';
import module from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TernError, type ErrorCode } from '../../src-common/contract/errors.js';
import type { BacktestReportDto, MetricsDto } from './report.js';
import type { BacktestConfig, BacktestResult } from './runner.js';

/** A backtest for a worker: the config must survive structured cloning (data and strategy as paths or names). */
export type PortableConfig = Omit<BacktestConfig, 'data' | 'strategy'> & { data: string; strategy: string };

export interface WorkerTask {
  id: number;
  config: PortableConfig;
  /** post progress messages */
  progress: boolean;
  progressEvery?: number;
  /** answer with the whole report (and trades.csv), not only the metrics */
  full: boolean;
}

export type WorkerReply =
  | { type: 'progress'; id: number; bars: number; total: number }
  | { type: 'done'; id: number; metrics: MetricsDto; timing: BacktestResult['timing']; report?: BacktestReportDto; tradesCsv?: string }
  | { type: 'error'; id: number; error: { code: ErrorCode; message: string; details?: Record<string, unknown> } };

export type WorkerOutcome = Extract<WorkerReply, { type: 'done' }>;

interface Job {
  task: WorkerTask;
  onProgress?: (bars: number, total: number) => void;
  resolve: (outcome: WorkerOutcome) => void;
  reject: (err: unknown) => void;
}

const BOOT = new URL('./worker-boot.mjs', import.meta.url);
/** the worker's entry, next to this file: .ts from source (registered through tsx), .js when built */
const ENTRY = new URL(`./backtest-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

/**
 * Whether worker threads can be started here: the boot file and the entry
 * exist next to this module (from source, or a build that ships them) and,
 * for a TypeScript entry, tsx can be loaded. A bundle that left them out
 * runs backtests in this thread instead, one at a time.
 */
export function workersAvailable(): boolean {
  try {
    if (!existsSync(fileURLToPath(BOOT)) || !existsSync(fileURLToPath(ENTRY))) return false;
    if (ENTRY.endsWith('.ts')) import.meta.resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
}

/** the default number of workers: the CPU cores */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Backtests on worker threads, so that long runs neither block the engine's
 * event loop nor each other; tasks are handed to the next free worker.
 * Workers start when first needed and live until close().
 */
export class WorkerPool {
  private readonly workers: Array<{ worker: Worker; job: Job | null }> = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private readonly threads: boolean;
  private inline: Promise<WorkerOutcome> = Promise.resolve(null as unknown as WorkerOutcome);

  /** `threads: false` runs the tasks in this thread, one at a time (what happens anyway when workers are unavailable) */
  constructor(
    readonly size = defaultWorkers(),
    options: { threads?: boolean } = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new TernError('BAD_REQUEST', 'workers must be a whole number ≥ 1', { field: 'workers' });
    this.threads = (options.threads ?? true) && workersAvailable();
  }

  run(config: PortableConfig, options: { full?: boolean; onProgress?: (bars: number, total: number) => void; progressEvery?: number } = {}): Promise<WorkerOutcome> {
    if (this.closed) return Promise.reject(new TernError('CONFLICT', 'the worker pool is closed'));
    if (!this.threads) {
      // no worker threads in this build: one at a time, in this thread
      this.inline = this.inline.then(() => runHere(this.nextId++, config, options), () => runHere(this.nextId++, config, options));
      return this.inline;
    }
    return new Promise<WorkerOutcome>((resolve, reject) => {
      const task: WorkerTask = { id: this.nextId++, config, progress: Boolean(options.onProgress), full: options.full ?? false, ...(options.progressEvery ? { progressEvery: options.progressEvery } : {}) };
      this.queue.push({ task, onProgress: options.onProgress, resolve, reject });
      this.dispatch();
    });
  }

  /** stops every worker; tasks not finished are rejected */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.queue, ...this.workers.flatMap((w) => (w.job ? [w.job] : []))];
    this.queue.length = 0;
    for (const job of pending) job.reject(new TernError('CONFLICT', 'canceled'));
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.workers.find((w) => w.job === null);
      if (!slot && this.workers.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage(job.task);
    }
  }

  private spawn(): { worker: Worker; job: Job | null } {
    // a worker compiles what it loads like this thread does: from the on-disk compile cache when one is on (npm run backtest)
    const compileCache = module.getCompileCacheDir?.();
    const worker = new Worker(BOOT, { workerData: { entry: ENTRY, ...(compileCache ? { compileCache } : {}) } });
    worker.unref();
    const slot = { worker, job: null as Job | null };
    worker.on('message', (reply: WorkerReply) => {
      const job = slot.job;
      if (!job || reply.id !== job.task.id) return;
      if (reply.type === 'progress') {
        job.onProgress?.(reply.bars, reply.total);
        return;
      }
      slot.job = null;
      if (reply.type === 'done') job.resolve(reply);
      else job.reject(new TernError(reply.error.code, reply.error.message, reply.error.details));
      this.dispatch();
    });
    worker.on('error', (err) => {
      const job = slot.job;
      slot.job = null;
      const at = this.workers.indexOf(slot);
      if (at >= 0) this.workers.splice(at, 1);
      job?.reject(new TernError('INTERNAL', `a backtest worker failed: ${err.message}`));
      this.dispatch();
    });
    this.workers.push(slot);
    return slot;
  }
}

/** a task run in this thread (no workers available), answered like a worker would */
async function runHere(id: number, config: PortableConfig, options: { full?: boolean; onProgress?: (bars: number, total: number) => void; progressEvery?: number }): Promise<WorkerOutcome> {
  const [{ runBacktest }, { metricsDto, reportDto }, { tradesCsv }] = await Promise.all([import('./runner.js'), import('./report.js'), import('./trades.js')]);
  const result = await runBacktest(config, {
    ...(options.progressEvery ? { progressEvery: options.progressEvery } : {}),
    ...(options.onProgress ? { onProgress: (p: { bars: number; total: number }) => options.onProgress!(p.bars, p.total) } : {}),
  });
  return {
    type: 'done',
    id,
    metrics: metricsDto(result.metrics),
    timing: result.timing,
    ...(options.full ? { report: reportDto(result), tradesCsv: tradesCsv(result.trades) } : {}),
  };
}
