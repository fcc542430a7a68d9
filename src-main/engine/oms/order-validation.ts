import { invalidOrder } from '../../contract/errors.js';
import { type Decimal, isMultipleOf, str } from '../model/decimal.js';
import type { InstrumentSpec, OrderTerms, Side } from '../model/types.js';

export type OrderShape = Pick<OrderTerms, 'type' | 'quantity' | 'price' | 'stopPrice' | 'timeInForce' | 'postOnly'>;

/**
 * The instrument's own filters and the order's internal consistency, checked
 * before anything is journaled. Each refusal names the field at fault.
 */
export function validateOrderShape(order: OrderShape, instrument: InstrumentSpec, referencePrice: Decimal | undefined): void {
  const { type } = order;
  const needsPrice = type === 'limit' || type === 'stop_limit';
  const needsStop = type === 'stop_market' || type === 'stop_limit';
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
  if (notionalPrice) {
    const notional = notionalPrice.mul(order.quantity);
    if (notional.lt(instrument.minNotional)) {
      throw invalidOrder('quantity', `notional ${str(notional)} is below the minimum notional ${str(instrument.minNotional)} ${instrument.quote}`, {
        rule: 'min_notional',
        limit: str(instrument.minNotional),
        value: str(notional),
      });
    }
  }
}

export function checkQuantity(quantity: Decimal, instrument: InstrumentSpec): void {
  if (quantity.lt(instrument.minQuantity)) {
    throw invalidOrder('quantity', `quantity ${str(quantity)} is below the minimum ${str(instrument.minQuantity)} for ${instrument.symbol}`, {
      rule: 'min_quantity',
      limit: str(instrument.minQuantity),
      value: str(quantity),
    });
  }
  if (!isMultipleOf(quantity, instrument.sizeIncrement)) {
    throw invalidOrder('quantity', `quantity ${str(quantity)} is not a multiple of the size increment ${str(instrument.sizeIncrement)}`, {
      rule: 'size_increment',
      limit: str(instrument.sizeIncrement),
      value: str(quantity),
    });
  }
}

export function checkPrice(field: 'price' | 'stop_price', price: Decimal, instrument: InstrumentSpec): void {
  if (!isMultipleOf(price, instrument.priceIncrement)) {
    throw invalidOrder(field, `${field} ${str(price)} is not a multiple of the price increment ${str(instrument.priceIncrement)}`, {
      rule: 'price_increment',
      limit: str(instrument.priceIncrement),
      value: str(price),
    });
  }
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
