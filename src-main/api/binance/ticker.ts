import type { Instrument, Ticker } from '../../../src-common/contract/schemas.js';
import type { ResultOf } from '../../../src-common/contract/methods.js';
import { Decimal } from '../../engine/model/decimal.js';
import { binanceSymbol, f8 } from './convert.js';

/** What the 24h ticker reads (the gateway's call with the caller's context, or a public read). */
export type TickerReads = {
  ticker(account: string, symbol: string): Promise<Ticker>;
  candles(account: string, symbol: string): Promise<ResultOf<'market.candles'>>;
};

export function mid(bid: string | null, ask: string | null): string | null {
  if (bid === null || ask === null) return bid ?? ask;
  return new Decimal(bid).add(ask).div(2).toFixed();
}

/**
 * GET /api/v3/ticker/24hr's object for one symbol, from Tern's ticker and its
 * last 24 hourly candles; the `@ticker` and `@miniTicker` streams send the same.
 */
export async function ticker24h(read: TickerReads, account: string, i: Pick<Instrument, 'symbol' | 'base' | 'quote'>, now: number): Promise<Record<string, unknown>> {
  const [t, candles] = await Promise.all([read.ticker(account, i.symbol), read.candles(account, i.symbol).catch(() => [])]);
  const last = new Decimal(t.last ?? mid(t.bid, t.ask) ?? '0');
  const open = candles[0] ? new Decimal(candles[0][1]) : last;
  let high = last;
  let low = last;
  let volume = new Decimal(0);
  for (const [, , h, l, , v] of candles) {
    high = Decimal.max(high, h);
    low = Decimal.min(low, l);
    volume = volume.add(v);
  }
  const change = last.sub(open);
  return {
    symbol: binanceSymbol(i),
    priceChange: f8(change.toFixed()),
    priceChangePercent: open.gt(0) ? change.div(open).mul(100).toFixed(3) : '0.000',
    weightedAvgPrice: f8(last.toFixed()),
    prevClosePrice: f8(open.toFixed()),
    lastPrice: f8(last.toFixed()),
    lastQty: f8('0'),
    bidPrice: f8(t.bid),
    bidQty: f8('0'),
    askPrice: f8(t.ask),
    askQty: f8('0'),
    openPrice: f8(open.toFixed()),
    highPrice: f8(high.toFixed()),
    lowPrice: f8(low.toFixed()),
    volume: f8(volume.toFixed()),
    quoteVolume: f8('0'),
    openTime: now - 86_400_000,
    closeTime: now,
    firstId: -1,
    lastId: -1,
    count: 0,
  };
}
