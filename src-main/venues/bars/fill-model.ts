import type { TriggerDirection } from '../../../src-common/contract/constants/orders.js';
import type { Side } from '../../engine/model/types.js';

/**
 * The backtest's fill model, rule by rule, as pure functions of one bar
 * (docs/strategies.md, "Fill model"). An order made while bar i closes meets
 * bar i+1 first; a bar is taken to start at its open and to reach both its
 * high and its low before its close, in an unknown order.
 *
 * Prices are compared through `cmp`, which the venue makes exact (doubles
 * where they decide, the decimals of the file's text where they are close).
 */

/** sign of (bar price − order price) for one field of the bar */
export type Compare = (field: 'open' | 'high' | 'low', price: 'limit' | 'stop') => number;

/** Where a resting limit fills on this bar: at the open when the bar opens at or through it, else at its price when the range reaches it. */
export function limitFill(side: Side, cmp: Compare): 'open' | 'limit' | null {
  if (side === 'buy') {
    if (cmp('open', 'limit') <= 0) return 'open';
    return cmp('low', 'limit') <= 0 ? 'limit' : null;
  }
  if (cmp('open', 'limit') >= 0) return 'open';
  return cmp('high', 'limit') >= 0 ? 'limit' : null;
}

/**
 * Where a trigger order (stop or take profit) fires on this bar, by the way it
 * fires (contract: triggerDirection): at the open when the bar opens at or
 * through it, else at its stop price when the range reaches it.
 */
export function stopTrigger(direction: TriggerDirection, cmp: Compare): 'open' | 'stop' | null {
  if (direction === 'rise') {
    if (cmp('open', 'stop') >= 0) return 'open';
    return cmp('high', 'stop') >= 0 ? 'stop' : null;
  }
  if (cmp('open', 'stop') <= 0) return 'open';
  return cmp('low', 'stop') <= 0 ? 'stop' : null;
}

/**
 * A stop_limit or take_profit_limit that triggered on this bar, at the open or at its stop:
 * 'trigger' when the trigger price is at or better than the limit (it fills
 * there at once); 'limit' when it opened through its stop beyond its limit
 * and the rest of the bar comes back to the limit (the low or high comes after
 * the open); null otherwise (it rests as a limit from the next bar on).
 */
export function stopLimitFill(side: Side, triggeredAt: 'open' | 'stop', cmp: Compare, stopVsLimit: number): 'trigger' | 'limit' | null {
  // trigger price vs limit: the open (compared with the limit) or the stop (stopVsLimit = sign(stop − limit))
  const triggerVsLimit = triggeredAt === 'open' ? cmp('open', 'limit') : stopVsLimit;
  if (side === 'buy') {
    if (triggerVsLimit <= 0) return 'trigger';
    if (triggeredAt === 'open' && cmp('low', 'limit') <= 0) return 'limit';
    return null;
  }
  if (triggerVsLimit >= 0) return 'trigger';
  if (triggeredAt === 'open' && cmp('high', 'limit') >= 0) return 'limit';
  return null;
}
