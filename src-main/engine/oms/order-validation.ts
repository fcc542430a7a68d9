import { invalidOrder } from '../../contract/errors.js';
import { type Decimal, isMultipleOf, str } from '../model/decimal.js';
import type { InstrumentSpec, OrderType, TimeInForce } from '../model/types.js';

export interface OrderShape {
  type: OrderType;
  quantity: Decimal;
  price: Decimal | null;
  stopPrice: Decimal | null;
  timeInForce: TimeInForce;
  postOnly: boolean;
}

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
  if (type === 'market' && order.timeInForce === 'GTC') {
    // A market order never rests: GTC is accepted and means IOC.
  }

  checkQuantity(order.quantity, instrument);
  if (order.price) checkPrice('price', order.price, instrument);
  if (order.stopPrice) checkPrice('stop_price', order.stopPrice, instrument);

  const notionalPrice = order.price ?? order.stopPrice ?? referencePrice;
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
