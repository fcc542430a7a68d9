import { ZERO } from '../model/decimal.js';
import { type OrderEvent, nextOrderState } from '../model/order-state.js';
import type { FillRecord, OrderRecord } from '../model/types.js';

/**
 * The only way an order changes: an event from the state table, applied to a
 * copy. Throws IllegalTransition for an event the table does not allow.
 */
export function transition(order: OrderRecord, event: OrderEvent, ts: number, patch: Partial<OrderRecord> = {}): OrderRecord {
  const state = nextOrderState(order.state, event, order.previousState ?? undefined);
  const entersPending = (state === 'pending_cancel' || state === 'pending_update') && order.state !== 'pending_cancel' && order.state !== 'pending_update';
  const leavesPending = state !== 'pending_cancel' && state !== 'pending_update';
  const next: OrderRecord = {
    ...order,
    ...patch,
    state,
    previousState: entersPending ? order.state : leavesPending ? null : order.previousState,
    updatedAt: ts,
  };
  // kept for good: a triggered limit that rests unfilled is working (Binance's isWorking, workingTime)
  if (event === 'trigger') next.triggeredAt = ts;
  return next;
}

/** The order after a fill: quantity, average price and fees roll forward; the state follows the table. */
export function applyFillToOrder(order: OrderRecord, fill: FillRecord): OrderRecord {
  const filled = order.filledQuantity.add(fill.quantity);
  const averagePrice = (order.averagePrice ?? ZERO).mul(order.filledQuantity).add(fill.price.mul(fill.quantity)).div(filled);
  const event: OrderEvent = filled.gte(order.quantity) ? 'fill' : 'partial_fill';
  return transition(order, event, fill.ts, { filledQuantity: filled, averagePrice, fees: order.fees.add(fill.fee) });
}

export { remaining } from '../model/types.js';
