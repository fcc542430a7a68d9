import type * as S from '../../src-common/contract/schemas.js';
import { Decimal, str } from './model/decimal.js';
import { publicStatus } from './model/order-state.js';
import type { AccountRecord, ApiKeyRecord, BalanceRecord, FillRecord, InstrumentSpec, OrderRecord, PositionRecord, StrategyPositionRecord } from './model/types.js';
import { unrealizedPnl } from './portfolio/position.js';
import type { OwnerShare } from './portfolio/strategy-ledger.js';
import type { Bar, BookSnapshot, TradePrint } from './ports/market-data.js';

/** Internal records → the protocol's wire shapes (decimal strings, ISO times). */
let lastMs = NaN;
let lastIso = '';
/** epoch ms as ISO 8601; the last answer is kept, since an order's times are mostly one instant (made, sent and filled in one turn or on one bar) */
export const iso = (ms: number): string => {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
};
const opt = (d: Decimal | null | undefined): string | null => (d ? str(d) : null);

/**
 * The output scale of decimals the engine computes (docs/api.md, Conventions).
 * Prices, quantities and amounts a venue or an instrument gives (order and fill
 * prices and quantities, increments, book levels) are already at their own
 * increments and leave exact. What the engine derives by division or by
 * multiplying such numbers would otherwise leave with up to 40 digits
 * (`-4.144374400000000000000000000000000000147`), so it leaves rounded, half to
 * even: averages and marks at PRICE_DECIMALS, amounts of an asset (PnL, fees,
 * balances, equity) at MONEY_DECIMALS. Only the output is rounded; the engine's
 * state, store and checks stay exact.
 */
export const PRICE_DECIMALS = 12;
export const MONEY_DECIMALS = 8;

const scaled = (d: Decimal, places: number): string => d.toDecimalPlaces(places, Decimal.ROUND_HALF_EVEN).toFixed();
/** a computed price (an average, a mark) at PRICE_DECIMALS */
export const priceOut = (d: Decimal): string => scaled(d, PRICE_DECIMALS);
/** a computed amount of an asset (PnL, fee, balance, equity) at MONEY_DECIMALS */
export const moneyOut = (d: Decimal): string => scaled(d, MONEY_DECIMALS);
const optPrice = (d: Decimal | null | undefined): string | null => (d ? priceOut(d) : null);

export function orderDto(o: OrderRecord): S.Order {
  return {
    id: o.id,
    client_order_id: o.clientOrderId,
    account: o.account,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    quantity: str(o.quantity),
    price: opt(o.price),
    stop_price: opt(o.stopPrice),
    time_in_force: o.timeInForce,
    post_only: o.postOnly,
    reduce_only: o.reduceOnly,
    status: publicStatus(o.state, o.filledQuantity.gt(0)),
    filled_quantity: str(o.filledQuantity),
    average_price: optPrice(o.averagePrice),
    fees: moneyOut(o.fees),
    reject_reason: o.rejectReason,
    created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt),
    strategy_id: o.strategyId ?? null,
    key_id: o.keyId ?? null,
    held_by: o.protection?.heldBy ?? 'venue',
    oco_id: o.protection?.ocoId ?? null,
    parent_id: o.protection?.parentId ?? null,
    role: o.protection?.role ?? null,
    exits: o.protection?.exits ?? [],
    trailing_offset: o.trailing ? str(o.trailing.offset) : null,
    trailing_unit: o.trailing?.unit ?? null,
    activation_price: o.trailing?.activationPrice ? str(o.trailing.activationPrice) : null,
    triggered_at: o.triggeredAt === undefined ? null : iso(o.triggeredAt),
  };
}

/** an OCO group (or a positions.protect group): its id and its legs */
export function ocoDto(group: { ocoId: string; orders: OrderRecord[] }): S.OcoGroup {
  return { oco_id: group.ocoId, orders: group.orders.map(orderDto) };
}

export function fillDto(f: FillRecord): S.Fill {
  return {
    id: f.id,
    order_id: f.orderId,
    client_order_id: f.clientOrderId,
    account: f.account,
    symbol: f.symbol,
    side: f.side,
    quantity: str(f.quantity),
    price: str(f.price),
    fee: moneyOut(f.fee),
    fee_asset: f.feeAsset,
    liquidity: f.liquidity,
    ts: iso(f.ts),
    strategy_id: f.strategyId ?? null,
  };
}

/** `owners`: the position's shares (the trader's, each strategy's), when known */
export function positionDto(p: PositionRecord, mark: Decimal | undefined, owners?: readonly OwnerShare[]): S.Position {
  return {
    account: p.account,
    symbol: p.symbol,
    quantity: str(p.quantity),
    average_price: optPrice(p.averagePrice),
    realized_pnl: moneyOut(p.realizedPnl),
    unrealized_pnl: moneyOut(unrealizedPnl(p, mark)),
    mark_price: optPrice(mark),
    ...(owners ? { owners: owners.map(ownerShareDto) } : {}),
  };
}

export function ownerShareDto(o: OwnerShare): S.OwnerShare {
  return { strategy_id: o.strategyId, quantity: str(o.quantity) };
}

/** a strategy's own position (the per-strategy ledger) */
export function strategyPositionDto(p: StrategyPositionRecord, mark: Decimal | undefined): S.StrategyPosition {
  return {
    strategy_id: p.strategyId,
    account: p.account,
    symbol: p.symbol,
    quantity: str(p.quantity),
    average_price: optPrice(p.averagePrice),
    realized_pnl: moneyOut(p.realizedPnl),
    unrealized_pnl: moneyOut(unrealizedPnl(p, mark)),
    fees: moneyOut(p.feesPaid),
    mark_price: optPrice(mark),
  };
}

export function balanceDto(b: BalanceRecord): S.Balance {
  // each rounded on its own: free + locked may differ from total by one unit of the last place
  return { account: b.account, asset: b.asset, total: moneyOut(b.total), free: moneyOut(b.total.sub(b.locked)), locked: moneyOut(b.locked) };
}

/** `GET /portfolio`: the valuation in the quote asset, amounts at MONEY_DECIMALS */
export function portfolioDto(
  quote: string,
  v: { equity: Decimal; realized: Decimal; unrealized: Decimal; fees: Decimal },
): S.Portfolio {
  return { quote_asset: quote, equity: moneyOut(v.equity), realized_pnl: moneyOut(v.realized), unrealized_pnl: moneyOut(v.unrealized), fees_paid: moneyOut(v.fees) };
}

export function instrumentDto(account: string, i: InstrumentSpec): S.Instrument {
  return {
    account,
    symbol: i.symbol,
    base: i.base,
    quote: i.quote,
    price_increment: str(i.priceIncrement),
    size_increment: str(i.sizeIncrement),
    min_quantity: str(i.minQuantity),
    min_notional: str(i.minNotional),
    maker_fee: str(i.makerFee),
    taker_fee: str(i.takerFee),
    ...(i.replay
      ? { replay: { name: i.replay.name, data_from: iso(i.replay.dataFrom), data_to: iso(i.replay.dataTo), playing_since: iso(i.replay.playingSince) } }
      : {}),
  };
}

/** `GET /ticker`: best bid and ask of the book, the last trade price */
export function tickerDto(account: string, symbol: string, book: BookSnapshot | undefined, last: Decimal | undefined): S.Ticker {
  const bid = book?.bids[0]?.[0];
  const ask = book?.asks[0]?.[0];
  return { account, symbol, bid: opt(bid), ask: opt(ask), last: opt(last), ts: book ? iso(book.ts) : null };
}

/** `GET /book` and the book channel: the top `depth` levels a side */
export function bookDto(account: string, symbol: string, book: BookSnapshot | undefined, depth: number): S.Book {
  const level = ([p, q]: readonly [Decimal, Decimal]): [string, string] => [str(p), str(q)];
  return {
    account,
    symbol,
    bids: (book?.bids ?? []).slice(0, depth).map(level),
    asks: (book?.asks ?? []).slice(0, depth).map(level),
    ts: book ? iso(book.ts) : null,
  };
}

/** the `trades` event and GET /trades: one print of the market with its id (public-trades.ts) */
export function tradeDto(account: string, id: number, t: TradePrint): S.Trade {
  return { id, account, symbol: t.symbol, price: str(t.price), quantity: str(t.quantity), side: t.side, ts: iso(t.ts) };
}

export function candleDto(bar: Bar): S.Candle {
  return [bar.ts, str(bar.open), str(bar.high), str(bar.low), str(bar.close), str(bar.volume)];
}

/** an account as stored; its live status is the account supervisor's (AccountSupervisor.dto) */
export function accountDto(a: AccountRecord): S.Account {
  return { id: a.id, exchange: a.exchange, mode: a.mode, status: a.status };
}

/** an API key without its secret or hash */
/** a key as listed: its own risk limits are the risk engine's (key scope), passed in */
export function keyDto(k: ApiKeyRecord, riskLimits: Record<string, string> = {}): S.ApiKey {
  return {
    id: k.id,
    name: k.name,
    scopes: [...k.scopes],
    created_at: iso(k.createdAt),
    expires_at: k.expiresAt === null ? null : iso(k.expiresAt),
    rate_limit: k.rateLimit ? { per_second: k.rateLimit.perSecond, burst: k.rateLimit.burst } : null,
    accounts: k.accounts ? [...k.accounts] : null,
    risk_limits: riskLimits as S.ApiKey['risk_limits'],
    halted: k.halted ? { at: iso(k.halted.at), by: k.halted.by, reason: k.halted.reason } : null,
  };
}

/** what reconcileResultDto reads of a ReconcileReport (named here, not imported: the reconciler's imports lead back to this file) */
interface ReconcileCounts {
  checked: { orders: number; venue_orders: number; fills: number; balances: number };
  fixed: S.ReconcileResult['fixed'];
  unresolved: string[];
}

/** `POST /reconcile`: the reports of the accounts it ran on, summed */
export function reconcileResultDto(account: string | null, reports: readonly ReconcileCounts[]): S.ReconcileResult {
  let checked = 0;
  for (const r of reports) checked += r.checked.orders + r.checked.venue_orders + r.checked.fills + r.checked.balances;
  return { account, checked, fixed: reports.flatMap((r) => r.fixed), unresolved: reports.flatMap((r) => r.unresolved) };
}
