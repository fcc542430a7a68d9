/**
 * sma-cross over 1,000,000 bars (the FTX file tiled): bars per second of the
 * engine loop once the data is loaded (in this process), and the wall time of
 * the whole CLI run (`npm run backtest`, a new process: start, import, loop,
 * report). Goals: ≥ 2,000,000 bars/s in the loop; the CLI ≤ 2 s.
 * What an order costs the engine is also given as numbers a busy machine
 * disturbs less than wall time: CPU time (`engine_cpu_us_per_order`) and
 * bytes allocated (`engine_bytes_per_order`, V8's sampling heap profiler),
 * each the run with orders less the run without, per order.
 */
import { spawnSync } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBacktest } from '../src-main/backtest/runner.js';
import { readCandleFile } from '../src-main/backtest/data.js';
import { defineStrategy } from '../src-main/strategies/api.js';
import { Sma } from '../src-main/strategies/indicators/index.js';
import { tiledFile } from './backtest-fixture.js';
import { emit } from './stats.js';

const ROWS = 1_000_000;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = tiledFile(ROWS);
const series = readCandleFile(file);
const config = { data: series, symbol: 'BTC/USD', strategy: 'sma-cross', cash: '10000', fee: '0.001' };

// the loop, best of three (the first also warms the engine's code up)
// (and the CPU time of a whole run, steadier than wall time on a shared machine)
let best = { loop_ms: Infinity, loop_bars_per_s: 0 };
let bestCpuMs = Infinity;
const cpuRun = async () => {
  const c0 = process.cpuUsage();
  const r = await runBacktest(config);
  const c = process.cpuUsage(c0);
  bestCpuMs = Math.min(bestCpuMs, (c.user + c.system) / 1000);
  return r;
};
let run = await cpuRun();
for (let i = 0; i < 3; i++) {
  if (run.timing.loop_ms < best.loop_ms) best = run.timing;
  if (i < 2) run = await cpuRun();
}
const orders = run.orders.placed;

// the same bars with the two SMAs and no trading: the per-bar path alone
const indicatorsOnly = defineStrategy({
  name: 'sma-only',
  params: {},
  create: () => {
    const fast = new Sma(10, { decimals: 0 });
    const slow = new Sma(30, { decimals: 0 });
    return { onBar: (bar) => void (fast.update(bar.close), slow.update(bar.close)) };
  },
});
let barsOnly = Infinity;
let barsOnlyCpuMs = Infinity;
for (let i = 0; i < 3; i++) {
  const c0 = process.cpuUsage();
  barsOnly = Math.min(barsOnly, (await runBacktest({ ...config, strategy: indicatorsOnly })).timing.loop_ms);
  const c = process.cpuUsage(c0);
  barsOnlyCpuMs = Math.min(barsOnlyCpuMs, (c.user + c.system) / 1000);
}

// bytes allocated by a whole run (every object, also those collected since), with and without the orders
type HeapNode = { selfSize: number; children: HeapNode[] };
const allocated = async (strategy: typeof config.strategy | typeof indicatorsOnly): Promise<number> => {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await runBacktest({ ...config, strategy });
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  const sum = (n: HeapNode): number => n.children.reduce((t, c) => t + sum(c), n.selfSize);
  return sum(profile.head as HeapNode);
};
const bytesPerOrder = Math.round(((await allocated(config.strategy)) - (await allocated(indicatorsOnly))) / Math.max(1, orders));

// the whole CLI, as a trader runs it
const out = mkdtempSync(join(tmpdir(), 'tern-bench-cli-'));
const npm = process.env.npm_execpath;
const cliArgs = ['--data', file, '--symbol', 'BTC/USD', '--strategy', 'sma-cross', '--cash', '10000', '--fee', '0.001', '--out', out, '--quiet'];
const timeIt = (cmd: string, args: string[]) => {
  let bestSeconds = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`the CLI failed: ${r.stderr}`);
    bestSeconds = Math.min(bestSeconds, (performance.now() - t0) / 1000);
  }
  return Math.round(bestSeconds * 1000) / 1000;
};
const cliSeconds = npm ? timeIt(process.execPath, [npm, 'run', 'backtest', '--silent', '--', ...cliArgs]) : null;
// what `npm run backtest` runs, without npm's own start (the built CLI, scripts/backtest.mjs)
const cliNodeSeconds = timeIt(process.execPath, ['scripts/backtest.mjs', ...cliArgs]);
rmSync(out, { recursive: true, force: true });

emit({
  bench: 'backtest_sma_cross_1m',
  goal_loop_bars_per_s: 2_000_000,
  goal_cli_seconds: 2,
  cores: availableParallelism(),
  loop_bars_per_s: best.loop_bars_per_s,
  cli_seconds: cliSeconds ?? cliNodeSeconds,
  cli_node_seconds: cliNodeSeconds,
  bars: ROWS,
  orders,
  trades: run.metrics.trades,
  loop_seconds: Math.round(best.loop_ms) / 1000,
  run_cpu_seconds: Math.round(bestCpuMs) / 1000,
  loop_bars_per_s_without_orders: Math.round((ROWS / barsOnly) * 1000),
  engine_us_per_order: Math.round(((best.loop_ms - barsOnly) * 1000) / Math.max(1, orders)),
  engine_cpu_us_per_order: Math.round(((bestCpuMs - barsOnlyCpuMs) * 1000) / Math.max(1, orders)),
  engine_bytes_per_order: bytesPerOrder,
});
