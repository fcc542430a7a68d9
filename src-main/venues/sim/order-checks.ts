import { needsLimitPrice, needsStopPrice } from '../../../src-common/contract/constants/orders.js';
import type { Decimal } from '../../engine/model/decimal.js';
import { notionalFault, priceFault, quantityFault } from '../../engine/model/instrument-rules.js';
import type { InstrumentSpec } from '../../engine/model/types.js';
import { VenueRejection, type VenueOrderRequest } from '../../engine/ports/venue.js';

/**
 * The venue's own filters, as a real exchange applies them: positive sizes
 * and prices on the instrument's increments, minimum quantity, and minimum
 * notional where a price is known (limit price, else stop price; a market
 * order's notional is not known in advance). The OMS checks the same rules
 * (engine/model/instrument-rules.ts) before sending; these are the venue's
 * last word, worded as the venue's.
 */
export function checkOrderRequest(request: VenueOrderRequest, spec: InstrumentSpec): void {
  checkQuantity(request.quantity, spec);
  const needsPrice = needsLimitPrice(request.type);
  const needsStop = needsStopPrice(request.type);
  if (request.type === 'trailing_stop') checkTrailing(request);
  if (needsPrice) {
    if (!request.price) throw new VenueRejection(`a ${request.type} order needs a price`);
    checkPrice('price', request.price, spec);
  }
  if (needsStop) {
    if (!request.stopPrice) throw new VenueRejection(`a ${request.type} order needs a stop price`);
    checkPrice('stop price', request.stopPrice, spec);
  }
  const reference = needsPrice ? request.price : needsStop ? request.stopPrice : null;
  if (reference) checkNotional(request.quantity, reference, spec);
}

function checkTrailing(request: VenueOrderRequest): void {
  const t = request.trailing;
  if (!t) throw new VenueRejection('a trailing_stop order needs its trailing offset and unit');
  if (!t.offset.gt(0)) throw new VenueRejection(`trailing offset must be positive, got ${t.offset.toFixed()}`);
  if (t.unit === 'percent' && t.offset.gte(100)) throw new VenueRejection(`a trailing offset in percent must be below 100, got ${t.offset.toFixed()}`);
}

export function checkQuantity(quantity: Decimal, spec: InstrumentSpec): void {
  if (!quantity.isFinite() || quantity.lte(0)) throw new VenueRejection(`quantity must be positive, got ${quantity.toFixed()}`);
  const fault = quantityFault(quantity, spec);
  if (fault?.rule === 'size_increment') {
    throw new VenueRejection(`quantity ${quantity.toFixed()} is not a multiple of the size increment ${fault.limit.toFixed()} of ${spec.symbol}`);
  }
  if (fault) throw new VenueRejection(`quantity ${quantity.toFixed()} is below the minimum quantity ${fault.limit.toFixed()} of ${spec.symbol}`);
}

export function checkPrice(what: 'price' | 'stop price', price: Decimal, spec: InstrumentSpec): void {
  if (!price.isFinite() || price.lte(0)) throw new VenueRejection(`${what} must be positive, got ${price.toFixed()}`);
  const fault = priceFault(price, spec);
  if (fault) throw new VenueRejection(`${what} ${price.toFixed()} is not a multiple of the price increment ${fault.limit.toFixed()} of ${spec.symbol}`);
}

export function checkNotional(quantity: Decimal, price: Decimal, spec: InstrumentSpec): void {
  const fault = notionalFault(quantity, price, spec);
  if (fault) {
    throw new VenueRejection(
      `notional ${fault.value.toFixed()} (quantity ${quantity.toFixed()} × price ${price.toFixed()}) is below the minimum notional ${fault.limit.toFixed()} of ${spec.symbol}`,
    );
  }
}
