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
import { Decimal, ONE, ZERO } from '../engine/model/decimal.js';
import { isTerminal } from '../engine/model/order-state.js';
import type { InstrumentSpec, Liquidity, OrderRecord } from '../engine/model/types.js';
import type { Clock, IdSource } from '../engine/ports/clock.js';
import {
  type ExecutionReport,
  type InProcessVenue,
  type VenueAck,
  type VenueBalance,
  type VenueOrderRef,
  type VenueOrderRequest,
  VenueRejection,
} from '../engine/ports/venue.js';
import { BalanceLedger } from '../venues/paper/balance-ledger.js';
import { checkNotional, checkOrderRequest, checkPrice, checkQuantity } from '../venues/paper/order-checks.js';
import { feeOf, feeRate, lockFor } from '../venues/paper/order-costs.js';
import { orderFromRequest, remainingOf, type PaperOrder } from '../venues/paper/paper-order.js';
import { ReportStream } from '../venues/paper/report-stream.js';
import { parseStartingBalances } from '../venues/sim/starting-balances.js';
import { WorkingOrders, type ClosedState } from '../venues/paper/working-orders.js';
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

export class BacktestVenue implements InProcessVenue {
  readonly exchange = 'backtest';
  readonly mode = 'paper' as const;
  readonly account: string;
  readonly marketData: BarFeed;

  private readonly clock: Clock;
  private readonly ids: IdSource;
  private readonly slippage: Decimal;
  private readonly ledger: BalanceLedger;
  private readonly orders = new WorkingOrders();
  private readonly reports: ReportStream;
  /** orders still to meet a bar, oldest first (seq order: an amend that loses priority moves to the end) */
  private readonly working = new Map<string, Working>();
  private seq = 0;

  constructor(options: BacktestVenueOptions) {
    this.account = options.account;
    this.marketData = options.feed;
    this.clock = options.clock;
    this.ids = options.ids;
    this.slippage = options.slippage ?? ZERO;
    if (this.slippage.isNeg() || this.slippage.gte(1)) throw badRequest('slippage must be a fraction ≥ 0 and < 1', { field: 'slippage' });
    this.ledger = new BalanceLedger(parseStartingBalances(options.startingBalances));
    this.reports = new ReportStream(
      options.onListenerError ??
        ((err) =>
          queueMicrotask(() => {
            throw err;
          })),
    );
  }

  /** working orders (the runner's fast path skips processBar when there are none) */
  get openOrderCount(): number {
    return this.working.size;
  }

  async loadMarkets(): Promise<InstrumentSpec[]> {
    return [this.marketData.instrument];
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  onReport(listener: (report: ExecutionReport) => void): () => void {
    return this.reports.subscribe(listener);
  }

  async fetchBalance(): Promise<VenueBalance[]> {
    return this.ledger.balances();
  }

  balance(asset: string): { total: Decimal; free: Decimal } {
    return { total: this.ledger.total(asset), free: this.ledger.free(asset) };
  }

  async createOrder(request: VenueOrderRequest): Promise<VenueAck> {
    return this.operate(() => this.place(request));
  }

  async editOrder(ref: VenueOrderRef, changes: { price?: Decimal; quantity?: Decimal }): Promise<void> {
    this.operate(() => this.amend(ref, changes));
  }

  async cancelOrder(ref: VenueOrderRef): Promise<void> {
    this.operate(() => this.cancel(ref));
  }

  restore(state: { balances: Array<{ asset: string; total: Decimal }>; openOrders: OrderRecord[] }): { skipped: Array<{ clientOrderId: string; reason: string }> } {
    // A backtest starts from nothing: its engine's store is new, so there is nothing to take back.
    this.ledger.replace(state.balances.map((b) => [b.asset, b.total] as const));
    return { skipped: state.openOrders.filter((o) => !isTerminal(o.state)).map((o) => ({ clientOrderId: o.clientOrderId, reason: 'a backtest starts without orders' })) };
  }

  reset(startingBalances: Record<string, string>): void {
    this.orders.clear();
    this.working.clear();
    this.ledger.replace(parseStartingBalances(startingBalances));
  }

  /** Bar `row` opens: the working orders meet it, oldest first. The caller has moved the clock to the bar's open. */
  processBar(row: number): void {
    if (this.working.size === 0) return;
    const feed = this.marketData;
    feed.index = row;
    feed.phase = 'open';
    this.operate(() => {
      for (const order of [...this.working.values()]) {
        if (!this.orders.isOpen(order) || order.placedAt >= row) continue;
        this.matchOne(order, row);
      }
    });
    feed.phase = 'close';
  }

  // ── requests ────────────────────────────────────────────────────────────

  private place(request: VenueOrderRequest): VenueAck {
    const spec = this.spec(request.symbol);
    checkOrderRequest(request, spec);
    if (this.orders.knowsClientOrderId(request.clientOrderId)) {
      throw new VenueRejection(`duplicate client order id ${request.clientOrderId}: the venue already has an order with it`);
    }
    const base = orderFromRequest(request);
    const order: Working = {
      ...base,
      limitNum: base.price ? base.price.toNumber() : NaN,
      stopNum: base.stopPrice ? base.stopPrice.toNumber() : NaN,
      onlyAt: -1,
      placedAt: this.marketData.index,
    };
    if (order.postOnly && order.type === 'limit') {
      const last = this.marketData.lastPrice(order.symbol);
      const crosses = last && (order.side === 'buy' ? order.price!.gte(last) : order.price!.lte(last));
      if (crosses) throw new VenueRejection(`post_only order would take liquidity: ${order.side} at ${order.price!.toFixed()} is through the last price ${last.toFixed()}`);
    }
    if (order.type !== 'market') this.requireLockFunds(order, spec);
    if (order.type === 'limit' && order.timeInForce !== 'GTC') order.onlyAt = this.marketData.index + 1;
    order.venueOrderId = this.ids.next('B');
    order.seq = ++this.seq;
    // A market order is on its way to the next open, where it fills or is rejected: it never rests, so no 'accepted'.
    if (order.type !== 'market') this.reports.push({ type: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, ts: this.clock.now() });
    this.orders.add(order);
    this.working.set(order.venueOrderId, order);
    if (order.type !== 'market') this.ledger.lock(order.venueOrderId, lockFor(order, spec));
    return { venueOrderId: order.venueOrderId };
  }

  private amend(ref: VenueOrderRef, changes: { price?: Decimal; quantity?: Decimal }): void {
    const order = this.openOrder(ref, 'amend');
    const spec = this.spec(order.symbol);
    if (changes.price === undefined && changes.quantity === undefined) throw new VenueRejection('nothing to amend: give a new price and/or quantity');
    if (order.type === 'market') throw new VenueRejection('a market order cannot be amended');
    if (changes.price !== undefined && order.type === 'stop_market') throw new VenueRejection('a stop_market order has no limit price to amend');
    const price = changes.price ?? order.price;
    const quantity = changes.quantity ?? order.quantity;
    if (changes.quantity !== undefined) checkQuantity(quantity, spec);
    if (changes.price !== undefined) checkPrice('price', changes.price, spec);
    if (!quantity.gt(order.filled)) throw new VenueRejection(`new quantity ${quantity.toFixed()} must exceed the filled quantity ${order.filled.toFixed()}`);
    const reference = price ?? order.stopPrice;
    if (reference) checkNotional(quantity, reference, spec);
    const need = lockFor({ ...order, price, quantity }, spec);
    const held = this.ledger.lockOf(order.venueOrderId);
    const free = this.ledger.free(need.asset).plus(held?.asset === need.asset ? held.amount : ZERO);
    if (need.amount.gt(free)) throw new VenueRejection(insufficient(need.asset, need.amount, free));
    const repriced = changes.price !== undefined && order.price !== null && !changes.price.eq(order.price);
    // a new price or a larger quantity goes to the back of the queue, as on a venue
    const losesPriority = repriced || quantity.gt(order.quantity);
    if (losesPriority) order.seq = ++this.seq;
    order.price = price;
    order.limitNum = price ? price.toNumber() : NaN;
    order.quantity = quantity;
    this.orders.reindex(order);
    this.ledger.lock(order.venueOrderId, need);
    if (losesPriority) {
      // its new seq is the highest: to the back of the queue
      this.working.delete(order.venueOrderId);
      this.working.set(order.venueOrderId, order);
    }
    this.reports.push({ type: 'updated', clientOrderId: order.clientOrderId, price: order.price, quantity: order.quantity, ts: this.clock.now() });
  }

  private cancel(ref: VenueOrderRef): void {
    const order = this.openOrder(ref, 'cancel');
    this.finish(order, 'canceled');
    this.reports.push({ type: 'canceled', clientOrderId: order.clientOrderId, reason: null, ts: this.clock.now() });
  }

  // ── matching ────────────────────────────────────────────────────────────

  private matchOne(order: Working, row: number): void {
    const spec = this.marketData.instrument;
    const cmp = this.comparer(order, row);
    if (order.type === 'market') return this.fillAt(order, spec, this.slipped(order, this.marketData.price(row, 'open')), 'taker');
    if (order.type === 'limit' || order.triggered) {
      // it rested before this bar: a maker fill, at the open when the bar opened through it
      const at = limitFill(order.side, cmp);
      if (order.onlyAt === row && at !== 'open') return this.expire(order, `${order.timeInForce}: the open of the next bar did not reach ${order.price!.toFixed()}`);
      if (at) return this.fillAt(order, spec, at === 'open' ? this.marketData.price(row, 'open') : order.price!, 'maker');
      return;
    }
    const triggeredAt = stopTrigger(order.side, cmp);
    if (!triggeredAt) return;
    order.triggered = true;
    this.orders.reindex(order);
    this.reports.push({ type: 'triggered', clientOrderId: order.clientOrderId, ts: this.clock.now() });
    const trigger = triggeredAt === 'open' ? this.marketData.price(row, 'open') : order.stopPrice!;
    if (order.type === 'stop_market') {
      // works as a market order from here on: it pays what it costs now
      this.ledger.unlock(order.venueOrderId);
      return this.fillAt(order, spec, this.slipped(order, trigger), 'taker');
    }
    const at = stopLimitFill(order.side, triggeredAt, cmp, order.stopPrice!.comparedTo(order.price!));
    if (at === 'trigger') return this.fillAt(order, spec, trigger, 'taker');
    if (at === 'limit') return this.fillAt(order, spec, order.price!, 'maker');
  }

  /** Exact comparisons of bar prices with the order's: doubles decide unless they are too close to tell. */
  private comparer(order: Working, row: number): Compare {
    const s = this.marketData.series;
    return (field, which) => {
      const barNum = field === 'open' ? s.open[row]! : field === 'high' ? s.high[row]! : s.low[row]!;
      const orderNum = which === 'limit' ? order.limitNum : order.stopNum;
      const diff = barNum - orderNum;
      if (Math.abs(diff) > CLOSE * Math.max(Math.abs(barNum), Math.abs(orderNum))) return diff > 0 ? 1 : -1;
      const exact = which === 'limit' ? order.price! : order.stopPrice!;
      return this.marketData.price(row, field).comparedTo(exact);
    };
  }

  private slipped(order: Working, price: Decimal): Decimal {
    if (this.slippage.isZero()) return price;
    return order.side === 'buy' ? price.mul(ONE.plus(this.slippage)) : price.mul(ONE.minus(this.slippage));
  }

  /** Fills the whole remainder at `price`, or rejects it when the account cannot pay for it there. */
  private fillAt(order: Working, spec: InstrumentSpec, price: Decimal, liquidity: Liquidity): void {
    const quantity = remainingOf(order);
    const notional = quantity.mul(price);
    const fee = feeOf(quantity, price, feeRate(spec, liquidity));
    // what this order holds locked is its own to spend
    const held = this.ledger.lockOf(order.venueOrderId);
    const asset = order.side === 'buy' ? spec.quote : spec.base;
    const need = order.side === 'buy' ? notional.plus(fee) : quantity;
    const free = this.ledger.free(asset).plus(held?.asset === asset ? held.amount : ZERO);
    if (need.gt(free)) return this.reject(order, `${insufficient(asset, need, free)} at the fill price ${price.toFixed()}`);
    this.ledger.unlock(order.venueOrderId);
    if (order.side === 'buy') {
      this.ledger.debit(spec.quote, notional.plus(fee));
      this.ledger.credit(spec.base, quantity);
    } else {
      this.ledger.debit(spec.base, quantity);
      this.ledger.credit(spec.quote, notional.minus(fee));
    }
    order.filled = order.filled.plus(quantity);
    this.finish(order, 'filled');
    this.reports.push({
      type: 'fill',
      clientOrderId: order.clientOrderId,
      venueTradeId: this.ids.next('BT'),
      quantity,
      price,
      fee,
      feeAsset: spec.quote,
      liquidity,
      ts: this.clock.now(),
    });
    // the 'balance' reports follow when the operation ends (operate), once for all its fills
  }

  private expire(order: Working, reason: string): void {
    this.finish(order, 'expired');
    this.reports.push({ type: 'expired', clientOrderId: order.clientOrderId, reason, ts: this.clock.now() });
  }

  private reject(order: Working, reason: string): void {
    this.finish(order, 'rejected');
    this.reports.push({ type: 'rejected', clientOrderId: order.clientOrderId, reason, ts: this.clock.now() });
  }

  private finish(order: Working, state: ClosedState): void {
    this.orders.close(order, state);
    this.ledger.unlock(order.venueOrderId);
    this.working.delete(order.venueOrderId);
  }

  private requireLockFunds(order: PaperOrder, spec: InstrumentSpec): void {
    const need = lockFor(order, spec);
    const free = this.ledger.free(need.asset);
    if (need.amount.gt(free)) throw new VenueRejection(insufficient(need.asset, need.amount, free));
  }

  private operate<T>(work: () => T): T {
    return this.reports.run(work, () => this.ledger.takeChanges(), () => this.clock.now());
  }

  private openOrder(ref: VenueOrderRef, action: 'amend' | 'cancel'): Working {
    const found = this.orders.find(ref);
    if (!found) throw new VenueRejection(`cannot ${action}: no order ${ref.clientOrderId} on ${ref.symbol}`);
    if ('closed' in found) throw new VenueRejection(`cannot ${action} order ${ref.clientOrderId}: it is already ${found.closed}`);
    return found.order as Working;
  }

  private spec(symbol: string): InstrumentSpec {
    const spec = this.marketData.instrument;
    if (symbol !== spec.symbol) throw new VenueRejection(`unknown symbol ${symbol}: this backtest trades ${spec.symbol}`);
    return spec;
  }
}

function insufficient(asset: string, need: Decimal, free: Decimal): string {
  return `insufficient ${asset}: needs ${need.toFixed()}, free ${free.toFixed()}`;
}
