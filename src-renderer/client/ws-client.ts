import type { EngineEvent, EventKind } from '../../src-common/contract/events.js';
import type { MethodName, ParamsOf, ResultOf } from '../../src-common/contract/methods.js';
import { backoffDelay } from './backoff.js';
import { CallError, asCallError } from './call-error.js';
import type { ClientEvent, ConnectionStatus, TernClient } from './types.js';

/** The slice of the browser's WebSocket this client uses (a fake in tests). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface WsClientOptions {
  /** ws://127.0.0.1:PORT/api/v1/ws */
  url: string;
  key: string;
  socket?: SocketFactory;
  /** a call with no answer after this long is reported as TIMEOUT (it may still have happened) */
  callTimeoutMs?: number;
  /** a ping goes out after this much silence; the link is dropped after twice this */
  keepAliveMs?: number;
  now?: () => number;
  random?: () => number;
}

/** The API's close codes (src-main/api/ws-hub.ts): refused key, key without the read scope. */
const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_FORBIDDEN = 4403;
const OPEN = 1;
const MAX_CHANNELS_PER_MESSAGE = 100;

interface Pending {
  method: string;
  resolve: (value: never) => void;
  reject: (err: CallError) => void;
  timer: ReturnType<typeof setTimeout>;
}

type ServerMessage = {
  op?: string;
  id?: number | string;
  result?: unknown;
  error?: { code: string; message: string; details?: Record<string, unknown> };
  channel?: string;
  seq?: number;
  data?: unknown;
  key_id?: string;
};

/**
 * The protocol over the local API's WebSocket (API.md): authenticate with the
 * first message, then calls and subscriptions. Reconnects with backoff and
 * resubscribes; calls made while the link is down fail at once with
 * DISCONNECTED rather than being replayed later, so a trading command is never
 * sent minutes after the trader pressed the button.
 */
export class WsClient implements TernClient {
  readonly transport = 'ws' as const;
  keyId: string | null = null;

  private socket: SocketLike | null = null;
  private current: ConnectionStatus = { phase: 'connecting', reconnects: 0 };
  private readonly statusListeners = new Set<(s: ConnectionStatus) => void>();
  private readonly eventListeners = new Set<(e: ClientEvent) => void>();
  private readonly pending = new Map<number, Pending>();
  private wanted = new Set<string>();
  private subscribed = new Set<string>();
  private nextId = 1;
  private attempt = 0;
  private everOpened = false;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private keepAliveTimer: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;
  private readonly socketFactory: SocketFactory;
  private readonly callTimeoutMs: number;
  private readonly keepAliveMs: number;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly opts: WsClientOptions) {
    this.socketFactory = opts.socket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.callTimeoutMs = opts.callTimeoutMs ?? 30_000;
    this.keepAliveMs = opts.keepAliveMs ?? 15_000;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.open();
  }

  status(): ConnectionStatus {
    return this.current;
  }

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onEvent(listener: (e: ClientEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  setChannels(channels: readonly string[]): void {
    this.wanted = new Set(channels);
    if (this.current.phase === 'open') this.syncSubscriptions();
  }

  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const socket = this.socket;
    if (this.current.phase !== 'open' || socket === null || socket.readyState !== OPEN) {
      return Promise.reject(new CallError('DISCONNECTED', 'the engine is not connected; nothing was sent'));
    }
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CallError('TIMEOUT', `no answer to ${method} after ${Math.round(this.callTimeoutMs / 1000)} s; it may still have happened — check the blotters`));
      }, this.callTimeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: never) => void, reject, timer });
      socket.send(JSON.stringify({ op: 'call', id, method, params }));
    });
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.stopKeepAlive();
    this.failPending('the session was closed');
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = null;
      s.onmessage = null;
      s.onerror = null;
      try {
        s.close(1000, 'closed by the user');
      } catch {
        /* already closing */
      }
    }
    this.setStatus({ phase: 'closed', reconnects: this.current.reconnects });
  }

  // ---- internals ----

  private open(): void {
    if (this.stopped) return;
    let socket: SocketLike;
    try {
      socket = this.socketFactory(this.opts.url);
    } catch {
      this.scheduleRetry('cannot open a WebSocket to the engine');
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.lastHeard = this.now();
      socket.send(JSON.stringify({ op: 'auth', key: this.opts.key }));
    };
    socket.onmessage = (ev) => this.onMessage(socket, ev.data);
    socket.onerror = () => {
      /* a close event follows; it decides what to do */
    };
    socket.onclose = (ev) => this.onClose(socket, ev.code, ev.reason);
  }

  private onMessage(socket: SocketLike, raw: unknown): void {
    if (socket !== this.socket) return;
    const receivedAt = typeof performance !== 'undefined' ? performance.now() : this.now();
    this.lastHeard = this.now();
    let msg: ServerMessage;
    try {
      msg = JSON.parse(String(raw)) as ServerMessage;
    } catch {
      return;
    }
    if (typeof msg.channel === 'string') {
      const kind = msg.channel.split(':', 1)[0] as EventKind;
      const event = { kind, channel: msg.channel, data: msg.data, receivedAt } as ClientEvent;
      for (const l of this.eventListeners) l(event);
      return;
    }
    if (msg.id !== undefined && typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.error) p.reject(asCallError(msg.error));
      else p.resolve(msg.result as never);
      return;
    }
    if (msg.op === 'authenticated') {
      this.keyId = msg.key_id ?? null;
      this.attempt = 0;
      const reconnects = this.everOpened ? this.current.reconnects + 1 : this.current.reconnects;
      this.everOpened = true;
      this.subscribed.clear();
      this.setStatus({ phase: 'open', reconnects });
      this.syncSubscriptions();
      this.startKeepAlive();
    }
  }

  private onClose(socket: SocketLike, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = null;
    this.stopKeepAlive();
    this.failPending('the connection dropped before the engine answered; the action may have completed — check the blotters');
    if (this.stopped) return;
    if (code === CLOSE_UNAUTHORIZED || code === CLOSE_FORBIDDEN) {
      this.stopped = true;
      const detail = code === CLOSE_FORBIDDEN ? 'this API key lacks the "read" scope' : reason || 'unknown or revoked API key';
      this.setStatus({ phase: 'unauthorized', reconnects: this.current.reconnects, detail });
      return;
    }
    this.scheduleRetry(reason || (this.everOpened ? 'connection lost' : 'cannot reach the engine'));
  }

  private scheduleRetry(detail: string): void {
    const delay = backoffDelay(this.attempt++, 500, 10_000, this.random);
    this.setStatus({ phase: this.everOpened ? 'reconnecting' : 'connecting', reconnects: this.current.reconnects, detail, retryAt: this.now() + delay });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private syncSubscriptions(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return;
    const add = [...this.wanted].filter((c) => !this.subscribed.has(c));
    const drop = [...this.subscribed].filter((c) => !this.wanted.has(c));
    for (let i = 0; i < add.length; i += MAX_CHANNELS_PER_MESSAGE) {
      socket.send(JSON.stringify({ op: 'subscribe', channels: add.slice(i, i + MAX_CHANNELS_PER_MESSAGE) }));
    }
    for (let i = 0; i < drop.length; i += MAX_CHANNELS_PER_MESSAGE) {
      socket.send(JSON.stringify({ op: 'unsubscribe', channels: drop.slice(i, i + MAX_CHANNELS_PER_MESSAGE) }));
    }
    this.subscribed = new Set(this.wanted);
  }

  private startKeepAlive(): void {
    this.stopKeepAlive();
    this.keepAliveTimer = setInterval(() => {
      const socket = this.socket;
      if (!socket || socket.readyState !== OPEN) return;
      const silentFor = this.now() - this.lastHeard;
      if (silentFor > this.keepAliveMs * 2) {
        // a half-open link: drop it so the retry loop takes over
        this.onClose(socket, 1006, 'no answer from the engine');
        try {
          socket.close();
        } catch {
          /* ignore */
        }
        return;
      }
      if (silentFor >= this.keepAliveMs) socket.send('{"op":"ping"}');
    }, Math.max(250, Math.floor(this.keepAliveMs / 2)));
  }

  private stopKeepAlive(): void {
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
  }

  private failPending(message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new CallError('DISCONNECTED', message));
      this.pending.delete(id);
    }
  }

  private setStatus(next: ConnectionStatus): void {
    this.current = next;
    for (const l of this.statusListeners) l(next);
  }
}

/** The WebSocket URL of the API serving this page. */
export function wsUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/ws`;
}

export type { EngineEvent };
