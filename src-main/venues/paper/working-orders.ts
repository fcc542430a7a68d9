import type { VenueOrderRef } from '../../engine/ports/venue.js';
import { isPendingStop, isRestingLimit, type PaperOrder } from './paper-order.js';

export type ClosedState = 'filled' | 'canceled' | 'expired' | 'rejected';

/** How many closed orders are remembered, to answer "already closed" instead of "unknown". */
const CLOSED_MEMORY = 10_000;

/**
 * The paper venue's open orders (resting limits and waiting stops), by
 * venue order id, and a bounded memory of closed ones.
 */
export class WorkingOrders {
  private readonly open = new Map<string, PaperOrder>();
  private readonly closed = new Map<string, { clientOrderId: string; state: ClosedState }>();
  /** client order id → venue order id, for open and remembered closed orders */
  private readonly byClientId = new Map<string, string>();

  add(order: PaperOrder): void {
    this.open.set(order.venueOrderId, order);
    this.byClientId.set(order.clientOrderId, order.venueOrderId);
  }

  isOpen(order: PaperOrder): boolean {
    return this.open.get(order.venueOrderId) === order;
  }

  /** Takes `order` out of the open orders without closing it: it is being worked right now (a triggered stop_market). */
  detach(order: PaperOrder): void {
    if (this.isOpen(order)) this.open.delete(order.venueOrderId);
  }

  /** Records that `order` is finished (removing it from the open orders if it was there). */
  close(order: PaperOrder, state: ClosedState): void {
    this.open.delete(order.venueOrderId);
    this.closed.set(order.venueOrderId, { clientOrderId: order.clientOrderId, state });
    this.byClientId.set(order.clientOrderId, order.venueOrderId);
    if (this.closed.size > CLOSED_MEMORY) {
      const [oldest] = this.closed.keys();
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

  /** Open orders in time priority. */
  all(): PaperOrder[] {
    return [...this.open.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Resting limits of `symbol` in matching priority: best price first, then time. */
  restingLimits(symbol: string): PaperOrder[] {
    const orders = [...this.open.values()].filter((o) => o.symbol === symbol && isRestingLimit(o));
    return orders.sort((a, b) => {
      if (a.side !== b.side) return a.side === 'buy' ? -1 : 1;
      const pa = a.price!;
      const pb = b.price!;
      if (!pa.eq(pb)) return a.side === 'buy' ? pb.comparedTo(pa) : pa.comparedTo(pb);
      return a.seq - b.seq;
    });
  }

  /** Stops of `symbol` still waiting for their price, in time priority. */
  pendingStops(symbol: string): PaperOrder[] {
    return [...this.open.values()].filter((o) => o.symbol === symbol && isPendingStop(o)).sort((a, b) => a.seq - b.seq);
  }

  clear(): void {
    this.open.clear();
    this.closed.clear();
    this.byClientId.clear();
  }
}
