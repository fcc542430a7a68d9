import { triggerDirection } from '../../../src-common/contract/constants/orders.js';
import type { Decimal } from '../model/decimal.js';
import { type HeldStop, HeldStops } from '../model/held-stops.js';
import type { OrderRecord } from '../model/types.js';

/**
 * The stops and take profits Tern holds itself (held_by 'tern'), per account
 * and symbol, until they fire. What a tick costs is HeldStops' business (O(1) unless it crosses
 * a threshold); a trailing stop whose best moved keeps the trade's exact price
 * as its best, and its exact stop is worked out when it is journaled (at most
 * every few hundred ms, see Oms) or decided.
 */

export type Trigger = HeldStop<string>;
export type TickOutcome = { hit: Trigger[]; moved: boolean };

export class TriggerBook {
  /** account → symbol → its stops (nested, so a tick builds no key string) */
  private readonly byAccount = new Map<string, Map<string, HeldStops<string>>>();
  private readonly index = new Map<string, { account: string; symbol: string; stops: HeldStops<string> }>();

  /** `increment(account, symbol)`: the instrument's price increment, asked only when an exact stop is worked out */
  constructor(private readonly increment: (account: string, symbol: string) => Decimal) {}

  get size(): number {
    return this.index.size;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  get(id: string): Trigger | undefined {
    return this.index.get(id)?.stops.get(id);
  }

  arm(order: OrderRecord): void {
    this.disarm(order.id);
    let symbols = this.byAccount.get(order.account);
    if (!symbols) this.byAccount.set(order.account, (symbols = new Map()));
    let stops = symbols.get(order.symbol);
    if (!stops) {
      const { account, symbol } = order;
      symbols.set(symbol, (stops = new HeldStops(() => this.increment(account, symbol))));
    }
    // HeldStops watches a stop's direction by its side: a take profit fires the way the other side's stop does
    const side = triggerDirection(order.type, order.side) === 'rise' ? 'buy' : 'sell';
    stops.add(order.id, side, order.trailing ?? null, order.stopPrice);
    this.index.set(order.id, { account: order.account, symbol: order.symbol, stops });
  }

  disarm(id: string): void {
    const entry = this.index.get(id);
    if (!entry) return;
    this.index.delete(id);
    entry.stops.remove(id);
    if (entry.stops.size > 0) return;
    const symbols = this.byAccount.get(entry.account)!;
    symbols.delete(entry.symbol);
    if (symbols.size === 0) this.byAccount.delete(entry.account);
  }

  /**
   * One trade at `last` on `account`'s `symbol`: the triggers it reaches (to
   * fire, each with its exact stop) and whether any best price moved (stops
   * to journal); null when it did neither.
   */
  tick(account: string, symbol: string, last: Decimal): TickOutcome | null {
    const stops = this.byAccount.get(account)?.get(symbol);
    return stops ? stops.tick(last) : null;
  }

  /** whether `id`'s stop moved since it was last journaled */
  moved(id: string): boolean {
    return this.index.get(id)?.stops.hasMoved(id) ?? false;
  }

  /** the triggers whose stop moved since they were last journaled, each with its exact stop now; they count as journaled */
  takeMoved(): Trigger[] {
    const out: Trigger[] = [];
    for (const symbols of this.byAccount.values()) for (const stops of symbols.values()) out.push(...stops.takeMoved());
    return out;
  }
}
