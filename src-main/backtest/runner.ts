import { TernError, badRequest } from '../../src-common/contract/errors.js';
import { Engine } from '../engine/engine.js';
import { Decimal } from '../engine/model/decimal.js';
import { isTerminal } from '../engine/model/order-state.js';
import type { AccountRecord, FillRecord, OrderRecord, StrategyPositionRecord } from '../engine/model/types.js';
import { ManualClock, SequentialIds } from '../engine/ports/clock.js';
import type { ExecutionReport } from '../engine/ports/venue.js';
import type { CandleSeries } from '../feeds/candles-csv.js';
import type { AnyStrategyDefinition, BarView, ParamValues } from '../strategies/api.js';
import { type HostPort, StrategyHost, orderFromDto, orderFromRecord } from '../strategies/host.js';
import { loadStrategy } from '../strategies/loader.js';
import { resolveParams } from '../strategies/params.js';
import { BarFeed } from './bar-feed.js';
import { BacktestVenue } from '../venues/bars/backtest-venue.js';
import { type ChartCandleRow, rollUpCandles } from './chart-candles.js';
import { loadCandles, rowRange, seriesTimeframe } from './data.js';
import { type InstrumentOptions, backtestInstrument, normalizeSymbol } from './instrument.js';
import { MemoryStore } from './memory-store.js';
import { type Metrics, computeMetrics } from './metrics.js';
import { type OpenTrade, type RoundTrip, roundTrips } from './trades.js';

export interface BacktestConfig {
  /** a candle CSV path (relative to cwd), `cache:NAME`, or bars already parsed */
  data: string | CandleSeries;
  /** the market the bars are, e.g. BTC/USDT (BTCUSDT, BTC-USDT are understood) */
  symbol: string;
  /** a built-in strategy's name, a module path, or a definition */
  strategy: string | AnyStrategyDefinition;
  params?: Record<string, unknown>;
  /** starting quote balance, decimal string */
  cash: string;
  /** fee rate, a fraction of notional (0.001 = 0.1 %) */
  fee: string;
  /** fraction market and stop_market fills move against the order; default 0 */
  slippage?: string;
  /** only bars opening within [from, to], epoch ms */
  from?: number;
  to?: number;
  instrument?: InstrumentOptions;
  /** global risk limits for the run (the names of PUT /api/v1/risk/limits) */
  riskLimits?: Record<string, string>;
  /** the strategy's id (its client order id prefix); default its name */
  strategyId?: string;
  /** folder relative paths are read from; default process.cwd() */
  cwd?: string;
}

export interface BacktestProgress {
  bars: number;
  total: number;
}

export interface RunOptions {
  /** told every `progressEvery` bars and at the end */
  onProgress?: (p: BacktestProgress) => void;
  progressEvery?: number;
  /** stops the run between bars (an AbortError-like TernError CONFLICT) */
  signal?: AbortSignal;
}

export interface OrderCounts {
  placed: number;
  filled: number;
  rejected: number;
  canceled: number;
  expired: number;
  open: number;
}

export interface BacktestResult {
  strategy: { name: string; id: string; source: string; params: ParamValues };
  symbol: string;
  quote: string;
  timeframeMs: number;
  cash: string;
  fee: string;
  slippage: string;
  metrics: Metrics;
  /** the last bar's close, exact: what an open position is valued at */
  lastClose: Decimal;
  /** equity at each bar's close (`ts`: a view of the series' own column, not a copy) */
  equity: { ts: Float64Array; equity: Float64Array };
  /**
   * the run's bars rolled up to at most CHART_CANDLES candles, doubles: for
   * charting only, so made when first read (the CLI's report.json and a
   * sweep's metrics never read it)
   */
  readonly candles: ChartCandleRow[];
  trades: RoundTrip[];
  open: OpenTrade | null;
  /** every fill, oldest first */
  fills: FillRecord[];
  /** every order as it ended (or stands, when still open), oldest first */
  orderRecords: OrderRecord[];
  orders: OrderCounts;
  /** orders the engine refused before they reached the venue (risk, filters) */
  refusals: Array<{ ts: number; code: string; message: string }>;
  /** the strategy's own position at the end (its ledger, as on paper and live); null when it never traded */
  ledger: StrategyPositionRecord | null;
  logs: Array<{ ts: number; message: string; data?: Record<string, unknown> }>;
  timing: { load_ms: number; loop_ms: number; loop_bars_per_s: number };
}

const ACCOUNT = 'backtest';
const STRATEGY_ID = /^[a-z0-9][a-z0-9_-]{0,15}$/;
const LOGS_KEPT = 1000;

/** A decimal field of the config, checked: a clear error naming it. */
function decimalField(value: string | undefined, field: string, rule: (d: Decimal) => boolean, ruleText: string, fallback?: string): Decimal {
  const text = value ?? fallback;
  if (text === undefined) throw badRequest(`${field} is required`, { field });
  let d: Decimal;
  try {
    d = new Decimal(text);
  } catch {
    throw badRequest(`${field} must be a decimal number, got ${JSON.stringify(text)}`, { field });
  }
  if (!d.isFinite() || !rule(d)) throw badRequest(`${field} must be ${ruleText}, got ${text}`, { field });
  return d;
}

/**
 * Runs one backtest: the strategy against the bars through a real engine
 * (OMS, risk engine, portfolio) with a manual clock driven by bar time,
 * deterministic ids, an in-memory store and the backtest venue. The loop
 * over bars is the fast path: indicators read plain numbers, nothing is
 * allocated or published per bar, and the engine is entered only when an
 * order is working or placed.
 */
export async function runBacktest(config: BacktestConfig, options: RunOptions = {}): Promise<BacktestResult> {
  const loadStarted = performance.now();
  const cwd = config.cwd ?? process.cwd();
  const cash = decimalField(config.cash, 'cash', (d) => d.gt(0), 'a positive amount');
  const fee = decimalField(config.fee, 'fee', (d) => d.gte(0) && d.lt(1), 'a fraction ≥ 0 and < 1 (0.001 = 0.1 %)');
  const slippage = decimalField(config.slippage, 'slippage', (d) => d.gte(0) && d.lt(1), 'a fraction ≥ 0 and < 1', '0');
  const symbol = normalizeSymbol(config.symbol);
  const { definition, source } =
    typeof config.strategy === 'string' ? await loadStrategy(config.strategy, cwd) : { definition: config.strategy, source: `definition:${config.strategy.name}` };
  const params = resolveParams(definition, config.params ?? {});
  const strategyId = config.strategyId ?? definition.name.slice(0, 16);
  if (!STRATEGY_ID.test(strategyId)) throw badRequest(`strategy id "${strategyId}" must be 1-16 of a-z 0-9 _ - (it prefixes client order ids)`, { field: 'strategyId' });

  const series = await loadCandles(config.data, cwd);
  if (series.length === 0) throw badRequest('the data has no bars', { field: 'data' });
  const { start, end } = rowRange(series, config.from, config.to);
  const timeframeMs = seriesTimeframe(series, start, end);
  const instrument = backtestInstrument(symbol, series, fee, config.instrument);
  const { base, quote } = instrument;

  // ── the engine, as in production, on backtest ports ────────────────────
  const clock = new ManualClock(series.ts[start]!);
  const ids = new SequentialIds('bt');
  const store = new MemoryStore({ commitsOnRecord: true });
  const startingBalances = { [quote]: cash.toFixed() };
  const account: AccountRecord = { id: ACCOUNT, exchange: 'backtest', mode: 'paper', status: 'active', startingBalances, createdAt: clock.now() };
  store.record({ type: 'account', account });
  store.record({ type: 'balance', balance: { account: ACCOUNT, asset: quote, total: cash, locked: new Decimal(0), updatedAt: clock.now() } });
  store.commit();
  const feed = new BarFeed(series, instrument, timeframeMs);
  feed.index = start;
  const venue = new BacktestVenue({
    account: ACCOUNT,
    feed,
    clock,
    ids,
    startingBalances,
    slippage,
    onListenerError: (err) => {
      throw err;
    },
  });
  // the memory store keeps no risk decisions: the engine need not encode one per order;
  // and it keeps every order, so the OMS need not hold thousands of closed ones in memory as well
  const engine = new Engine({ store, clock, ids, venueFor: () => venue, version: 'backtest', paperBalances: startingBalances, accountLimits: {}, journalRiskDecisions: false, closedOrdersKept: 16 });
  await engine.start();
  // the strategy's orders are its own, as on paper and live
  const ctx = { actor: `strategy:${strategyId}`, strategyId };
  if (config.riskLimits && Object.keys(config.riskLimits).length > 0) {
    await engine.call('risk.setLimits', { limits: config.riskLimits }, ctx);
  }

  // ── the strategy, behind the same host as on paper and live ────────────
  const logs: BacktestResult['logs'] = [];
  const port: HostPort = {
    mode: 'backtest',
    account: ACCOUNT,
    symbol,
    instrument,
    now: () => clock.now(),
    // the bars' time, which only moves forward: timers fire at bar closes (fireTimers(closeTime) below)
    timerTime: () => clock.now(),
    call: (method, p) => engine.call(method, p, ctx),
    toOrder: (dto) => {
      const record = engine.oms.find(dto.id);
      return record ? orderFromRecord(record) : orderFromDto(dto);
    },
    // the order as the OMS holds it once placed (as toOrder reads it), with no DTO made and parsed back in between
    placeOrder: (p) => engine.placeOrderRecord(p, ctx).then((placed) => orderFromRecord(engine.oms.find(placed.id) ?? placed)),
    exact: (field) => feed.price(feed.index, field),
    clientOrderId: (n) => `${strategyId}-${n}`,
    log: (message, data) => {
      logs.push({ ts: clock.now(), message, ...(data ? { data } : {}) });
      if (logs.length > LOGS_KEPT) logs.shift();
    },
  };
  const host = new StrategyHost(strategyId, definition, params, port);
  let failure: unknown = null;
  host.onFailure = (err) => {
    failure ??= err;
  };

  // What the host knows of the account follows the venue's reports, after the OMS applied them.
  let quoteNum = cash.toNumber();
  let baseNum = 0;
  venue.onReport((r: ExecutionReport) => {
    if (r.type === 'balance') {
      host.setBalance(r.asset, r.total, r.total.minus(r.locked));
      if (r.asset === quote) quoteNum = r.total.toNumber();
      else if (r.asset === base) baseNum = r.total.toNumber();
      return;
    }
    if (!host.owns(r.clientOrderId)) return;
    const record = engine.oms.find(r.clientOrderId);
    if (!record) return;
    if (r.type === 'fill') {
      host.setPosition(engine.portfolio.strategies.quantity(strategyId, ACCOUNT, symbol));
      host.fill({ orderId: record.id, clientOrderId: r.clientOrderId, side: record.side, quantity: r.quantity, price: r.price, fee: r.fee, ts: r.ts });
    }
    host.orderUpdate(orderFromRecord(record));
  });

  await host.start();
  if (failure) throw strategyError(failure);
  const loadMs = performance.now() - loadStarted;

  // ── the bar loop ───────────────────────────────────────────────────────
  const n = end - start;
  const equity = new Float64Array(n);
  const { ts, open, high, low, close, volume } = series;
  const bar = { index: 0, ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  const view: BarView = bar;
  const every = Math.max(1, options.progressEvery ?? 65_536);
  let exposed = 0;
  /** bar k closes: the strategy's onBar; returns what it left to wait for (null: nothing) */
  const closeBar = (k: number, row: number, openTime: number, closeTime: number): Promise<void> | null => {
    clock.set(closeTime);
    feed.index = row;
    bar.index = k;
    bar.ts = openTime;
    bar.open = open[row]!;
    bar.high = high[row]!;
    bar.low = low[row]!;
    bar.close = close[row]!;
    bar.volume = volume[row]!;
    return host.bar(view);
  };
  /** after bar k's onBar (and what it waited for): its equity, progress and cancellation */
  const barDone = (k: number): void => {
    equity[k] = quoteNum + baseNum * bar.close;
    if (baseNum !== 0) exposed++;
    if ((k + 1) % every === 0) {
      options.onProgress?.({ bars: k + 1, total: n });
      if (options.signal?.aborted) throw new TernError('CONFLICT', 'the backtest was canceled');
    }
  };
  let waiting: Promise<void> | null = null;
  /**
   * The bars that need nothing awaited (no working order to meet the bar, no
   * timer due, an onBar that started nothing), from bar k on, synchronously:
   * most bars of a run. Returns the first bar it could not finish (`waiting`
   * set when its onBar left something to wait for). A small function of its
   * own, so that it is optimized early; the async loop below handles the rest.
   */
  const quietBars = (k: number): number => {
    for (; k < n; k++) {
      if (venue.openOrderCount > 0) return k;
      const row = start + k;
      const openTime = ts[row]!;
      const closeTime = Math.min(openTime + timeframeMs, row + 1 < end ? ts[row + 1]! : Infinity);
      if (host.nextTimerDue <= closeTime) return k;
      waiting = closeBar(k, row, openTime, closeTime);
      if (waiting || failure) return k;
      barDone(k);
    }
    return k;
  };
  const loopStarted = performance.now();
  for (let k = quietBars(0); k < n; k = quietBars(k + 1)) {
    if (waiting) {
      const w: Promise<void> = waiting;
      waiting = null;
      await w;
    } else if (!failure) {
      const row = start + k;
      const openTime = ts[row]!;
      if (venue.openOrderCount > 0) {
        clock.set(openTime);
        venue.processBar(row);
        await engine.journal.durable();
        if (!host.idle) await host.drain();
      }
      const closeTime = Math.min(openTime + timeframeMs, row + 1 < end ? ts[row + 1]! : Infinity);
      clock.set(closeTime);
      feed.index = row;
      if (host.nextTimerDue <= closeTime) await host.fireTimers(closeTime);
      const pending = closeBar(k, row, openTime, closeTime);
      if (pending) await pending;
    }
    if (failure) throw strategyError(failure);
    barDone(k);
  }
  const loopMs = performance.now() - loopStarted;
  await host.stop();
  await engine.journal.durable();
  if (failure) throw strategyError(failure);
  options.onProgress?.({ bars: n, total: n });

  // ── results ────────────────────────────────────────────────────────────
  const last = end - 1;
  const lastClose = feed.price(last, 'close');
  const quoteTotal = engine.portfolio.balance(ACCOUNT, quote)?.total ?? new Decimal(0);
  const baseTotal = engine.portfolio.balance(ACCOUNT, base)?.total ?? new Decimal(0);
  const finalEquity = quoteTotal.plus(baseTotal.mul(lastClose));
  const fills = [...store.allFills(ACCOUNT)];
  const { trades, open: openTrade } = roundTrips(fills);
  const fees = fills.reduce((s, f) => s.plus(f.fee), new Decimal(0));
  const metrics = computeMetrics({
    equity,
    ts: ts.subarray(start, end),
    timeframeMs,
    initialCash: cash,
    finalEquity,
    trades,
    exposedBars: exposed,
    fees,
  });
  const orderRecords = store.queryOrders({ status: 'all', limit: Number.MAX_SAFE_INTEGER }).reverse();
  const orders = countOrders(orderRecords);
  await engine.stop();
  let candles: ChartCandleRow[] | undefined;

  return {
    strategy: { name: definition.name, id: strategyId, source, params },
    symbol,
    quote,
    timeframeMs,
    cash: cash.toFixed(),
    fee: fee.toFixed(),
    slippage: slippage.toFixed(),
    metrics,
    lastClose,
    equity: { ts: ts.subarray(start, end), equity },
    // once, after the loop, from the columns, and only if read: the bar loop pays nothing for the chart
    get candles() {
      return (candles ??= rollUpCandles(series, start, end, timeframeMs));
    },
    trades,
    open: openTrade,
    fills,
    orderRecords,
    orders,
    refusals: host.refusals,
    ledger: engine.portfolio.strategies.position(strategyId, ACCOUNT, symbol) ?? null,
    logs,
    timing: { load_ms: round(loadMs), loop_ms: round(loopMs), loop_bars_per_s: loopMs > 0 ? Math.round((n / loopMs) * 1000) : 0 },
  };
}

function countOrders(records: readonly OrderRecord[]): OrderCounts {
  const counts: OrderCounts = { placed: 0, filled: 0, rejected: 0, canceled: 0, expired: 0, open: 0 };
  for (const o of records) {
    counts.placed++;
    if (!isTerminal(o.state)) counts.open++;
    else if (o.state === 'filled' || o.state === 'rejected' || o.state === 'canceled' || o.state === 'expired') counts[o.state]++;
  }
  return counts;
}

function strategyError(err: unknown): TernError {
  if (err instanceof TernError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new TernError('BAD_REQUEST', `the strategy failed: ${message}`, { field: 'strategy' });
}

const round = (ms: number) => Math.round(ms * 10) / 10;
