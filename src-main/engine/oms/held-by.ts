import { type HeldBy, type OrderType, isTakeProfit } from '../../../src-common/contract/constants/orders.js';
import type { Venue } from '../ports/venue.js';

/**
 * Who holds a protective construct: the venue when it takes it natively
 * (survives Tern closed), else Tern (works only while Tern runs). Placement
 * (oms.ts) and the dry run (orders.check) both ask here, so the ticket shows
 * what placing will do.
 */

/** a stop order: the venue triggers it, or Tern holds it and fires a market (or limit) order */
export function stopHeldBy(venue: Venue): HeldBy {
  return venue.capabilities?.stopOrders === true ? 'venue' : 'tern';
}

/** a stop or a take profit (a type with a stop price): each by the venue's own kind of trigger order */
export function triggerHeldBy(venue: Venue, type: OrderType): HeldBy {
  if (!isTakeProfit(type)) return stopHeldBy(venue);
  return venue.capabilities?.takeProfitOrders === true ? 'venue' : 'tern';
}

/** a trailing stop: the venue moves it itself, or Tern trails it */
export function trailingHeldBy(venue: Venue): HeldBy {
  return venue.capabilities?.trailingStop ? 'venue' : 'tern';
}

/** an OCO pair: the venue's order list cancels the other leg, or Tern links the legs (and holds the stop leg) */
export function ocoHeldBy(venue: Venue): HeldBy {
  return venue.capabilities?.oco === true && typeof venue.placeOco === 'function' ? 'venue' : 'tern';
}

/** an entry's attached exits: both go out as an OCO pair; a stop loss alone as a stop order; a take profit alone is a limit on the venue */
export function exitsHeldBy(venue: Venue, exits: { takeProfit: unknown; stopLoss: unknown }): HeldBy {
  if (exits.takeProfit && exits.stopLoss) return ocoHeldBy(venue);
  return exits.stopLoss ? stopHeldBy(venue) : 'venue';
}
