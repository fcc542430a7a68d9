import { type Liquidity, isTakeProfit, needsLimitPrice as needsPrice, needsStopPrice as needsStop, triggerFires } from '../../../src-common/contract/constants/orders.js';
import type { PlaceOcoParams, PlaceOrderParams } from '../../../src-common/contract/methods.js';
import type { Instrument } from '../../../src-common/contract/schemas.js';
import { type Dec, formatPlain, isMultipleOf, parseDecimal, wire } from '../../lib/decimal.js';
import type { TicketFields } from '../../state/ticket.js';

export type TicketField =
  | 'quantity'
  | 'price'
  | 'stopPrice'
  | 'timeInForce'
  | 'postOnly'
  | 'notional'
  | 'market'
  | 'takeProfit'
  | 'takeProfitLimit'
  | 'stopLoss'
  | 'stopLossLimit'
  | 'trailingOffset'
  | 'activationPrice';

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
  /** what would be sent: an order (orders.create) … */
  params: PlaceOrderParams | null;
  /** … or an OCO pair (orders.oco) */
  oco: PlaceOcoParams | null;
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
  /** an OCO's take-profit leg as orders.oco takes it */
  let ocoTakeProfit: PlaceOcoParams['take_profit'] | null = null;
  const result = (notional: Dec | null, fee: Dec | null, feeRate: string | null, liquidity: TicketCheck['liquidity'], params: PlaceOrderParams | null): TicketCheck => ({
    errors,
    ok: Object.keys(errors).length === 0 && params !== null,
    notional,
    fee,
    feeRate,
    liquidity,
    params: Object.keys(errors).length === 0 && t.type !== 'oco' ? params : null,
    oco: Object.keys(errors).length === 0 && t.type === 'oco' ? ocoParams(params, ocoTakeProfit) : null,
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

  /** a price field: empty is `missing` (or nothing when optional), else a number above zero on the price grid */
  const priceOf = (field: TicketField, raw: string, name: string, missing: string | null): Dec | null => {
    const v = parseDecimal(raw);
    if (raw.trim() === '') {
      if (missing) errors[field] = missing;
    } else if (!v || v.lte(0)) errors[field] = `${name} must be a number above zero`;
    else if (!isMultipleOf(v, instrument.price_increment)) errors[field] = `${name}: in steps of ${formatPlain(instrument.price_increment)}`;
    else return v;
    return null;
  };

  const type = t.type;
  let price: Dec | null = null;
  if (type !== 'oco' && needsPrice(type)) {
    price = parseDecimal(t.price);
    if (t.price.trim() === '') errors.price = 'Enter a limit price';
    else if (!price || price.lte(0)) errors.price = 'Price must be a number above zero';
    else if (!isMultipleOf(price, instrument.price_increment)) errors.price = `In steps of ${formatPlain(instrument.price_increment)}`;
  }
  let stop: Dec | null = null;
  if (type !== 'oco' && needsStop(type)) {
    stop = parseDecimal(t.stopPrice);
    if (t.stopPrice.trim() === '') errors.stopPrice = 'Enter a stop (trigger) price';
    else if (!stop || stop.lte(0)) errors.stopPrice = 'Stop must be a number above zero';
    else if (!isMultipleOf(stop, instrument.price_increment)) errors.stopPrice = `In steps of ${formatPlain(instrument.price_increment)}`;
    // a take profit the market already reached would fire at once: the venue refuses it (Binance: "Order would trigger immediately.")
    const last = parseDecimal(quote?.last ?? null);
    if (!errors.stopPrice && stop && last && isTakeProfit(type) && triggerFires(type, t.side, last.cmp(stop))) {
      errors.stopPrice = `A ${t.side} take profit triggers when the price ${t.side === 'sell' ? 'rises' : 'falls'} to it: set it ${t.side === 'sell' ? 'above' : 'below'} the last price ${formatPlain(wire(last))}`;
    }
  }

  // exits: an OCO's two legs, or an entry's optional take profit and stop loss
  const exitsAsked = type === 'oco' || (t.protect && (type === 'market' || type === 'limit'));
  let takeProfit: Dec | null = null;
  let stopLoss: Dec | null = null;
  let stopLossLimit: Dec | null = null;
  if (exitsAsked) {
    const both = type === 'oco';
    const trigger = both && t.takeProfitKind !== 'limit';
    takeProfit = priceOf('takeProfit', t.takeProfit, 'Take profit', both ? `Enter the take-profit ${trigger ? 'trigger ' : ''}price` : null);
    const tpLimit = both && t.takeProfitKind === 'take_profit_limit' ? priceOf('takeProfitLimit', t.takeProfitLimit, 'Take-profit limit', 'Enter the limit the take profit fires') : null;
    if (both && takeProfit) {
      const kind = t.takeProfitKind;
      ocoTakeProfit = kind === 'limit' ? { price: wire(takeProfit) } : { type: kind, stop_price: wire(takeProfit), ...(tpLimit ? { price: wire(tpLimit) } : {}) };
    }
    stopLoss = priceOf('stopLoss', t.stopLoss, 'Stop loss', both ? 'Enter the stop-loss trigger price' : null);
    stopLossLimit = priceOf('stopLossLimit', t.stopLossLimit, 'Stop-loss limit', null);
    if (stopLossLimit && t.stopLoss.trim() === '') errors.stopLoss = 'A stop-loss limit needs the stop-loss trigger price';
    if (!both && t.takeProfit.trim() === '' && t.stopLoss.trim() === '') errors.takeProfit = 'Enter a take profit, a stop loss or both (or untick TP/SL)';
    if (t.reduceOnly && !both) errors.takeProfit = 'A reduce-only order closes a position: it takes no take profit or stop loss';
  }

  // a trailing stop: its distance, in percent or price, and where it starts trailing
  let trailingOffset: Dec | null = null;
  let activation: Dec | null = null;
  if (type === 'trailing_stop') {
    trailingOffset = parseDecimal(t.trailingOffset);
    if (t.trailingOffset.trim() === '') errors.trailingOffset = 'Enter the trailing distance';
    else if (!trailingOffset || trailingOffset.lte(0)) errors.trailingOffset = 'Trailing distance must be a number above zero';
    else if (t.trailingUnit === 'percent' && trailingOffset.gte(100)) errors.trailingOffset = 'Trailing distance in percent must be below 100';
    else if (t.trailingUnit === 'price' && !isMultipleOf(trailingOffset, instrument.price_increment)) errors.trailingOffset = `Trailing distance: in steps of ${formatPlain(instrument.price_increment)}`;
    activation = priceOf('activationPrice', t.activationPrice, 'Activation price', null);
  }

  if (t.postOnly && t.type !== 'limit') errors.postOnly = 'Post-only applies to limit orders';
  else if (t.postOnly && t.timeInForce !== 'GTC') errors.postOnly = `Post-only rests on the book: it cannot be ${t.timeInForce}`;

  // the price the order would likely trade at, for notional and fee
  const touch = t.side === 'buy' ? (quote?.ask ?? quote?.last) : (quote?.bid ?? quote?.last);
  const reference = price ?? stop ?? (t.type === 'oco' ? takeProfit : null) ?? parseDecimal(touch ?? null);
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

  const exits = {
    ...(takeProfit ? { take_profit: { price: wire(takeProfit) } } : {}),
    ...(stopLoss ? { stop_loss: { stop_price: wire(stopLoss), ...(stopLossLimit ? { price: wire(stopLossLimit) } : {}) } } : {}),
  };
  const params: PlaceOrderParams | null =
    qty && Object.keys(errors).length === 0
      ? {
          account,
          symbol,
          side: t.side,
          type: type === 'oco' ? 'limit' : type,
          quantity: wire(qty),
          ...(price ? { price: wire(price) } : {}),
          ...(stop ? { stop_price: wire(stop) } : {}),
          time_in_force: t.timeInForce,
          post_only: t.type === 'limit' ? t.postOnly : false,
          reduce_only: t.reduceOnly,
          ...exits,
          ...(trailingOffset ? { trailing_offset: wire(trailingOffset), trailing_unit: t.trailingUnit } : {}),
          ...(activation ? { activation_price: wire(activation) } : {}),
        }
      : null;
  return result(notional, fee, feeRate, liquidity, params);
}

/** the OCO pair the ticket's fields make (its legs are on the ticket's side) */
function ocoParams(p: PlaceOrderParams | null, takeProfit: PlaceOcoParams['take_profit'] | null): PlaceOcoParams | null {
  if (!p?.take_profit || !p.stop_loss) return null;
  return { account: p.account, symbol: p.symbol, side: p.side, quantity: p.quantity, take_profit: takeProfit ?? p.take_profit, stop_loss: p.stop_loss, reduce_only: p.reduce_only };
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
    case 'take_profit':
    case 'take_profit.price':
    case 'take_profit.stop_price':
      return 'takeProfit';
    case 'stop_loss':
    case 'stop_loss.stop_price':
      return 'stopLoss';
    case 'stop_loss.price':
      return 'stopLossLimit';
    case 'trailing_offset':
    case 'trailing_unit':
      return 'trailingOffset';
    case 'activation_price':
      return 'activationPrice';
    default:
      return undefined;
  }
}
