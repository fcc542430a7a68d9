import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHODS } from '../../src-common/contract/methods.js';
import { FakeEngine } from '../helpers/fake-engine.js';
import { testFiles } from '../helpers/test-files.js';

let dir: string;
let data: string;
const ctx = { actor: 'test' };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tern-bt-api-'));
  testFiles(dir);
  data = 'ftx.csv';
  writeFileSync(join(dir, 'imports', data), readFileSync('/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv', 'utf8').split('\n').slice(0, 2001).join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out');
}

describe('backtests on the protocol', () => {
  let api: FakeEngine;
  beforeAll(() => {
    api = new FakeEngine({ files: testFiles(dir) });
  });
  const base = () => ({ data, symbol: 'BTC/USD', strategy: 'sma-cross', cash: '10000', fee: '0.001' });

  it('backtests.start runs one on a worker; backtests.get follows its progress and then holds the report', async () => {
    const job = await api.call('backtests.start', base(), ctx);
    expect(job).toMatchObject({ kind: 'backtest', status: 'running', strategy: 'sma-cross', progress: { unit: 'bars' } });
    const done = await until(() => api.call('backtests.get', { id: job.id }, ctx), (j) => j.status !== 'running');
    expect(done.status).toBe('done');
    expect(done.progress).toEqual({ done: 2000, total: 2000, unit: 'bars' });
    METHODS['backtests.get'].result.parse(done);
    const report = done.report!;
    expect(report.metrics.bars).toBe(2000);
    expect(report.trade_list).toHaveLength(report.metrics.trades);
    expect(report.equity_curve).toHaveLength(2000);
    expect(report.strategy).toMatchObject({ name: 'sma-cross', params: { fast: 10, slow: 30 } });
    expect(done.sweep).toBeNull();
    expect((await api.call('backtests.list', {}, ctx))[0]!.id).toBe(job.id);
  });

  it('with a grid it is a sweep: the results table sorted by the chosen metric', async () => {
    const job = await api.call('backtests.start', { ...base(), grid: { fast: [5, 10], slow: { from: 20, to: 30, step: 10 } }, metric: 'sharpe', workers: 2 }, ctx);
    expect(job).toMatchObject({ kind: 'sweep', progress: { unit: 'runs' } });
    const done = await until(() => api.call('backtests.get', { id: job.id }, ctx), (j) => j.status !== 'running');
    expect(done.status).toBe('done');
    METHODS['backtests.get'].result.parse(done);
    const sweep = done.sweep!;
    expect(sweep.runs).toBe(4);
    const sharpes = sweep.rows.map((r) => r.metrics!.sharpe!);
    expect(sharpes).toEqual([...sharpes].sort((a, b) => b - a));
    expect(done.progress).toEqual({ done: 4, total: 4, unit: 'runs' });
  });

  it('a run that cannot start ends failed with the reason; a missing file is refused at once', async () => {
    writeFileSync(join(dir, 'imports', 'bad.csv'), '1000,1,1,1,1,1\n2000,1,1,1,1\n');
    const job = await api.call('backtests.start', { ...base(), data: 'bad.csv' }, ctx);
    const done = await until(() => api.call('backtests.get', { id: job.id }, ctx), (j) => j.status !== 'running');
    expect(done).toMatchObject({ status: 'failed', error: expect.stringContaining('line 2 is not a candle row') });
    await expect(api.call('backtests.start', { ...base(), data: 'missing.csv' }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('data file not found') });
  });

  it('refuses bad parameters naming the field, and an unknown job', async () => {
    await expect(api.call('backtests.start', { ...base(), fee: '1.5' }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'fee' } });
    await expect(api.call('backtests.start', { ...base(), cash: '-1' }, ctx)).rejects.toMatchObject({ details: { field: 'cash' } });
    await expect(api.call('backtests.get', { id: 'bt-999' }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('backtests.cancel stops a running sweep', async () => {
    const job = await api.call('backtests.start', { ...base(), grid: { fast: { from: 2, to: 9, step: 1 }, slow: [30, 40, 50] }, workers: 1 }, ctx);
    const canceled = await api.call('backtests.cancel', { id: job.id }, ctx);
    expect(canceled.status).toBe('canceled');
    await expect(api.call('backtests.cancel', { id: job.id }, ctx)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
