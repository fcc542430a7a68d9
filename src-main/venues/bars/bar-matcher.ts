import { triggerDirection } from '../../../src-common/contract/constants/orders.js';
import { type Decimal, ONE } from '../../engine/model/decimal.js';
import { type InstrumentSpec, type Liquidity, remaining } from '../../engine/model/types.js';
import { VenueRejection } from '../../engine/ports/venue.js';
import { feeOf, feeRate, lockFor } from '../sim/order-costs.js';
import { worksAsMarket, type PaperOrder } from '../sim/sim-order.js';
import { trailingStep } from '../../engine/model/trailing.js';
import { insufficient, type Matcher, type SimExchange } from '../sim/core.js';
import type { BarMarket } from './bar-market.js';
import { type Compare, limitFill, stopLimitFill, stopTrigger } from './fill-model.js';

/** a working order with its prices as doubles, for the per-bar comparisons */
export interface Working extends PaperOrder {
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
export class BarMatcher implements Matcher<Working> {
  /** orders still to meet a bar, oldest first (seq order: an amend that loses priority moves to the end) */
  private readonly working = new Map<string, Working>();

  constructor(
    private readonly core: SimExchange<Working>,
    private readonly feed: BarMarket,
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

  lastPrice(symbol: string): Decimal | undefined {
    return this.feed.lastPrice(symbol);
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
    if (order.type === 'trailing_stop') this.startTrailing(order, spec);
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
      // A bar that reaches both legs of an OCO list resolves stop first (conservative: the bar's order is unknown)
      const stop = order.ocoLeg === 'take_profit' ? this.core.sibling(order) : undefined;
      if (stop && stop.placedAt < row && !stop.triggered && stopTrigger(triggerDirection(stop.type, stop.side), this.comparer(stop, row))) this.matchOne(stop, row);
      if (this.core.orders.isOpen(order)) this.matchOne(order, row);
    }
  }

  /** A trailing stop starts from the last price (the close it was placed at), or waits for its activation price. */
  private startTrailing(order: Working, spec: InstrumentSpec): void {
    const last = this.feed.lastPrice(order.symbol);
    if (!last) throw new VenueRejection(`no last price for ${order.symbol}: a trailing stop needs one to trail from`);
    const step = trailingStep(order.side, order.trailing!, null, last, spec.priceIncrement);
    order.trailing = step.trailing;
    order.stopPrice = step.stopPrice;
    order.stopNum = order.stopPrice ? order.stopPrice.toNumber() : NaN;
  }

  /**
   * A trailing stop meets a bar: its current stop first (open, then the range,
   * as any stop); when the bar does not reach it, the best price moves to the
   * bar's high (a sell) or low (a buy) and the new stop applies from the next
   * bar — within one bar the order of high and low is unknown, so the stop it
   * moves to is never taken to be hit by the same bar.
   */
  private trail(order: Working, row: number): void {
    const extreme = this.feed.price(row, order.side === 'sell' ? 'high' : 'low');
    const step = trailingStep(order.side, order.trailing!, order.stopPrice, extreme, this.feed.instrument.priceIncrement);
    if (!step.moved) return;
    order.trailing = step.trailing;
    order.stopPrice = step.stopPrice;
    order.stopNum = order.stopPrice ? order.stopPrice.toNumber() : NaN;
    this.core.trailed(order);
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
    const triggeredAt = order.stopPrice ? stopTrigger(triggerDirection(order.type, order.side), cmp) : null;
    if (!triggeredAt) {
      if (order.type === 'trailing_stop') this.trail(order, row);
      return;
    }
    order.triggered = true;
    core.orders.reindex(order);
    core.triggered(order, spec);
    const trigger = triggeredAt === 'open' ? this.feed.price(row, 'open') : order.stopPrice!;
    if (worksAsMarket(order.type)) {
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
    const quantity = remaining(order);
    const fee = feeOf(quantity, price, feeRate(spec, liquidity));
    // what this order holds locked is its own to spend
    const asset = order.side === 'buy' ? spec.quote : spec.base;
    const need = order.side === 'buy' ? quantity.mul(price).plus(fee) : quantity;
    const free = this.core.spendable(order, asset);
    if (need.gt(free)) return this.core.reject(order, `${insufficient(asset, need, free)} at the fill price ${price.toFixed()}`);
    this.core.book(order, spec, quantity, price, liquidity);
  }
}
