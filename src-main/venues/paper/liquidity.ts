import type { Decimal } from '../../engine/model/decimal.js';
import type { Side } from '../../engine/model/types.js';
import type { BookLevel, BookSnapshot } from '../../engine/ports/market-data.js';

export type BookSide = 'bids' | 'asks';

/** The side of the book an order on `side` takes from. */
export function oppositeSide(side: Side): BookSide {
  return side === 'buy' ? 'asks' : 'bids';
}

interface Consumed {
  ts: number;
  /** per side of the book: a level's price (its plain text) → quantity our own fills took from it */
  taken: Record<BookSide, Map<string, Decimal>>;
}

/**
 * What our own fills took from the current book snapshot of each symbol, so
 * that two orders on one snapshot cannot both take the same quantity. A
 * snapshot is known by its ts (a feed may hand out copies of one snapshot,
 * or update one object in place); a snapshot with another ts, or `forget`
 * (called on every published book), gives it all back.
 */
export class ConsumedLiquidity {
  private readonly bySymbol = new Map<string, Consumed>();

  /** A new snapshot was published for `symbol`. */
  forget(symbol: string): void {
    this.bySymbol.delete(symbol);
  }

  clear(): void {
    this.bySymbol.clear();
  }

  /** The levels of `bookSide` minus what we took, best first; empty levels dropped. */
  residual(book: BookSnapshot, bookSide: BookSide): BookLevel[] {
    const taken = this.current(book)?.taken[bookSide];
    const levels = book[bookSide];
    if (!taken || taken.size === 0) return levels.every(([, size]) => size.gt(0)) ? levels : levels.filter(([, size]) => size.gt(0));
    const out: BookLevel[] = [];
    for (const [price, size] of levels) {
      const took = taken.get(priceKey(price));
      const left = took === undefined ? size : size.minus(took);
      if (left.gt(0)) out.push([price, left]);
    }
    return out;
  }

  /** What our fills took from the levels of `bookSide` of this snapshot (by priceKey), if anything. */
  taken(book: BookSnapshot, bookSide: BookSide): ReadonlyMap<string, Decimal> | undefined {
    const taken = this.current(book)?.taken[bookSide];
    return taken && taken.size > 0 ? taken : undefined;
  }

  consume(book: BookSnapshot, bookSide: BookSide, price: Decimal, quantity: Decimal): void {
    let consumed = this.current(book);
    if (!consumed) {
      consumed = { ts: book.ts, taken: { bids: new Map(), asks: new Map() } };
      this.bySymbol.set(book.symbol, consumed);
    }
    const taken = consumed.taken[bookSide];
    const k = priceKey(price);
    const before = taken.get(k);
    taken.set(k, before === undefined ? quantity : before.plus(quantity));
  }

  private current(book: BookSnapshot): Consumed | undefined {
    const consumed = this.bySymbol.get(book.symbol);
    if (!consumed) return undefined;
    if (consumed.ts === book.ts) return consumed;
    this.bySymbol.delete(book.symbol);
    return undefined;
  }
}

/**
 * A level's price as a key: its plain text (equal prices written with more or
 * fewer zeros are one level), made once per price object — a snapshot's
 * levels are asked about by every order placed on it.
 */
const priceKeys = new WeakMap<Decimal, string>();
export function priceKey(price: Decimal): string {
  let k = priceKeys.get(price);
  if (k === undefined) {
    k = price.toFixed();
    priceKeys.set(price, k);
  }
  return k;
}
