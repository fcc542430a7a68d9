import { invalidOrder } from '../../../src-common/contract/errors.js';
import { type Decimal, ONE, str } from '../model/decimal.js';
import { stopReached } from '../model/trailing.js';
import { immediateTriggerReason } from '../model/trigger.js';
import type { AttachedExits, OrderType, Side, TrailingTerms } from '../model/types.js';

/**
 * The rules a protective order's prices must meet, each refusal an
 * INVALID_ORDER (400) naming the field and the rule (details.rule). `last`
 * is the market's price now (the mid when there is no trade), `exitSide` the
 * side of the exits (opposite to the entry).
 */

const HUNDRED = ONE.mul(100);

function refuse(field: string, rule: string, message: string): never {
  throw invalidOrder(field, message, { rule });
}

/** A trailing stop's offset: > 0, and below 100 in percent. */
export function checkTrailingTerms(field: string, offset: Decimal, unit: TrailingTerms['unit']): void {
  if (!offset.gt(0)) refuse(field, 'trailing_offset_positive', `${field} must be greater than 0, got ${str(offset)}`);
  if (unit === 'percent' && offset.gte(HUNDRED)) refuse(field, 'trailing_offset_below_100_percent', `${field} in percent must be below 100, got ${str(offset)}`);
}

/**
 * Exits for a position on `exitSide`'s opposite: the take profit is a limit
 * beyond the market in the position's favour (a sell above, a buy below), the
 * stop on the other side and not reached now, and a stop_limit's limit no
 * better than its stop (else it would rest as a take profit).
 */
export function checkExits(prefix: string, exitSide: Side, exits: AttachedExits, reference: Decimal | undefined, tpField: 'price' | 'stop_price' = 'price'): void {
  const { takeProfit, stopLoss } = exits;
  const above = exitSide === 'sell';
  if (takeProfit && stopLoss) {
    const ordered = above ? takeProfit.price.gt(stopLoss.stopPrice) : takeProfit.price.lt(stopLoss.stopPrice);
    if (!ordered) {
      refuse(`${prefix}take_profit.${tpField}`, 'take_profit_beyond_stop', `a ${exitSide} take profit at ${str(takeProfit.price)} must be ${above ? 'above' : 'below'} the stop at ${str(stopLoss.stopPrice)}`);
    }
  }
  if (stopLoss?.price && (above ? stopLoss.price.gt(stopLoss.stopPrice) : stopLoss.price.lt(stopLoss.stopPrice))) {
    refuse(`${prefix}stop_loss.price`, 'stop_limit_within_stop', `a ${exitSide} stop-limit's price ${str(stopLoss.price)} must be at or ${above ? 'below' : 'above'} its stop ${str(stopLoss.stopPrice)}`);
  }
  if (!reference) return;
  if (takeProfit && (above ? takeProfit.price.lte(reference) : takeProfit.price.gte(reference))) {
    refuse(
      `${prefix}take_profit.${tpField}`,
      'take_profit_side',
      `a ${exitSide} take profit at ${str(takeProfit.price)} is on the wrong side of the market ${str(reference)}: it must be ${above ? 'above' : 'below'} it`,
    );
  }
  if (stopLoss && stopReached(exitSide, stopLoss.stopPrice, reference)) {
    refuse(
      `${prefix}stop_loss.stop_price`,
      'stop_triggers_at_once',
      `a ${exitSide} stop at ${str(stopLoss.stopPrice)} would trigger at once: the market is at ${str(reference)}`,
    );
  }
}

/** The exits an entry will place: checked against its price (a limit entry) or the market (a market entry). */
export function checkAttached(entrySide: Side, exits: AttachedExits, entryPrice: Decimal | undefined): void {
  checkExits('', entrySide === 'buy' ? 'sell' : 'buy', exits, entryPrice);
}

/**
 * A stop or take profit Tern holds, placed or moved to a trigger the market
 * (`last`, the price its trigger book fires on) already reached: refused, as
 * the venues refuse theirs (Binance -2010 "Order would trigger immediately."),
 * instead of firing at once.
 */
export function checkTriggerAhead(type: OrderType, side: Side, stopPrice: Decimal, last: Decimal | undefined): void {
  const reason = immediateTriggerReason(type, side, stopPrice, last);
  if (reason) refuse('stop_price', 'would_trigger_immediately', reason);
}
