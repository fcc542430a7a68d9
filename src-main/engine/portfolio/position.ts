import { type Decimal, ZERO, minDec } from '../model/decimal.js';
import type { FillRecord, PositionRecord } from '../model/types.js';

export function emptyPosition(account: string, symbol: string, ts: number): PositionRecord {
  return { account, symbol, quantity: ZERO, averagePrice: null, realizedPnl: ZERO, feesPaid: ZERO, updatedAt: ts };
}

/**
 * A position after one fill, average-cost method. A fill in the position's
 * direction moves the average; one against it realizes PnL on the closed part
 * at the old average; a fill that flips the position opens the rest at the
 * fill price. Fees are kept apart from realized PnL.
 */
export function applyFill(position: PositionRecord, fill: FillRecord): PositionRecord {
  const signed = fill.side === 'buy' ? fill.quantity : fill.quantity.neg();
  const q = position.quantity;
  const next: PositionRecord = { ...position, feesPaid: position.feesPaid.add(fill.fee), updatedAt: fill.ts };

  if (q.isZero() || q.isPositive() === signed.isPositive()) {
    const size = q.abs().add(fill.quantity);
    const cost = (position.averagePrice ?? ZERO).mul(q.abs()).add(fill.price.mul(fill.quantity));
    next.quantity = q.add(signed);
    next.averagePrice = cost.div(size);
    return next;
  }

  const avg = position.averagePrice ?? fill.price;
  const closed = minDec(q.abs(), fill.quantity);
  const direction = q.isPositive() ? 1 : -1;
  next.realizedPnl = position.realizedPnl.add(fill.price.sub(avg).mul(closed).mul(direction));
  next.quantity = q.add(signed);
  if (next.quantity.isZero()) next.averagePrice = null;
  else if (next.quantity.isPositive() !== q.isPositive()) next.averagePrice = fill.price;
  return next;
}

export function unrealizedPnl(position: PositionRecord, mark: Decimal | undefined): Decimal {
  if (!mark || position.quantity.isZero() || !position.averagePrice) return ZERO;
  return mark.sub(position.averagePrice).mul(position.quantity);
}

/** Positions as the fills alone give them: the check that the projection is exact. */
export function positionsFromFills(fills: Iterable<FillRecord>): Map<string, PositionRecord> {
  const out = new Map<string, PositionRecord>();
  for (const fill of fills) {
    const key = `${fill.account}\u0000${fill.symbol}`;
    const current = out.get(key) ?? emptyPosition(fill.account, fill.symbol, fill.ts);
    out.set(key, applyFill(current, fill));
  }
  return out;
}
