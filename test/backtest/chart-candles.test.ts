import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketBars, rollUpCandles } from '../../src-main/backtest/chart-candles.js';
import { main } from '../../src-main/backtest/cli.js';
import { reportDto, reportJson } from '../../src-main/backtest/report.js';
import { BacktestReport } from '../../src-common/contract/strategy-schemas.js';
import { METHODS } from '../../src-common/contract/methods.js';
import { parseCandleSeries } from '../../src-main/feeds/candles-csv.js';
import { MINUTE, T0, backtest, bars } from './helpers.js';

/** n one-minute bars from T0 (bar i: open i+1, high i+3, low i+0.5, close i+2, volume i), less the ones `skip` names */
function minutes(n: number, skip: (i: number) => boolean = () => false) {
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < n; i++) if (!skip(i)) lines.push(`${T0 + i * MINUTE},${i + 1},${i + 3},${i + 0.5},${i + 2},${i}`);
  return parseCandleSeries(lines.join('\n'), 'test');
}

describe('the chart candles of a run', () => {
  it('keeps every bar as its own candle when they fit', () => {
    const s = bars([
      [10, 12, 9, 11],
      [11, 13, 10, 12],
    ]);
    expect(rollUpCandles(s, 0, s.length, MINUTE)).toEqual([
      [T0, 10, 12, 9, 11, 1],
      [T0 + MINUTE, 11, 13, 10, 12, 1],
    ]);
  });

  it('rolls buckets from the first bar: first open, highest high, lowest low, last close, summed volume', () => {
    const s = bars([
      [10, 12, 9, 11],
      [11, 15, 10, 12],
      [12, 13, 8, 9],
      [9, 10, 7, 8],
      [8, 9, 6, 7],
    ]);
    // 5 bars, at most 2 candles: 3 bars a candle (2 would make 3 candles)
    expect(bucketBars(s.ts, 0, s.length, MINUTE, 2)).toBe(3);
    expect(rollUpCandles(s, 0, s.length, MINUTE, 2)).toEqual([
      [T0, 10, 15, 8, 9, 3],
      [T0 + 3 * MINUTE, 9, 10, 6, 7, 2],
    ]);
  });

  it('leaves a gap a gap: no candle for an empty bucket, and a bucket holds only the bars inside its time', () => {
    // bars 0-3, then 8-11 (4-7 missing); buckets of 2 minutes → [0,1] [2,3] — gap — [8,9] [10,11]
    const s = minutes(12, (i) => i >= 4 && i < 8);
    const rows = rollUpCandles(s, 0, s.length, MINUTE, 4);
    expect(rows.map((r) => (r[0] - T0) / MINUTE)).toEqual([0, 2, 8, 10]);
    expect(rows[1]).toEqual([T0 + 2 * MINUTE, 3, 6, 2.5, 5, 5]);
    expect(rows[2]).toEqual([T0 + 8 * MINUTE, 9, 12, 8.5, 11, 17]);
  });

  it('picks the smallest multiple of the bar length that fits, also across gaps', () => {
    const s = minutes(12, (i) => i >= 4 && i < 8);
    // 8 bars, 3 candles: k=3 → buckets 0-2, 3-5, 6-8, 9-11 → four hold bars; k=4 → 0-3, 8-11 → two
    expect(bucketBars(s.ts, 0, s.length, MINUTE, 3)).toBe(4);
    expect(rollUpCandles(s, 0, s.length, MINUTE, 3)).toEqual([
      [T0, 1, 6, 0.5, 5, 6],
      [T0 + 8 * MINUTE, 9, 14, 8.5, 13, 38],
    ]);
    // two runs of 5 bars far apart: 5 bars a candle, one candle a run (the empty span between costs nothing)
    const far = minutes(1005, (i) => i >= 5 && i < 1000);
    expect(bucketBars(far.ts, 0, far.length, MINUTE, 2)).toBe(5);
  });

  it('cuts a 10,000-bar series to at most 4000 candles that keep the whole range, volume and extremes', () => {
    const s = minutes(10_000);
    const rows = rollUpCandles(s, 0, s.length, MINUTE);
    expect(rows.length).toBeLessThanOrEqual(4000);
    expect(rows).toHaveLength(3334); // 3 bars a candle (2 would be 5000)
    expect(rows[0]).toEqual([T0, 1, 5, 0.5, 4, 3]);
    expect(rows.at(-1)).toEqual([T0 + 9999 * MINUTE, 10_000, 10_002, 9999.5, 10_001, 9999]);
    expect(rows.reduce((v, r) => v + r[5], 0)).toBe((9999 * 10_000) / 2);
    expect(Math.max(...rows.map((r) => r[2]))).toBe(10_002);
    expect(rows.map((r) => r[0])).toEqual([...rows.map((r) => r[0])].sort((a, b) => a - b));
  });

  it('rolls only the run’s rows [start, end)', () => {
    const s = minutes(10);
    expect(rollUpCandles(s, 3, 6, MINUTE)).toEqual([
      [T0 + 3 * MINUTE, 4, 6, 3.5, 5, 3],
      [T0 + 4 * MINUTE, 5, 7, 4.5, 6, 4],
      [T0 + 5 * MINUTE, 6, 8, 5.5, 7, 5],
    ]);
    expect(rollUpCandles(s, 3, 3, MINUTE)).toEqual([]);
  });
});

describe('candles in the report', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tern-candles-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('backtests.get carries the run’s candles (at most 4000), and the result validates against the protocol schema', async () => {
    const result = await backtest(minutes(10_000), 'sma-cross');
    const dto = reportDto(result);
    const wire = JSON.parse(JSON.stringify(dto));
    const parsed = BacktestReport.parse(wire);
    expect(parsed.candles).toHaveLength(3334);
    expect(parsed.candles![0]).toEqual([T0, 1, 5, 0.5, 4, 3]);
    const job = { id: 'bt-1', kind: 'backtest', status: 'done', strategy: 'sma-cross', symbol: 'BTC/USDT', data: 'x.csv', params: {}, progress: { done: 10_000, total: 10_000, unit: 'bars' }, error: null, created_at: 1, finished_at: 2, loop_bars_per_s: null };
    const detail = METHODS['backtests.get'].result.parse({ ...job, report: wire, sweep: null });
    expect(detail.report?.candles).toEqual(parsed.candles);
  });

  it('a run makes its chart candles only when they are read, once', async () => {
    const result = await backtest(minutes(50), 'sma-cross');
    expect(typeof Object.getOwnPropertyDescriptor(result, 'candles')?.get).toBe('function');
    const first = result.candles;
    expect(first).toHaveLength(50);
    expect(result.candles).toBe(first);
  });

  it('report.json has no candles key (the file stays as it was)', async () => {
    const result = await backtest(minutes(50), 'sma-cross');
    const dto = reportDto(result);
    expect(dto.candles).toHaveLength(50);
    const text = reportJson(dto);
    expect(JSON.parse(text)).not.toHaveProperty('candles');
    const { candles: _c, ...rest } = dto;
    expect(reportJson(rest as typeof dto)).toBe(text);
  });

  it('the CLI writes report.json without candles', async () => {
    const data = join(dir, 'bars.csv');
    const lines = readFileSync('/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv', 'utf8').split('\n');
    writeFileSync(data, `${lines.slice(0, 501).join('\n')}\n`);
    const out = join(dir, 'out');
    const code = await main(['--data', data, '--symbol', 'BTC/USD', '--strategy', 'sma-cross', '--cash', '10000', '--fee', '0.001', '--out', out, '--quiet'], { out: () => {}, err: () => {}, isTTY: false, cwd: dir });
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.bars).toBe(500);
    expect(report).not.toHaveProperty('candles');
  });
});
