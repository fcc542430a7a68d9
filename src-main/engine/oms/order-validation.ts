import { needsLimitPrice, needsStopPrice } from '../../../src-common/contract/constants/orders.js';
import { invalidOrder } from '../../../src-common/contract/errors.js';
import { type Decimal, str } from '../model/decimal.js';
import { type InstrumentFault, notionalFault, priceFault, quantityFault } from '../model/instrument-rules.js';
import type { InstrumentSpec, OrderTerms, Side } from '../model/types.js';

export type OrderShape = Pick<OrderTerms, 'type' | 'quantity' | 'price' | 'stopPrice' | 'timeInForce' | 'postOnly'>;

/**
 * The instrument's own filters and the order's internal consistency, checked
 * before anything is journaled. Each refusal names the field at fault.
 */
export function validateOrderShape(order: OrderShape, instrument: InstrumentSpec, referencePrice: Decimal | undefined): void {
  const { type } = order;
  const needsPrice = needsLimitPrice(type);
  const needsStop = needsStopPrice(type);
  if (needsPrice && !order.price) throw invalidOrder('price', `a ${type} order needs a price`);
  if (!needsPrice && order.price) throw invalidOrder('price', `a ${type} order takes no price`);
  if (needsStop && !order.stopPrice) throw invalidOrder('stop_price', `a ${type} order needs a stop_price`);
  if (!needsStop && order.stopPrice) throw invalidOrder('stop_price', `a ${type} order takes no stop_price`);
  if (order.postOnly && type !== 'limit') throw invalidOrder('post_only', 'post_only applies to limit orders only');
  if (order.postOnly && order.timeInForce !== 'GTC') throw invalidOrder('post_only', 'post_only orders must be GTC');
  // a market order's GTC is accepted and means IOC: it never rests

  checkQuantity(order.quantity, instrument);
  if (order.price) checkPrice('price', order.price, instrument);
  if (order.stopPrice) checkPrice('stop_price', order.stopPrice, instrument);

  const notionalPrice = valuationPrice(order, referencePrice);
  const fault = notionalPrice && notionalFault(order.quantity, notionalPrice, instrument);
  if (fault) {
    throw invalidOrder('quantity', `notional ${str(fault.value)} is below the minimum notional ${str(fault.limit)} ${instrument.quote}`, details(fault));
  }
}

export function checkQuantity(quantity: Decimal, instrument: InstrumentSpec): void {
  const fault = quantityFault(quantity, instrument);
  if (!fault) return;
  const message =
    fault.rule === 'min_quantity'
      ? `quantity ${str(quantity)} is below the minimum ${str(fault.limit)} for ${instrument.symbol}`
      : `quantity ${str(quantity)} is not a multiple of the size increment ${str(fault.limit)}`;
  throw invalidOrder('quantity', message, details(fault));
}

export function checkPrice(field: 'price' | 'stop_price', price: Decimal, instrument: InstrumentSpec): void {
  const fault = priceFault(price, instrument);
  if (fault) throw invalidOrder(field, `${field} ${str(price)} is not a multiple of the price increment ${str(fault.limit)}`, details(fault));
}

function details(fault: InstrumentFault): { rule: string; limit: string; value: string } {
  return { rule: fault.rule, limit: str(fault.limit), value: str(fault.value) };
}

/** the price an order is valued at: its limit price, else its stop price, else `reference` (the mid) */
export function valuationPrice(order: Pick<OrderShape, 'price' | 'stopPrice'>, reference: Decimal | undefined): Decimal | undefined {
  return order.price ?? order.stopPrice ?? reference;
}

/**
 * How a `side` order for `quantity` meets `position` (signed): 'shrinks' it
 * without ever flipping it (the other side, no more than the position), or
 * 'grows' it (the same side, or no position), or 'flips' it (more than the
 * position). reduce_only and the REDUCING state both pass only 'shrinks'.
 */
export function reduction(side: Side, quantity: Decimal, position: Decimal): 'shrinks' | 'grows' | 'flips' {
  const against = side === 'buy' ? position.lt(0) : position.gt(0);
  if (!against) return 'grows';
  return quantity.gt(position.abs()) ? 'flips' : 'shrinks';
}
