import { Decimal, ZERO } from '../../engine/model/decimal.js';
import type { VenueBalance } from '../../engine/ports/venue.js';

const NOTHING: readonly VenueBalance[] = Object.freeze([]);
const byAsset = (a: VenueBalance, b: VenueBalance): number => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0);

/** Part of an asset held for one open order. */
export interface Lock {
  asset: string;
  amount: Decimal;
}

/**
 * A simulated account's money: a total per asset, and locks held for open
 * orders (keyed by the venue order id). Free = total − locked. The ledger
 * does arithmetic only; whether an order can pay is the venue's decision,
 * made before it moves anything here.
 */
export class BalanceLedger {
  private readonly totals = new Map<string, Decimal>();
  private readonly lockedByAsset = new Map<string, Decimal>();
  private readonly locks = new Map<string, Lock>();
  /** what was last reported per asset, so that only real changes are reported */
  private readonly reported = new Map<string, { total: Decimal; locked: Decimal }>();

  constructor(balances: Iterable<readonly [asset: string, total: Decimal]> = []) {
    this.replace(balances);
  }

  /** Drops every lock and sets the totals; the new state counts as reported. */
  replace(balances: Iterable<readonly [asset: string, total: Decimal]>): void {
    this.totals.clear();
    this.lockedByAsset.clear();
    this.locks.clear();
    for (const [asset, total] of balances) this.totals.set(asset, total);
    this.markReported();
  }

  total(asset: string): Decimal {
    return this.totals.get(asset) ?? ZERO;
  }

  locked(asset: string): Decimal {
    return this.lockedByAsset.get(asset) ?? ZERO;
  }

  free(asset: string): Decimal {
    return this.total(asset).minus(this.locked(asset));
  }

  credit(asset: string, amount: Decimal): void {
    this.totals.set(asset, this.total(asset).plus(amount));
  }

  debit(asset: string, amount: Decimal): void {
    this.totals.set(asset, this.total(asset).minus(amount));
  }

  lockOf(key: string): Lock | undefined {
    return this.locks.get(key);
  }

  /** Sets (replaces) the lock held for `key`. */
  lock(key: string, lock: Lock): void {
    this.unlock(key);
    if (lock.amount.isZero()) return;
    this.locks.set(key, lock);
    this.lockedByAsset.set(lock.asset, this.locked(lock.asset).plus(lock.amount));
    if (!this.totals.has(lock.asset)) this.totals.set(lock.asset, ZERO);
  }

  unlock(key: string): void {
    const held = this.locks.get(key);
    if (!held) return;
    this.locks.delete(key);
    this.lockedByAsset.set(held.asset, this.locked(held.asset).minus(held.amount));
  }

  /** Every asset the account has held, sorted by name. */
  balances(): VenueBalance[] {
    return [...this.totals.keys()].sort().map((asset) => ({ asset, total: this.total(asset), locked: this.locked(asset) }));
  }

  /** Assets whose total or locked amount changed since the last call (or replace). */
  takeChanges(): readonly VenueBalance[] {
    // called after every venue operation: compares in place and builds only what changed
    let changed: VenueBalance[] | null = null;
    for (const [asset, total] of this.totals) {
      const locked = this.locked(asset);
      const last = this.reported.get(asset);
      if (last && last.total.eq(total) && last.locked.eq(locked)) continue;
      // kept only here (never handed out): updated in place rather than replaced on every trade
      if (last) {
        last.total = total;
        last.locked = locked;
      } else this.reported.set(asset, { total, locked });
      (changed ??= []).push({ asset, total, locked });
    }
    if (changed === null) return NOTHING;
    // a trade changes two assets: put them in order in place (Array.sort copies into a work array, on every order)
    if (changed.length === 2) return byAsset(changed[0]!, changed[1]!) > 0 ? changed.reverse() : changed;
    return changed.length > 1 ? changed.sort(byAsset) : changed;
  }

  /** The current state counts as reported (after a restore or reset, which report nothing). */
  markReported(): void {
    this.reported.clear();
    for (const b of this.balances()) this.reported.set(b.asset, { total: b.total, locked: b.locked });
  }
}
