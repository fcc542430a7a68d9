import type { AccountRegistry } from './accounts/account-registry.js';
import { type CandleQuery, candlesOf } from './data/candle-query.js';
import { bookDto, candleDto, tickerDto, tradeDto } from './dto.js';
import type { Decimal } from './model/decimal.js';
import type { Portfolio } from './portfolio/portfolio.js';
import type { MarketFeed, TradePrint } from './ports/market-data.js';
import { PublicTrades, type TradesQuery } from './public-trades.js';

/**
 * What the open accounts' feeds say: tickers, books, candles, the mid that
 * marks positions, and the portfolio valued at those marks.
 */
export class MarketView {
  private readonly prints = new PublicTrades();
  /** the last mid made, and the best bid and ask (immutable decimals) it was made of */
  private midOf: { bid: Decimal | null; ask: Decimal | null; mid: Decimal | undefined } = { bid: null, ask: null, mid: undefined };

  constructor(
    private readonly accounts: AccountRegistry,
    private readonly portfolio: Portfolio,
  ) {}

  /** the feed of an account for a symbol it trades (NOT_FOUND otherwise) */
  feed(account: string, symbol: string): MarketFeed {
    this.accounts.quoted(account, symbol);
    return this.accounts.get(account).venue.marketData;
  }

  ticker(account: string, symbol: string) {
    const feed = this.feed(account, symbol);
    return tickerDto(account, symbol, feed.book(symbol), feed.lastPrice(symbol));
  }

  book(account: string, symbol: string, depth: number) {
    return bookDto(account, symbol, this.feed(account, symbol).book(symbol), depth);
  }

  candles(account: string, q: CandleQuery) {
    return candlesOf(this.feed(account, q.symbol), q).map(candleDto);
  }

  /** a print of the account's feed, kept among its symbol's recent trades: its id */
  recordTrade(account: string, t: TradePrint): number {
    return this.prints.add(account, t);
  }

  /** the symbol's recent public trades (the feed's prints), oldest first */
  trades(account: string, symbol: string, q: TradesQuery) {
    // a question about a symbol is what starts an exchange feed watching it: its prints come from then on
    this.feed(account, symbol).lastPrice(symbol);
    return this.prints.list(account, symbol, q).map(({ id, trade }) => tradeDto(account, id, trade));
  }

  /** mid of the book, else the last trade: the mark for PnL and the reference for notional checks */
  mid(account: string, symbol: string): Decimal | undefined {
    const feed = this.accounts.find(account)?.venue.marketData;
    if (!feed) return undefined;
    const book = feed.book(symbol);
    const bid = book?.bids[0]?.[0];
    const ask = book?.asks[0]?.[0];
    if (bid && ask) {
      // the same best bid and ask (every order until the book moves): the mid made for them last time
      if (bid !== this.midOf.bid || ask !== this.midOf.ask) this.midOf = { bid, ask, mid: bid.add(ask).div(2) };
      return this.midOf.mid;
    }
    return feed.lastPrice(symbol);
  }

  /** the asset an account is valued in: its first starting balance's (the first account's for all of them) */
  quoteAsset(account: string | undefined): string {
    const rt = account ? this.accounts.get(account) : this.accounts.list()[0];
    const first = rt ? Object.keys(rt.record.startingBalances)[0] : undefined;
    return first ?? 'USDT';
  }

  /** an asset's price in `quote`: the mid of the account's instrument that trades one for the other */
  assetMark(account: string, asset: string, quote: string): Decimal | undefined {
    const rt = this.accounts.find(account);
    if (!rt) return undefined;
    for (const i of rt.instruments.values()) if (i.base === asset && i.quote === quote) return this.mid(account, i.symbol);
    return undefined;
  }

  /** the portfolio (one account's, or all) valued in its quote asset at the marks */
  valuation(account: string | undefined) {
    if (account) this.accounts.get(account);
    const quote = this.quoteAsset(account);
    const v = this.portfolio.valuation(
      quote,
      (acct, asset) => this.assetMark(acct, asset, quote),
      (acct, symbol) => this.mid(acct, symbol),
      account,
    );
    return { quote, v };
  }
}
