import type { EngineApi } from '../../src-common/contract/engine-api.js';
import type { Candle, Fill } from '../../src-common/contract/schemas.js';
import type { StrategyInstance, StrategyResults } from '../../src-common/contract/strategy-schemas.js';
import { computeMetrics } from '../backtest/metrics.js';
import { equityCurve, metricsDto, openPositionDto, tradeDto } from '../backtest/report.js';
import { roundTrips } from '../backtest/trades.js';
import { moneyOut } from '../engine/dto.js';
import { type Decimal, ZERO, dec } from '../engine/model/decimal.js';
import type { FillRecord } from '../engine/model/types.js';

const MINUTE = 60_000;
/** the most fills and bars read for one answer (the protocol's own caps) */
const MAX_FILLS = 10_000;
const MAX_BARS = 5_000;

export interface ResultInputs {
  /** the strategy's fills, oldest first */
  fills: readonly Fill[];
  /** 1m candles of its symbol over the period, oldest first */
  candles: readonly Candle[];
  quote: string;
  /** the capital returns are measured against */
  cash: Decimal;
  startedAt: number;
  /** the newest price, for what is open now (else the last candle's close) */
  mark: Decimal | null;
}

/**
 * A strategy's results by a backtest report's definitions (backtest/metrics.ts,
 * trades.ts, report.ts, shared rather than restated), so that a live run and a
 * backtest of the same strategy read alike: equity at each 1m bar's close =
 * cash + the quote its fills moved (sells − buys − fees) + its position ×
 * close; round trips from its fills; money exact.
 */
export function strategyResults(input: ResultInputs): StrategyResults {
  const fills = input.fills.map(fillRecord);
  const { trades, open } = roundTrips(fills);
  const firstFill = fills[0]?.ts;
  const start = firstFill !== undefined && firstFill < input.startedAt ? firstFill : input.startedAt;
  const candles = input.candles.filter((c) => c[0] + MINUTE > start);

  const ts: number[] = [];
  const equity: number[] = [];
  let flow = ZERO;
  let position = ZERO;
  let fees = ZERO;
  let next = 0;
  let exposed = 0;
  const apply = (f: FillRecord) => {
    const notional = f.quantity.mul(f.price);
    flow = f.side === 'buy' ? flow.sub(notional) : flow.add(notional);
    flow = flow.sub(f.fee);
    fees = fees.add(f.fee);
    position = f.side === 'buy' ? position.add(f.quantity) : position.sub(f.quantity);
  };
  for (const c of candles) {
    const close = c[0] + MINUTE;
    while (next < fills.length && fills[next]!.ts < close) apply(fills[next++]!);
    ts.push(c[0]);
    equity.push(input.cash.add(flow).add(position.mul(dec(c[4]))).toNumber());
    if (!position.isZero()) exposed++;
  }
  while (next < fills.length) apply(fills[next++]!);
  const lastClose = candles.length > 0 ? dec(candles[candles.length - 1]![4]) : null;
  const mark = input.mark ?? lastClose ?? (fills.length > 0 ? fills[fills.length - 1]!.price : null);
  const finalEquity = input.cash.add(flow).add(mark ? position.mul(mark) : ZERO);
  const metrics = computeMetrics({ equity, ts, timeframeMs: MINUTE, initialCash: input.cash, finalEquity, trades, exposedBars: exposed, fees });
  const realized = trades.reduce((s, t) => s.add(t.pnlGross), ZERO);
  const openDto = open && mark ? openPositionDto(open, mark) : null;
  return {
    quote: input.quote,
    cash: input.cash.toFixed(),
    timeframe_ms: MINUTE,
    start_ts: ts[0] ?? start,
    end_ts: ts[ts.length - 1] ?? start,
    position: position.toFixed(),
    realized_pnl: moneyOut(realized),
    unrealized_pnl: openDto?.unrealized_pnl ?? '0',
    mark_price: mark ? mark.toFixed() : null,
    metrics: metricsDto(metrics),
    open_position: openDto,
    equity_curve: equityCurve(ts, equity, input.cash.toFixed()),
    trade_list: trades.map(tradeDto),
  };
}

/**
 * Gathers a strategy's fills, its symbol's bars since it started and the
 * account's quote balance through the protocol, and measures them.
 * `cash` defaults to the account's quote balance less what the strategy's
 * fills moved: what the account would hold had the strategy not traded.
 */
export async function loadStrategyResults(api: EngineApi, instance: StrategyInstance, opts: { cash?: string; now: number }): Promise<StrategyResults> {
  const ctx = { actor: 'strategy-results' };
  const [instruments, all] = await Promise.all([api.call('instruments.list', { account: instance.account }, ctx), api.call('fills.list', { account: instance.account, symbol: instance.symbol, limit: MAX_FILLS }, ctx)]);
  const quote = instruments.find((i) => i.symbol === instance.symbol)?.quote ?? instance.symbol.split('/')[1] ?? '';
  const fills = all.filter((f) => ownedBy(f, instance.id)).reverse();
  const firstFill = fills.length > 0 ? Date.parse(fills[0]!.ts) : instance.started_at;
  const since = Math.max(Math.min(firstFill, instance.started_at), opts.now - MAX_BARS * MINUTE);
  const candles = await api.call('market.candles', { account: instance.account, symbol: instance.symbol, timeframe: '1m', since, limit: MAX_BARS }, ctx).catch(() => [] as Candle[]);
  let cash: Decimal;
  if (opts.cash !== undefined) cash = dec(opts.cash);
  else {
    const balances = await api.call('balances.list', { account: instance.account }, ctx);
    const held = dec(balances.find((b) => b.asset === quote)?.total ?? '0');
    const moved = fills.reduce((s, f) => {
      const notional = dec(f.quantity).mul(dec(f.price));
      return (f.side === 'buy' ? s.sub(notional) : s.add(notional)).sub(dec(f.fee));
    }, ZERO);
    cash = held.sub(moved);
    if (!cash.gt(0)) cash = dec(1);
  }
  const ticker = await api.call('market.ticker', { account: instance.account, symbol: instance.symbol }, ctx).catch(() => null);
  const last = ticker?.last ?? null;
  return strategyResults({ fills, candles, quote, cash, startedAt: instance.started_at, mark: last ? dec(last) : null });
}

/** a fill of one of the strategy's orders: by the order's strategy id, else (older entries) by the prefix every strategy order's client id carries */
function ownedBy(fill: Fill, id: string): boolean {
  const owner = (fill as { strategy_id?: string | null }).strategy_id;
  return owner ? owner === id : fill.client_order_id.startsWith(`${id}-`);
}

function fillRecord(f: Fill): FillRecord {
  return {
    id: f.id,
    orderId: f.order_id,
    clientOrderId: f.client_order_id,
    account: f.account,
    symbol: f.symbol,
    side: f.side,
    quantity: dec(f.quantity),
    price: dec(f.price),
    fee: dec(f.fee),
    feeAsset: f.fee_asset,
    liquidity: f.liquidity,
    venueTradeId: '',
    ts: Date.parse(f.ts),
  };
}
