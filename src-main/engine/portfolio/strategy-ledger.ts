import { type Decimal, ZERO, minDec } from '../model/decimal.js';
import type { FillRecord, Side, StrategyPositionRecord } from '../model/types.js';
import { applyFill, emptyPosition, unrealizedPnl } from './position.js';

/** who a quantity of an account's position belongs to: a strategy, or null for the trader (manual and API orders) */
export interface OwnerShare {
  strategyId: string | null;
  quantity: Decimal;
}

const symbolKey = (account: string, symbol: string) => `${account}\u0000${symbol}`;

/**
 * The per-strategy ledger: each strategy's own position per account and
 * symbol, by the portfolio's position arithmetic (position.ts), from the
 * fills of its own orders. The trader's share is what is left of the
 * account's position. The records are journaled ('strategy_position') and
 * projected like the account's positions, so a restart loads the same ledger.
 *
 * A fill of a manual order that reduces the account's position takes from
 * the trader's share first, then from the strategies holding that side, in
 * id order (`allocate`): a manual close of everything closes the strategies'
 * shares too, and says so. Its fee stays with the trader, who chose it.
 */
export class StrategyLedger {
  /** account NUL symbol → strategy id → its position */
  private readonly bySymbol = new Map<string, Map<string, StrategyPositionRecord>>();

  load(records: Iterable<StrategyPositionRecord>): void {
    for (const r of records) this.put(r);
  }

  position(strategyId: string, account: string, symbol: string): StrategyPositionRecord | undefined {
    return this.bySymbol.get(symbolKey(account, symbol))?.get(strategyId);
  }

  quantity(strategyId: string, account: string, symbol: string): Decimal {
    return this.position(strategyId, account, symbol)?.quantity ?? ZERO;
  }

  /** positions of one strategy (or every strategy), by strategy, account and symbol */
  list(filter: { strategyId?: string; account?: string; symbol?: string } = {}): StrategyPositionRecord[] {
    const out: StrategyPositionRecord[] = [];
    for (const m of this.bySymbol.values()) {
      for (const p of m.values()) {
        if (filter.strategyId !== undefined && p.strategyId !== filter.strategyId) continue;
        if (filter.account !== undefined && p.account !== filter.account) continue;
        if (filter.symbol !== undefined && p.symbol !== filter.symbol) continue;
        out.push(p);
      }
    }
    return out.sort((a, b) => cmp(a.strategyId, b.strategyId) || cmp(a.account, b.account) || cmp(a.symbol, b.symbol));
  }

  /**
   * The owners of an account's position in a symbol: the trader (null) with
   * what the strategies do not hold, then each strategy with a non-zero share.
   */
  owners(account: string, symbol: string, accountQuantity: Decimal): OwnerShare[] {
    const held = this.holders(account, symbol);
    const trader = held.reduce((rest, p) => rest.sub(p.quantity), accountQuantity);
    return [{ strategyId: null, quantity: trader }, ...held.map((p) => ({ strategyId: p.strategyId, quantity: p.quantity }))];
  }

  /**
   * Whose shares a manual order of `quantity` on `side` takes when it
   * reduces the account's position `accountQuantity`: the trader's first,
   * then the strategies holding that side, in id order; what is left (the
   * account flips) is the trader's. Empty when the order does not reduce.
   */
  allocate(account: string, symbol: string, accountQuantity: Decimal, side: Side, quantity: Decimal): OwnerShare[] {
    const long = accountQuantity.gt(0);
    if (accountQuantity.isZero() || (side === 'sell') !== long) return [];
    const sign = (d: Decimal) => (long ? d : d.neg());
    const held = this.holders(account, symbol).filter((p) => sign(p.quantity).gt(0));
    const trader = this.owners(account, symbol, accountQuantity)[0]!.quantity;
    let left = quantity;
    const out: OwnerShare[] = [];
    const traderPart = minDec(left, maxZero(sign(trader)));
    if (traderPart.gt(0)) out.push({ strategyId: null, quantity: traderPart });
    left = left.sub(traderPart);
    for (const p of held) {
      if (!left.gt(0)) break;
      const part = minDec(left, sign(p.quantity));
      out.push({ strategyId: p.strategyId, quantity: part });
      left = left.sub(part);
    }
    if (left.gt(0)) {
      const first = out[0];
      if (first && first.strategyId === null) first.quantity = first.quantity.add(left);
      else out.unshift({ strategyId: null, quantity: left });
    }
    return out;
  }

  /**
   * Applies a fill, given the account's position before it; returns the
   * strategy positions it changed (to journal). A strategy's fill changes its
   * own position; a manual fill changes the strategies it takes from.
   */
  applyFill(fill: FillRecord, accountQuantityBefore: Decimal): readonly StrategyPositionRecord[] {
    if (fill.strategyId !== undefined) {
      const current = this.position(fill.strategyId, fill.account, fill.symbol) ?? { ...emptyPosition(fill.account, fill.symbol, fill.ts), strategyId: fill.strategyId };
      return [this.put({ ...applyFill(current, fill), strategyId: fill.strategyId })];
    }
    // no strategy holds anything here: a manual fill takes only from the trader (most fills: no arrays, no sort)
    if (!this.bySymbol.has(symbolKey(fill.account, fill.symbol))) return NONE;
    const changed: StrategyPositionRecord[] = [];
    for (const share of this.allocate(fill.account, fill.symbol, accountQuantityBefore, fill.side, fill.quantity)) {
      if (share.strategyId === null) continue;
      const current = this.position(share.strategyId, fill.account, fill.symbol)!;
      changed.push(this.put({ ...applyFill(current, { ...fill, quantity: share.quantity, fee: ZERO }), strategyId: share.strategyId }));
    }
    return changed;
  }

  /** a strategy's unrealized PnL in a symbol at a mark */
  unrealized(record: StrategyPositionRecord, mark: Decimal | undefined): Decimal {
    return unrealizedPnl(record, mark);
  }

  clearAccount(account: string): void {
    for (const [k, m] of this.bySymbol) {
      const first = m.values().next().value;
      if (first?.account === account) this.bySymbol.delete(k);
    }
  }

  private holders(account: string, symbol: string): StrategyPositionRecord[] {
    const m = this.bySymbol.get(symbolKey(account, symbol));
    if (!m) return [];
    return [...m.values()].filter((p) => !p.quantity.isZero()).sort((a, b) => cmp(a.strategyId, b.strategyId));
  }

  private put(record: StrategyPositionRecord): StrategyPositionRecord {
    const k = symbolKey(record.account, record.symbol);
    let m = this.bySymbol.get(k);
    if (!m) this.bySymbol.set(k, (m = new Map()));
    m.set(record.strategyId, record);
    return record;
  }
}

const NONE: readonly StrategyPositionRecord[] = Object.freeze([]);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const maxZero = (d: Decimal) => (d.gt(0) ? d : ZERO);
