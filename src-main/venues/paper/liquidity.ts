import { Decimal } from '../../engine/model/decimal.js';
import type { Side } from '../../engine/model/types.js';
import type { BookLevel, BookSnapshot } from '../../engine/ports/market-data.js';

export type BookSide = 'bids' | 'asks';

/** The side of the book an order on `side` takes from. */
export function oppositeSide(side: Side): BookSide {
  return side === 'buy' ? 'asks' : 'bids';
}

interface Consumed {
  ts: number;
  /** `${bookSide}:${price}` → quantity our own fills took from that level */
  taken: Map<string, Decimal>;
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
    const consumed = this.current(book);
    const levels = book[bookSide];
    if (!consumed || consumed.taken.size === 0) return levels.filter(([, size]) => size.gt(0));
    const out: BookLevel[] = [];
    for (const [price, size] of levels) {
      const left = size.minus(consumed.taken.get(key(bookSide, price)) ?? 0);
      if (left.gt(0)) out.push([price, left]);
    }
    return out;
  }

  consume(book: BookSnapshot, bookSide: BookSide, price: Decimal, quantity: Decimal): void {
    let consumed = this.current(book);
    if (!consumed) {
      consumed = { ts: book.ts, taken: new Map() };
      this.bySymbol.set(book.symbol, consumed);
    }
    const k = key(bookSide, price);
    consumed.taken.set(k, (consumed.taken.get(k) ?? new Decimal(0)).plus(quantity));
  }

  private current(book: BookSnapshot): Consumed | undefined {
    const consumed = this.bySymbol.get(book.symbol);
    if (!consumed) return undefined;
    if (consumed.ts === book.ts) return consumed;
    this.bySymbol.delete(book.symbol);
    return undefined;
  }
}

function key(bookSide: BookSide, price: Decimal): string {
  return `${bookSide}:${price.toFixed()}`;
}
