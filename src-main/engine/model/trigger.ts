import { type OrderType, triggerDirection, triggerFires } from '../../../src-common/contract/constants/orders.js';
import type { Decimal } from './decimal.js';
import type { Side } from './types.js';

/** Whether a trigger order of `type` and `side` fires at last price `last` (the contract's one rule: triggerFires). */
export function triggerReached(type: OrderType, side: Side, stopPrice: Decimal, last: Decimal): boolean {
  return triggerFires(type, side, last.comparedTo(stopPrice));
}

/**
 * Why a trigger order cannot be placed when the market already stands at its
 * stop, or null: it would fire at once (Binance refuses it, -2010 "Order would
 * trigger immediately."). Tern's rule name: `would_trigger_immediately`.
 */
export function immediateTriggerReason(type: OrderType, side: Side, stopPrice: Decimal, last: Decimal | undefined): string | null {
  if (last === undefined || !triggerReached(type, side, stopPrice, last)) return null;
  const where = triggerDirection(type, side) === 'rise' ? 'at or above' : 'at or below';
  const what = type === 'take_profit_market' || type === 'take_profit_limit' ? 'take profit' : 'stop';
  return `${side} ${what} at ${stopPrice.toFixed()} would trigger immediately: last price ${last.toFixed()} is ${where} it`;
}
