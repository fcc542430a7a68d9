import { type Decimal, isMultipleOf } from './decimal.js';
import type { InstrumentSpec } from './types.js';

/** An instrument filter an order's terms break: the rule, its limit, and the value that broke it. */
export interface InstrumentFault {
  rule: 'min_quantity' | 'size_increment' | 'price_increment' | 'min_notional';
  limit: Decimal;
  value: Decimal;
}

/*
 * The instrument's filters, written once: the OMS refuses an order on them
 * before sending it and the simulated venues refuse it again on their own, as
 * a real exchange would; each caller words its own refusal.
 */

export function quantityFault(quantity: Decimal, spec: InstrumentSpec): InstrumentFault | undefined {
  if (quantity.lt(spec.minQuantity)) return { rule: 'min_quantity', limit: spec.minQuantity, value: quantity };
  if (!isMultipleOf(quantity, spec.sizeIncrement)) return { rule: 'size_increment', limit: spec.sizeIncrement, value: quantity };
  return undefined;
}

export function priceFault(price: Decimal, spec: InstrumentSpec): InstrumentFault | undefined {
  if (!isMultipleOf(price, spec.priceIncrement)) return { rule: 'price_increment', limit: spec.priceIncrement, value: price };
  return undefined;
}

/** `price` is what the order is valued at; a market order without one has no notional to check */
export function notionalFault(quantity: Decimal, price: Decimal, spec: InstrumentSpec): InstrumentFault | undefined {
  const notional = price.mul(quantity);
  if (notional.lt(spec.minNotional)) return { rule: 'min_notional', limit: spec.minNotional, value: notional };
  return undefined;
}
