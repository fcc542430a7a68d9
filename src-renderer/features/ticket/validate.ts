import { type Liquidity, needsLimitPrice as needsPrice, needsStopPrice as needsStop } from '../../../src-common/contract/constants/orders.js';
import type { PlaceOrderParams } from '../../../src-common/contract/methods.js';
import type { Instrument } from '../../../src-common/contract/schemas.js';
import { type Dec, formatPlain, isMultipleOf, parseDecimal, wire } from '../../lib/decimal.js';
import type { TicketFields } from '../../state/ticket.js';

export type TicketField = 'quantity' | 'price' | 'stopPrice' | 'timeInForce' | 'postOnly' | 'notional' | 'market';

export interface TicketCheck {
  /** one message per field that blocks sending */
  errors: Partial<Record<TicketField, string>>;
  ok: boolean;
  /** quantity × price (the limit price, or the touch for a market order) */
  notional: Dec | null;
  /** notional × the fee rate that likely applies */
  fee: Dec | null;
  feeRate: string | null;
  liquidity: Liquidity | null;
  /** what would be sent */
  params: PlaceOrderParams | null;
}

export interface Quote {
  bid: string | null;
  ask: string | null;
  last: string | null;
}


/**
 * Checks a ticket against the instrument's increments and minimums before it
 * is sent, and works out its notional and likely fee. The engine checks again;
 * this is so the trader sees the problem before pressing the button.
 */
export function checkTicket(t: TicketFields, instrument: Instrument | undefined, quote: Quote | undefined, account: string, symbol: string): TicketCheck {
  const errors: TicketCheck['errors'] = {};
  const result = (notional: Dec | null, fee: Dec | null, feeRate: string | null, liquidity: TicketCheck['liquidity'], params: PlaceOrderParams | null): TicketCheck => ({
    errors,
    ok: Object.keys(errors).length === 0 && params !== null,
    notional,
    fee,
    feeRate,
    liquidity,
    params: Object.keys(errors).length === 0 ? params : null,
  });
  if (!instrument) {
    errors.market = `${symbol} is not tradable on ${account}`;
    return result(null, null, null, null, null);
  }

  const qty = parseDecimal(t.quantity);
  if (t.quantity.trim() === '') errors.quantity = 'Enter a quantity';
  else if (!qty || qty.lte(0)) errors.quantity = 'Quantity must be a number above zero';
  else if (qty.lt(instrument.min_quantity)) errors.quantity = `At least ${formatPlain(instrument.min_quantity)} ${instrument.base}`;
  else if (!isMultipleOf(qty, instrument.size_increment)) errors.quantity = `In steps of ${formatPlain(instrument.size_increment)}`;

  let price: Dec | null = null;
  if (needsPrice(t.type)) {
    price = parseDecimal(t.price);
    if (t.price.trim() === '') errors.price = 'Enter a limit price';
    else if (!price || price.lte(0)) errors.price = 'Price must be a number above zero';
    else if (!isMultipleOf(price, instrument.price_increment)) errors.price = `In steps of ${formatPlain(instrument.price_increment)}`;
  }
  let stop: Dec | null = null;
  if (needsStop(t.type)) {
    stop = parseDecimal(t.stopPrice);
    if (t.stopPrice.trim() === '') errors.stopPrice = 'Enter a stop (trigger) price';
    else if (!stop || stop.lte(0)) errors.stopPrice = 'Stop must be a number above zero';
    else if (!isMultipleOf(stop, instrument.price_increment)) errors.stopPrice = `In steps of ${formatPlain(instrument.price_increment)}`;
  }
  if (t.postOnly && t.type !== 'limit') errors.postOnly = 'Post-only applies to limit orders';
  else if (t.postOnly && t.timeInForce !== 'GTC') errors.postOnly = `Post-only rests on the book: it cannot be ${t.timeInForce}`;

  // the price the order would likely trade at, for notional and fee
  const touch = t.side === 'buy' ? (quote?.ask ?? quote?.last) : (quote?.bid ?? quote?.last);
  const reference = price ?? (t.type === 'stop_market' ? stop : null) ?? parseDecimal(touch ?? null);
  const notional = qty && qty.gt(0) && reference ? qty.mul(reference) : null;
  if (notional && !errors.quantity && notional.lt(instrument.min_notional)) {
    errors.notional = `Order value must be at least ${formatPlain(instrument.min_notional)} ${instrument.quote}`;
  }

  // a limit that does not cross the touch rests and pays the maker fee
  let liquidity: Liquidity = 'taker';
  if (t.type === 'limit' && price) {
    const opposite = parseDecimal(t.side === 'buy' ? quote?.ask : quote?.bid);
    const crosses = opposite ? (t.side === 'buy' ? price.gte(opposite) : price.lte(opposite)) : false;
    liquidity = t.postOnly || !crosses ? 'maker' : 'taker';
  }
  const feeRate = liquidity === 'maker' ? instrument.maker_fee : instrument.taker_fee;
  const fee = notional ? notional.mul(feeRate) : null;

  const params: PlaceOrderParams | null =
    qty && Object.keys(errors).length === 0
      ? {
          account,
          symbol,
          side: t.side,
          type: t.type,
          quantity: wire(qty),
          ...(price ? { price: wire(price) } : {}),
          ...(stop ? { stop_price: wire(stop) } : {}),
          time_in_force: t.timeInForce,
          post_only: t.type === 'limit' ? t.postOnly : false,
          reduce_only: t.reduceOnly,
        }
      : null;
  return result(notional, fee, feeRate, liquidity, params);
}

/** the field an engine refusal names, mapped to the ticket's own field names */
export function ticketFieldOf(engineField: string | undefined): TicketField | undefined {
  switch (engineField) {
    case 'quantity':
      return 'quantity';
    case 'price':
      return 'price';
    case 'stop_price':
      return 'stopPrice';
    case 'time_in_force':
      return 'timeInForce';
    case 'post_only':
      return 'postOnly';
    default:
      return undefined;
  }
}
