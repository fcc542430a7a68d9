// Backtest runs outlive the session (issue 11): kept in the data folder's store with their report and
// trades, listed after a restart, deletable; a run cut short by a stop or a crash is shown as interrupted.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { METHODS } from '../../src-common/contract/methods.js';
import { createRuntime, type Runtime } from '../../src-main/runtime.js';
import { MemorySecretStore } from '../../src-main/secrets/secret-store.js';
import { BacktestRunStore } from '../../src-main/store/backtest-runs.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const ctx = { actor: 'test' };
const open = (dataDir: string) => createRuntime({ dataDir, secrets: new MemorySecretStore(), reconcile: { intervalMs: 0 } });
const FTX = '/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv';
const base = { data: 'ftx.csv', symbol: 'BTC/USD', strategy: 'sma-cross', cash: '10000', fee: '0.001' };

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 800; i++) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out');
}

/** a run as a crash leaves it: its row still says running */
const crashedRun = () => ({
  job: { kind: 'backtest' as const, status: 'running' as const, strategy: 'sma-cross', symbol: 'BTC/USD', data: 'ftx.csv', params: {}, progress: { done: 10, total: 100, unit: 'bars' as const }, error: null, created_at: 1, finished_at: null, loop_bars_per_s: null },
  request: { ...base, params: {}, slippage: '0', metric: 'sharpe' as const },
  report: null,
  sweep: null,
});

function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tern-bt-kept-'));
  dirs.push(dir);
  return dir;
}

describe('backtest runs are kept in the data folder', () => {
  it('a finished run is listed after a restart with its report and trades; delete removes it for good', async () => {
    const dir = dataFolder();
    let rt: Runtime = await open(dir);
    writeFileSync(join(dir, 'imports', 'ftx.csv'), readFileSync(FTX, 'utf8').split('\n').slice(0, 2001).join('\n'));
    const job = await rt.api.call('backtests.start', base, ctx);
    const done = await until(() => rt.api.call('backtests.get', { id: job.id }, ctx), (j) => j.status !== 'running');
    expect(done.status).toBe('done');
    expect(done.report!.trade_list.length).toBeGreaterThan(0);
    await rt.close();

    rt = await open(dir);
    try {
      const listed = await rt.api.call('backtests.list', {}, ctx);
      expect(listed).toEqual([expect.objectContaining({ id: job.id, status: 'done', strategy: 'sma-cross', data: 'ftx.csv', progress: done.progress })]);
      const again = await rt.api.call('backtests.get', { id: job.id }, ctx);
      METHODS['backtests.get'].result.parse(again);
      // the same report, to the digit: metrics, trade list, equity curve and the chart's candles
      expect(again).toEqual(done);
      expect(again.report!.candles!.length).toBe(2000);

      const deleted = await rt.api.call('backtests.delete', { id: job.id }, ctx);
      expect(deleted).toMatchObject({ id: job.id, status: 'done' });
      expect(await rt.api.call('backtests.list', {}, ctx)).toEqual([]);
      await expect(rt.api.call('backtests.get', { id: job.id }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(rt.api.call('backtests.delete', { id: job.id }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await rt.close();
    }
    // gone for good, and its id never names another run
    const runs = BacktestRunStore.open(join(dir, 'tern.db'));
    try {
      expect(runs.list()).toEqual([]);
      expect(runs.create(crashedRun(), (n) => `bt-${n}`).id).not.toBe(job.id);
    } finally {
      runs.close();
    }
  });

  it('a run in progress when Tern stops, or left running by a crash, is listed as interrupted, not dropped', async () => {
    const dir = dataFolder();
    let rt: Runtime = await open(dir);
    copyFileSync(FTX, join(dir, 'imports', 'ftx.csv'));
    // a sweep of many runs on one worker: still in progress when Tern stops
    const sweep = await rt.api.call('backtests.start', { ...base, grid: { fast: { from: 2, to: 9, step: 1 }, slow: [30, 40, 50] }, workers: 1 }, ctx);
    await rt.close();
    // what a crash leaves behind: a run whose row still says running
    const runs = BacktestRunStore.open(join(dir, 'tern.db'));
    const crashed = runs.create(crashedRun(), (n) => `bt-${n}`);
    runs.close();

    rt = await open(dir);
    try {
      const listed = await rt.api.call('backtests.list', {}, ctx);
      expect(listed.map((j) => [j.id, j.status])).toEqual([
        [crashed.id, 'interrupted'],
        [sweep.id, 'interrupted'],
      ]);
      for (const j of listed) expect(j.error).toMatch(/Tern stopped while this run was in progress/);
      const detail = await rt.api.call('backtests.get', { id: crashed.id }, ctx);
      METHODS['backtests.get'].result.parse(detail);
      await expect(rt.api.call('backtests.cancel', { id: crashed.id }, ctx)).rejects.toMatchObject({ code: 'CONFLICT' });
      await rt.api.call('backtests.delete', { id: crashed.id }, ctx);
      expect((await rt.api.call('backtests.list', {}, ctx)).map((j) => j.id)).toEqual([sweep.id]);
    } finally {
      await rt.close();
    }
  });
});
