import type { WebSocket } from 'ws';
import type { EngineApi, Principal } from '../contract/engine-api.js';
import { TernError, asTernError, type ErrorBody } from '../contract/errors.js';
import { WsClientMessage, type EngineEvent } from '../contract/events.js';
import { METHODS, isMethodName, type MethodName } from '../contract/methods.js';
import type { AccessControl } from './access.js';
import { hasScope } from './access.js';
import { validationError } from '../contract/validation.js';

/** Close codes: 4401 no or bad key, 4403 key without the read scope; 1008 slow consumer. */
export const WS_CLOSE = { UNAUTHORIZED: 4401, FORBIDDEN: 4403, SLOW_CONSUMER: 1008 } as const;

export interface WsHubOptions {
  /** close an unauthenticated connection after this long */
  authTimeoutMs: number;
  /** drop a connection whose unsent data exceeds this (a client that stopped reading) */
  maxBufferedBytes: number;
  /** channels one connection may hold */
  maxChannels: number;
}

export type Invoke = (method: MethodName, params: unknown, principal: Principal) => Promise<unknown>;

interface Logger {
  error(obj: unknown, msg?: string): void;
}

class Client {
  principal: Principal | null = null;
  readonly channels = new Set<string>();
  seq = 0;
  authTimer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(readonly socket: WebSocket) {}
}

/**
 * WebSocket sessions: auth, subscriptions and calls. Events carry a per-connection
 * `seq`; there are no acks, so a client that stops reading is dropped once its
 * send buffer passes `maxBufferedBytes` rather than growing memory without bound.
 */
export class WsHub {
  private readonly clients = new Set<Client>();
  private readonly byChannel = new Map<string, Set<Client>>();
  private readonly unsubscribeEngine: () => void;

  constructor(
    engine: EngineApi,
    private readonly access: AccessControl,
    private readonly invoke: Invoke,
    private readonly options: WsHubOptions,
    private readonly log: Logger,
    private readonly onCountChange: (count: number) => void = () => {},
  ) {
    this.unsubscribeEngine = engine.subscribe((event) => this.publish(event));
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  /** a fresh connection; `principal` is set when the upgrade carried a valid Authorization header */
  accept(socket: WebSocket, principal: Principal | null): void {
    const client = new Client(socket);
    this.clients.add(client);
    this.onCountChange(this.clients.size);
    if (principal) client.principal = principal;
    else client.authTimer = setTimeout(() => this.close(client, WS_CLOSE.UNAUTHORIZED, 'authenticate within the time limit'), this.options.authTimeoutMs);
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
      this.onMessage(client, text).catch((err: unknown) => this.log.error({ err }, 'websocket message failed'));
    });
    socket.on('close', () => this.forget(client));
    socket.on('error', () => this.forget(client));
  }

  /** stop listening to the engine and close every connection */
  shutdown(): void {
    this.unsubscribeEngine();
    const sockets = [...this.clients].map((c) => c.socket);
    for (const client of [...this.clients]) this.close(client, 1001, 'server shutting down');
    // a peer that never answers the close frame would hold the server open
    setTimeout(() => {
      for (const socket of sockets) if (socket.readyState !== socket.CLOSED) socket.terminate();
    }, 1_000).unref();
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
      this.log.error({ err, channel: event.channel }, 'unserializable engine event');
      return;
    }
    for (const client of listeners) this.sendRaw(client, head + ++client.seq + tail);
  }

  private async onMessage(client: Client, text: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.send(client, new TernError('BAD_REQUEST', 'message is not valid JSON').toBody());
      return;
    }
    const parsed = WsClientMessage.safeParse(raw);
    if (!parsed.success) {
      const err = validationError(parsed.error.issues, 'message').toBody();
      const id = callIdOf(raw);
      this.send(client, id === undefined ? err : { id, ...err });
      return;
    }
    const msg = parsed.data;
    if (msg.op === 'ping') return this.send(client, { op: 'pong' });
    if (msg.op === 'auth') return this.authenticate(client, msg.key);
    const principal = client.principal;
    if (principal === null) {
      const err = new TernError('UNAUTHORIZED', 'authenticate first: {"op": "auth", "key": "..."}').toBody();
      this.send(client, msg.op === 'call' ? { id: msg.id, ...err } : err);
      return;
    }
    switch (msg.op) {
      case 'subscribe':
        return this.subscribe(client, principal, msg.channels);
      case 'unsubscribe':
        for (const channel of msg.channels) this.leave(client, channel);
        return this.send(client, { op: 'unsubscribed', channels: [...client.channels] });
      case 'call':
        return this.call(client, principal, msg.id, msg.method, msg.params);
    }
  }

  private authenticate(client: Client, key: string): void {
    if (client.principal !== null) {
      this.send(client, new TernError('BAD_REQUEST', 'this connection is already authenticated').toBody());
      return;
    }
    const who = this.access.authenticate(key);
    if (who instanceof TernError) return this.close(client, WS_CLOSE.UNAUTHORIZED, who.message);
    if (!hasScope(who, 'read')) return this.close(client, WS_CLOSE.FORBIDDEN, 'this needs an API key with the "read" scope');
    clearTimeout(client.authTimer);
    client.principal = who;
    this.send(client, { op: 'authenticated', key_id: who.id, scopes: who.scopes });
  }

  private subscribe(client: Client, principal: Principal, channels: string[]): void {
    // every channel is readable with the read scope; checked here too since a key's scopes never widen mid-connection
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
    const admission = this.access.admitPrincipal(principal, METHODS[method].scope);
    if ('error' in admission) {
      this.send(client, { id, ...admission.error.toBody() });
      return;
    }
    try {
      const result = await this.invoke(method, params ?? {}, principal);
      this.send(client, { id, result });
    } catch (err) {
      const tern = asTernError(err);
      if (!(err instanceof TernError)) this.log.error({ err, method }, 'websocket call failed');
      this.send(client, { id, ...tern.toBody() });
    }
  }

  private send(client: Client, message: object | ErrorBody): void {
    this.sendRaw(client, JSON.stringify(message));
  }

  private sendRaw(client: Client, text: string): void {
    if (client.closed || client.socket.readyState !== client.socket.OPEN) return;
    if (client.socket.bufferedAmount > this.options.maxBufferedBytes) {
      // a consumer this far behind will never catch up; terminate (a close frame would queue behind the backlog)
      this.forget(client);
      client.socket.terminate();
      return;
    }
    client.socket.send(text);
  }

  private close(client: Client, code: number, reason: string): void {
    this.forget(client);
    // close reasons are limited to 123 bytes
    client.socket.close(code, Buffer.from(reason).subarray(0, 123).toString());
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
    this.clients.delete(client);
    this.onCountChange(this.clients.size);
  }
}

function callIdOf(raw: unknown): number | string | undefined {
  if (typeof raw !== 'object' || raw === null || (raw as { op?: unknown }).op !== 'call') return undefined;
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'number' || (typeof id === 'string' && id.length <= 64) ? id : undefined;
}
