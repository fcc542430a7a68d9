import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { requireApiKey, verifySigned, wsApiPayload } from './auth.js';
import { bucketStart, INTERVALS } from './candles.js';
import type { SimContext } from './context.js';
import { f8, type D } from './decimal.js';
import type { MarketEvent } from './engine.js';
import { SimError } from './errors.js';
import type { WsTarget } from './faults.js';
import { kline, publicTradeView } from './format.js';
import * as streams from '../../src-main/api/binance/stream-format.js';

type Stream = streams.Stream;

interface Conn {
  ws: WebSocket;
  target: WsTarget & ('market' | 'user');
  /** Message held back by a reorder fault, released after the next one. */
  held?: { text: string; timer: NodeJS.Timeout };
}

interface MarketConn extends Conn, streams.MarketSubscriptions {
  kind: 'market';
}

interface ListenKeyConn extends Conn {
  kind: 'listenKey';
  apiKey: string;
}

interface ApiConn extends Conn {
  kind: 'ws-api';
  /** subscriptionId → API key */
  subs: Map<number, string>;
  nextSub: number;
}

type AnyConn = MarketConn | ListenKeyConn | ApiConn;

const REORDER_HOLD_MS = 200;

/**
 * The websocket side of the sim on the HTTP server's port: market streams (`/ws`, `/ws/<stream>`,
 * `/stream?streams=`), the listenKey user-data stream (`/ws/<listenKey>`) and the WebSocket API
 * (`/ws-api/v3`, where ccxt.pro's spot watchOrders/watchBalance/watchMyTrades subscribe).
 */
export class WsHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<AnyConn>();
  private refuse = 0;
  /** Last kline bucket announced per stream name, so a new bucket first closes the old one (x: true). */
  private readonly klineBucket = new Map<string, number>();

  constructor(private readonly ctx: SimContext) {}

  /** Refuses the next `n` websocket handshakes with HTTP 503 (reconnect tests); Infinity refuses all until set to 0. */
  refuseConnections(n: number): void {
    this.refuse = n;
  }

  connectionCount(kind?: 'market' | 'listenKey' | 'ws-api'): number {
    return [...this.conns].filter((c) => kind === undefined || c.kind === kind).length;
  }

  /**
   * What is subscribed over all connections: market stream names (e.g. "btcusdt@depth@100ms"),
   * and "userData:<apiKey>" for each listenKey stream or WebSocket API user-data subscription.
   */
  subscriptions(): string[] {
    return [...this.conns].flatMap((c) => {
      if (c.kind === 'market') return [...c.streams.keys()];
      if (c.kind === 'listenKey') return [`userData:${c.apiKey}`];
      return [...c.subs.values()].map((k) => `userData:${k}`);
    });
  }

  /** Drops connections abruptly (no close frame), as a network failure would. */
  drop(target: WsTarget = 'all', mode: 'terminate' | 'close' = 'terminate'): number {
    let n = 0;
    for (const c of this.conns) {
      if (target !== 'all' && c.target !== target) continue;
      if (c.held) clearTimeout(c.held.timer);
      if (mode === 'terminate') c.ws.terminate();
      else c.ws.close(1001, 'exchange-sim drop');
      // Forgotten at once (its 'close' event comes later), so counts and subscriptions show the drop.
      this.conns.delete(c);
      n++;
    }
    return n;
  }

  close(): void {
    for (const c of this.conns) {
      if (c.held) clearTimeout(c.held.timer);
      c.ws.terminate();
    }
    this.conns.clear();
    this.wss.close();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const reject = (status: string): void => {
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (this.refuse > 0) {
      this.refuse -= 1;
      reject('503 Service Unavailable');
      return;
    }
    let make: ((ws: WebSocket) => AnyConn) | undefined;
    if (path === '/ws-api/v3') {
      make = (ws) => ({ kind: 'ws-api', target: 'user', ws, subs: new Map(), nextSub: 0 });
    } else if (path === '/stream') {
      const streams = (url.searchParams.get('streams') ?? '').split('/').filter(Boolean);
      make = (ws) => this.marketConn(ws, true, streams);
    } else if (path === '/ws' || path.startsWith('/ws/')) {
      const tail = decodeURIComponent(path.slice(4));
      const apiKey = this.ctx.listenKeys.get(tail);
      if (apiKey !== undefined) make = (ws) => ({ kind: 'listenKey', target: 'user', ws, apiKey });
      else make = (ws) => this.marketConn(ws, false, tail.includes('@') ? tail.split('/') : []);
    }
    if (!make) {
      reject('404 Not Found');
      return;
    }
    const factory = make;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = factory(ws);
      this.conns.add(conn);
      ws.on('message', (data) => this.onMessage(conn, data));
      ws.on('close', () => {
        if (conn.held) clearTimeout(conn.held.timer);
        this.conns.delete(conn);
      });
      ws.on('error', () => undefined);
    });
  }

  private marketConn(ws: WebSocket, combined: boolean, names: string[]): MarketConn {
    return { kind: 'market', target: 'market', ws, combined, streams: streams.streamsOf(names, INTERVALS) };
  }

  private onMessage(conn: AnyConn, data: RawData): void {
    if (conn.kind === 'market') {
      this.raw(conn, JSON.stringify(streams.marketControl(conn, data.toString(), INTERVALS)));
      return;
    }
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(data.toString()) as Record<string, unknown>;
    } catch {
      this.raw(conn, JSON.stringify({ error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' } }));
      return;
    }
    if (conn.kind === 'ws-api') this.onApiRequest(conn, msg);
  }

  private onApiRequest(conn: ApiConn, msg: Record<string, unknown>): void {
    const id = msg['id'] ?? null;
    const params = (msg['params'] ?? {}) as Record<string, unknown>;
    const ok = (result: unknown): void => this.raw(conn, JSON.stringify({ id, status: 200, result }));
    const fail = (status: number, code: number, text: string): void =>
      this.raw(conn, JSON.stringify({ id, status, error: { code, msg: text } }));
    try {
      switch (msg['method']) {
        case 'ping':
          ok({});
          return;
        case 'time':
          ok({ serverTime: this.ctx.now() });
          return;
        case 'userDataStream.subscribe.signature': {
          const strParams = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
          const account = requireApiKey(this.ctx.accounts, strParams['apiKey']);
          verifySigned(account, strParams, wsApiPayload(params), this.ctx.now());
          const subscriptionId = conn.nextSub++;
          conn.subs.set(subscriptionId, account.apiKey);
          ok({ subscriptionId });
          return;
        }
        case 'userDataStream.unsubscribe': {
          const sub = params['subscriptionId'];
          if (sub === undefined) conn.subs.clear();
          else conn.subs.delete(Number(sub));
          ok({});
          return;
        }
        case 'session.subscriptions':
          ok([...conn.subs.keys()].map((subscriptionId) => ({ subscriptionId })));
          return;
        default:
          fail(400, -1020, 'This operation is not supported.');
      }
    } catch (e) {
      if (e instanceof SimError) fail(e.status, e.code, e.msg);
      else fail(500, -1000, 'An unknown error occured while processing the request.');
    }
  }

  // ---- fan-out ------------------------------------------------------------------------------

  /** Sends a control reply (subscription results, errors): never subject to faults. */
  private raw(conn: AnyConn, text: string): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(text);
  }

  /** Sends a data message, applying any websocket fault armed for it. */
  private send(conn: AnyConn, name: string, text: string): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    const fault = this.ctx.faults.takeWs(conn.target, name);
    if (fault?.kind === 'drop-message') return;
    if (fault?.kind === 'reorder') {
      this.release(conn);
      const timer = setTimeout(() => this.release(conn), REORDER_HOLD_MS);
      conn.held = { text, timer };
      return;
    }
    conn.ws.send(text);
    if (fault?.kind === 'duplicate') conn.ws.send(text);
    this.release(conn);
  }

  private release(conn: AnyConn): void {
    const held = conn.held;
    if (!held) return;
    conn.held = undefined;
    clearTimeout(held.timer);
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(held.text);
  }

  user(apiKey: string, event: Record<string, unknown>): void {
    const name = String(event['e']);
    for (const c of this.conns) {
      if (c.kind === 'listenKey' && c.apiKey === apiKey) this.send(c, name, JSON.stringify(event));
      if (c.kind === 'ws-api') {
        for (const [subscriptionId, key] of c.subs) {
          if (key === apiKey) this.send(c, name, JSON.stringify({ subscriptionId, event }));
        }
      }
    }
  }

  market(ev: MarketEvent): void {
    const payloads = new Map<string, Record<string, unknown>[]>();
    for (const c of this.conns) {
      if (c.kind !== 'market') continue;
      for (const s of c.streams.values()) {
        if (s.symbol !== ev.symbol) continue;
        let list = payloads.get(s.name);
        if (!list) {
          list = this.payloads(s, ev);
          payloads.set(s.name, list);
        }
        for (const p of list) this.send(c, s.name, streams.framed(c, s.name, p));
      }
    }
  }

  private payloads(s: Stream, ev: MarketEvent): Record<string, unknown>[] {
    const E = this.ctx.now();
    const engine = this.ctx.engine;
    const trade = publicTradeView;
    const level = (l: [D, D] | undefined): [string, string] | undefined => (l ? [f8(l[0]), f8(l[1])] : undefined);
    switch (s.channel) {
      case 'depth':
        return ev.kind === 'depth' ? [streams.depthUpdate(E, ev.symbol, ev.U, ev.u, ev.bids, ev.asks)] : [];
      case 'partial': {
        if (ev.kind !== 'depth') return [];
        const snap = engine.depth(ev.symbol, s.levels ?? 5);
        return [streams.partialDepth(snap.lastUpdateId, snap.bids, snap.asks)];
      }
      case 'bookTicker':
        return ev.kind === 'bookTicker' ? [streams.bookTickerEvent(ev.u, ev.symbol, level(ev.bid), level(ev.ask))] : [];
      case 'trade':
        return ev.kind === 'trade' ? [streams.tradeEvent(E, ev.symbol, trade(ev.trade))] : [];
      case 'aggTrade':
        return ev.kind === 'trade' ? [streams.aggTradeEvent(E, ev.symbol, trade(ev.trade))] : [];
      case 'ticker':
        return ev.kind === 'trade' ? [streams.tickerEvent(E, ev.symbol, engine.ticker24h(ev.symbol))] : [];
      case 'miniTicker':
        return ev.kind === 'trade' ? [streams.miniTickerEvent(E, ev.symbol, engine.ticker24h(ev.symbol))] : [];
      case 'kline': {
        if (ev.kind !== 'trade') return [];
        const ms = INTERVALS[s.interval!]!;
        const candles = engine.book(ev.symbol).candles;
        const bucket = bucketStart(ev.trade.time, ms);
        const out: Record<string, unknown>[] = [];
        const prev = this.klineBucket.get(s.name);
        const k = (start: number, closed: boolean): Record<string, unknown> | undefined => {
          const c = candles.aggregate(start, ms);
          return c ? streams.klineEvent(E, ev.symbol, s.interval!, kline(c, ms), closed) : undefined;
        };
        if (prev !== undefined && prev < bucket) {
          const closed = k(prev, true);
          if (closed) out.push(closed);
        }
        this.klineBucket.set(s.name, bucket);
        const open = k(bucket, false);
        if (open) out.push(open);
        return out;
      }
    }
  }
}
