import type { EngineEvent } from '../../../src-common/contract/events.js';
import type { Fill, Order } from '../../../src-common/contract/schemas.js';
import { Decimal } from '../../engine/model/decimal.js';

/** noted fills kept at most while placements overlap without pause (the oldest order's go first) */
const MAX_ORDERS_NOTED = 10_000;

/**
 * The fills of the orders the gateway is placing, as the engine's fill events
 * told them: a FULL order response lists its fills, and reading them back from
 * the journal was a SQLite query per order, the largest share of the gateway's
 * cost per order. The engine publishes an order's fill events once they are
 * committed, before it answers the placement, so fills heard while a placement
 * is in flight are all there is to know when it is answered. Only then are
 * events read (their data is made lazily, for whoever reads it), and what was
 * noted is dropped as soon as no placement is in flight.
 */
export class PlacementFills {
  private inFlight = 0;
  private readonly byOrder = new Map<string, Fill[]>();

  onEvent(event: EngineEvent): void {
    if (this.inFlight === 0 || event.kind !== 'fills') return;
    let fill: Fill;
    try {
      fill = event.data as Fill;
    } catch {
      // its data failed to be made: the order's fills will not add up, and are read from the journal
      return;
    }
    const list = this.byOrder.get(fill.order_id);
    if (list) list.push(fill);
    else {
      this.byOrder.set(fill.order_id, [fill]);
      if (this.byOrder.size > MAX_ORDERS_NOTED) this.byOrder.delete(this.byOrder.keys().next().value!);
    }
  }

  /**
   * Runs a placement; its order, with the fills heard for it (oldest first)
   * when they add up to its filled quantity, or null when they do not (a fill
   * made before the placement, e.g. a retried client order id): the caller
   * reads those from the journal.
   */
  async place(run: () => Promise<Order>): Promise<{ order: Order; fills: Fill[] | null }> {
    this.inFlight += 1;
    try {
      const order = await run();
      const filled = new Decimal(order.filled_quantity);
      if (filled.isZero()) return { order, fills: [] };
      const fills = this.byOrder.get(order.id) ?? [];
      const sum = fills.reduce((s, f) => s.add(f.quantity), new Decimal(0));
      return { order, fills: sum.eq(filled) ? fills : null };
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.byOrder.clear();
    }
  }
}
