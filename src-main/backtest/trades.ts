import { type Decimal, ZERO, minDec } from '../engine/model/decimal.js';
import type { FillRecord } from '../engine/model/types.js';

/**
 * A round trip: from flat to flat in one symbol. Entry and exit prices are
 * the volume-weighted averages of the fills that opened (grew) and closed
 * (shrank) the position; quantity is the total opened; fees are every fee of
 * those fills (a fill that flips the position splits its fee by quantity).
 * pnl_gross = exit notional − entry notional (long; the reverse short),
 * pnl_net = pnl_gross − fees. Exact decimals throughout.
 */
export interface RoundTrip {
  side: 'long' | 'short';
  entryTime: number;
  entryPrice: Decimal;
  exitTime: number;
  exitPrice: Decimal;
  quantity: Decimal;
  pnlGross: Decimal;
  pnlNet: Decimal;
  fees: Decimal;
}

/** a position still open at the end, valued at the last close */
export interface OpenTrade {
  side: 'long' | 'short';
  entryTime: number;
  entryPrice: Decimal;
  quantity: Decimal;
  fees: Decimal;
}

interface Cycle {
  side: 'long' | 'short';
  entryTime: number;
  entryQty: Decimal;
  entryNotional: Decimal;
  exitQty: Decimal;
  exitNotional: Decimal;
  fees: Decimal;
  /** the price of the one fill on each side whose notional was exact, while there is only that one (else null): the average, without a division */
  entryOnly: Decimal | null;
  exitOnly: Decimal | null;
  entryFills: number;
  exitFills: number;
}

/**
 * The average of one fill is its price: quantity × price is exact when their
 * significant digits fit the decimal's precision together, and dividing that
 * back by the quantity then gives the price exactly, so the division (the
 * dearest operation of a long run's trade list) can be skipped with the same
 * result, digit for digit.
 */
const PRECISION = 40;
const exactProduct = (quantity: Decimal, price: Decimal): boolean => quantity.sd() + price.sd() <= PRECISION;

export function roundTrips(fills: Iterable<FillRecord>): { trades: RoundTrip[]; open: OpenTrade | null } {
  const trades: RoundTrip[] = [];
  let cycle: Cycle | null = null;
  let position = ZERO;
  for (const fill of fills) {
    let quantity = fill.quantity;
    let fee = fill.fee;
    const buy = fill.side === 'buy';
    if (cycle && (cycle.side === 'long') !== buy) {
      // closes (part of) the position
      const closing = minDec(quantity, position.abs());
      const feePart = closing.eq(quantity) ? fee : fee.mul(closing).div(quantity);
      cycle.exitQty = cycle.exitQty.plus(closing);
      cycle.exitNotional = cycle.exitNotional.plus(closing.mul(fill.price));
      cycle.exitOnly = ++cycle.exitFills === 1 && exactProduct(closing, fill.price) ? fill.price : null;
      cycle.fees = cycle.fees.plus(feePart);
      position = buy ? position.plus(closing) : position.minus(closing);
      quantity = quantity.minus(closing);
      fee = fee.minus(feePart);
      if (position.isZero()) {
        trades.push(closeCycle(cycle, fill.ts));
        cycle = null;
      }
      if (quantity.isZero()) continue;
    }
    if (!cycle) cycle = { side: buy ? 'long' : 'short', entryTime: fill.ts, entryQty: ZERO, entryNotional: ZERO, exitQty: ZERO, exitNotional: ZERO, fees: ZERO, entryOnly: null, exitOnly: null, entryFills: 0, exitFills: 0 };
    cycle.entryQty = cycle.entryQty.plus(quantity);
    cycle.entryNotional = cycle.entryNotional.plus(quantity.mul(fill.price));
    cycle.entryOnly = ++cycle.entryFills === 1 && exactProduct(quantity, fill.price) ? fill.price : null;
    cycle.fees = cycle.fees.plus(fee);
    position = buy ? position.plus(quantity) : position.minus(quantity);
  }
  const open: OpenTrade | null = cycle
    ? {
        side: cycle.side,
        entryTime: cycle.entryTime,
        entryPrice: cycle.entryOnly ?? cycle.entryNotional.div(cycle.entryQty),
        quantity: position.abs(),
        fees: cycle.fees,
      }
    : null;
  return { trades, open };
}

function closeCycle(c: Cycle, exitTime: number): RoundTrip {
  const gross = c.side === 'long' ? c.exitNotional.minus(c.entryNotional) : c.entryNotional.minus(c.exitNotional);
  return {
    side: c.side,
    entryTime: c.entryTime,
    entryPrice: c.entryOnly ?? c.entryNotional.div(c.entryQty),
    exitTime,
    exitPrice: c.exitOnly ?? c.exitNotional.div(c.exitQty),
    quantity: c.entryQty,
    pnlGross: gross,
    pnlNet: gross.minus(c.fees),
    fees: c.fees,
  };
}

export const TRADES_CSV_HEADER = 'entry_time,entry_price,exit_time,exit_price,quantity,pnl_gross,pnl_net,fees';

/** trades.csv: the header, then one line per round trip; times in epoch ms, decimals in plain notation */
export function tradesCsv(trades: readonly RoundTrip[]): string {
  const lines = [TRADES_CSV_HEADER];
  for (const t of trades) {
    lines.push(
      [t.entryTime, t.entryPrice.toFixed(), t.exitTime, t.exitPrice.toFixed(), t.quantity.toFixed(), t.pnlGross.toFixed(), t.pnlNet.toFixed(), t.fees.toFixed()].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

