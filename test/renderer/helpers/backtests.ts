/** Backtest answers for store and component tests, shaped as contract/strategy-schemas.ts says. */
export const METRICS = {
  bars: 4320,
  trades: 2,
  final_equity: '10150.5',
  total_return: 0.0151,
  CAGR: 2.5,
  sharpe: 1.2345,
  sortino: null,
  calmar: 3.1,
  max_drawdown: 0.0421,
  win_rate: 0.5,
  profit_factor: 1.8,
  expectancy: '75.25',
  exposure: 0.4785,
  fees: '19.9',
};

export function report(patch: Record<string, unknown> = {}) {
  return {
    strategy: { name: 'sma-cross', id: 'sma-cross', source: 'builtin:sma-cross', params: { fast: 10, slow: 30, fraction: 0.95 } },
    symbol: 'BTC/USDT',
    quote: 'USDT',
    timeframe_ms: 60_000,
    cash: '10000',
    fee: '0.001',
    slippage: '0',
    start_ts: 1_640_991_660_000,
    end_ts: 1_641_250_800_000,
    metrics: METRICS,
    orders: { placed: 4, filled: 4, rejected: 0, canceled: 0, expired: 0, open: 0 },
    open_position: null,
    equity_curve: [
      [1_640_991_660_000, 10000, 0],
      [1_640_991_720_000, 9900, 0.01],
      [1_640_991_780_000, 10150.5, 0],
    ] as Array<[number, number, number]>,
    trade_list: [
      { side: 'long', entry_time: 1_640_991_660_000, entry_price: '46319', exit_time: 1_640_991_720_000, exit_price: '46100', quantity: '0.205', pnl_gross: '-44.9', pnl_net: '-63.8', fees: '18.9' },
      { side: 'long', entry_time: 1_640_991_720_000, entry_price: '46100', exit_time: 1_640_991_780_000, exit_price: '47200', quantity: '0.2', pnl_gross: '220', pnl_net: '214.3', fees: '5.7' },
    ],
    refusals: [],
    ...patch,
  };
}

export function job(patch: Record<string, unknown> = {}) {
  return {
    id: 'bt-1',
    kind: 'backtest',
    status: 'done',
    strategy: 'sma-cross',
    symbol: 'BTC/USDT',
    data: 'resources/replay/BTC-USDT_1m_sample.csv',
    params: { fast: 10, slow: 30 },
    progress: { done: 4320, total: 4320, unit: 'bars' },
    error: null,
    created_at: 1_700_000_000_000,
    finished_at: 1_700_000_001_000,
    loop_bars_per_s: 60_000,
    ...patch,
  };
}

export function detail(patch: Record<string, unknown> = {}, reportPatch: Record<string, unknown> = {}) {
  const j = job(patch);
  return { ...j, report: j.status === 'done' ? report(reportPatch) : null, sweep: null };
}

export const SMA_CROSS = {
  name: 'sma-cross',
  description: 'Long-only SMA crossover',
  builtin: true,
  params: [
    { name: 'fast', type: 'integer', default: 10, min: 1, description: 'bars in the fast SMA' },
    { name: 'slow', type: 'integer', default: 30, min: 2, description: 'bars in the slow SMA' },
    { name: 'fraction', type: 'number', default: 0.95, min: 0, max: 1 },
  ],
};
export const RSI = { name: 'rsi-reversion', description: 'RSI mean reversion', builtin: true, params: [{ name: 'period', type: 'integer', default: 14, min: 2 }] };
