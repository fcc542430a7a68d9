import { worksAsMarketOnceTriggered } from '../../../src-common/contract/constants/orders.js';
import { Decimal, ONE, maxDec } from '../../engine/model/decimal.js';
import { type InstrumentSpec, type Liquidity, remaining } from '../../engine/model/types.js';
import type { Lock } from './balance-ledger.js';
import type { PaperOrder } from './sim-order.js';

/** Fee of one fill, in the quote asset: quantity × price × rate, exact. */
export function feeOf(quantity: Decimal, price: Decimal, rate: Decimal): Decimal {
  return quantity.mul(price).mul(rate);
}

export function feeRate(spec: InstrumentSpec, liquidity: Liquidity): Decimal {
  return liquidity === 'maker' ? spec.makerFee : spec.takerFee;
}

/** A resting limit may fill as maker or (after an amend) as taker: lock for the dearer. */
export function worstFeeRate(spec: InstrumentSpec): Decimal {
  return maxDec(spec.makerFee, spec.takerFee);
}

/** Quote paid by a buy that takes `fills`: their notional plus the taker fee. */
export function takerBuyCost(fills: ReadonlyArray<{ quantity: Decimal; price: Decimal }>, spec: InstrumentSpec): Decimal {
  let cost = new Decimal(0);
  for (const f of fills) cost = cost.plus(f.quantity.mul(f.price)).plus(feeOf(f.quantity, f.price, spec.takerFee));
  return cost;
}

/**
 * What an open order holds back while it waits. A sell holds its remaining
 * base. A buy holds the quote it could at most spend: remaining × limit ×
 * (1 + worst fee) for a limit, stop_limit or take_profit_limit, and remaining
 * × stop price × (1 + taker fee) for a stop_market or take_profit_market
 * (checked again when it triggers).
 */
export function lockFor(order: PaperOrder, spec: InstrumentSpec): Lock {
  const left = remaining(order);
  // an OCO list's stop leg waits under its take-profit leg's lock (it is canceled when the stop triggers)
  if (order.ocoLeg === 'stop_loss' && !order.triggered) return { asset: order.side === 'sell' ? spec.base : spec.quote, amount: new Decimal(0) };
  if (order.side === 'sell') return { asset: spec.base, amount: left };
  if (worksAsMarketOnceTriggered(order.type)) {
    // a trailing buy's stop only falls while it waits: its stop when placed bounds it
    const stop = order.stopPrice ?? new Decimal(0);
    return { asset: spec.quote, amount: left.mul(stop).mul(ONE.plus(spec.takerFee)) };
  }
  const price = order.price ?? new Decimal(0);
  return { asset: spec.quote, amount: left.mul(price).mul(ONE.plus(worstFeeRate(spec))) };
}
