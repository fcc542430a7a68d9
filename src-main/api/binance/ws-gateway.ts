import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { EngineApi, Principal } from '../../../src-common/contract/engine-api.js';
import { TernError } from '../../../src-common/contract/errors.js';
import type { EngineEvent } from '../../../src-common/contract/events.js';
import type { MethodName } from '../../../src-common/contract/methods.js';
import { hasScope, mayUseAccount, type AccessControl } from '../access.js';
import type { LogThrottle } from '../log-throttle.js';
import { closeSocket, tooSlow, type WsHubOptions } from '../ws-hub.js';
import type { GatewayStreams } from './endpoint.js';
import { BinanceError, binanceErrors as errors } from './errors.js';
import { ListenKeys, LISTEN_KEY_TTL_MS, type ListenKey } from './listen-keys.js';
import { binanceSymbolOf, KLINE_INTERVALS, MarketStreams, type MarketUpdate } from './market-streams.js';
import { verifySigned, wsApiPayload } from './signing.js';
import * as fmt from './stream-format.js';
import { ticker24h } from './ticker.js';
import { listenKeyEndpoints, UserReports } from './user-stream.js';

/** Public reads for the `@ticker` streams (no key: Binance's market streams are public). */
export type StreamRead = <M extends 'market.ticker' | 'market.candles'>(method: M, params: unknown) => Promise<unknown>;

export interface BinanceStreamsOptions {
  engine: Pick<EngineApi, 'subscribe' | 'keyPrincipal' | 'onKeyRevoked'>;
  access: AccessControl;
  /** a call with a key's context (the user-data subscription checks the key may read the account) */
  call: (method: MethodName, params: unknown, principal: Principal) => Promise<unknown>;
  publicRead: StreamRead;
  /** Tern's WebSocket limits: the slow-consumer bound, close grace, connection counts */
  ws: Pick<WsHubOptions, 'maxBufferedBytes' | 'closeGraceMs' | 'maxConnections' | 'maxConnectionsPerKey'>;
  defaultAccount?: string;
  now?: () => number;
  listenKeyTtlMs?: number;
  /** how often expired listen keys are looked for (default 1 s) */
  sweepMs?: number;
  /** `@ticker` / `@miniTicker`: at most one per symbol this often (Binance: 1 s) */
  tickerMs?: number;
  /** throttled: an engine event the gateway could not send, a client dropped as too slow */
  log?: Pick<LogThrottle, 'warn' | 'error'>;
}

/** The account and Tern symbol of a market channel (`book:paper:BTC/USDT`); the symbol may hold a `:` itself. */
function channelOf(channel: string): { account: string; symbol: string } | null {
  const a = channel.indexOf(':');
  const b = channel.indexOf(':', a + 1);
  return a < 0 || b < 0 ? null : { account: channel.slice(a + 1, b), symbol: channel.slice(b + 1) };
}

/** Binance's close of a connection whose stream ended: listen key expired or closed, a key revoked. */
const CLOSE_NORMAL = 1000;
const CLOSE_POLICY = 1008;
const CLOSE_TOO_MANY = 4429;
const CLOSE_SLOW = 4008;

interface Conn {
  socket: WebSocket;
  account: string;
  closed: boolean;
}
interface MarketConn extends Conn, fmt.MarketSubscriptions {
  kind: 'market';
}
interface ListenKeyConn extends Conn {
  kind: 'listenKey';
  key: ListenKey;
}
interface ApiConn extends Conn {
  kind: 'ws-api';
  /** subscriptionId → the key that subscribed */
  subs: Map<number, string>;
  nextSub: number;
}
type AnyConn = MarketConn | ListenKeyConn | ApiConn;

/**
 * The Binance gateway's WebSockets, as ccxt.pro's `binance` (and Binance's
 * own clients) use them with the host pointed at Tern's `/binance`:
 * - `/ws`, `/ws/<n>`, `/ws/<stream>[/<stream>…]` and `/stream?streams=a/b`:
 *   market streams (`@depth`, `@depth<N>`, `@trade`, `@aggTrade`,
 *   `@bookTicker`, `@ticker`, `@miniTicker`, `@kline_<i>`) from Tern's own
 *   market data, with SUBSCRIBE / UNSUBSCRIBE;
 * - `/ws/<listenKey>`: the listen key's user-data stream;
 * - `/ws-api/v3`: the WebSocket API's `userDataStream.subscribe.signature`,
 *   where ccxt.pro's spot watchOrders / watchBalance subscribe.
 * `/binance/ACCOUNT/…` serves another account. Everything is sent from the
 * engine's event callback without waiting: a client that stops reading is
 * dropped by Tern's slow-consumer rule, never waited for.
 */
export class BinanceStreams implements GatewayStreams {
  readonly keys: ListenKeys;
  readonly endpoints: GatewayStreams['endpoints'];
  private readonly conns = new Set<AnyConn>();
  private readonly market: MarketStreams;
  private readonly user: UserReports;
  private readonly now: () => number;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly tickerDue = new Map<string, { last: number; timer: NodeJS.Timeout | null }>();
  private stopped = false;

  constructor(private readonly opts: BinanceStreamsOptions) {
    this.now = opts.now ?? Date.now;
    this.keys = new ListenKeys(this.now, opts.listenKeyTtlMs ?? LISTEN_KEY_TTL_MS);
    this.market = new MarketStreams(this.now);
    this.user = new UserReports(this.now, (account, event) => this.toUser(account, event));
    this.endpoints = listenKeyEndpoints(this.keys, (listenKey) => this.endListenKey(listenKey));
    this.unsubscribe.push(opts.engine.subscribe((e) => this.onEvent(e)));
    this.unsubscribe.push(opts.engine.onKeyRevoked((keyId) => this.endKey(keyId)));
    this.sweepTimer = setInterval(() => this.sweep(), opts.sweepMs ?? 1_000);
    this.sweepTimer.unref();
  }

  depthUpdateId(account: string, symbol: string): number {
    return this.market.depthUpdateId(account, symbol);
  }

  noteCancel(orderId: string, cancelClientOrderId: string): void {
    this.user.noteCancel(orderId, cancelClientOrderId);
  }

  connectionCount(kind?: AnyConn['kind']): number {
    return [...this.conns].filter((c) => kind === undefined || c.kind === kind).length;
  }

  /** stops listening and closes every connection (server stopping) */
  stop(): void {
    this.stopped = true;
    for (const u of this.unsubscribe.splice(0)) u();
    clearInterval(this.sweepTimer);
    this.user.stop();
    for (const t of this.tickerDue.values()) if (t.timer) clearTimeout(t.timer);
    for (const c of [...this.conns]) this.close(c, 1001, 'server shutting down');
  }

  routes(app: FastifyInstance): void {
    const notUpgrade = async (): Promise<never> => {
      throw errors.notFound('this path takes a WebSocket upgrade');
    };
    for (const prefix of ['', '/:account']) {
      for (const url of [`${prefix}/ws`, `${prefix}/ws/*`, `${prefix}/stream`, `${prefix}/ws-api/v3`]) {
        app.route({ method: 'GET', url, handler: notUpgrade, wsHandler: (socket: WebSocket, req: FastifyRequest) => this.accept(socket, req) });
      }
    }
  }

  // ---- connections ----------------------------------------------------------------------------

  private accept(socket: WebSocket, req: FastifyRequest): void {
    const params = req.params as { account?: string; '*'?: string };
    const account = params.account ?? this.opts.defaultAccount ?? 'paper';
    const url = new URL(req.url, 'http://127.0.0.1');
    const path = url.pathname.replace(/^\/binance(\/[^/]+)?(?=\/(ws|stream|ws-api)(\/|$))/, '');
    if (this.stopped) return void closeSocket(socket, 1001, 'server shutting down', this.opts.ws.closeGraceMs);
    if (this.conns.size >= this.opts.ws.maxConnections) {
      return void closeSocket(socket, CLOSE_TOO_MANY, `too many WebSocket connections: at most ${this.opts.ws.maxConnections}`, this.opts.ws.closeGraceMs);
    }
    let conn: AnyConn;
    if (path === '/ws-api/v3') conn = { kind: 'ws-api', socket, account, closed: false, subs: new Map(), nextSub: 0 };
    else if (path === '/stream') {
      const names = (url.searchParams.get('streams') ?? '').split('/').filter(Boolean);
      conn = { kind: 'market', socket, account, closed: false, combined: true, streams: fmt.streamsOf(names, KLINE_INTERVALS) };
    } else {
      const tail = decodeURIComponent(params['*'] ?? '');
      const key = /^[A-Za-z0-9]{60}$/.test(tail) ? tail : null;
      if (key !== null) {
        const k = this.keys.get(key);
        if (k === undefined) {
          // Binance's answer to a listen key it does not know, then the stream is over
          socket.send(JSON.stringify(errors.invalidListenKey().body()));
          return void closeSocket(socket, CLOSE_POLICY, 'This listenKey does not exist.', this.opts.ws.closeGraceMs);
        }
        if (this.keyConnections(k.keyId) >= this.opts.ws.maxConnectionsPerKey) {
          return void closeSocket(socket, CLOSE_TOO_MANY, `too many WebSocket connections for API key ${k.keyId}: at most ${this.opts.ws.maxConnectionsPerKey}`, this.opts.ws.closeGraceMs);
        }
        conn = { kind: 'listenKey', socket, account: k.account, closed: false, key: k };
      } else {
        const names = tail.includes('@') ? tail.split('/') : [];
        conn = { kind: 'market', socket, account, closed: false, combined: false, streams: fmt.streamsOf(names, KLINE_INTERVALS) };
      }
    }
    this.conns.add(conn);
    socket.on('message', (data: Buffer) => this.onMessage(conn, data.toString('utf8'), req.ip));
    socket.on('close', () => this.forget(conn));
    socket.on('error', () => this.forget(conn));
  }

  private keyConnections(keyId: string): number {
    let n = 0;
    for (const c of this.conns) if ((c.kind === 'listenKey' && c.key.keyId === keyId) || (c.kind === 'ws-api' && [...c.subs.values()].includes(keyId))) n += 1;
    return n;
  }

  private onMessage(conn: AnyConn, text: string, address: string): void {
    if (conn.closed) return;
    if (conn.kind === 'market') return this.send(conn, JSON.stringify(fmt.marketControl(conn, text, KLINE_INTERVALS)));
    if (conn.kind === 'ws-api') {
      this.onApiRequest(conn, text, address).catch(() => undefined);
    }
    // a listen key stream takes nothing from its client
  }

  /** Binance's WebSocket API: the user-data subscription and what a client asks around it. */
  private async onApiRequest(conn: ApiConn, text: string, address: string): Promise<void> {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text) as Record<string, unknown>;
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw new Error('not an object');
    } catch {
      return this.send(conn, JSON.stringify({ id: null, status: 400, error: { code: -1000, msg: 'Malformed request: not a JSON object.' } }));
    }
    const id = msg['id'] ?? null;
    const ok = (result: unknown): void => this.send(conn, JSON.stringify({ id, status: 200, result }));
    const params = (typeof msg['params'] === 'object' && msg['params'] !== null ? msg['params'] : {}) as Record<string, unknown>;
    try {
      switch (msg['method']) {
        case 'ping':
          return ok({});
        case 'time':
          return ok({ serverTime: this.now() });
        case 'userDataStream.subscribe.signature': {
          const principal = await this.signedKey(conn, params, address);
          const subscriptionId = conn.nextSub++;
          conn.subs.set(subscriptionId, principal.id);
          return ok({ subscriptionId });
        }
        case 'userDataStream.unsubscribe': {
          const sub = params['subscriptionId'];
          if (sub === undefined) conn.subs.clear();
          else conn.subs.delete(Number(sub));
          return ok({});
        }
        case 'session.subscriptions':
          return ok([...conn.subs.keys()].map((subscriptionId) => ({ subscriptionId })));
        default:
          throw new BinanceError(400, -1020, 'This operation is not supported.');
      }
    } catch (err) {
      const b = err instanceof BinanceError ? err : errors.unknown();
      this.send(conn, JSON.stringify({ id, status: b.status, error: { code: b.code, msg: b.msg } }));
    }
  }

  /** the subscription's key: signed with itself as the secret, as on REST, with the read scope on this account */
  private async signedKey(conn: ApiConn, raw: Record<string, unknown>, address: string): Promise<Principal> {
    const params = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
    const apiKey = params['apiKey'];
    if (apiKey === undefined || apiKey === '') throw errors.mandatory('apiKey');
    const who = this.opts.access.authenticate(apiKey, address);
    if (who instanceof TernError) throw who.code === 'RATE_LIMITED' ? new BinanceError(429, -1003, who.message) : errors.invalidApiKey();
    verifySigned(apiKey, params, wsApiPayload(raw), this.now());
    // as on REST: the read scope, and the account among the key's
    if (!hasScope(who, 'read') || !mayUseAccount(who, conn.account)) throw errors.invalidApiKey();
    const charged = this.opts.access.charge(who);
    if ('error' in charged) throw new BinanceError(429, -1003, charged.error.message);
    if (this.keyConnections(who.id) >= this.opts.ws.maxConnectionsPerKey) throw new BinanceError(429, -1003, `too many WebSocket connections for API key ${who.id}`);
    try {
      await this.opts.call('balances.list', { account: conn.account }, who);
    } catch {
      throw errors.invalidApiKey();
    }
    return who;
  }

  // ---- fan-out --------------------------------------------------------------------------------

  private onEvent(e: EngineEvent): void {
    try {
      this.dispatch(e);
    } catch (err) {
      // the engine's event callback is no place for a gateway's fault: the event is dropped, once logged
      this.opts.log?.error('binance-ws-event', { err, kind: e.kind }, 'binance gateway: an engine event was not sent to its streams');
    }
  }

  private dispatch(e: EngineEvent): void {
    if (e.kind === 'orders' || e.kind === 'fills' || e.kind === 'balances') {
      // nobody listening to the account: no work on the order path (nor its DTO, made only when e.data is read)
      if (this.userListening() && this.userListening((e.data as { account: string }).account)) this.user.onEvent(e);
      return;
    }
    if (e.kind !== 'book' && e.kind !== 'ticker' && e.kind !== 'trades' && e.kind !== 'candles') return;
    // `kind:ACCOUNT:SYMBOL`: who it is for, without making the event's data (made only when read)
    const at = channelOf(e.channel);
    if (at === null) return;
    const listening = this.marketListening(at.account);
    // a trade moves the last price the tickers show
    if ((e.kind === 'ticker' || e.kind === 'trades') && listening) this.tickerDueFor(at);
    if (e.kind === 'ticker') return;
    // nobody watching the account's markets: nothing more to do, but book changes still count their update ids
    if (!listening && e.kind !== 'book') return;
    const u = this.market.update(e, at);
    if (u !== null && listening) this.toMarket(u);
  }

  private toUser(account: string, event: Record<string, unknown>): void {
    let text: string | undefined;
    for (const c of this.conns) {
      if (c.account !== account) continue;
      if (c.kind === 'listenKey') this.send(c, (text ??= JSON.stringify(event)));
      else if (c.kind === 'ws-api') for (const subscriptionId of c.subs.keys()) this.send(c, JSON.stringify({ subscriptionId, event }));
    }
  }

  private toMarket(u: MarketUpdate): void {
    const cache = new Map<string, Record<string, unknown>[]>();
    for (const c of this.conns) {
      if (c.kind !== 'market' || c.account !== u.account) continue;
      for (const s of c.streams.values()) {
        if (s.symbol !== u.symbol) continue;
        let list = cache.get(s.name);
        if (list === undefined) cache.set(s.name, (list = this.market.payloads(s, u)));
        for (const p of list) this.send(c, fmt.framed(c, s.name, p));
      }
    }
  }

  /** `@ticker` at most once per `tickerMs` per symbol: the last change of a burst goes out at the end of it */
  private tickerDueFor(t: { account: string; symbol: string }): void {
    const symbol = binanceSymbolOf(t.symbol);
    if (!this.watched(t.account, symbol, 'ticker', 'miniTicker')) return;
    const key = `${t.account}\u0000${t.symbol}`;
    const due = this.tickerDue.get(key) ?? { last: 0, timer: null };
    this.tickerDue.set(key, due);
    if (due.timer !== null) return;
    const wait = Math.max(0, due.last + (this.opts.tickerMs ?? 1_000) - this.now());
    due.timer = setTimeout(() => {
      due.timer = null;
      due.last = this.now();
      this.sendTicker(t.account, t.symbol).catch(() => undefined);
    }, wait);
    due.timer.unref();
  }

  private async sendTicker(account: string, ternSymbol: string): Promise<void> {
    const [base = ternSymbol, quote = ''] = ternSymbol.split('/');
    const read = this.opts.publicRead;
    const ticker = await ticker24h(
      {
        ticker: (a, s) => read('market.ticker', { account: a, symbol: s }) as never,
        candles: (a, s) => read('market.candles', { account: a, symbol: s, timeframe: '1h', limit: 24 }) as never,
      },
      account,
      { symbol: ternSymbol, base, quote },
      this.now(),
    );
    if (!this.stopped) this.toMarket({ kind: 'ticker', account, symbol: binanceSymbolOf(ternSymbol), time: this.now(), ticker });
  }

  private marketListening(account: string): boolean {
    for (const c of this.conns) if (c.kind === 'market' && c.account === account && c.streams.size > 0) return true;
    return false;
  }

  /** a user-data stream open on `account`, or on any account when none is named */
  private userListening(account?: string): boolean {
    for (const c of this.conns) if ((account === undefined || c.account === account) && (c.kind === 'listenKey' || (c.kind === 'ws-api' && c.subs.size > 0))) return true;
    return false;
  }

  private watched(account: string, symbol: string, ...channels: fmt.StreamChannel[]): boolean {
    for (const c of this.conns) {
      if (c.kind !== 'market' || c.account !== account) continue;
      for (const s of c.streams.values()) if (s.symbol === symbol && channels.includes(s.channel)) return true;
    }
    return false;
  }

  private send(conn: AnyConn, text: string): void {
    if (conn.closed || conn.socket.readyState !== conn.socket.OPEN) return;
    if (tooSlow(conn.socket, text, this.opts.ws.maxBufferedBytes)) {
      this.opts.log?.warn('binance-ws-slow-consumer', { kind: conn.kind, account: conn.account, buffered_bytes: conn.socket.bufferedAmount }, 'binance gateway websocket dropped: slow consumer');
      this.close(conn, CLOSE_SLOW, `slow consumer: more than ${this.opts.ws.maxBufferedBytes} bytes unsent`);
      return;
    }
    conn.socket.send(text);
  }

  // ---- ends -----------------------------------------------------------------------------------

  /** expired listen keys (and those of keys no longer live) end their streams */
  sweep(): void {
    for (const k of this.keys.sweep((keyId) => this.opts.engine.keyPrincipal(keyId) !== null)) this.endStream(k.listenKey);
  }

  private endListenKey(listenKey: string): void {
    this.endStream(listenKey);
  }

  private endStream(listenKey: string): void {
    const event = JSON.stringify(fmt.listenKeyExpired(this.now(), listenKey));
    for (const c of [...this.conns]) {
      if (c.kind !== 'listenKey' || c.key.listenKey !== listenKey) continue;
      this.send(c, event);
      this.close(c, CLOSE_NORMAL, 'listenKeyExpired');
    }
  }

  private endKey(keyId: string): void {
    for (const k of this.keys.sweep((id) => id !== keyId)) this.endStream(k.listenKey);
    for (const c of [...this.conns]) {
      if (c.kind !== 'ws-api') continue;
      for (const [sub, id] of c.subs) if (id === keyId) c.subs.delete(sub);
    }
  }

  private close(conn: AnyConn, code: number, reason: string): void {
    this.forget(conn);
    closeSocket(conn.socket, code, reason, this.opts.ws.closeGraceMs);
  }

  private forget(conn: AnyConn): void {
    conn.closed = true;
    this.conns.delete(conn);
    if (conn.kind !== 'market' && ![...this.conns].some((c) => c.kind !== 'market')) this.user.reset();
  }
}
