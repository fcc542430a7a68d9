/**
 * Binance's WebSocket JSON: the user-data events (`executionReport`,
 * `outboundAccountPosition`, `listenKeyExpired`), the market stream events and
 * the stream names and SUBSCRIBE/UNSUBSCRIBE control messages of a market
 * connection. Shared by Tern's Binance gateway and the loopback exchange
 * simulator (tools/exchange-sim/ws.ts), so a bot sees the same frames from
 * either; amounts arrive here already as Binance's decimal strings.
 */
import { aggTrade, type BinanceOrderView, type BinancePublicTradeView } from './format.js';

export type { BinancePublicTradeView };

const ZERO8 = '0.00000000';

export type ExecType = 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED' | 'REJECTED';

/** One execution of an order, for `executionReport` (amounts as decimal strings). */
export interface BinanceExecutionView {
  qty: string;
  price: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  time: number;
  tradeId: number | string;
  isMaker: boolean;
}

/**
 * Binance's `executionReport` for one change of an order: `c` is the order's
 * client id, except on a cancel where it is the cancel request's own id and
 * `C` the order's (ccxt.pro reads `C` then).
 */
export function executionReport(o: BinanceOrderView, execType: ExecType, time: number, eventId: number, fill?: BinanceExecutionView, rejectReason = 'NONE'): Record<string, unknown> {
  const canceled = execType === 'CANCELED';
  const working = o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';
  return {
    e: 'executionReport',
    E: time,
    s: o.symbol,
    c: canceled ? (o.cancelClientOrderId ?? o.clientOrderId) : o.clientOrderId,
    S: o.side,
    o: o.type,
    f: o.timeInForce,
    q: o.origQty,
    p: o.price,
    P: o.stopPrice ?? ZERO8,
    F: ZERO8,
    g: o.orderListId,
    C: canceled ? o.clientOrderId : '',
    x: execType,
    X: o.status,
    r: rejectReason,
    i: o.orderId,
    l: fill?.qty ?? ZERO8,
    z: o.executedQty,
    L: fill?.price ?? ZERO8,
    n: fill?.commission ?? ZERO8,
    N: fill?.commissionAsset ?? null,
    T: fill?.time ?? time,
    t: fill?.tradeId ?? -1,
    v: 0,
    I: eventId,
    w: working && o.isWorking,
    m: fill?.isMaker ?? false,
    M: false,
    O: o.time,
    Z: o.cummulativeQuoteQty,
    Y: fill?.quoteQty ?? ZERO8,
    Q: o.origQuoteOrderQty,
    W: o.workingTime,
    V: 'NONE',
  };
}

export interface BinanceBalanceView {
  asset: string;
  free: string;
  locked: string;
}

/** The balances one operation changed, after its executionReports. */
export function outboundAccountPosition(time: number, updateTime: number, balances: BinanceBalanceView[]): Record<string, unknown> {
  return { e: 'outboundAccountPosition', E: time, u: updateTime, B: balances.map((b) => ({ a: b.asset, f: b.free, l: b.locked })) };
}

/** The last event of a listenKey stream whose key expired or was closed. */
export function listenKeyExpired(time: number, listenKey: string): Record<string, unknown> {
  return { e: 'listenKeyExpired', E: time, listenKey };
}

// ---- market streams -----------------------------------------------------------------------------

export type StreamChannel = 'depth' | 'partial' | 'trade' | 'aggTrade' | 'bookTicker' | 'ticker' | 'miniTicker' | 'kline';

/** A parsed market stream name, e.g. btcusdt@depth@100ms → {symbol: BTCUSDT, channel: depth}. */
export interface Stream {
  name: string;
  symbol: string;
  channel: StreamChannel;
  levels?: number;
  interval?: string;
}

/** `intervals`: the kline intervals the server serves (name → ms). */
export function parseStream(name: string, intervals: Readonly<Record<string, number>>): Stream | undefined {
  const m = /^([a-z0-9]+)@(.+)$/.exec(name);
  if (!m) return undefined;
  const symbol = m[1]!.toUpperCase();
  const rest = m[2]!;
  let r: RegExpExecArray | null;
  if (/^depth(@(100|1000)ms)?$/.test(rest)) return { name, symbol, channel: 'depth' };
  if ((r = /^depth(5|10|20)(@(100|1000)ms)?$/.exec(rest))) return { name, symbol, channel: 'partial', levels: Number(r[1]) };
  if (rest === 'trade' || rest === 'aggTrade' || rest === 'bookTicker' || rest === 'ticker' || rest === 'miniTicker') return { name, symbol, channel: rest };
  if ((r = /^kline_([0-9a-zA-Z]+)$/.exec(rest)) && intervals[r[1]!] !== undefined) return { name, symbol, channel: 'kline', interval: r[1]! };
  return undefined;
}

/** One market connection's subscriptions: `combined` (/stream?streams=) wraps events as {stream, data}. */
export interface MarketSubscriptions {
  combined: boolean;
  streams: Map<string, Stream>;
}

/** Streams named in a URL (`/ws/a@trade/b@depth`, `/stream?streams=a/b`); names it does not know are left out, as Binance does. */
export function streamsOf(names: string[], intervals: Readonly<Record<string, number>>): Map<string, Stream> {
  const streams = new Map<string, Stream>();
  for (const n of names) {
    const s = parseStream(n, intervals);
    if (s) streams.set(n, s);
  }
  return streams;
}

/**
 * A control message on a market connection (SUBSCRIBE, UNSUBSCRIBE,
 * LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY): applies it and returns
 * Binance's reply (`{result: null, id}` or `{error: {code, msg}, id}`).
 */
export function marketControl(conn: MarketSubscriptions, raw: string, intervals: Readonly<Record<string, number>>, maxStreams = 1024): Record<string, unknown> {
  let msg: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    msg = parsed as Record<string, unknown>;
  } catch {
    return { error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' } };
  }
  const id = msg['id'] ?? null;
  const params = Array.isArray(msg['params']) ? (msg['params'] as unknown[]) : [];
  switch (msg['method']) {
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE': {
      const parsed: Stream[] = [];
      for (const p of params) {
        const s = typeof p === 'string' ? parseStream(p, intervals) : undefined;
        if (!s) return { error: { code: 2, msg: `Invalid request: unknown stream '${String(p)}'` }, id };
        parsed.push(s);
      }
      if (msg['method'] === 'SUBSCRIBE') {
        const fresh = parsed.filter((s) => !conn.streams.has(s.name)).length;
        if (conn.streams.size + fresh > maxStreams) return { error: { code: 2, msg: `Invalid request: at most ${maxStreams} streams per connection` }, id };
        for (const s of parsed) conn.streams.set(s.name, s);
      } else for (const s of parsed) conn.streams.delete(s.name);
      return { result: null, id };
    }
    case 'LIST_SUBSCRIPTIONS':
      return { result: [...conn.streams.keys()], id };
    case 'SET_PROPERTY':
      if (params[0] === 'combined' && typeof params[1] === 'boolean') conn.combined = params[1];
      return { result: null, id };
    case 'GET_PROPERTY':
      return { result: conn.combined, id };
    default:
      return { error: { code: 2, msg: 'Invalid request: unknown method' }, id };
  }
}

/** A market event as the connection frames it. */
export function framed(conn: MarketSubscriptions, stream: string, payload: Record<string, unknown>): string {
  return JSON.stringify(conn.combined ? { stream, data: payload } : payload);
}

export function depthUpdate(time: number, symbol: string, firstId: number, lastId: number, bids: [string, string][], asks: [string, string][]): Record<string, unknown> {
  return { e: 'depthUpdate', E: time, s: symbol, U: firstId, u: lastId, b: bids, a: asks };
}

export function partialDepth(lastUpdateId: number, bids: [string, string][], asks: [string, string][]): Record<string, unknown> {
  return { lastUpdateId, bids, asks };
}

export function tradeEvent(time: number, symbol: string, t: BinancePublicTradeView): Record<string, unknown> {
  return { e: 'trade', E: time, s: symbol, t: t.id, p: t.price, q: t.qty, T: t.time, m: t.isBuyerMaker, M: true };
}

export function aggTradeEvent(time: number, symbol: string, t: BinancePublicTradeView): Record<string, unknown> {
  return { e: 'aggTrade', E: time, s: symbol, ...aggTrade(t) };
}

export function bookTickerEvent(updateId: number, symbol: string, bid: [string, string] | undefined, ask: [string, string] | undefined): Record<string, unknown> {
  return { u: updateId, s: symbol, b: bid?.[0] ?? ZERO8, B: bid?.[1] ?? ZERO8, a: ask?.[0] ?? ZERO8, A: ask?.[1] ?? ZERO8 };
}

/** `@ticker` from GET /api/v3/ticker/24hr's object for the symbol. */
export function tickerEvent(time: number, symbol: string, t: Record<string, unknown>): Record<string, unknown> {
  return {
    e: '24hrTicker', E: time, s: symbol, p: t['priceChange'], P: t['priceChangePercent'], w: t['weightedAvgPrice'], x: t['prevClosePrice'],
    c: t['lastPrice'], Q: t['lastQty'], b: t['bidPrice'], B: t['bidQty'], a: t['askPrice'], A: t['askQty'], o: t['openPrice'],
    h: t['highPrice'], l: t['lowPrice'], v: t['volume'], q: t['quoteVolume'], O: t['openTime'], C: t['closeTime'], F: t['firstId'],
    L: t['lastId'], n: t['count'],
  };
}

/** `@miniTicker` from GET /api/v3/ticker/24hr's object for the symbol. */
export function miniTickerEvent(time: number, symbol: string, t: Record<string, unknown>): Record<string, unknown> {
  return { e: '24hrMiniTicker', E: time, s: symbol, c: t['lastPrice'], o: t['openPrice'], h: t['highPrice'], l: t['lowPrice'], v: t['volume'], q: t['quoteVolume'] };
}

/** `@kline_<interval>` from a GET /api/v3/klines row (format.kline) and whether the candle is final. */
export function klineEvent(time: number, symbol: string, interval: string, row: unknown[], closed: boolean): Record<string, unknown> {
  const [t, o, h, l, c, v, T, q, n] = row;
  return { e: 'kline', E: time, s: symbol, k: { t, T, s: symbol, i: interval, f: -1, L: -1, o, c, h, l, v, n, x: closed, q, V: ZERO8, Q: ZERO8, B: '0' } };
}
