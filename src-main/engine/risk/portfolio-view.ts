import { type Decimal, ZERO } from '../model/decimal.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { StrategyLedger } from '../portfolio/strategy-ledger.js';

/** One account's worth, in its quote currency, marked at the mids. */
export interface AccountValuation {
  account: string;
  equity: Decimal;
  /** realized PnL − fees + unrealized PnL, cumulative: only its change over time matters */
  pnl: Decimal;
}

/** What the breakers read of a position. */
export interface PositionSnapshot {
  account: string;
  symbol: string;
  quantity: Decimal;
  realizedPnl: Decimal;
  feesPaid: Decimal;
}

/** A strategy's own worth, from its ledger: only strategies whose own breakers are set and that run. */
export interface StrategyValuation {
  strategy: string;
  /** realized PnL − fees + unrealized PnL of its ledger */
  pnl: Decimal;
  /** its capital base (its cash share at start) + pnl */
  equity: Decimal;
}

/** What the breakers need from the portfolio, taken at one instant. */
export interface PortfolioView {
  accounts: readonly AccountValuation[];
  positions: readonly PositionSnapshot[];
  strategies?: readonly StrategyValuation[];
}

export interface Marks {
  /** the quote currency each account is valued in */
  quoteOf(account: string): string;
  /** price of one unit of `asset` in `quote` on `account`, if known */
  asset(account: string, asset: string, quote: string): Decimal | undefined;
  /** mid of a symbol on an account, if known */
  symbol(account: string, symbol: string): Decimal | undefined;
}

/** The view of the engine's portfolio, for `RiskEngine.evaluate`. */
export function portfolioView(portfolio: Portfolio, accounts: readonly string[], marks: Marks): PortfolioView {
  return {
    accounts: accounts.map((account) => {
      const quote = marks.quoteOf(account);
      const v = portfolio.valuation(quote, (a, asset) => marks.asset(a, asset, quote), (a, s) => marks.symbol(a, s), account);
      return { account, equity: v.equity, pnl: v.realized.sub(v.fees).add(v.unrealized) };
    }),
    positions: portfolio.listPositions().filter((p) => accounts.includes(p.account)),
  };
}

export const sumPnl = (accounts: readonly AccountValuation[]): Decimal => accounts.reduce((s, a) => s.add(a.pnl), ZERO);
export const sumEquity = (accounts: readonly AccountValuation[]): Decimal => accounts.reduce((s, a) => s.add(a.equity), ZERO);

/**
 * Running strategies' own worth, from their ledgers: PnL = realized − fees +
 * unrealized at the mids, equity = capital base + PnL. A strategy without a
 * capital base (not running) is left out: nothing of it is measured.
 */
export function strategyValuations(
  ledger: StrategyLedger,
  strategies: readonly string[],
  capital: (strategy: string) => Decimal | undefined,
  mid: (account: string, symbol: string) => Decimal | undefined,
): StrategyValuation[] {
  return strategies.flatMap((strategy) => {
    const base = capital(strategy);
    if (base === undefined) return [];
    const pnl = ledger.list({ strategyId: strategy }).reduce((sum, r) => sum.add(r.realizedPnl).sub(r.feesPaid).add(ledger.unrealized(r, mid(r.account, r.symbol))), ZERO);
    return [{ strategy, pnl, equity: base.add(pnl) }];
  });
}
