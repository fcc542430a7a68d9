import { z } from 'zod';
import { AccountId, DecimalString, RiskLimitsPatch, Symbol } from './schemas.js';

/**
 * Strategies and backtests on the protocol (docs/strategies.md): the
 * parameters and answers of strategies.* and backtests.*. Money is a decimal
 * string, ratios are numbers (null when a run leaves them undefined), times
 * in bar data are epoch ms.
 */

export const StrategyId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,15}$/, '1 to 16 of a-z 0-9 _ - (it prefixes the client order ids)');
export const ParamValue = z.union([z.number(), z.boolean(), z.string().max(200)]);
export const ParamValues = z.record(z.string().max(64), ParamValue);

export const StrategyParamSpec = z.object({
  name: z.string(),
  type: z.enum(['number', 'integer', 'boolean', 'string']),
  default: ParamValue,
  min: z.number().optional(),
  max: z.number().optional(),
  options: z.array(z.string()).optional(),
  description: z.string().optional(),
});

export const StrategyInfo = z.object({
  name: z.string(),
  description: z.string(),
  builtin: z.boolean(),
  params: z.array(StrategyParamSpec),
});

export const StrategyInstance = z.object({
  id: z.string(),
  strategy: z.string(),
  source: z.string().describe('builtin:NAME or the module file'),
  account: z.string(),
  symbol: z.string(),
  mode: z.enum(['paper', 'live']),
  params: ParamValues,
  status: z.enum(['running', 'stopped', 'failed', 'halted']).describe("halted: its own risk breaker tripped (error says which limit, the value and the limit); started again by the trader"),
  error: z.string().nullable().describe('why it failed or was halted: the error its code threw, why it could not be resumed, or the breaker that tripped'),
  error_stack: z.string().nullable().describe("the stack of the error its code threw (its module's lines), for its author"),
  restart: z
    .object({
      action: z.enum(['resumed', 'stopped', 'failed']),
      at: z.number().int(),
    })
    .nullable()
    .describe('it was running when Tern last stopped or crashed: resumed on start, left stopped (resuming is off: the setting or serve --no-resume), or failed to resume (error says why); null: started in this session'),
  started_at: z.number().int(),
  stopped_at: z.number().int().nullable(),
  orders_placed: z.number().int(),
  refusals: z.array(z.object({ ts: z.number(), code: z.string(), message: z.string() })).describe('orders the engine refused, newest last (at most 50)'),
});
export type StrategyInstance = z.infer<typeof StrategyInstance>;

export const StrategiesList = z.object({ available: z.array(StrategyInfo), running: z.array(StrategyInstance) });

export const StartStrategyParams = z.strictObject({
  strategy: z.string().min(1).max(1000).describe("a built-in name, or a strategy module named relative to the data folder's strategies/ (API callers: only there or in a folder added in the desktop app)"),
  id: StrategyId.optional().describe('default: the strategy name (made unique)'),
  account: AccountId.default('paper'),
  symbol: Symbol,
  params: ParamValues.default({}),
  limits: RiskLimitsPatch.optional().describe("its own risk limits (the strategy scope of risk.setLimits), set as it starts"),
});
export type StartStrategyParams = z.infer<typeof StartStrategyParams>;

export const StopStrategyParams = z.strictObject({
  id: StrategyId,
  cancel_orders: z.boolean().default(true).describe("cancel the strategy's working orders (its positions stay)"),
});
export const SetStrategyParams = z.strictObject({ id: StrategyId, params: ParamValues });

export const StrategySettings = z.strictObject({
  resume_on_start: z.boolean().describe('strategies running when Tern stopped or crashed are resumed when it starts (serve --no-resume overrides it for one start)'),
});
export type StrategySettings = z.infer<typeof StrategySettings>;

// ---- backtests ----

const Rate = DecimalString.refine((s) => !s.startsWith('-') && Number(s) < 1, 'must be a fraction ≥ 0 and < 1');
export const GridAxis = z.union([
  z.array(ParamValue).min(1).max(1000),
  z.strictObject({ from: z.number(), to: z.number(), step: z.number().positive() }),
]);
export const MetricName = z.enum(['bars', 'trades', 'final_equity', 'total_return', 'CAGR', 'sharpe', 'sortino', 'calmar', 'max_drawdown', 'win_rate', 'profit_factor', 'expectancy', 'exposure', 'fees']);

export const StartBacktestParams = z
  .strictObject({
    data: z
      .string()
      .min(1)
      .max(1000)
      .describe("a candle CSV (timestamp,open,high,low,close,volume) named relative to the data folder's imports/ (API callers: only there or in a folder added in the desktop app), or cache:?source=…&symbol=…&timeframe=…"),
    symbol: z.string().min(3).max(45).describe('the market the data is, e.g. BTC/USDT'),
    strategy: z.string().min(1).max(1000).describe("a built-in name, or a strategy module named relative to the data folder's strategies/"),
    params: ParamValues.default({}),
    cash: DecimalString.refine((s) => !s.startsWith('-') && /[1-9]/.test(s), 'must be greater than zero').describe('starting cash in the quote asset'),
    fee: Rate.describe('fee rate, a fraction of notional'),
    slippage: Rate.default('0'),
    from: z.number().int().nonnegative().optional().describe('only bars opening at or after (epoch ms)'),
    to: z.number().int().nonnegative().optional().describe('only bars opening at or before (epoch ms)'),
    grid: z.record(z.string().max(64), GridAxis).optional().describe('a sweep: values per parameter, every combination runs'),
    metric: MetricName.default('sharpe').describe('a sweep sorts its results by this'),
    order: z.enum(['asc', 'desc']).optional().describe('default: descending (ascending for max_drawdown and fees)'),
    workers: z.number().int().min(1).max(64).optional().describe('worker threads of a sweep; default the CPU cores'),
  })
  .describe('start a backtest (or, with grid, a parameter sweep) on worker threads');
export type StartBacktestParams = z.infer<typeof StartBacktestParams>;

export const BacktestMetrics = z.object({
  bars: z.number().int(),
  trades: z.number().int(),
  final_equity: DecimalString,
  total_return: z.number(),
  CAGR: z.number().nullable(),
  sharpe: z.number().nullable(),
  sortino: z.number().nullable(),
  calmar: z.number().nullable(),
  max_drawdown: z.number(),
  win_rate: z.number().nullable(),
  profit_factor: z.number().nullable(),
  expectancy: DecimalString.nullable(),
  exposure: z.number(),
  fees: DecimalString,
});

export const BacktestTrade = z.object({
  side: z.enum(['long', 'short']),
  entry_time: z.number(),
  entry_price: DecimalString,
  exit_time: z.number(),
  exit_price: DecimalString,
  quantity: DecimalString,
  pnl_gross: DecimalString,
  pnl_net: DecimalString,
  fees: DecimalString,
});

export const BacktestReport = z.object({
  strategy: z.object({ name: z.string(), id: z.string(), source: z.string(), params: ParamValues }),
  symbol: z.string(),
  quote: z.string(),
  timeframe_ms: z.number(),
  cash: DecimalString,
  fee: DecimalString,
  slippage: DecimalString,
  start_ts: z.number(),
  end_ts: z.number(),
  metrics: BacktestMetrics,
  orders: z.object({ placed: z.number(), filled: z.number(), rejected: z.number(), canceled: z.number(), expired: z.number(), open: z.number() }),
  open_position: z
    .object({
      side: z.enum(['long', 'short']),
      entry_time: z.number(),
      entry_price: DecimalString,
      quantity: DecimalString,
      fees: DecimalString,
      mark_price: DecimalString,
      unrealized_pnl: DecimalString,
    })
    .nullable(),
  equity_curve: z.array(z.tuple([z.number(), z.number(), z.number()])).describe('[bar open time, equity at its close, drawdown from the peak as a fraction], at most 4000 points'),
  trade_list: z.array(BacktestTrade),
  refusals: z.array(z.object({ ts: z.number(), code: z.string(), message: z.string() })),
  candles: z
    .array(z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]))
    .optional()
    .describe(
      "the run's bars for the chart, [open time, open, high, low, close, volume] as JSON numbers (doubles: for charting only, never money), rolled up to at most 4000 candles — buckets of the smallest multiple of the bar length that fits, from the first bar; a bucket is its first open, highest high, lowest low, last close and summed volume; gaps stay gaps. Not in the CLI's report.json",
    ),
});

export const SweepRow = z.object({
  index: z.number().int(),
  params: ParamValues,
  metrics: BacktestMetrics.nullable(),
  error: z.string().nullable(),
});

export const SweepResult = z.object({
  metric: MetricName,
  order: z.enum(['asc', 'desc']),
  runs: z.number().int(),
  workers: z.number().int(),
  wall_ms: z.number(),
  rows: z.array(SweepRow).describe('sorted by the metric; rows without a value last'),
});

export const BacktestJob = z.object({
  id: z.string(),
  kind: z.enum(['backtest', 'sweep']),
  status: z.enum(['running', 'done', 'failed', 'canceled', 'interrupted']).describe('interrupted: Tern stopped (or crashed) while it ran'),
  strategy: z.string(),
  symbol: z.string(),
  data: z.string(),
  params: ParamValues,
  progress: z.object({ done: z.number(), total: z.number(), unit: z.enum(['bars', 'runs']) }),
  error: z.string().nullable(),
  created_at: z.number().int(),
  finished_at: z.number().int().nullable(),
  loop_bars_per_s: z.number().nullable(),
});
export type BacktestJob = z.infer<typeof BacktestJob>;

export const FileFolder = z.object({
  folders: z.array(z.string()).describe("where files are read from: the data folder's, then folders added in the desktop app"),
  files: z.array(z.string()).describe("names to use: relative in the data folder's, absolute in added folders (at most 1000)"),
});
export const FilesList = z.object({
  strategies: FileFolder.describe('strategy modules (.mjs, .js, .ts)'),
  imports: FileFolder.describe('candle files (.csv; SQLite .db for sqlite:NAME?…)'),
});

export const BacktestJobDetail = BacktestJob.extend({
  report: BacktestReport.nullable().describe('a finished backtest'),
  sweep: SweepResult.nullable().describe('a finished sweep'),
});

// ---- a running strategy's results (strategies.get): a backtest report's measures, on its own fills ----

export const GetStrategyParams = z.strictObject({
  id: StrategyId,
  cash: DecimalString.refine((s) => !s.startsWith('-') && /[1-9]/.test(s), 'must be greater than zero')
    .optional()
    .describe("the capital returns are measured against, as a backtest's cash (to compare with one); default: the account's quote balance less what the strategy's fills moved"),
});

export const StrategyResults = z
  .object({
    quote: z.string(),
    cash: DecimalString.describe('the capital returns are measured against'),
    timeframe_ms: z.number().describe('the bars the equity curve is sampled at (1m)'),
    start_ts: z.number().describe('the first bar of the curve: the strategy started, or its first fill if earlier (a ledger kept across restarts)'),
    end_ts: z.number(),
    position: DecimalString.describe("its own position (signed base quantity), from its fills"),
    realized_pnl: DecimalString.describe('Σ pnl_gross of its closed round trips'),
    unrealized_pnl: DecimalString.describe('its open position at the mark'),
    mark_price: DecimalString.nullable(),
    metrics: BacktestMetrics.describe("the backtest report's metrics, by the same definitions (docs/strategies.md, Metrics)"),
    open_position: BacktestReport.shape.open_position,
    equity_curve: z.array(z.tuple([z.number(), z.number(), z.number()])).describe('[bar open time, equity at its close, drawdown], at most 4000 points'),
    trade_list: z.array(BacktestTrade),
  })
  .describe("a strategy's own trading since it started: cash + what its fills moved + its position at each bar's close");
export type StrategyResults = z.infer<typeof StrategyResults>;

export const StrategyDetail = StrategyInstance.extend({ results: StrategyResults });
