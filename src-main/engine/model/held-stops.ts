import type { Decimal } from './decimal.js';
import { activates, stopReached, trailingStopAt } from './trailing.js';
import type { Side, TrailingTerms } from './types.js';

/**
 * The stops of one symbol that something holds and watches tick by tick
 * (trailing stops, and plain stops Tern holds), made cheap per trade: the
 * goal is ≤ 2 µs per tick per 100 stops (issue 12), so a tick costs O(1)
 * double comparisons unless it crosses a threshold.
 *
 * - A new best price does not touch each trailing stop: the symbol keeps the
 *   extreme since the stops were last settled (`ext`, the trade's own exact
 *   Decimal), and a stop's best is max(its own best, ext) — a sell's; a buy's
 *   the min. Settling (before a stop is decided, journaled, reported, added or
 *   removed) writes it into each stop: O(n), at most every batch, not per tick.
 * - A tick is screened against each side's thresholds in doubles: where a
 *   best starts to move, where an inactive stop activates, and a bound no stop
 *   can be above (sells; below for buys), which a move raises in O(1) from the
 *   smallest offsets. Rounding to a double is monotonic, so a double strictly
 *   past a threshold is past it exactly; a tie is decided in decimals, and the
 *   hit bound is widened by EPS. Only a tick past the hit or activation bound
 *   walks the stops, and there each stop is decided in exact decimals.
 *
 * Doubles are mirrored per side (q = p for sells, −p for buys) so one path
 * serves both: a best moves when q rises past it, a stop is hit when q falls
 * to it, an activation price is reached when q rises to it.
 */

/** relative margin under which doubles cannot decide and the exact decimals do */
const EPS = 1e-9;

export interface HeldStop<T> {
  readonly item: T;
  /** the side whose stop it fires like: a buy fires on a rise to it, a sell on a fall (a take profit files as the other side's) */
  readonly side: Side;
  /** the trailing terms, best as last settled (null: a plain stop) */
  trailing: TrailingTerms | null;
  /** the exact stop as last worked out (null: a trailing stop not activated yet) */
  stopPrice: Decimal | null;
  /** its best moved since `stopPrice` was worked out: the exact stop is due */
  stale: boolean;
  /** its best moved since it was last taken by `takeMoved` (journaled or reported) */
  moved: boolean;
  /** mirrored doubles (NaN: none) */
  bestQ: number;
  stopQ: number;
  activationQ: number;
  /** percent offset as a fraction, or a price offset; which one */
  offsetNum: number;
  percent: boolean;
}

export interface HeldTick<T> {
  /** the stops this trade reached, in the order they were added, each with its exact stop */
  hit: HeldStop<T>[];
  /** a best price moved: stops to journal or report */
  moved: boolean;
}

const MOVED: HeldTick<never> = Object.freeze({ hit: Object.freeze([]) as unknown as never[], moved: true });

interface SideState {
  readonly side: Side;
  /** +1 sells, −1 buys: q = dir × price */
  readonly dir: 1 | -1;
  count: number;
  /** the extreme trade (highest for sells, lowest for buys) since the last settle, or null */
  ext: Decimal | null;
  extQ: number;
  /** a best moves when q rises past this (−∞ never happens: +∞ when no stop trails) */
  moveQ: number;
  moveAt: Decimal | null;
  /** the nearest inactive stop activates when q reaches this */
  activateQ: number;
  /** no stop is hit while q is above this */
  hitQ: number;
  /** the same bound from the stops' own stops, without ext */
  staticHitQ: number;
  /** the smallest offsets of the active trailing stops (∞: none): how far below a moved best the highest stop can be */
  minPercent: number;
  minPrice: number;
}

function sideState(side: Side): SideState {
  return { side, dir: side === 'sell' ? 1 : -1, count: 0, ext: null, extQ: NaN, moveQ: Infinity, moveAt: null, activateQ: Infinity, hitQ: -Infinity, staticHitQ: -Infinity, minPercent: Infinity, minPrice: Infinity };
}

/** `a` is a better best than `b` for `side` (a sell trails the highest price, a buy the lowest) */
const better = (side: Side, a: Decimal, b: Decimal) => (side === 'sell' ? a.gt(b) : a.lt(b));
const widenUp = (q: number) => q + Math.abs(q) * EPS;

export class HeldStops<T> {
  private readonly all = new Map<T, HeldStop<T>>();
  private readonly sell = sideState('sell');
  private readonly buy = sideState('buy');
  private readonly sides = [this.sell, this.buy] as const;
  private dirty = false;

  /** `increment()`: the instrument's price increment, asked only when an exact stop is worked out */
  constructor(private readonly increment: () => Decimal) {}

  get size(): number {
    return this.all.size;
  }

  get(item: T): HeldStop<T> | undefined {
    return this.all.get(item);
  }

  add(item: T, side: Side, trailing: TrailingTerms | null, stopPrice: Decimal | null): HeldStop<T> {
    // the stops already here take the extreme they saw; the new one starts from its own best
    this.settle();
    const dir = side === 'sell' ? 1 : -1;
    const stop: HeldStop<T> = {
      item,
      side,
      trailing,
      stopPrice,
      stale: false,
      moved: false,
      bestQ: trailing?.best ? dir * trailing.best.toNumber() : NaN,
      stopQ: stopPrice ? dir * stopPrice.toNumber() : NaN,
      activationQ: trailing?.activationPrice ? dir * trailing.activationPrice.toNumber() : NaN,
      offsetNum: trailing ? (trailing.unit === 'percent' ? trailing.offset.toNumber() / 100 : trailing.offset.toNumber()) : 0,
      percent: trailing?.unit === 'percent',
    };
    this.all.delete(item);
    this.all.set(item, stop);
    this.dirty = true;
    return stop;
  }

  remove(item: T): void {
    if (!this.all.has(item)) return;
    this.settle();
    this.all.delete(item);
    this.dirty = true;
  }

  clear(): void {
    this.all.clear();
    this.sell.ext = this.buy.ext = null;
    this.dirty = true;
  }

  /**
   * One trade at `last`: the stops it reaches (each with its exact stop) and
   * whether a best price moved; null when it did neither (the common tick).
   */
  tick(last: Decimal): HeldTick<T> | null {
    if (this.all.size === 0) return null;
    if (this.dirty) this.refresh();
    const p = last.toNumber();
    let moved = false;
    let walk = false;
    for (const s of this.sides) {
      if (s.count === 0) continue;
      const q = s.dir * p;
      if (q >= s.moveQ && (q > s.moveQ || better(s.side, last, s.moveAt!))) {
        // every active trailing stop of this side whose best is behind `last` now trails from it
        s.ext = last;
        s.extQ = q;
        s.moveQ = q;
        s.moveAt = last;
        s.hitQ = Math.max(s.hitQ, this.movedBound(s, q));
        moved = true;
      }
      if (q <= s.hitQ || q >= s.activateQ) walk = true;
    }
    if (walk) return this.walk(last, p, moved);
    return moved ? (MOVED as HeldTick<T>) : null;
  }

  /** The exact current stop of `stop` (worked out now if its best moved), never behind the one before. */
  exactStop(stop: HeldStop<T>): Decimal | null {
    this.settle();
    return this.exact(stop);
  }

  /** Whether `item`'s best moved since it was last taken by takeMoved. */
  hasMoved(item: T): boolean {
    const stop = this.all.get(item);
    if (!stop) return false;
    this.settle();
    return stop.moved;
  }

  /** The stops whose best moved since they were last taken, each with its exact stop now; they count as taken. */
  takeMoved(): HeldStop<T>[] {
    this.settle();
    const out: HeldStop<T>[] = [];
    for (const stop of this.all.values()) {
      if (!stop.moved) continue;
      this.exact(stop);
      stop.moved = false;
      out.push(stop);
    }
    return out;
  }

  /** Every stop with its exact stop now (for a view); what moved stays to be taken. */
  current(): HeldStop<T>[] {
    this.settle();
    const out: HeldStop<T>[] = [];
    for (const stop of this.all.values()) {
      this.exact(stop);
      out.push(stop);
    }
    return out;
  }

  // ── inside ────────────────────────────────────────────────────────────────

  private exact(stop: HeldStop<T>): Decimal | null {
    if (stop.stale && stop.trailing?.best) {
      const next = trailingStopAt(stop.side, stop.trailing, stop.trailing.best, this.increment());
      if (stop.stopPrice === null || better(stop.side, next, stop.stopPrice)) stop.stopPrice = next;
      stop.stale = false;
      stop.stopQ = (stop.side === 'sell' ? 1 : -1) * stop.stopPrice.toNumber();
      this.dirty = true;
    }
    return stop.stopPrice;
  }

  /** the highest (mirrored) stop a trailing stop whose best moved to `q` can have */
  private movedBound(s: SideState, q: number): number {
    const byPercent = s.minPercent === Infinity ? -Infinity : q * (1 - s.dir * s.minPercent);
    const byPrice = s.minPrice === Infinity ? -Infinity : q - s.minPrice;
    return widenUp(Math.max(byPercent, byPrice));
  }

  /** Writes each side's extreme into the stops it moved. */
  private settle(): void {
    for (const s of this.sides) {
      const ext = s.ext;
      if (ext === null) continue;
      s.ext = null;
      for (const stop of this.all.values()) {
        if (stop.side !== s.side || !stop.trailing || Number.isNaN(stop.bestQ)) continue;
        if (s.extQ > stop.bestQ || (s.extQ === stop.bestQ && better(s.side, ext, stop.trailing.best!))) this.moveBest(stop, ext, s.extQ);
      }
      this.dirty = true;
    }
  }

  private moveBest(stop: HeldStop<T>, best: Decimal, q: number): void {
    stop.trailing = { ...stop.trailing!, best };
    stop.bestQ = q;
    // the stop in doubles, for the screen (never behind the one before); the exact one when it matters
    const dir = stop.side === 'sell' ? 1 : -1;
    const approx = stop.percent ? q * (1 - dir * stop.offsetNum) : q - stop.offsetNum;
    stop.stopQ = Number.isNaN(stop.stopQ) ? approx : Math.max(stop.stopQ, approx);
    stop.stale = true;
    stop.moved = true;
  }

  /** A tick past a threshold: each stop decided exactly (activation, a new best, its stop reached). */
  private walk(last: Decimal, p: number, movedBefore: boolean): HeldTick<T> {
    this.settle();
    const hit: HeldStop<T>[] = [];
    let moved = movedBefore;
    for (const stop of this.all.values()) {
      const q = (stop.side === 'sell' ? 1 : -1) * p;
      if (stop.trailing && Number.isNaN(stop.bestQ)) {
        // not active yet: it starts trailing from the price that activates it (never hit by that price)
        if (!Number.isNaN(stop.activationQ) && q < stop.activationQ) continue;
        if (!activates(stop.side, stop.trailing.activationPrice, last)) continue;
        this.moveBest(stop, last, q);
        moved = true;
        continue;
      }
      if (Number.isNaN(stop.stopQ) || q > widenUp(stop.stopQ)) continue;
      const exact = this.exact(stop);
      if (exact !== null && stopReached(stop.side, exact, last)) hit.push(stop);
    }
    this.dirty = true;
    return { hit, moved };
  }

  private refresh(): void {
    for (const s of this.sides) {
      s.count = 0;
      s.moveQ = Infinity;
      s.moveAt = null;
      s.activateQ = Infinity;
      s.staticHitQ = -Infinity;
      s.minPercent = Infinity;
      s.minPrice = Infinity;
    }
    for (const stop of this.all.values()) {
      const s = stop.side === 'sell' ? this.sell : this.buy;
      s.count += 1;
      if (stop.trailing) {
        if (Number.isNaN(stop.bestQ)) {
          // inactive: without an activation price it activates at any price
          s.activateQ = Math.min(s.activateQ, Number.isNaN(stop.activationQ) ? -Infinity : stop.activationQ);
        } else {
          if (stop.bestQ < s.moveQ || (stop.bestQ === s.moveQ && better(s.side, s.moveAt!, stop.trailing.best!))) {
            s.moveQ = stop.bestQ;
            s.moveAt = stop.trailing.best;
          }
          if (stop.percent) s.minPercent = Math.min(s.minPercent, stop.offsetNum);
          else s.minPrice = Math.min(s.minPrice, stop.offsetNum);
        }
      }
      if (!Number.isNaN(stop.stopQ)) s.staticHitQ = Math.max(s.staticHitQ, widenUp(stop.stopQ));
    }
    for (const s of this.sides) {
      s.hitQ = s.staticHitQ;
      if (s.ext !== null && s.moveAt !== null) {
        // an extreme not yet settled: bests behind it trail from it
        if (s.extQ > s.moveQ || (s.extQ === s.moveQ && better(s.side, s.ext, s.moveAt))) {
          s.moveQ = s.extQ;
          s.moveAt = s.ext;
        }
        s.hitQ = Math.max(s.hitQ, this.movedBound(s, s.extQ));
      }
    }
    this.dirty = false;
  }
}
