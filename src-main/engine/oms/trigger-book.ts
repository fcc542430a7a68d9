import { Decimal } from '../model/decimal.js';
import { activates, stopReached, trailingStopAt } from '../model/trailing.js';
import type { OrderRecord, Side, TrailingTerms } from '../model/types.js';

/**
 * The stops Tern holds itself (held_by 'tern'), per account and symbol, made
 * cheap per market-data tick: most ticks move no stop and reach none, and a
 * tick is screened in doubles against each side's nearest thresholds (O(1)).
 * A tick past a threshold walks that symbol's triggers in doubles; only a
 * trigger the doubles say may be hit or may activate is decided in exact
 * decimals. A trailing stop whose best price rose keeps the trade's exact
 * price as its best and marks its stop stale: the exact stop is worked out
 * when it is journaled (at most every few hundred ms, see Oms) or decided.
 */

/** relative margin under which doubles cannot decide and the exact decimals do */
const EPS = 1e-9;

export interface Trigger {
  id: string;
  side: Side;
  trailing: TrailingTerms | null;
  /** the exact stop as journaled last (null: not activated) */
  stopPrice: Decimal | null;
  /** doubles of the current best and stop (NaN: none yet) */
  bestNum: number;
  stopNum: number;
  activationNum: number;
  /** percent offset as a fraction, or a price offset */
  offsetNum: number;
  percent: boolean;
  /** the best moved since the stop was last worked out exactly */
  stale: boolean;
}

export type TickOutcome = { hit: Trigger[]; moved: boolean };

interface SymbolTriggers {
  all: Map<string, Trigger>;
  /** a sell trailing stop moves when a price rises above this; a buy one when it falls below */
  sellMove: number;
  buyMove: number;
  /** a sell stop may be hit at or below this; a buy stop at or above */
  sellHit: number;
  buyHit: number;
  /** the same bounds as decimals (exact where known): the quiet test compares the trade's own decimal, no conversion */
  quiet: { sellBelow: Decimal; sellAbove: Decimal; buyAbove: Decimal; buyBelow: Decimal };
  /** how many triggers on each side (a side without any costs no comparison) */
  sells: number;
  buys: number;
  dirty: boolean;
}

/** no trigger on a side: every price is quiet for it */
const OPEN_BOUNDS = () => ({ sellBelow: new Decimal(Infinity), sellAbove: new Decimal(-Infinity), buyAbove: new Decimal(-Infinity), buyBelow: new Decimal(Infinity) });

export class TriggerBook {
  private readonly bySymbol = new Map<string, SymbolTriggers>();
  private readonly index = new Map<string, { key: string; trigger: Trigger }>();

  get size(): number {
    return this.index.size;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  get(id: string): Trigger | undefined {
    return this.index.get(id)?.trigger;
  }

  arm(order: OrderRecord): void {
    const key = `${order.account}\u0000${order.symbol}`;
    const t = order.trailing ?? null;
    const trigger: Trigger = {
      id: order.id,
      side: order.side,
      trailing: t,
      stopPrice: order.stopPrice,
      bestNum: t?.best ? t.best.toNumber() : NaN,
      stopNum: order.stopPrice ? order.stopPrice.toNumber() : NaN,
      activationNum: t?.activationPrice ? t.activationPrice.toNumber() : NaN,
      offsetNum: t ? (t.unit === 'percent' ? t.offset.toNumber() / 100 : t.offset.toNumber()) : 0,
      percent: t?.unit === 'percent',
      stale: false,
    };
    let s = this.bySymbol.get(key);
    if (!s) this.bySymbol.set(key, (s = { all: new Map(), sellMove: Infinity, buyMove: -Infinity, sellHit: -Infinity, buyHit: Infinity, quiet: OPEN_BOUNDS(), sells: 0, buys: 0, dirty: true }));
    s.all.set(order.id, trigger);
    s.dirty = true;
    this.index.set(order.id, { key, trigger });
  }

  disarm(id: string): void {
    const entry = this.index.get(id);
    if (!entry) return;
    this.index.delete(id);
    const s = this.bySymbol.get(entry.key)!;
    s.all.delete(id);
    s.dirty = true;
    if (s.all.size === 0) this.bySymbol.delete(entry.key);
  }

  /** a held stop's quantity or stop changed (an amendment): taken in again */
  rearm(order: OrderRecord): void {
    if (!this.index.has(order.id)) return;
    this.disarm(order.id);
    this.arm(order);
  }

  /**
   * One trade at `last` on `account`'s `symbol`: the triggers it reaches (to
   * fire) and whether any best price moved (stops to journal).
   */
  tick(account: string, symbol: string, last: Decimal, increment: () => Decimal): TickOutcome | null {
    const s = this.bySymbol.get(`${account}\u0000${symbol}`);
    if (!s) return null;
    if (s.dirty) refresh(s);
    const q = s.quiet;
    // quiet: no best price passed (a price at the best moves nothing), no stop reached
    const sellQuiet = s.sells === 0 || (last.lte(q.sellBelow) && last.gt(q.sellAbove));
    if (sellQuiet && (s.buys === 0 || (last.gte(q.buyAbove) && last.lt(q.buyBelow)))) return null;
    const p = last.toNumber();
    const hit: Trigger[] = [];
    let moved = false;
    for (const t of s.all.values()) {
      const sell = t.side === 'sell';
      if (t.trailing) {
        if (Number.isNaN(t.bestNum)) {
          // not activated: exact decision only near the activation price
          const near = Number.isNaN(t.activationNum) || (sell ? p >= t.activationNum * (1 - EPS) : p <= t.activationNum * (1 + EPS));
          if (!near || !activates(t.side, t.trailing.activationPrice, last)) continue;
          this.moveBest(t, last, p);
          moved = true;
          continue;
        }
        if (sell ? p > t.bestNum : p < t.bestNum) {
          this.moveBest(t, last, p);
          moved = true;
          continue;
        }
      }
      if (Number.isNaN(t.stopNum)) continue;
      const near = sell ? p <= t.stopNum * (1 + EPS) : p >= t.stopNum * (1 - EPS);
      if (near && stopReached(t.side, this.exactStop(t, increment), last)) hit.push(t);
    }
    s.dirty = true;
    return { hit, moved };
  }

  /** The exact current stop of `t` (worked out now if its best moved), never behind the one journaled. */
  exactStop(t: Trigger, increment: () => Decimal): Decimal {
    if (t.stale && t.trailing?.best) {
      const next = trailingStopAt(t.side, t.trailing, t.trailing.best, increment());
      const back = t.stopPrice !== null && (t.side === 'sell' ? next.lt(t.stopPrice) : next.gt(t.stopPrice));
      if (!back) t.stopPrice = next;
      t.stale = false;
      t.stopNum = t.stopPrice!.toNumber();
      const entry = this.index.get(t.id);
      if (entry) this.bySymbol.get(entry.key)!.dirty = true;
    }
    return t.stopPrice!;
  }

  /** triggers whose stop moved since they were last journaled */
  stale(): Trigger[] {
    const out: Trigger[] = [];
    for (const { trigger } of this.index.values()) if (trigger.stale) out.push(trigger);
    return out;
  }

  private moveBest(t: Trigger, last: Decimal, p: number): void {
    t.trailing = { ...t.trailing!, best: last };
    t.bestNum = p;
    // the stop in doubles, for the screen; the exact one when it matters
    t.stopNum = t.percent ? (t.side === 'sell' ? p * (1 - t.offsetNum) : p * (1 + t.offsetNum)) : t.side === 'sell' ? p - t.offsetNum : p + t.offsetNum;
    t.stale = true;
  }
}

function refresh(s: SymbolTriggers): void {
  s.sellMove = Infinity;
  s.buyMove = -Infinity;
  s.sellHit = -Infinity;
  s.buyHit = Infinity;
  // the triggers nearest the market on each side; their decimals are taken once, at the end
  let sellMover: Trigger | null = null;
  let buyMover: Trigger | null = null;
  let sellStop: Trigger | null = null;
  let buyStop: Trigger | null = null;
  s.sells = 0;
  s.buys = 0;
  for (const t of s.all.values()) {
    const sell = t.side === 'sell';
    if (sell) s.sells += 1;
    else s.buys += 1;
    if (t.trailing) {
      // where the market starts to move it: its best, or its activation price
      const from = Number.isNaN(t.bestNum) ? (Number.isNaN(t.activationNum) ? (sell ? -Infinity : Infinity) : t.activationNum) : t.bestNum;
      if (sell && from <= s.sellMove) [s.sellMove, sellMover] = [from, t];
      if (!sell && from >= s.buyMove) [s.buyMove, buyMover] = [from, t];
    }
    if (Number.isNaN(t.stopNum)) continue;
    if (sell && t.stopNum >= s.sellHit) [s.sellHit, sellStop] = [t.stopNum, t];
    if (!sell && t.stopNum <= s.buyHit) [s.buyHit, buyStop] = [t.stopNum, t];
  }
  const q = OPEN_BOUNDS();
  const moveFrom = (t: Trigger, open: number) => t.trailing!.best ?? t.trailing!.activationPrice ?? new Decimal(open);
  // a stale stop is known in doubles only: widened by EPS toward the market
  const stopOf = (t: Trigger, widen: number) => (t.stale ? new Decimal(t.stopNum * widen) : t.stopPrice!);
  if (sellMover) q.sellBelow = moveFrom(sellMover, -Infinity);
  if (buyMover) q.buyAbove = moveFrom(buyMover, Infinity);
  if (sellStop) q.sellAbove = stopOf(sellStop, 1 + EPS);
  if (buyStop) q.buyBelow = stopOf(buyStop, 1 - EPS);
  s.quiet = q;
  s.dirty = false;
}
