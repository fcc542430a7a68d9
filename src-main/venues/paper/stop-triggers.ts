import type { Decimal } from '../../engine/model/decimal.js';
import type { Side } from '../../engine/model/types.js';

/**
 * Whether a stop fires at last trade price `last`: a buy stop when the market
 * trades at or above its stop price, a sell stop at or below it.
 */
export function stopReached(side: Side, stopPrice: Decimal, last: Decimal): boolean {
  return side === 'buy' ? last.gte(stopPrice) : last.lte(stopPrice);
}

/** Why a stop cannot be placed when the market already stands at its price, or null. */
export function immediateTriggerReason(side: Side, stopPrice: Decimal, last: Decimal | undefined): string | null {
  if (last === undefined || !stopReached(side, stopPrice, last)) return null;
  const where = side === 'buy' ? 'at or above' : 'at or below';
  return `${side} stop at ${stopPrice.toFixed()} would trigger immediately: last price ${last.toFixed()} is ${where} it`;
}
