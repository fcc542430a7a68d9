/**
 * A worker thread that runs backtests for a WorkerPool: one task at a time,
 * progress and the outcome posted back. Parsed data stays cached in the
 * worker (data.ts), so a sweep's runs on one file parse it once per worker.
 */
import { parentPort } from 'node:worker_threads';
import { TernError } from '../../src-common/contract/errors.js';
import { metricsDto, reportDto } from './report.js';
import { runBacktest } from './runner.js';
import { tradesCsv } from './trades.js';
import type { WorkerReply, WorkerTask } from './worker-pool.js';

const port = parentPort;
if (!port) throw new Error('backtest-worker runs in a worker thread');

port.on('message', (task: WorkerTask) => {
  void handle(task);
});

async function handle(task: WorkerTask): Promise<void> {
  const post = (reply: WorkerReply) => port!.postMessage(reply);
  try {
    const result = await runBacktest(task.config, {
      progressEvery: task.progressEvery,
      onProgress: task.progress ? (p) => post({ type: 'progress', id: task.id, bars: p.bars, total: p.total }) : undefined,
    });
    post({
      type: 'done',
      id: task.id,
      metrics: metricsDto(result.metrics),
      timing: result.timing,
      ...(task.full ? { report: reportDto(result), tradesCsv: tradesCsv(result.trades) } : {}),
    });
  } catch (err) {
    const e = err instanceof TernError ? err : new TernError('INTERNAL', err instanceof Error ? err.message : String(err));
    post({ type: 'error', id: task.id, error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } });
  }
}
