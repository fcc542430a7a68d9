import type { WebSocket } from 'ws';
import type { EngineApi, Principal } from '../../src-common/contract/engine-api.js';
import { TernError, asTernError, type ErrorBody } from '../../src-common/contract/errors.js';
import { WsClientMessage, type EngineEvent } from '../../src-common/contract/events.js';
import { isMethodName, type MethodName } from '../../src-common/contract/methods.js';
import type { AccessControl } from './access.js';
import { hasScope } from './access.js';
import { duplicateKey } from './json-duplicates.js';
import { shortError, type LogThrottle } from './log-throttle.js';
import { validationError } from '../../src-common/contract/validation.js';

/**
 * Close codes: 4401 no or bad key, no auth in time, or the key was revoked or
 * expired; 4403 key without the read scope; 4008 slow consumer; 4429 a
 * connection limit or too many messages before auth; 1001 server stopping.
 */
export const WS_CLOSE = { UNAUTHORIZED: 4401, FORBIDDEN: 4403, SLOW_CONSUMER: 4008, TOO_MANY: 4429, GOING_AWAY: 1001 } as const;

export interface WsHubOptions {
  /** close an unauthenticated connection after this long */
  authTimeoutMs: number;
  /** drop a connection whose unsent data would exceed this (a client that stopped reading) */
  maxBufferedBytes: number;
  /** after a close frame, wait this long for the peer before cutting the socket */
  closeGraceMs: number;
  /** channels one connection may hold */
  maxChannels: number;
  /** open connections, all keys together */
  maxConnections: number;
  /** open connections of one API key */
  maxConnectionsPerKey: number;
  /** connections still waiting for their {"op": "auth"} */
  maxUnauthenticated: number;
  /** messages a connection may send before it authenticates (the auth message included) */
  maxMessagesBeforeAuth: number;
  /** how often open connections re-check that their key is still live (expiry) */
  recheckMs: number;
}

/**
 * 256 × 1 MiB bounds what slow clients can make the process hold at a quarter
 * GiB; 64 per key leaves room for other keys (the UI, other bots).
 */
export const DEFAULT_WS_OPTIONS: WsHubOptions = {
  authTimeoutMs: 5_000,
  maxBufferedBytes: 1024 * 1024,
  closeGraceMs: 1_000,
  maxChannels: 1_000,
  maxConnections: 256,
  maxConnectionsPerKey: 64,
  maxUnauthenticated: 32,
  maxMessagesBeforeAuth: 4,
  recheckMs: 1_000,
};

export type Invoke = (method: MethodName, params: unknown, principal: Principal) => Promise<unknown>;

class Client {
  principal: Principal | null = null;
  readonly channels = new Set<string>();
  seq = 0;
  messagesBeforeAuth = 0;
  authTimer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(
    readonly socket: WebSocket,
    /** the peer's address: failed auth is counted per address */
    readonly address?: string,
  ) {}
}

/**
 * WebSocket sessions: auth, subscriptions and calls. Events carry a per-connection
 * `seq`; there are no acks, so a client that stops reading is dropped once its
 * send buffer would pass `maxBufferedBytes` rather than growing memory without
 * bound. Every message an authenticated client sends is charged to its key's
 * rate limit (shared with REST) and re-checks that the key is still live.
 */
export class WsHub {
  private readonly clients = new Set<Client>();
  private readonly byKey = new Map<string, Set<Client>>();
  private readonly byChannel = new Map<string, Set<Client>>();
  private readonly corked = new Map<Client, { uncork(): void }>();
  private unauthenticated = 0;
  private readonly unsubscribeEngine: () => void;
  private readonly unsubscribeRevoked: () => void;
  private readonly recheckTimer: NodeJS.Timeout;

  constructor(
    private readonly engine: EngineApi,
    private readonly access: AccessControl,
    private readonly invoke: Invoke,
    private readonly options: WsHubOptions,
    private readonly log: LogThrottle,
    private readonly onCountChange: (count: number) => void = () => {},
  ) {
    this.unsubscribeEngine = engine.subscribe((event) => this.publish(event));
    this.unsubscribeRevoked = engine.onKeyRevoked((keyId) => this.endKey(keyId, `API key ${keyId} was revoked`));
    // revocation is pushed; expiry may not be, so open connections also look every so often
    this.recheckTimer = setInterval(() => this.recheckKeys(), options.recheckMs);
    this.recheckTimer.unref();
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  /** Why a new connection of `principal` (null: not authenticated yet) would be refused, or null. */
  refusal(principal: Principal | null): TernError | null {
    const { maxConnections, maxUnauthenticated } = this.options;
    if (this.clients.size >= maxConnections) {
      return new TernError('RATE_LIMITED', `too many WebSocket connections: at most ${maxConnections} may be open at once`, { rule: 'max_connections', limit: maxConnections });
    }
    if (principal !== null) return this.keyRefusal(principal);
    if (this.unauthenticated < maxUnauthenticated) return null;
    return new TernError('RATE_LIMITED', `too many WebSocket connections waiting to authenticate: at most ${maxUnauthenticated}`, {
      rule: 'max_unauthenticated',
      limit: maxUnauthenticated,
    });
  }

  private keyRefusal(principal: Principal): TernError | null {
    const limit = this.options.maxConnectionsPerKey;
    if ((this.byKey.get(principal.id)?.size ?? 0) < limit) return null;
    return new TernError('RATE_LIMITED', `too many WebSocket connections for API key ${principal.id}: at most ${limit}`, { rule: 'max_connections_per_key', limit });
  }

  /** a fresh connection; `principal` is set when the upgrade carried a valid Authorization header */
  accept(socket: WebSocket, principal: Principal | null, address?: string): void {
    const client = new Client(socket, address);
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => this.onMessage(client, data));
    socket.on('close', () => this.forget(client));
    // the error itself is logged once by the server's websocket errorHandler
    socket.on('error', () => this.forget(client));
    // upgrades racing each other past the server's check are refused here
    const refused = this.refusal(principal);
    if (refused) {
      client.closed = true;
      this.closeSocket(socket, WS_CLOSE.TOO_MANY, refused.message);
      return;
    }
    this.clients.add(client);
    if (principal) this.join(client, principal);
    else {
      this.unauthenticated += 1;
      client.authTimer = setTimeout(() => this.close(client, WS_CLOSE.UNAUTHORIZED, 'authenticate within the time limit'), this.options.authTimeoutMs);
    }
    this.onCountChange(this.clients.size);
  }

  /** stop listening to the engine and close every connection */
  shutdown(): void {
    this.unsubscribeEngine();
    this.unsubscribeRevoked();
    clearInterval(this.recheckTimer);
    for (const client of [...this.clients]) this.close(client, WS_CLOSE.GOING_AWAY, 'server shutting down');
  }

  private publish(event: EngineEvent): void {
    const listeners = this.byChannel.get(event.channel);
    if (listeners === undefined || listeners.size === 0) return;
    let head: string;
    let tail: string;
    try {
      // serialize once; only seq differs between connections
      head = `{"channel":${JSON.stringify(event.channel)},"seq":`;
      tail = `,"data":${JSON.stringify(event.data)}}`;
    } catch (err) {
      this.log.error('ws-unserializable', { err, channel: event.channel }, 'unserializable engine event');
      return;
    }
    for (const client of listeners) {
      this.cork(client);
      this.sendRaw(client, head + ++client.seq + tail);
    }
  }

  /**
   * Events of one turn of the event loop leave in one write per connection
   * instead of one syscall per event and connection: under a busy market that
   * is most of the cost of fanning out. Corked data counts in bufferedAmount,
   * so the slow-consumer bound still holds.
   */
  private cork(client: Client): void {
    if (this.corked.has(client)) return;
    // ws keeps its net.Socket as `_socket` and corks/uncorks it per frame itself; the counts nest
    const raw = (client.socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (raw === undefined) return;
    raw.cork();
    this.corked.set(client, raw);
    if (this.corked.size === 1) setImmediate(() => this.uncorkAll());
  }

  private uncorkAll(): void {
    const corked = [...this.corked.values()];
    this.corked.clear();
    for (const raw of corked) raw.uncork();
  }

  private onMessage(client: Client, data: Buffer | ArrayBuffer | Buffer[]): void {
    if (client.closed) return;
    let principal = client.principal;
    if (principal === null) {
      // before auth nothing is charged to a key, so the connection itself has a small allowance
      if (++client.messagesBeforeAuth > this.options.maxMessagesBeforeAuth) {
        this.close(client, WS_CLOSE.TOO_MANY, `at most ${this.options.maxMessagesBeforeAuth} messages before {"op": "auth"}`);
        return;
      }
    } else {
      principal = this.engine.keyPrincipal(principal.id);
      if (principal === null) {
        this.close(client, WS_CLOSE.UNAUTHORIZED, `API key ${client.principal!.id} was revoked or has expired`);
        return;
      }
      client.principal = principal;
    }
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    let raw: unknown;
    let json = true;
    try {
      raw = JSON.parse(text);
    } catch {
      json = false;
    }
    if (principal !== null) {
      const charged = this.access.charge(principal);
      if ('error' in charged) return this.reply(client, raw, charged.error);
    }
    if (!json) return this.send(client, new TernError('BAD_REQUEST', 'message is not valid JSON').toBody());
    // as for REST bodies: never "last one wins"
    const dup = duplicateKey(text);
    if (dup !== null) return this.reply(client, raw, new TernError('BAD_REQUEST', `duplicate key "${dup}" in the message`, { field: dup }));
    const parsed = WsClientMessage.safeParse(raw);
    if (!parsed.success) return this.reply(client, raw, validationError(parsed.error.issues, 'message'));
    const msg = parsed.data;
    if (msg.op === 'ping') return this.send(client, { op: 'pong' });
    if (msg.op === 'auth') return this.authenticate(client, msg.key);
    if (principal === null) return this.reply(client, raw, new TernError('UNAUTHORIZED', 'authenticate first: {"op": "auth", "key": "..."}'));
    switch (msg.op) {
      case 'subscribe':
        return this.subscribe(client, principal, msg.channels);
      case 'unsubscribe':
        for (const channel of msg.channels) this.leave(client, channel);
        return this.send(client, { op: 'unsubscribed', channels: [...client.channels] });
      case 'call':
        this.call(client, principal, msg.id, msg.method, msg.params).catch((err: unknown) => this.log.error('ws-call', { err }, 'websocket call failed'));
        return;
    }
  }

  private authenticate(client: Client, key: string): void {
    if (client.principal !== null) {
      this.send(client, new TernError('BAD_REQUEST', 'this connection is already authenticated').toBody());
      return;
    }
    const who = this.access.authenticate(key, client.address);
    if (who instanceof TernError) return this.close(client, who.code === 'RATE_LIMITED' ? WS_CLOSE.TOO_MANY : WS_CLOSE.UNAUTHORIZED, who.message);
    if (!hasScope(who, 'read')) return this.close(client, WS_CLOSE.FORBIDDEN, 'this needs an API key with the "read" scope');
    const tooMany = this.keyRefusal(who);
    if (tooMany) return this.close(client, WS_CLOSE.TOO_MANY, tooMany.message);
    const charged = this.access.charge(who);
    if ('error' in charged) return this.close(client, WS_CLOSE.TOO_MANY, charged.error.message);
    clearTimeout(client.authTimer);
    this.unauthenticated -= 1;
    this.join(client, who);
    this.send(client, { op: 'authenticated', key_id: who.id, scopes: who.scopes });
  }

  private join(client: Client, principal: Principal): void {
    client.principal = principal;
    let set = this.byKey.get(principal.id);
    if (set === undefined) this.byKey.set(principal.id, (set = new Set()));
    set.add(client);
  }

  private subscribe(client: Client, principal: Principal, channels: string[]): void {
    // every channel is readable with the read scope
    if (!hasScope(principal, 'read')) {
      this.send(client, new TernError('FORBIDDEN', 'this needs an API key with the "read" scope', { required_scope: 'read' }).toBody());
      return;
    }
    const fresh = channels.filter((c) => !client.channels.has(c));
    if (client.channels.size + new Set(fresh).size > this.options.maxChannels) {
      this.send(client, new TernError('BAD_REQUEST', `at most ${this.options.maxChannels} channels per connection`, { field: 'channels' }).toBody());
      return;
    }
    for (const channel of fresh) {
      client.channels.add(channel);
      let set = this.byChannel.get(channel);
      if (set === undefined) this.byChannel.set(channel, (set = new Set()));
      set.add(client);
    }
    this.send(client, { op: 'subscribed', channels: [...client.channels] });
  }

  private async call(client: Client, principal: Principal, id: number | string, method: string, params: unknown): Promise<void> {
    if (!isMethodName(method)) {
      this.send(client, { id, ...new TernError('NOT_FOUND', `unknown method ${JSON.stringify(method)}`, { field: 'method' }).toBody() });
      return;
    }
    // the engine checks the scope, looking the key up again for this call (METHODS[method].scope)
    try {
      const result = await this.invoke(method, params ?? {}, principal);
      this.send(client, { id, result });
    } catch (err) {
      const tern = asTernError(err);
      if (!(err instanceof TernError)) this.log.error('ws-call', { err, method }, 'websocket call failed');
      this.send(client, { id, ...tern.toBody() });
    }
  }

  /** an error answering `raw`: with its id when it was a call */
  private reply(client: Client, raw: unknown, err: TernError): void {
    const id = callIdOf(raw);
    this.send(client, id === undefined ? err.toBody() : { id, ...err.toBody() });
  }

  private send(client: Client, message: object | ErrorBody): void {
    this.sendRaw(client, JSON.stringify(message));
  }

  private sendRaw(client: Client, text: string): void {
    if (client.closed || client.socket.readyState !== client.socket.OPEN) return;
    if (tooSlow(client.socket, text, this.options.maxBufferedBytes)) {
      // a consumer this far behind will not catch up; it reads the close reason if it ever drains its backlog
      this.log.warn('ws-slow-consumer', { key_id: client.principal?.id, buffered_bytes: client.socket.bufferedAmount }, 'websocket client dropped: slow consumer');
      this.close(client, WS_CLOSE.SLOW_CONSUMER, `slow consumer: more than ${this.options.maxBufferedBytes} bytes unsent`);
      return;
    }
    client.socket.send(text);
  }

  private endKey(keyId: string, reason: string): void {
    const set = this.byKey.get(keyId);
    if (set === undefined) return;
    for (const client of [...set]) this.close(client, WS_CLOSE.UNAUTHORIZED, reason);
  }

  private recheckKeys(): void {
    for (const keyId of [...this.byKey.keys()]) if (this.engine.keyPrincipal(keyId) === null) this.endKey(keyId, `API key ${keyId} was revoked or has expired`);
  }

  private close(client: Client, code: number, reason: string): void {
    this.forget(client);
    this.closeSocket(client.socket, code, reason);
  }

  private closeSocket(socket: WebSocket, code: number, reason: string): void {
    closeSocket(socket, code, reason, this.options.closeGraceMs);
  }

  private leave(client: Client, channel: string): void {
    if (!client.channels.delete(channel)) return;
    const set = this.byChannel.get(channel);
    set?.delete(client);
    if (set?.size === 0) this.byChannel.delete(channel);
  }

  private forget(client: Client): void {
    if (client.closed) return;
    client.closed = true;
    clearTimeout(client.authTimer);
    for (const channel of [...client.channels]) this.leave(client, channel);
    if (client.principal === null) this.unauthenticated -= 1;
    else {
      const set = this.byKey.get(client.principal.id);
      set?.delete(client);
      if (set?.size === 0) this.byKey.delete(client.principal.id);
    }
    this.clients.delete(client);
    this.onCountChange(this.clients.size);
  }
}

/**
 * The slow-consumer rule of every Tern WebSocket (this hub's and the Binance
 * gateway's): `text` may not go when the unsent data would pass `maxBufferedBytes`.
 * With nothing waiting, one message always goes, however large (a big call result is not slowness).
 */
export function tooSlow(socket: WebSocket, text: string, maxBufferedBytes: number): boolean {
  const buffered = socket.bufferedAmount;
  return buffered > 0 && buffered + text.length > maxBufferedBytes;
}

/** Closes with `code` and `reason`, and cuts the socket if the peer has not answered within `graceMs`. */
export function closeSocket(socket: WebSocket, code: number, reason: string, graceMs: number): void {
  // close reasons are limited to 123 bytes
  socket.close(code, Buffer.from(reason).subarray(0, 123).toString());
  // a peer that never reads would hold the socket (and its backlog) for ws's 30 s close timeout
  setTimeout(() => {
    if (socket.readyState !== socket.CLOSED) socket.terminate();
  }, graceMs).unref();
}

function callIdOf(raw: unknown): number | string | undefined {
  if (typeof raw !== 'object' || raw === null || (raw as { op?: unknown }).op !== 'call') return undefined;
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'number' || (typeof id === 'string' && id.length <= 64) ? id : undefined;
}

/** one short line for an error on a client's socket (bad frames, oversized messages, resets) */
export function logSocketError(log: LogThrottle, err: unknown): void {
  log.warn('ws-socket-error', shortError(err), 'websocket connection closed on a protocol error');
}
