import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandGrid, parseGridFlag } from '../../src-main/backtest/grid.js';
import { runBacktest } from '../../src-main/backtest/runner.js';
import { runSweep, sortRows } from '../../src-main/backtest/sweep.js';

let dir: string;
let data: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tern-sweep-'));
  data = join(dir, 'ftx.csv');
  writeFileSync(data, readFileSync('/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv', 'utf8').split('\n').slice(0, 3001).join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parameter grids', () => {
  it('expand to every combination, the first parameter varying slowest', () => {
    expect(expandGrid({ fast: [5, 10], slow: { from: 20, to: 30, step: 5 } })).toEqual([
      { fast: 5, slow: 20 },
      { fast: 5, slow: 25 },
      { fast: 5, slow: 30 },
      { fast: 10, slow: 20 },
      { fast: 10, slow: 25 },
      { fast: 10, slow: 30 },
    ]);
    expect(expandGrid({ x: { from: 0.1, to: 0.3, step: 0.1 } })).toEqual([{ x: 0.1 }, { x: 0.2 }, { x: 0.3 }]);
  });

  it('read NAME=a,b,c and NAME=from:to:step', () => {
    expect(parseGridFlag('fast=5,10,15')).toEqual(['fast', [5, 10, 15]]);
    expect(parseGridFlag('slow=20:40:10')).toEqual(['slow', { from: 20, to: 40, step: 10 }]);
  });

  it('refuse empty axes, bad ranges and grids too large', () => {
    expect(() => expandGrid({ a: [] })).toThrow('grid a has no values');
    expect(() => expandGrid({ a: { from: 5, to: 1, step: 1 } })).toThrow('grid a must be from ≤ to with a step > 0');
    expect(() => expandGrid({ a: { from: 1, to: 200, step: 1 }, b: { from: 1, to: 200, step: 1 } })).toThrow('at most 10000');
  });
});

describe('a sweep', () => {
  it('runs every combination on worker threads, reports progress, and sorts the table by the chosen metric', async () => {
    const progress: number[] = [];
    const base = { data, symbol: 'BTC/USD', strategy: 'sma-cross', cash: '10000', fee: '0.001' };
    const result = await runSweep({ base, grid: { fast: [5, 10], slow: [20, 30, 5] }, metric: 'final_equity', workers: 2 }, { onProgress: (d) => progress.push(d) });
    expect(result).toMatchObject({ metric: 'final_equity', order: 'desc', runs: 6, workers: 2 });
    // fast 5 / slow 5 and fast 10 / slow 5 are refused by the strategy, and listed last with the reason
    expect(result.rows.slice(-2).map((r) => [r.params.fast, r.params.slow, r.error])).toEqual([
      [5, 5, 'parameters of sma-cross: fast (5) must be shorter than slow (5)'],
      [10, 5, 'parameters of sma-cross: fast (10) must be shorter than slow (5)'],
    ]);
    const ran = result.rows.slice(0, 4);
    const equities = ran.map((r) => Number(r.metrics!.final_equity));
    expect(equities).toEqual([...equities].sort((a, b) => b - a));
    expect(progress.at(-1)).toBe(6);
    // a row is the same run as alone, in this thread
    const alone = await runBacktest({ ...base, params: ran[0]!.params });
    expect(ran[0]!.metrics!.final_equity).toBe(alone.metrics.final_equity.toFixed());
  });

  it('sorts ascending for drawdown and fees, runs without a value last', () => {
    const row = (index: number, v: number | null) => ({ index, params: {}, metrics: v === null ? null : ({ max_drawdown: v } as never), error: null });
    expect(sortRows([row(0, 0.3), row(1, null), row(2, 0.1), row(3, 0.1)], 'max_drawdown', 'asc').map((r) => r.index)).toEqual([2, 3, 0, 1]);
  });
});
