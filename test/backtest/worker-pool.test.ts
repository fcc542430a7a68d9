import { describe, expect, it } from 'vitest';
import { WorkerPool, workersAvailable } from '../../src-main/backtest/worker-pool.js';

const config = { data: '/work/shared/data/freqtrade_ETH_BTC_5m.csv', symbol: 'ETH/BTC', strategy: 'sma-cross', cash: '10', fee: '0.001', to: 1_518_642_000_000 + 500 * 300_000 };

describe('the worker pool', () => {
  it('runs backtests on worker threads when it can (from source, through tsx), with progress', async () => {
    expect(workersAvailable()).toBe(true);
    const pool = new WorkerPool(1);
    const progress: number[] = [];
    const outcome = await pool.run(config, { full: true, onProgress: (bars) => progress.push(bars), progressEvery: 100 });
    await pool.close();
    expect(outcome.metrics.bars).toBe(501);
    expect(outcome.report!.metrics).toEqual(outcome.metrics);
    expect(progress).toEqual([100, 200, 300, 400, 500, 501]);
  });

  it('runs them in this thread, one at a time and with the same answers, when threads are off', async () => {
    const threads = new WorkerPool(1);
    const inline = new WorkerPool(2, { threads: false });
    const [a, b, c] = await Promise.all([threads.run(config), inline.run(config), inline.run({ ...config, params: { fast: 5 } })]);
    await threads.close();
    expect(b.metrics).toEqual(a.metrics);
    expect(c.metrics.final_equity).not.toBe(a.metrics.final_equity);
  });

  it('rejects a failing run with the engine error', async () => {
    const pool = new WorkerPool(1);
    await expect(pool.run({ ...config, symbol: 'nonsense' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'symbol' } });
    await pool.close();
  });
});
