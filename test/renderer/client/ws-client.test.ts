import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallError } from '../../../src-renderer/client/call-error.js';
import type { ConnectionStatus } from '../../../src-renderer/client/types.js';
import { type SocketLike, WsClient, wsUrlFor } from '../../../src-renderer/client/ws-client.js';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: any[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  // test side
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  ops(op: string) {
    return this.sent.filter((m) => m.op === op);
  }
}

let sockets: FakeSocket[];
let client: WsClient;
let statuses: ConnectionStatus[];

function connect(opts: Partial<ConstructorParameters<typeof WsClient>[0]> = {}) {
  client = new WsClient({ url: 'ws://127.0.0.1:1/api/v1/ws', key: 'k1', socket: (url) => sockets[sockets.push(new FakeSocket(url)) - 1]!, random: () => 0.5, ...opts });
  client.onStatus((s) => statuses.push(s));
  return client;
}

/** opens the latest socket and answers its auth */
function accept(socket = sockets.at(-1)!) {
  socket.open();
  socket.receive({ op: 'authenticated', key_id: 'K-1', scopes: ['admin'] });
  return socket;
}

beforeEach(() => {
  vi.useFakeTimers();
  sockets = [];
  statuses = [];
});
afterEach(() => {
  client?.close();
  vi.useRealTimers();
});

describe('WsClient', () => {
  it('authenticates with the first message, then reports open and subscribes the wanted channels', () => {
    connect();
    client.setChannels(['orders', 'ticker:paper:BTC/USDT']);
    expect(client.status().phase).toBe('connecting');
    const s = sockets[0]!;
    s.open();
    expect(s.sent[0]).toEqual({ op: 'auth', key: 'k1' });
    expect(s.ops('subscribe')).toEqual([]);
    s.receive({ op: 'authenticated', key_id: 'K-1', scopes: ['read'] });
    expect(client.status()).toMatchObject({ phase: 'open', reconnects: 0 });
    expect(client.keyId).toBe('K-1');
    expect(s.ops('subscribe')).toEqual([{ op: 'subscribe', channels: ['orders', 'ticker:paper:BTC/USDT'] }]);
  });

  it('subscribes what is added and unsubscribes what is dropped', () => {
    connect();
    client.setChannels(['orders', 'book:paper:BTC/USDT']);
    const s = accept();
    client.setChannels(['orders', 'book:paper:ETH/USDT']);
    expect(s.ops('subscribe').at(-1)).toEqual({ op: 'subscribe', channels: ['book:paper:ETH/USDT'] });
    expect(s.ops('unsubscribe')).toEqual([{ op: 'unsubscribe', channels: ['book:paper:BTC/USDT'] }]);
  });

  it('resolves a call with its result and rejects a refusal as a CallError with code and details', async () => {
    connect();
    const s = accept();
    const ok = client.call('orders.get', { id: 'O-1' });
    const bad = client.call('orders.create', { symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0' });
    const [okCall, badCall] = s.ops('call');
    expect(okCall).toEqual({ op: 'call', id: expect.any(Number), method: 'orders.get', params: { id: 'O-1' } });
    s.receive({ id: badCall.id, error: { code: 'INVALID_ORDER', message: 'quantity too small', details: { field: 'quantity' } } });
    s.receive({ id: okCall.id, result: { id: 'O-1' } });
    await expect(ok).resolves.toEqual({ id: 'O-1' });
    const err = await bad.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallError);
    expect(err).toMatchObject({ code: 'INVALID_ORDER', message: 'quantity too small', field: 'quantity' });
  });

  it('fails a call made while disconnected at once, sending nothing', async () => {
    connect();
    await expect(client.call('health', {})).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(sockets[0]!.ops('call')).toEqual([]);
  });

  it('turns events into engine events named by their channel', () => {
    connect();
    const s = accept();
    const seen: unknown[] = [];
    client.onEvent((e) => seen.push(e));
    s.receive({ channel: 'ticker:paper:BTC/USDT', seq: 1, data: { last: '1' } });
    expect(seen).toEqual([{ kind: 'ticker', channel: 'ticker:paper:BTC/USDT', data: { last: '1' }, receivedAt: expect.any(Number) }]);
  });

  it('on a lost link: fails calls in flight, retries with growing delays, re-authenticates and resubscribes', async () => {
    connect();
    client.setChannels(['orders']);
    const first = accept();
    const pending = client.call('orders.list', {});
    first.drop();
    await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(client.status()).toMatchObject({ phase: 'reconnecting', reconnects: 0 });

    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop(); // refused again: the next wait is longer
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);

    const third = accept(sockets[2]);
    expect(third.sent[0]).toEqual({ op: 'auth', key: 'k1' });
    expect(third.ops('subscribe')).toEqual([{ op: 'subscribe', channels: ['orders'] }]);
    expect(client.status()).toMatchObject({ phase: 'open', reconnects: 1 });
  });

  it('stops on a refused key (close 4401) and says why', () => {
    connect();
    const s = sockets[0]!;
    s.open();
    s.drop(4401, 'unknown or revoked API key');
    expect(client.status()).toMatchObject({ phase: 'unauthorized', detail: 'unknown or revoked API key' });
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('pings a quiet link and drops one that stays silent', () => {
    connect({ keepAliveMs: 1_000 });
    const s = accept();
    vi.advanceTimersByTime(1_000);
    expect(s.ops('ping').length).toBeGreaterThan(0);
    vi.advanceTimersByTime(1_500);
    expect(client.status().phase).toBe('reconnecting');
  });

  it('closing on purpose ends retries', () => {
    connect();
    accept();
    client.close();
    expect(client.status().phase).toBe('closed');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('derives the WebSocket URL from the page location', () => {
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:7878' })).toBe('ws://127.0.0.1:7878/api/v1/ws');
  });
});
