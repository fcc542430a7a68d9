import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, main } from '../../src-main/backtest/cli.js';
import { METRIC_NAMES } from '../../src-main/backtest/metrics.js';

let dir: string;
let data: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tern-cli-'));
  data = join(dir, 'ftx.csv');
  const lines = readFileSync('/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv', 'utf8').split('\n');
  writeFileSync(data, `${lines.slice(0, 4001).join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(isTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), isTTY, cwd: dir };
  return { io: value, out, err };
}

const args = (out: string, extra: string[] = []) => ['--data', data ?? 'DATA', '--symbol', 'BTC/USD', '--strategy', 'sma-cross', '--cash', '10000', '--fee', '0.001', '--out', out, ...extra];

describe('npm run backtest', () => {
  it('writes report.json with every metric by name and trades.csv with the fixed header', async () => {
    const o = io();
    expect(await main(args(join(dir, 'a')), o.io)).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'a', 'report.json'), 'utf8'));
    for (const name of METRIC_NAMES) expect(report, name).toHaveProperty(name);
    expect(report.bars).toBe(4000);
    expect(typeof report.final_equity).toBe('number');
    expect(Array.isArray(report.equity_curve)).toBe(true);
    expect(report.trade_list).toHaveLength(report.trades);
    const csv = readFileSync(join(dir, 'a', 'trades.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('entry_time,entry_price,exit_time,exit_price,quantity,pnl_gross,pnl_net,fees');
    expect(csv).toHaveLength(report.trades + 1);
    const [entryTime, , exitTime] = csv[1]!.split(',');
    expect(Number(entryTime)).toBeGreaterThan(1_600_000_000_000);
    expect(Number(exitTime)).toBeGreaterThan(Number(entryTime));
    expect(o.out.join('')).toMatch(/sma-cross on BTC\/USD: 4000 bars/);
  });

  it('writes money in report.json as numbers with every digit of the exact decimal', async () => {
    const text = readFileSync(join(dir, 'a', 'report.json'), 'utf8');
    const literal = /"final_equity": (-?[\d.]+),/.exec(text)![1]!;
    const csv = readFileSync(join(dir, 'a', 'trades.csv'), 'utf8').trim().split('\n').slice(1);
    // 10000 + Σ pnl_net (flat at the end or not, the literal has all its digits)
    expect(literal.replace('.', '').length).toBeGreaterThan(15);
    expect(csv.length).toBeGreaterThan(10);
  });

  it('is deterministic: two runs write byte-identical report.json and trades.csv', async () => {
    expect(await main(args(join(dir, 'b')), io().io)).toBe(0);
    expect(readFileSync(join(dir, 'b', 'report.json'))).toEqual(readFileSync(join(dir, 'a', 'report.json')));
    expect(readFileSync(join(dir, 'b', 'trades.csv'))).toEqual(readFileSync(join(dir, 'a', 'trades.csv')));
  });

  it('takes --param k=v and --slippage; relative paths are from where it was started', async () => {
    const o = io();
    expect(await main(['--data', 'ftx.csv', '--symbol', 'BTCUSD', '--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20', '--cash', '5000', '--fee', '0', '--slippage', '0.0005', '--out', 'c', '--quiet'], o.io)).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'c', 'report.json'), 'utf8'));
    expect(report.strategy.params).toEqual({ fast: 5, slow: 20, fraction: 0.95, cash: 0 });
    expect([report.cash, report.fee, report.slippage, report.symbol]).toEqual(['5000', '0', '0.0005', 'BTC/USD']);
    expect(o.out).toEqual([]);
  });

  it('a local user names any path: a strategy module anywhere; a module that fails to load shows its own error here', async () => {
    const mod = join(dir, 'hold.mjs');
    writeFileSync(mod, "export default { name: 'hold', params: {}, create() { return {}; } };\n");
    const o = io();
    expect(await main(args(join(dir, 'mod')).map((a) => (a === 'sma-cross' ? mod : a)), o.io), o.err.join('')).toBe(0);
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, 'myhost_h6\n');
    const b = io();
    expect(await main(args(join(dir, 'broken')).map((a) => (a === 'sma-cross' ? broken : a)), b.io)).toBe(2);
    expect(b.err.join('')).toMatch(/could not be loaded \(\w+\)/);
    expect(b.err.join('')).toContain('myhost_h6'); // the cause, for the user who wrote it
  });

  it('draws a progress bar on a terminal', async () => {
    const o = io(true);
    expect(await main(args(join(dir, 'd')), o.io)).toBe(0);
    expect(o.err.join('')).toMatch(/\[#+\] 100 % 4,000\/4,000 bars/);
  });

  it('runs a sweep with --grid: sweep.json and sweep.csv sorted by --metric', async () => {
    const o = io();
    expect(await main(args(join(dir, 's'), ['--grid', 'fast=5,10', '--grid', 'slow=20:30:10', '--metric', 'final_equity', '--workers', '2']), o.io)).toBe(0);
    const sweep = JSON.parse(readFileSync(join(dir, 's', 'sweep.json'), 'utf8'));
    expect(sweep).toMatchObject({ metric: 'final_equity', runs: 4, workers: 2 });
    const equities = sweep.rows.map((r: { metrics: { final_equity: string } }) => Number(r.metrics.final_equity));
    expect(equities).toEqual([...equities].sort((a, b) => b - a));
    const csv = readFileSync(join(dir, 's', 'sweep.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe(`fast,slow,fraction,cash,${METRIC_NAMES.join(',')},error`);
    expect(csv).toHaveLength(5);
    expect(o.out.join('')).toMatch(/4 runs on 2 workers/);
  });

  it.each([
    [['--symbol', 'BTC/USD'], '--data is required'],
    [[...args('x').filter((a) => a !== '--fee' && a !== '0.001')], '--fee is required'],
    [args('x', ['--cash', '5']), '--cash is given twice'],
    [['--data', 'DATA', '--symbol', 'BTC/USD', '--strategy', 'sma-cross', '--cash', 'lots', '--fee', '0.001', '--out', 'x'], '--cash must be a positive amount'],
    [['--data', 'DATA', '--symbol', 'BTC/USD', '--strategy', 'sma-cross', '--cash', '100', '--fee', '2', '--out', 'x'], '--fee must be a fraction'],
    [args('x', ['--slippage', '-1']), '--slippage must be a fraction'],
    [args('x', ['--param', 'fast']), '--param expects NAME=VALUE'],
    [args('x', ['--bogus', '1']), 'unknown flag --bogus'],
    [['--data', 'DATA', '--symbol', 'bitcoin', '--strategy', 'sma-cross', '--cash', '100', '--fee', '0', '--out', 'x'], '--symbol must name a market'],
    [args('x', ['--out']), '--out needs a value'],
    [args('x', ['--grid', 'fast']), '--grid expects NAME=a,b,c'],
    [args('x', ['--metric', 'luck']), '--metric must be one of'],
    [args('x', ['--workers', '0']), '--workers must be a whole number'],
  ])('refuses bad arguments naming the flag: %j → %s', async (argv, message) => {
    const o = io();
    // the table is built before the data file exists: DATA stands for it
    expect(await main((argv as Array<string | undefined>).map((a) => (a === 'DATA' || a === undefined ? data : a)), o.io)).toBe(2);
    expect(o.err.join('')).toContain(message);
    expect(o.err.join('')).toContain('usage:');
  });

  it.each([
    [['--data', 'missing.csv'], '--data: data file not found'],
    [['--strategy', 'nope'], '--strategy: strategy "nope" is neither a built-in strategy'],
    [['--param', 'fast=abc'], '--param: parameter fast must be a number'],
    [['--param', 'speed=3'], '--param: strategy sma-cross has no parameter "speed"'],
  ])('refuses what the run cannot use, naming the flag: %j', async (change, message) => {
    const base = args(join(dir, 'e'));
    const flag = change[0]!;
    const at = base.indexOf(flag);
    const argv = at >= 0 ? [...base.slice(0, at), ...change, ...base.slice(at + 2)] : [...base, ...change];
    const o = io();
    expect(await main(argv, o.io)).toBe(2);
    expect(o.err.join('')).toContain(message);
  });
});
