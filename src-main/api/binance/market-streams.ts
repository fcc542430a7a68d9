import type { EngineEvent, EventData } from '../../../src-common/contract/events.js';
import { TIMEFRAME_MS } from '../../../src-common/contract/constants/timeframes.js';
import { Decimal } from '../../engine/model/decimal.js';
import { binanceSymbolOf, f8 } from './convert.js';
import { kline } from './format.js';
import * as fmt from './stream-format.js';
import type { Stream } from './stream-format.js';

/** The kline intervals the gateway serves: Tern's timeframes. */
export const KLINE_INTERVALS: Readonly<Record<string, number>> = TIMEFRAME_MS;

type Level = [string, string];

/** One Tern market event, as the Binance streams of its account and symbol see it. */
export type MarketUpdate =
  | { kind: 'book'; account: string; symbol: string; time: number; u: number; book: BookLevels }
  | { kind: 'trade'; account: string; symbol: string; time: number; trade: fmt.BinancePublicTradeView }
  | { kind: 'candle'; account: string; symbol: string; time: number; candle: EventData<'candles'>['candle']; baseMs: number }
  | { kind: 'ticker'; account: string; symbol: string; time: number; ticker: Record<string, unknown> };

/**
 * One book change, worked out only if a stream asks (most book events have
 * no Binance subscriber, and a diff is 40 levels to compare and print).
 */
class BookLevels {
  private levels?: { bids: Level[]; asks: Level[] };
  private changes?: { bids: Level[]; asks: Level[] };

  constructor(
    private readonly before: RawBook | undefined,
    private readonly after: RawBook,
  ) {}

  get bids(): Level[] {
    return this.printed().bids;
  }

  get asks(): Level[] {
    return this.printed().asks;
  }

  /** the levels that changed since the last book (a level gone: quantity 0) */
  get diff(): { bids: Level[]; asks: Level[] } {
    this.changes ??= { bids: diff(this.before?.bids ?? [], this.after.bids), asks: diff(this.before?.asks ?? [], this.after.asks) };
    return this.changes;
  }

  private printed(): { bids: Level[]; asks: Level[] } {
    this.levels ??= { bids: this.after.bids.map(print), asks: this.after.asks.map(print) };
    return this.levels;
  }
}

type RawBook = { bids: ReadonlyArray<readonly [string, string]>; asks: ReadonlyArray<readonly [string, string]> };

/** a book event's levels, read (and so made) only when first asked for */
function lazyBook(event: EngineEvent): RawBook {
  let data: EventData<'book'> | undefined;
  const read = () => (data ??= event.data as EventData<'book'>);
  return {
    get bids() {
      return read().bids;
    },
    get asks() {
      return read().asks;
    },
  };
}

const print = ([p, q]: readonly [string, string]): Level => [f8(p), f8(q)];

interface KlineState {
  bucket: number;
  o: Decimal;
  h: Decimal;
  l: Decimal;
  c: Decimal;
  v: Decimal;
}

// one definition (convert.ts), re-exported for the stream modules that import it from here
export { binanceSymbolOf };

/** a Tern print as Binance's public trade (REST and streams alike) */
export function publicTradeView(t: EventData<'trades'>): fmt.BinancePublicTradeView {
  // the aggressor sold: the buyer's order was the resting one
  return { id: t.id, price: f8(t.price), qty: f8(t.quantity), time: Date.parse(t.ts), isBuyerMaker: t.side === 'sell' };
}

/**
 * Tern's market events (book, trades, final candles) as Binance's market
 * streams: the book's changes as `depthUpdate` diffs whose update ids run on
 * from GET depth's `lastUpdateId` (one id per book event, per account and
 * symbol), public trades with the engine's ids (per account and symbol), candles gathered into the
 * stream's interval (`x` once the interval's last base bar is in).
 */
export class MarketStreams {
  private readonly books = new Map<string, { u: number; book: RawBook }>();
  private readonly lastBar = new Map<string, number>();
  private readonly klines = new Map<string, KlineState>();

  constructor(private readonly now: () => number) {}

  /** the last update id sent for the symbol's book (0 before its first change) */
  depthUpdateId(account: string, symbol: string): number {
    return this.books.get(`${account}\u0000${symbol}`)?.u ?? 0;
  }

  /**
   * A Tern market event as an update, or null for the other events. `at` is
   * its account and symbol (from the channel name): a book change only counts
   * its update id here; its levels are read when a stream asks for them.
   */
  update(event: EngineEvent, at: { account: string; symbol: string }): MarketUpdate | null {
    const time = this.now();
    const symbol = binanceSymbolOf(at.symbol);
    const key = `${at.account}\u0000${symbol}`;
    switch (event.kind) {
      case 'book': {
        const prev = this.books.get(key);
        const next = { u: (prev?.u ?? 0) + 1, book: lazyBook(event) };
        this.books.set(key, next);
        return { kind: 'book', account: at.account, symbol, time, u: next.u, book: new BookLevels(prev?.book, next.book) };
      }
      case 'trades': {
        // the engine's id: the one GET trades / aggTrades answer with
        return { kind: 'trade', account: at.account, symbol, time, trade: publicTradeView(event.data as EventData<'trades'>) };
      }
      case 'candles': {
        const c = event.data as EventData<'candles'>;
        const before = this.lastBar.get(key);
        this.lastBar.set(key, c.candle[0]);
        // final bars come one per base timeframe: their spacing is its length
        const baseMs = before !== undefined && c.candle[0] > before ? c.candle[0] - before : 60_000;
        return { kind: 'candle', account: at.account, symbol, time, candle: c.candle, baseMs };
      }
      default:
        return null;
    }
  }

  /** what one subscribed stream sends for an update (nothing when the update is not its kind) */
  payloads(s: Stream, u: MarketUpdate): Record<string, unknown>[] {
    switch (s.channel) {
      case 'depth': {
        if (u.kind !== 'book') return [];
        const { bids, asks } = u.book.diff;
        // every book event has its id, sent or not: an update with no change is still one, so ids stay consecutive
        return [fmt.depthUpdate(u.time, u.symbol, u.u, u.u, bids, asks)];
      }
      case 'partial':
        return u.kind === 'book' ? [fmt.partialDepth(u.u, u.book.bids.slice(0, s.levels), u.book.asks.slice(0, s.levels))] : [];
      case 'bookTicker':
        return u.kind === 'book' ? [fmt.bookTickerEvent(u.u, u.symbol, u.book.bids[0], u.book.asks[0])] : [];
      case 'trade':
        return u.kind === 'trade' ? [fmt.tradeEvent(u.time, u.symbol, u.trade)] : [];
      case 'aggTrade':
        return u.kind === 'trade' ? [fmt.aggTradeEvent(u.time, u.symbol, u.trade)] : [];
      case 'ticker':
        return u.kind === 'ticker' ? [fmt.tickerEvent(u.time, u.symbol, u.ticker)] : [];
      case 'miniTicker':
        return u.kind === 'ticker' ? [fmt.miniTickerEvent(u.time, u.symbol, u.ticker)] : [];
      case 'kline':
        return u.kind === 'candle' ? [this.kline(s, u)] : [];
    }
  }

  private kline(s: Stream, u: Extract<MarketUpdate, { kind: 'candle' }>): Record<string, unknown> {
    const ms = KLINE_INTERVALS[s.interval!]!;
    const [t, o, h, l, c, v] = u.candle;
    const bucket = Math.floor(t / ms) * ms;
    const key = `${u.account}\u0000${s.name}`;
    let k = this.klines.get(key);
    if (k === undefined || k.bucket !== bucket) {
      k = { bucket, o: new Decimal(o), h: new Decimal(h), l: new Decimal(l), c: new Decimal(c), v: new Decimal(0) };
      this.klines.set(key, k);
    }
    k.h = Decimal.max(k.h, h);
    k.l = Decimal.min(k.l, l);
    k.c = new Decimal(c);
    k.v = k.v.add(v);
    const closed = t + u.baseMs >= bucket + ms;
    const amount = (d: Decimal): string => f8(d.toFixed());
    return fmt.klineEvent(u.time, u.symbol, s.interval!, kline(bucket, ms, amount(k.o), amount(k.h), amount(k.l), amount(k.c), amount(k.v), '0.00000000', 0), closed);
  }
}

/** the levels that changed from `before` to `after`, printed as Binance's; a level gone is sent with quantity 0 */
function diff(before: RawBook['bids'], after: RawBook['bids']): Level[] {
  const old = new Map(before.map(([p, q]) => [p, q]));
  const out: Level[] = [];
  for (const [p, q] of after) if (old.get(p) !== q) out.push(print([p, q]));
  const now = new Set(after.map(([p]) => p));
  for (const [p] of before) if (!now.has(p)) out.push([f8(p), '0.00000000']);
  return out;
}
