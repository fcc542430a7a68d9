/**
 * `npm run backtest -- --data FILE.csv --symbol SYM --strategy NAME|PATH
 *   [--param k=v ...] --cash 10000 --fee 0.001 [--slippage 0] --out DIR
 *   [--from TIME] [--to TIME] [--quiet]`
 *
 * Runs one backtest and writes DIR/report.json and DIR/trades.csv. With
 * `--grid NAME=a,b,c` / `--grid NAME=from:to:step` (repeatable) it runs a
 * parameter sweep instead, on worker threads (`--workers N`), and writes
 * DIR/sweep.json and DIR/sweep.csv sorted by `--metric` (default sharpe). A
 * progress bar goes to stderr when it is a terminal. Bad arguments exit 2
 * with a message naming the flag; a failed run exits 1.
 */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TernError } from '../../src-common/contract/errors.js';
import { Decimal } from '../engine/model/decimal.js';
import { parseParamPairs } from '../strategies/params.js';
import { type GridAxis, parseGridFlag } from './grid.js';
import { normalizeSymbol } from './instrument.js';
import { METRIC_NAMES, type MetricName } from './metrics.js';
import { type SweepResult, runSweep } from './sweep.js';
import { reportDto, writeReport } from './report.js';
import { type BacktestConfig, runBacktest } from './runner.js';

/** the bundle's entry (scripts/backtest-build.mjs) also serves the benchmarks, which run sweeps as the CLI does: on built workers */
export { runSweep };

export const USAGE = `usage: npm run backtest -- --data FILE.csv --symbol SYM --strategy NAME|PATH [--param k=v ...]
                            --cash 10000 --fee 0.001 [--slippage 0] --out DIR [--from TIME] [--to TIME] [--quiet]

  --data FILE.csv      candles: timestamp,open,high,low,close,volume (epoch ms); or the candle cache of a
                       Tern database: sqlite:tern.db?source=binance&symbol=BTC/USDT&timeframe=1m
  --symbol SYM         the market the file is, e.g. BTC/USDT (cash is in its quote asset)
  --strategy NAME|PATH a built-in strategy (sma-cross, rsi-reversion, grid) or a strategy module file
  --param k=v          a strategy parameter (repeatable)
  --cash AMOUNT        starting cash in the quote asset
  --fee RATE           fee as a fraction of each fill's notional (0.001 = 0.1 %)
  --slippage RATE      market and stop fills move this fraction against the order (default 0)
  --out DIR            where report.json and trades.csv are written
  --from / --to TIME   only bars opening in this range (epoch ms or an ISO date)
  --quiet              no progress bar, no summary
  --grid k=a,b,c       a sweep instead: every combination of the grids (also k=from:to:step; repeatable),
  --metric NAME        sorted by this metric (default sharpe), into DIR/sweep.json and DIR/sweep.csv,
  --workers N          on N worker threads (default: the CPU cores)`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** whether stderr is a terminal (progress bar) */
  isTTY: boolean;
  cwd: string;
}

export class UsageError extends Error {
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CliArgs {
  data: string;
  symbol: string;
  strategy: string;
  params: Record<string, string>;
  cash: string;
  fee: string;
  slippage: string;
  out: string;
  from?: number;
  to?: number;
  quiet: boolean;
  help: boolean;
  grid: Record<string, GridAxis>;
  metric: MetricName;
  workers?: number;
}

const VALUE_FLAGS = new Set(['data', 'symbol', 'strategy', 'param', 'cash', 'fee', 'slippage', 'out', 'from', 'to', 'grid', 'metric', 'workers']);
const REQUIRED = ['data', 'symbol', 'strategy', 'cash', 'fee', 'out'] as const;

/** Parses the arguments; every refusal names its flag. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const values = new Map<string, string>();
  const params: string[] = [];
  const grid: Record<string, GridAxis> = {};
  let quiet = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--quiet') {
      quiet = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(arg, `unexpected argument "${arg}": flags start with --`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq > 0 ? eq : undefined);
    if (!VALUE_FLAGS.has(name)) throw new UsageError(`--${name}`, `unknown flag --${name}`);
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new UsageError(`--${name}`, `--${name} needs a value`);
      i++;
    }
    if (name === 'param') params.push(value);
    else if (name === 'grid') {
      try {
        const [key, axis] = parseGridFlag(value);
        grid[key] = axis;
      } catch (err) {
        throw new UsageError('--grid', (err as Error).message);
      }
    } else if (values.has(name)) throw new UsageError(`--${name}`, `--${name} is given twice`);
    else values.set(name, value);
  }
  if (help) return { data: '', symbol: '', strategy: '', params: {}, cash: '', fee: '', slippage: '0', out: '', quiet, help, grid, metric: 'sharpe' };
  for (const flag of REQUIRED) if (!values.get(flag)?.trim()) throw new UsageError(`--${flag}`, `--${flag} is required`);

  const cash = values.get('cash')!.trim();
  checkDecimal('--cash', cash, (d) => d.gt(0), 'a positive amount, e.g. 10000');
  const fee = values.get('fee')!.trim();
  checkDecimal('--fee', fee, (d) => d.gte(0) && d.lt(1), 'a fraction of notional ≥ 0 and < 1, e.g. 0.001');
  const slippage = (values.get('slippage') ?? '0').trim();
  checkDecimal('--slippage', slippage, (d) => d.gte(0) && d.lt(1), 'a fraction ≥ 0 and < 1, e.g. 0.0005');
  let symbol: string;
  try {
    symbol = normalizeSymbol(values.get('symbol')!, '--symbol');
  } catch (err) {
    throw new UsageError('--symbol', (err as Error).message);
  }
  let paramValues: Record<string, string>;
  try {
    paramValues = parseParamPairs(params);
  } catch (err) {
    throw new UsageError('--param', (err as Error).message);
  }
  const metric = (values.get('metric') ?? 'sharpe') as MetricName;
  if (!METRIC_NAMES.includes(metric)) throw new UsageError('--metric', `--metric must be one of ${METRIC_NAMES.join(', ')}, got "${metric}"`);
  const workersText = values.get('workers');
  const workers = workersText === undefined ? undefined : Number(workersText);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 64)) throw new UsageError('--workers', `--workers must be a whole number from 1 to 64, got "${workersText}"`);
  return {
    grid,
    metric,
    ...(workers !== undefined ? { workers } : {}),
    data: values.get('data')!,
    symbol,
    strategy: values.get('strategy')!,
    params: paramValues,
    cash,
    fee,
    slippage,
    out: values.get('out')!,
    ...(values.has('from') ? { from: parseTime('--from', values.get('from')!) } : {}),
    ...(values.has('to') ? { to: parseTime('--to', values.get('to')!) } : {}),
    quiet,
    help,
  };
}

function checkDecimal(flag: string, text: string, rule: (d: Decimal) => boolean, what: string): void {
  let d: Decimal | null = null;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) d = new Decimal(text);
  if (!d || !d.isFinite() || !rule(d)) throw new UsageError(flag, `${flag} must be ${what}, got "${text}"`);
}

function parseTime(flag: string, text: string): number {
  const t = /^\d+$/.test(text.trim()) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(t) || t < 0) throw new UsageError(flag, `${flag} must be epoch ms or an ISO date, got "${text}"`);
  return t;
}

/** the flag a refusal from the run is about (its details.field) */
function flagOf(err: TernError): string | null {
  const field = String(err.details?.field ?? '');
  if (field.startsWith('params.') || field === 'params') return '--param';
  const known: Record<string, string> = { data: '--data', file: '--data', symbol: '--symbol', strategy: '--strategy', cash: '--cash', fee: '--fee', slippage: '--slippage', from: '--from', to: '--to' };
  return known[field] ?? null;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (args.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const config: BacktestConfig = {
    data: args.data,
    symbol: args.symbol,
    strategy: args.strategy,
    params: args.params,
    cash: args.cash,
    fee: args.fee,
    slippage: args.slippage,
    ...(args.from !== undefined ? { from: args.from } : {}),
    ...(args.to !== undefined ? { to: args.to } : {}),
    cwd: io.cwd,
  };
  const bar = io.isTTY && !args.quiet ? new ProgressBar(io.err) : null;
  if (Object.keys(args.grid).length > 0) return sweep(args, config, io, bar);
  try {
    const result = await runBacktest(config, { onProgress: bar ? (p) => bar.update(p.bars, p.total) : undefined });
    bar?.done();
    const paths = writeReport(resolve(io.cwd, args.out), result, reportDto(result));
    if (!args.quiet) io.out(summary(result, paths));
    return 0;
  } catch (err) {
    bar?.done();
    if (err instanceof TernError) {
      const flag = flagOf(err);
      const code = flag && err.code === 'BAD_REQUEST' ? 2 : 1;
      io.err(`error: ${flag && !err.message.includes(flag) ? `${flag}: ` : ''}${err.message}\n${causeOf(err)}`);
      return code;
    }
    io.err(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

async function sweep(args: CliArgs, config: BacktestConfig, io: CliIo, bar: ProgressBar | null): Promise<number> {
  try {
    const result = await runSweep(
      { base: { ...config, data: args.data, strategy: args.strategy }, grid: args.grid, metric: args.metric, ...(args.workers ? { workers: args.workers } : {}) },
      { onProgress: bar ? (done, total) => bar.update(done, total, 'runs') : undefined },
    );
    bar?.done();
    const dir = resolve(io.cwd, args.out);
    mkdirSync(dir, { recursive: true });
    writeFileSync(resolve(dir, 'sweep.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(resolve(dir, 'sweep.csv'), sweepCsv(result));
    if (!args.quiet) {
      const top = result.rows.slice(0, 5).map((r) => `  ${JSON.stringify(r.params)}: ${args.metric} ${r.metrics ? String(r.metrics[args.metric]) : r.error}`);
      io.out([`${result.runs} runs on ${result.workers} workers in ${(result.wall_ms / 1000).toFixed(1)} s; best by ${args.metric}:`, ...top, `  wrote ${resolve(dir, 'sweep.json')} and sweep.csv`, ''].join('\n'));
    }
    return 0;
  } catch (err) {
    bar?.done();
    io.err(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof TernError && err.code === 'BAD_REQUEST' ? 2 : 1;
  }
}

/** the error under a refusal that does not quote it (a strategy module's own failure): a local user may see it */
function causeOf(err: Error): string {
  return err.cause instanceof Error ? `  ${err.cause.name}: ${err.cause.message}\n` : '';
}

/** one line per combination, sorted: its parameters, then every metric (empty when it did not run), then the error */
function sweepCsv(result: SweepResult): string {
  const names = [...new Set(result.rows.flatMap((r) => Object.keys(r.params)))];
  const lines = [[...names, ...METRIC_NAMES, 'error'].join(',')];
  for (const r of result.rows) {
    const metrics = METRIC_NAMES.map((m) => (r.metrics && r.metrics[m] !== null ? String(r.metrics[m]) : ''));
    lines.push([...names.map((n) => String(r.params[n] ?? '')), ...metrics, r.error ? JSON.stringify(r.error) : ''].join(','));
  }
  return `${lines.join('\n')}\n`;
}

function summary(r: Awaited<ReturnType<typeof runBacktest>>, paths: { report: string; trades: string }): string {
  const m = r.metrics;
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)} %`);
  const num = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  return [
    `${r.strategy.name} on ${r.symbol}: ${m.bars} bars, ${m.trades} trades`,
    `  final equity ${m.final_equity.toDecimalPlaces(2).toFixed()} ${r.quote} (${pct(m.total_return)}), CAGR ${pct(m.CAGR)}, max drawdown ${pct(m.max_drawdown)}`,
    `  sharpe ${num(m.sharpe)}, sortino ${num(m.sortino)}, calmar ${num(m.calmar)}, win rate ${pct(m.win_rate)}, profit factor ${num(m.profit_factor)}`,
    `  fees ${m.fees.toDecimalPlaces(2).toFixed()} ${r.quote}, exposure ${pct(m.exposure)}; ${r.timing.loop_bars_per_s.toLocaleString('en-US')} bars/s`,
    `  wrote ${paths.report} and ${paths.trades}`,
    '',
  ].join('\n');
}

/** A one-line progress bar redrawn in place, at most ten times a second. */
class ProgressBar {
  private last = 0;
  constructor(private readonly write: (text: string) => void) {}
  update(done: number, total: number, unit = 'bars'): void {
    const now = performance.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const width = 30;
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
    this.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)} % ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}`);
  }
  done(): void {
    this.write('\r\x1b[2K');
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** The CLI as a process runs it (`npm run backtest` through scripts/backtest.mjs, or this file run directly): sets the exit code. */
export async function runCli(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  process.exitCode = await main(argv, {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
    cwd: process.env.INIT_CWD ?? process.cwd(),
  });
}

if (isMain()) await runCli();
