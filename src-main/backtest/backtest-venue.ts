/**
 * The backtest venue: the paper venue's accounting (balance ledger, locks,
 * fees, the venue's own filters, report delivery) with a matching engine for
 * bars instead of books (fill-model.ts; the rules are in docs/strategies.md).
 *
 * - Orders arrive while a bar closes and meet the next bar: `processBar(i)`
 *   runs the working orders against bar i's open, high and low, oldest first,
 *   before the strategy sees bar i. An order made on the last bar never fills.
 * - Market orders fill at the next open (± slippage). Until then they are in
 *   flight (pending: no 'accepted'). A market buy that the account cannot pay
 *   (notional + fee at the fill price) is rejected then; a sell without the
 *   base it sells is rejected.
 * - Limit orders fill at the open when the bar opens at or through their price,
 *   else at their price when the bar's range reaches it. IOC and FOK limits
 *   get one chance, the next open, and expire otherwise.
 * - Stops trigger at the open when the bar opens at or through the stop, else
 *   at the stop when the range reaches it; a stop_market then fills there
 *   (± slippage); a stop_limit fills at the trigger price when that is within
 *   its limit, otherwise it works as a limit.
 * - Whole orders fill (bars carry no depth). Fee = fee rate × fill notional,
 *   in the quote asset (maker rate for limits resting before the bar, taker
 *   for market and triggered orders). Slippage moves market and stop_market
 *   fills against the order: buy × (1 + s), sell × (1 − s).
 * - Funds: limit and stop buys lock like the paper venue; a market order locks
 *   nothing and is checked at its fill.
 */
import { badRequest } from '../contract/errors.js';
import { type Decimal, ONE, ZERO } from '../engine/model/decimal.js';
import { isTerminal } from '../engine/model/order-state.js';
import type { InstrumentSpec, Liquidity, OrderRecord } from '../engine/model/types.js';
import type { Clock, IdSource } from '../engine/ports/clock.js';
import { type ExecutionReport, type InProcessVenue, type VenueAck, type VenueBalance, type VenueOrderRef, type VenueOrderRequest, VenueRejection } from '../engine/ports/venue.js';
import { feeOf, feeRate, lockFor } from '../venues/paper/order-costs.js';
import { remainingOf, type PaperOrder } from '../venues/paper/paper-order.js';
import { insufficient, SimExchange, type Matcher } from '../venues/sim/core.js';
import type { BarFeed } from './bar-feed.js';
import { type Compare, limitFill, stopLimitFill, stopTrigger } from './fill-model.js';

export interface BacktestVenueOptions {
  account: string;
  feed: BarFeed;
  clock: Clock;
  ids: IdSource;
  startingBalances: Record<string, string>;
  /** fraction the market and stop_market fills move against the order; default 0 */
  slippage?: Decimal;
  onListenerError?: (err: unknown) => void;
}

export class BacktestVenue implements InProcessVenue {
  readonly exchange = 'backtest';
  readonly mode = 'paper' as const;
  readonly account: string;
  readonly marketData: BarFeed;

  private readonly core: SimExchange<Working>;
  private readonly matcher: BarMatcher;

  constructor(options: BacktestVenueOptions) {
    this.account = options.account;
    this.marketData = options.feed;
    const slippage = options.slippage ?? ZERO;
    if (slippage.isNeg() || slippage.gte(1)) throw badRequest('slippage must be a fraction ≥ 0 and < 1', { field: 'slippage' });
    let matcher: BarMatcher | undefined;
    this.core = new SimExchange<Working>({
      clock: options.clock,
      ids: options.ids,
      idPrefixes: { order: 'B', trade: 'BT' },
      startingBalances: options.startingBalances,
      // one 'balance' report per asset when the operation ends, for all its fills
      balancesEachFill: false,
      onListenerError: options.onListenerError,
      matcher: (core) => (matcher = new BarMatcher(core, options.feed, slippage)),
    });
    this.matcher = matcher!;
  }

  /** working orders (the runner's fast path skips processBar when there are none) */
  get openOrderCount(): number {
    return this.matcher.workingCount;
  }

  async loadMarkets(): Promise<InstrumentSpec[]> {
    return [this.marketData.instrument];
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  onReport(listener: (report: ExecutionReport) => void): () => void {
    return this.core.onReport(listener);
  }

  async fetchBalance(): Promise<VenueBalance[]> {
    return this.core.balances();
  }

  balance(asset: string): { total: Decimal; free: Decimal } {
    return { total: this.core.ledger.total(asset), free: this.core.ledger.free(asset) };
  }

  async createOrder(request: VenueOrderRequest): Promise<VenueAck> {
    return this.core.createOrder(request);
  }

  async editOrder(ref: VenueOrderRef, changes: { price?: Decimal; quantity?: Decimal }): Promise<void> {
    this.core.editOrder(ref, changes);
  }

  async cancelOrder(ref: VenueOrderRef): Promise<void> {
    this.core.cancelOrder(ref);
  }

  restore(state: { balances: Array<{ asset: string; total: Decimal }>; openOrders: OrderRecord[] }): { skipped: Array<{ clientOrderId: string; reason: string }> } {
    // A backtest starts from nothing: its engine's store is new, so there is nothing to take back.
    this.core.ledger.replace(state.balances.map((b) => [b.asset, b.total] as const));
    return { skipped: state.openOrders.filter((o) => !isTerminal(o.state)).map((o) => ({ clientOrderId: o.clientOrderId, reason: 'a backtest starts without orders' })) };
  }

  reset(startingBalances: Record<string, string>): void {
    this.core.reset(startingBalances);
  }

  /** Bar `row` opens: the working orders meet it, oldest first. The caller has moved the clock to the bar's open. */
  processBar(row: number): void {
    if (this.matcher.workingCount === 0) return;
    const feed = this.marketData;
    feed.index = row;
    feed.phase = 'open';
    this.core.operate(() => this.matcher.processBar(row));
    feed.phase = 'close';
  }
}

/** a working order with its prices as doubles, for the per-bar comparisons */
interface Working extends PaperOrder {
  limitNum: number;
  stopNum: number;
  /** IOC/FOK limits: the bar they get their one chance at */
  onlyAt: number;
  /** the index of the bar it was placed before (it may fill from the next one) */
  placedAt: number;
}

/** relative distance under which two doubles are compared through their exact decimals */
const CLOSE = 1e-9;

/** The backtest's matcher: working orders meet each bar through the fill model (fill-model.ts). */
class BarMatcher implements Matcher<Working> {
  /** orders still to meet a bar, oldest first (seq order: an amend that loses priority moves to the end) */
  private readonly working = new Map<string, Working>();

  constructor(
    private readonly core: SimExchange<Working>,
    private readonly feed: BarFeed,
    private readonly slippage: Decimal,
  ) {}

  get workingCount(): number {
    return this.working.size;
  }

  spec(symbol: string): InstrumentSpec {
    const spec = this.feed.instrument;
    if (symbol !== spec.symbol) throw new VenueRejection(`unknown symbol ${symbol}: this backtest trades ${spec.symbol}`);
    return spec;
  }

  clear(): void {
    this.working.clear();
  }

  finished(order: Working): void {
    this.working.delete(order.venueOrderId);
  }

  place(base: PaperOrder, spec: InstrumentSpec): Working {
    const order: Working = {
      ...base,
      limitNum: base.price ? base.price.toNumber() : NaN,
      stopNum: base.stopPrice ? base.stopPrice.toNumber() : NaN,
      onlyAt: -1,
      placedAt: this.feed.index,
    };
    if (order.postOnly && order.type === 'limit') {
      const last = this.feed.lastPrice(order.symbol);
      const crosses = last && (order.side === 'buy' ? order.price!.gte(last) : order.price!.lte(last));
      if (crosses) throw new VenueRejection(`post_only order would take liquidity: ${order.side} at ${order.price!.toFixed()} is through the last price ${last.toFixed()}`);
    }
    if (order.type !== 'market') this.core.requireLockFunds(order, spec);
    if (order.type === 'limit' && order.timeInForce !== 'GTC') order.onlyAt = this.feed.index + 1;
    // A market order is on its way to the next open, where it fills or is rejected: it never rests, so no 'accepted'.
    this.core.accept(order, order.type !== 'market');
    this.core.orders.add(order);
    this.working.set(order.venueOrderId, order);
    if (order.type !== 'market') this.core.ledger.lock(order.venueOrderId, lockFor(order, spec));
    return order;
  }

  amend(order: Working): (losesPriority: boolean) => void {
    return (losesPriority) => {
      order.limitNum = order.price ? order.price.toNumber() : NaN;
      if (losesPriority) {
        // its new seq is the highest: to the back of the queue
        this.working.delete(order.venueOrderId);
        this.working.set(order.venueOrderId, order);
      }
    };
  }

  processBar(row: number): void {
    for (const order of [...this.working.values()]) {
      if (!this.core.orders.isOpen(order) || order.placedAt >= row) continue;
      this.matchOne(order, row);
    }
  }

  private matchOne(order: Working, row: number): void {
    const core = this.core;
    const spec = this.feed.instrument;
    const cmp = this.comparer(order, row);
    if (order.type === 'market') return this.fillAt(order, spec, this.slipped(order, this.feed.price(row, 'open')), 'taker');
    if (order.type === 'limit' || order.triggered) {
      // it rested before this bar: a maker fill, at the open when the bar opened through it
      const at = limitFill(order.side, cmp);
      if (order.onlyAt === row && at !== 'open') return core.expire(order, `${order.timeInForce}: the open of the next bar did not reach ${order.price!.toFixed()}`);
      if (at) return this.fillAt(order, spec, at === 'open' ? this.feed.price(row, 'open') : order.price!, 'maker');
      return;
    }
    const triggeredAt = stopTrigger(order.side, cmp);
    if (!triggeredAt) return;
    order.triggered = true;
    core.orders.reindex(order);
    core.reports.push({ type: 'triggered', clientOrderId: order.clientOrderId, ts: core.clock.now() });
    const trigger = triggeredAt === 'open' ? this.feed.price(row, 'open') : order.stopPrice!;
    if (order.type === 'stop_market') {
      // works as a market order from here on: it pays what it costs now
      core.ledger.unlock(order.venueOrderId);
      return this.fillAt(order, spec, this.slipped(order, trigger), 'taker');
    }
    const at = stopLimitFill(order.side, triggeredAt, cmp, order.stopPrice!.comparedTo(order.price!));
    if (at === 'trigger') return this.fillAt(order, spec, trigger, 'taker');
    if (at === 'limit') return this.fillAt(order, spec, order.price!, 'maker');
  }

  /** Exact comparisons of bar prices with the order's: doubles decide unless they are too close to tell. */
  private comparer(order: Working, row: number): Compare {
    const s = this.feed.series;
    return (field, which) => {
      const barNum = field === 'open' ? s.open[row]! : field === 'high' ? s.high[row]! : s.low[row]!;
      const orderNum = which === 'limit' ? order.limitNum : order.stopNum;
      const diff = barNum - orderNum;
      if (Math.abs(diff) > CLOSE * Math.max(Math.abs(barNum), Math.abs(orderNum))) return diff > 0 ? 1 : -1;
      const exact = which === 'limit' ? order.price! : order.stopPrice!;
      return this.feed.price(row, field).comparedTo(exact);
    };
  }

  private slipped(order: Working, price: Decimal): Decimal {
    if (this.slippage.isZero()) return price;
    return order.side === 'buy' ? price.mul(ONE.plus(this.slippage)) : price.mul(ONE.minus(this.slippage));
  }

  /** Fills the whole remainder at `price`, or rejects it when the account cannot pay for it there. */
  private fillAt(order: Working, spec: InstrumentSpec, price: Decimal, liquidity: Liquidity): void {
    const quantity = remainingOf(order);
    const fee = feeOf(quantity, price, feeRate(spec, liquidity));
    // what this order holds locked is its own to spend
    const asset = order.side === 'buy' ? spec.quote : spec.base;
    const need = order.side === 'buy' ? quantity.mul(price).plus(fee) : quantity;
    const free = this.core.spendable(order, asset);
    if (need.gt(free)) return this.core.reject(order, `${insufficient(asset, need, free)} at the fill price ${price.toFixed()}`);
    this.core.book(order, spec, quantity, price, liquidity);
  }
}
