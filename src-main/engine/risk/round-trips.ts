import { type Decimal, dec, str } from '../model/decimal.js';
import type { PositionSnapshot } from './portfolio-view.js';

/**
 * Round trips, for max_consecutive_losses.
 *
 * A round trip on an account+symbol opens when its position leaves zero and
 * closes when the position returns to zero or flips to the other side. Its
 * result is the realized PnL it made minus every fee paid while it was open,
 * the opening fill's fee included (on a flip, the flipping fill's whole fee
 * counts to the round trip it closes, and a new one opens there). A losing
 * round trip is one whose result is below zero.
 *
 * Positions are observed after each fill (the engine calls evaluate on
 * fills); a position that closed and reopened between two observations counts
 * as one round trip.
 */
export interface RoundTrip {
  account: string;
  symbol: string;
  result: Decimal;
}

interface Mark {
  quantity: Decimal;
  realized: Decimal;
  fees: Decimal;
}

/** where an open round trip started: persisted, so a restart does not lose it */
export type OpenRoundTrips = Record<string, { realized: string; fees: string }>;

export class RoundTrips {
  private readonly seen = new Map<string, Mark>();
  private readonly open = new Map<string, { realized: Decimal; fees: Decimal }>();

  /** the round trip this observation closed, if any; `changed` is set when the open round trips changed */
  observe(p: PositionSnapshot): { closed?: RoundTrip; changed: boolean } {
    const key = `${p.account} ${p.symbol}`;
    const now: Mark = { quantity: p.quantity, realized: p.realizedPnl, fees: p.feesPaid };
    const prev = this.seen.get(key);
    this.seen.set(key, now);
    if (!prev) {
      // first sight (a start, a restart): an open position without a recorded start starts here
      if (!now.quantity.isZero() && !this.open.has(key)) {
        this.open.set(key, { realized: now.realized, fees: now.fees });
        return { changed: true };
      }
      return { changed: false };
    }
    const wasOpen = !prev.quantity.isZero();
    const isOpen = !now.quantity.isZero();
    if (!wasOpen) {
      if (!isOpen) return { changed: false };
      // the opening fill's fee belongs to this round trip: start from before it
      this.open.set(key, { realized: prev.realized, fees: prev.fees });
      return { changed: true };
    }
    const flipped = isOpen && now.quantity.isPositive() !== prev.quantity.isPositive();
    if (isOpen && !flipped) return { changed: false };
    const start = this.open.get(key) ?? { realized: prev.realized, fees: prev.fees };
    const result = now.realized.sub(start.realized).sub(now.fees.sub(start.fees));
    if (flipped) this.open.set(key, { realized: now.realized, fees: now.fees });
    else this.open.delete(key);
    return { closed: { account: p.account, symbol: p.symbol, result }, changed: true };
  }

  toJSON(): OpenRoundTrips {
    const out: OpenRoundTrips = {};
    for (const [key, v] of this.open) out[key] = { realized: str(v.realized), fees: str(v.fees) };
    return out;
  }

  load(open: OpenRoundTrips): void {
    for (const [key, v] of Object.entries(open)) this.open.set(key, { realized: dec(v.realized), fees: dec(v.fees) });
  }
}
