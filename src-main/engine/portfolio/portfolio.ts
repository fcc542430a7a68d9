import { type Decimal, ZERO } from '../model/decimal.js';
import type { BalanceRecord, FillRecord, PositionRecord } from '../model/types.js';
import { applyFill, emptyPosition, unrealizedPnl } from './position.js';
import { type OwnerShare, StrategyLedger } from './strategy-ledger.js';

const key = (a: string, b: string) => `${a}\u0000${b}`;

/** Positions projected from fills and balances as venues report them, per account. */
export class Portfolio {
  private readonly positions = new Map<string, PositionRecord>();
  private readonly balances = new Map<string, BalanceRecord>();
  /** each strategy's own share of the positions (fills reach it through the OMS) */
  readonly strategies = new StrategyLedger();

  load(positions: Iterable<PositionRecord>, balances: Iterable<BalanceRecord>): void {
    for (const p of positions) this.positions.set(key(p.account, p.symbol), p);
    for (const b of balances) this.balances.set(key(b.account, b.asset), b);
  }

  position(account: string, symbol: string): PositionRecord | undefined {
    return this.positions.get(key(account, symbol));
  }

  positionQuantity(account: string, symbol: string): Decimal {
    return this.position(account, symbol)?.quantity ?? ZERO;
  }

  /** the shares of an account's position: the trader's, then each strategy's */
  owners(account: string, symbol: string): OwnerShare[] {
    return this.strategies.owners(account, symbol, this.positionQuantity(account, symbol));
  }

  applyFill(fill: FillRecord): PositionRecord {
    const current = this.position(fill.account, fill.symbol) ?? emptyPosition(fill.account, fill.symbol, fill.ts);
    const next = applyFill(current, fill);
    this.positions.set(key(fill.account, fill.symbol), next);
    return next;
  }

  setBalance(balance: BalanceRecord): void {
    this.balances.set(key(balance.account, balance.asset), balance);
  }

  balance(account: string, asset: string): BalanceRecord | undefined {
    return this.balances.get(key(account, asset));
  }

  listPositions(account?: string, symbol?: string): PositionRecord[] {
    return [...this.positions.values()]
      .filter((p) => (!account || p.account === account) && (!symbol || p.symbol === symbol))
      .sort((a, b) => a.account.localeCompare(b.account) || a.symbol.localeCompare(b.symbol));
  }

  listBalances(account?: string): BalanceRecord[] {
    return [...this.balances.values()]
      .filter((b) => !account || b.account === account)
      .sort((a, b) => a.account.localeCompare(b.account) || a.asset.localeCompare(b.asset));
  }

  clearAccount(account: string): void {
    for (const [k, p] of this.positions) if (p.account === account) this.positions.delete(k);
    for (const [k, b] of this.balances) if (b.account === account) this.balances.delete(k);
    this.strategies.clearAccount(account);
  }

  /**
   * Equity in the quote asset: each balance valued at its mark (the quote asset
   * at 1; an asset without a mark counts at zero and is named in `unpriced`).
   */
  valuation(
    quoteAsset: string,
    markOf: (account: string, asset: string) => Decimal | undefined,
    markOfSymbol: (account: string, symbol: string) => Decimal | undefined,
    account?: string,
  ): { equity: Decimal; realized: Decimal; unrealized: Decimal; fees: Decimal; unpriced: string[] } {
    let equity = ZERO;
    const unpriced: string[] = [];
    for (const b of this.listBalances(account)) {
      if (b.total.isZero()) continue;
      const mark = b.asset === quoteAsset ? undefined : markOf(b.account, b.asset);
      if (b.asset === quoteAsset) equity = equity.add(b.total);
      else if (mark) equity = equity.add(b.total.mul(mark));
      else unpriced.push(b.asset);
    }
    let realized = ZERO;
    let unrealized = ZERO;
    let fees = ZERO;
    for (const p of this.listPositions(account)) {
      realized = realized.add(p.realizedPnl);
      fees = fees.add(p.feesPaid);
      unrealized = unrealized.add(unrealizedPnl(p, markOfSymbol(p.account, p.symbol)));
    }
    return { equity, realized, unrealized, fees, unpriced };
  }
}
