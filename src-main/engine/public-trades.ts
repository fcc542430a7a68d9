import type { TradePrint } from './ports/market-data.js';

/** How many prints a symbol keeps: what Binance's `trades` serves at most in one answer. */
export const PUBLIC_TRADES_KEPT = 1000;

export interface TradesQuery {
  limit: number;
  /** the first id wanted (then up to `limit`, oldest first) */
  fromId?: number;
  /** epoch ms: prints at or after */
  since?: number;
  /** epoch ms: prints before */
  until?: number;
}

/** one print and the number it was given */
export interface NumberedTrade {
  id: number;
  trade: TradePrint;
}

/** One account and symbol's last prints in a fixed ring: ids run on from 1, so id − 1 picks the slot. */
class Ring {
  /** the last id given (0 before the first print) */
  last = 0;
  readonly slots: TradePrint[] = [];

  constructor(private readonly size: number) {}

  add(t: TradePrint): number {
    this.slots[this.last % this.size] = t;
    this.last += 1;
    return this.last;
  }

  get first(): number {
    return Math.max(1, this.last - this.size + 1);
  }

  at(id: number): TradePrint {
    return this.slots[(id - 1) % this.size]!;
  }
}

/**
 * The market's recent public trades (the feed's prints — never the account's
 * own fills, which are its `fills`), per account and symbol: each print gets
 * the next id of its account and symbol, the one the `trades` event carries,
 * and the last `kept` stay readable (Binance's `trades`, `aggTrades` and
 * `historicalTrades` on the gateway). Memory is bounded: a ring per symbol.
 */
export class PublicTrades {
  private readonly rings = new Map<string, Ring>();

  constructor(private readonly kept = PUBLIC_TRADES_KEPT) {}

  /** keeps the print; its id */
  add(account: string, t: TradePrint): number {
    const key = `${account}\u0000${t.symbol}`;
    let ring = this.rings.get(key);
    if (ring === undefined) this.rings.set(key, (ring = new Ring(this.kept)));
    return ring.add(t);
  }

  /** the prints asked for, oldest first: from `fromId` / `since` on, else the newest `limit` */
  list(account: string, symbol: string, q: TradesQuery): NumberedTrade[] {
    const ring = this.rings.get(`${account}\u0000${symbol}`);
    if (ring === undefined) return [];
    const fits = (t: TradePrint) => (q.since === undefined || t.ts >= q.since) && (q.until === undefined || t.ts < q.until);
    const out: NumberedTrade[] = [];
    if (q.fromId !== undefined || q.since !== undefined) {
      for (let id = Math.max(ring.first, q.fromId ?? 1); id <= ring.last && out.length < q.limit; id++) {
        const trade = ring.at(id);
        if (fits(trade)) out.push({ id, trade });
      }
      return out;
    }
    for (let id = ring.last; id >= ring.first && out.length < q.limit; id--) {
      const trade = ring.at(id);
      if (fits(trade)) out.push({ id, trade });
    }
    return out.reverse();
  }
}
