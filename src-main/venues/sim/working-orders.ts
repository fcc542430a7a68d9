import { type TriggerDirection, triggerDirection } from '../../../src-common/contract/constants/orders.js';
import type { Decimal } from '../../engine/model/decimal.js';
import type { Side } from '../../engine/model/types.js';
import type { VenueOrderRef } from '../../engine/ports/venue.js';
import { isPendingStop, isRestingLimit, type PaperOrder } from './sim-order.js';
import { PriceTimeQueue } from './price-time-queue.js';

export type ClosedState = 'filled' | 'canceled' | 'expired' | 'rejected';

/** How many closed orders are remembered, to answer "already closed" instead of "unknown". */
const CLOSED_MEMORY = 10_000;

/** One symbol's open orders in matching order, a queue per side. */
interface SymbolQueues {
  /** resting limits: bids highest first, asks lowest first */
  limits: Record<Side, PriceTimeQueue<PaperOrder>>;
  /** waiting stops and take profits by the way they fire, in the order the market reaches them: on a rise lowest first, on a fall highest first */
  stops: Record<TriggerDirection, PriceTimeQueue<PaperOrder>>;
}

/**
 * A simulated venue's open orders (resting limits and waiting stops), by
 * venue order id, and a bounded memory of closed ones.
 *
 * Resting limits and waiting stops are also held in price-time order per
 * symbol and side, so that a book or trade event visits only the orders it
 * can fill or trigger (plus one per side to see where to stop), however many
 * rest. Whoever changes an open order's price, seq or triggered flag calls
 * `reindex` afterwards.
 */
export class WorkingOrders {
  private readonly open = new Map<string, PaperOrder>();
  private readonly closed = new Map<string, { clientOrderId: string; state: ClosedState }>();
  /**
   * One iterator over `closed` kept for forgetting the oldest: a Map iterator
   * is live (it sees later entries and skips deleted ones), and each fresh
   * `keys().next()` would step over every entry deleted before it until V8
   * compacts the table, thousands per close once the memory is full.
   */
  private readonly closedOldest = this.closed.keys();
  /** client order id → venue order id, for open and remembered closed orders */
  private readonly byClientId = new Map<string, string>();
  private readonly queues = new Map<string, SymbolQueues>();
  private visitCount = 0;

  /** Orders the matching queries have looked at so far: what a market event cost. */
  get visits(): number {
    return this.visitCount;
  }

  add(order: PaperOrder): void {
    this.open.set(order.venueOrderId, order);
    this.byClientId.set(order.clientOrderId, order.venueOrderId);
    this.index(order);
  }

  isOpen(order: PaperOrder): boolean {
    return this.open.get(order.venueOrderId) === order;
  }

  /** Files an open order again after its price, seq or triggered flag changed. */
  reindex(order: PaperOrder): void {
    this.unindex(order);
    if (this.isOpen(order)) this.index(order);
  }

  /** Takes `order` out of the open orders without closing it: it is being worked right now (a triggered stop_market). */
  detach(order: PaperOrder): void {
    if (!this.isOpen(order)) return;
    this.open.delete(order.venueOrderId);
    this.unindex(order);
  }

  /** Records that `order` is finished (removing it from the open orders if it was there). */
  close(order: PaperOrder, state: ClosedState): void {
    if (this.isOpen(order)) {
      this.open.delete(order.venueOrderId);
      this.unindex(order);
    }
    this.closed.set(order.venueOrderId, { clientOrderId: order.clientOrderId, state });
    this.byClientId.set(order.clientOrderId, order.venueOrderId);
    if (this.closed.size > CLOSED_MEMORY) {
      const oldest = this.closedOldest.next().value;
      if (oldest !== undefined) {
        const entry = this.closed.get(oldest);
        this.closed.delete(oldest);
        if (entry && this.byClientId.get(entry.clientOrderId) === oldest) this.byClientId.delete(entry.clientOrderId);
      }
    }
  }

  knowsClientOrderId(clientOrderId: string): boolean {
    return this.byClientId.has(clientOrderId);
  }

  /** The open order `ref` names, or why there is none. */
  find(ref: VenueOrderRef): { order: PaperOrder } | { closed: ClosedState } | undefined {
    const venueOrderId = ref.venueOrderId ?? this.byClientId.get(ref.clientOrderId);
    if (venueOrderId === undefined) return undefined;
    const order = this.open.get(venueOrderId);
    if (order) {
      return order.clientOrderId === ref.clientOrderId && order.symbol === ref.symbol ? { order } : undefined;
    }
    const closed = this.closed.get(venueOrderId);
    if (closed && closed.clientOrderId === ref.clientOrderId) return { closed: closed.state };
    return undefined;
  }

  /** Open orders in time priority (for inspection: it sorts them all). */
  all(): PaperOrder[] {
    return [...this.open.values()].sort((a, b) => a.seq - b.seq);
  }

  get size(): number {
    return this.open.size;
  }

  /** Resting limits of `symbol` in matching priority: buys then sells, each best price first, then time (for inspection). */
  restingLimits(symbol: string): PaperOrder[] {
    const q = this.queues.get(symbol);
    return q ? [...q.limits.buy.items(), ...q.limits.sell.items()] : [];
  }

  /** Stops of `symbol` still waiting for their price, in time priority (for inspection); trailing stops are their matcher's. */
  pendingStops(symbol: string): PaperOrder[] {
    const q = this.queues.get(symbol);
    return q ? [...q.stops.rise.items(), ...q.stops.fall.items()].sort((a, b) => a.seq - b.seq) : [];
  }

  /**
   * Resting limits of `symbol` on `side` whose price `reaches`, best price
   * first, then time. `reaches` must hold for every price better than one it
   * holds for (a buy reaches an ask at or below its limit, so every higher
   * bid does too): the walk stops at the first price it fails.
   */
  crossingLimits(symbol: string, side: Side, reaches: (price: Decimal) => boolean): PaperOrder[] {
    return this.queues.get(symbol)?.limits[side].takeWhile(reaches, this.countVisit) ?? [];
  }

  /** Waiting stops of `symbol` that the last trade price `last` reaches (firing on a rise: last ≥ stop; on a fall: last ≤ stop), in time priority. */
  reachedStops(symbol: string, last: Decimal): PaperOrder[] {
    const q = this.queues.get(symbol);
    if (!q) return [];
    const rise = q.stops.rise.takeWhile((stop) => last.gte(stop), this.countVisit);
    const fall = q.stops.fall.takeWhile((stop) => last.lte(stop), this.countVisit);
    // they come in stop price order; they trigger in the order they were placed
    return [...rise, ...fall].sort((a, b) => a.seq - b.seq);
  }

  clear(): void {
    this.open.clear();
    this.closed.clear();
    this.byClientId.clear();
    this.queues.clear();
  }

  private readonly countVisit = (): void => {
    this.visitCount += 1;
  };

  private index(order: PaperOrder): void {
    if (isRestingLimit(order) && order.price) this.symbolQueues(order.symbol).limits[order.side].insert(order, order.price, order.seq);
    // a trailing stop moves with every new best: its matcher watches it (HeldStops), a queue filed by price would not keep up
    else if (isPendingStop(order) && order.stopPrice && order.type !== 'trailing_stop') this.symbolQueues(order.symbol).stops[triggerDirection(order.type, order.side)].insert(order, order.stopPrice, order.seq);
  }

  private unindex(order: PaperOrder): void {
    const q = this.queues.get(order.symbol);
    if (!q) return;
    // where it was filed may no longer match its fields (a stop that just triggered): try each queue of its side
    if (!q.limits[order.side].remove(order)) q.stops[triggerDirection(order.type, order.side)].remove(order);
    if (q.limits.buy.size + q.limits.sell.size + q.stops.rise.size + q.stops.fall.size === 0) this.queues.delete(order.symbol);
  }

  private symbolQueues(symbol: string): SymbolQueues {
    let q = this.queues.get(symbol);
    if (!q) {
      q = {
        limits: { buy: new PriceTimeQueue('higher'), sell: new PriceTimeQueue('lower') },
        stops: { rise: new PriceTimeQueue('lower'), fall: new PriceTimeQueue('higher') },
      };
      this.queues.set(symbol, q);
    }
    return q;
  }
}
