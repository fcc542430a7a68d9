/**
 * What a WebSocket client can make the server hold: connections (total, per
 * key, waiting for auth), unsent data (slow consumers), and messages (charged
 * to the key's rate limit; a small allowance before auth).
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../../src-main/api/server.js';
import { WS_CLOSE } from '../../src-main/api/ws-hub.js';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import type { EngineEvent } from '../../src-common/contract/events.js';
import { fakeEngineFactory, type TestEngine } from '../helpers/api-harness.js';
import { TestSocket, upgradeRefusal } from '../helpers/ws-client.js';

interface Running {
  te: TestEngine;
  server: ApiServer;
  url: string;
  port: number;
  push(event: EngineEvent): void;
}

const running: Running[] = [];

/** `engine`, plus a way for the test to emit events of its own (large ones, many of them) */
function withPush(engine: EngineApi): { engine: EngineApi; push(event: EngineEvent): void } {
  const listeners = new Set<(e: EngineEvent) => void>();
  return {
    engine: {
      call: (m, p, c) => engine.call(m, p, c),
      answer: (m, p, c) => engine.answer(m, p, c),
      authenticate: (k) => engine.authenticate(k),
      keyPrincipal: (id) => engine.keyPrincipal(id),
      onKeyRevoked: (l) => engine.onKeyRevoked(l),
      stats: () => engine.stats(),
      subscribe: (l) => {
        listeners.add(l);
        const off = engine.subscribe(l);
        return () => {
          listeners.delete(l);
          off();
        };
      },
    },
    push: (event) => {
      for (const l of listeners) l(event);
    },
  };
}

async function start(options: Partial<ApiServerOptions> = {}): Promise<Running> {
  const te = await fakeEngineFactory();
  const { engine, push } = withPush(te.engine);
  const server = createApiServer({ engine, host: '127.0.0.1', port: 0, version: '1', logger: false, ...options });
  const { port } = await server.listen();
  const r = { te, server, push, port, url: `ws://127.0.0.1:${port}/api/v1/ws` };
  running.push(r);
  return r;
}

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.server.close();
    await r.te.close();
  }
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function openConnections(r: Running): Promise<number> {
  const res = await r.server.app.inject({ method: 'GET', url: '/metrics', headers: { host: `127.0.0.1:${r.port}`, ...bearer(r.te.keys.admin) } });
  if (res.statusCode !== 200) throw new Error(`GET /metrics answered ${res.statusCode}: ${res.body}`);
  const line = res.body.split('\n').find((l) => l.startsWith('tern_ws_connections '));
  return Number(line?.split(' ')[1]);
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('slow consumers', () => {
  it('closes a client that stopped reading with 4008 "slow consumer", while a reading client on the same channel stays', async () => {
    // a long grace so the paused client, once it reads again, still finds the close frame behind its backlog
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const r = await start({ ws: { maxBufferedBytes: 256 * 1024, closeGraceMs: 60_000 }, rateLimit: { perSecond: 1000, burst: 1000 }, logger });
    const stalled = await TestSocket.open(r.url, bearer(r.te.keys.read));
    const reader = await TestSocket.open(r.url, bearer(r.te.keys.read));
    for (const s of [stalled, reader]) {
      s.send({ op: 'subscribe', channels: ['orders'] });
      await s.next((m) => m.op === 'subscribed');
    }
    const raw = (stalled.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause();
    const big = { kind: 'orders', channel: 'orders', data: { filler: 'x'.repeat(16 * 1024) } } as unknown as EngineEvent;
    // the kernel's socket buffers take a few MB before the server's own buffer grows; 64 MB is far past that
    const dropped = () => lines.some((l) => l.includes('slow consumer'));
    for (let pushed = 0; !dropped() && pushed < 4096; pushed += 4) {
      for (let i = 0; i < 4; i++) r.push(big);
      await tick();
    }
    expect(await openConnections(r)).toBe(1);
    raw.resume();
    const closed = await stalled.closed;
    expect(closed.code).toBe(WS_CLOSE.SLOW_CONSUMER);
    expect(closed.reason).toMatch(/slow consumer/);
    reader.send({ op: 'ping' });
    expect(await reader.next((m) => m.op === 'pong')).toEqual({ op: 'pong' });
    reader.close();
  });
});

describe('connection limits', () => {
  it('refuses the connection past the per-key and total limits with 429 naming the limit', async () => {
    const r = await start({ ws: { maxConnections: 3, maxConnectionsPerKey: 2 } });
    const a = await TestSocket.open(r.url, bearer(r.te.keys.read));
    const b = await TestSocket.open(r.url, bearer(r.te.keys.read));
    const perKey = await upgradeRefusal(r.url, bearer(r.te.keys.read));
    expect(perKey.status).toBe(429);
    expect(perKey.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { rule: 'max_connections_per_key', limit: 2 } });
    expect(perKey.body.error.message).toMatch(/at most 2/);
    const c = await TestSocket.open(r.url, bearer(r.te.keys.trade));
    const total = await upgradeRefusal(r.url, bearer(r.te.keys.admin));
    expect(total.status).toBe(429);
    expect(total.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { rule: 'max_connections', limit: 3 } });
    // a closed connection frees its place
    a.close();
    await a.closed;
    while ((await openConnections(r)) !== 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const d = await TestSocket.open(r.url, bearer(r.te.keys.read));
    for (const s of [b, c, d]) s.close();
  });

  it('bounds connections waiting to authenticate, and closes with 4429 an auth message past the per-key limit', async () => {
    const r = await start({ ws: { maxConnectionsPerKey: 1, maxUnauthenticated: 1 } });
    const first = await TestSocket.open(r.url, bearer(r.te.keys.read));
    const waiting = await TestSocket.open(r.url);
    const refused = await upgradeRefusal(r.url);
    expect(refused.status).toBe(429);
    expect(refused.body.error.details).toEqual({ rule: 'max_unauthenticated', limit: 1 });
    waiting.send({ op: 'auth', key: r.te.keys.read });
    const closed = await waiting.closed;
    expect(closed.code).toBe(WS_CLOSE.TOO_MANY);
    expect(closed.reason).toMatch(/API key .* at most 1/);
    first.close();
  });
});

describe('messages are charged to the key’s rate limit', () => {
  it('charges ping, subscribe and calls; refuses past the limit with RATE_LIMITED (with the call id)', async () => {
    const r = await start({ rateLimit: { perSecond: 0.001, burst: 4 } });
    const s = await TestSocket.open(r.url, bearer(r.te.keys.read)); // the upgrade takes one token
    s.send({ op: 'ping' });
    expect(await s.next(() => true)).toEqual({ op: 'pong' });
    s.send({ op: 'subscribe', channels: ['orders'] });
    expect((await s.next(() => true)).op).toBe('subscribed');
    expect((await s.call(1, 'accounts.list')).result).toBeDefined();
    s.send({ op: 'ping' });
    const refused = await s.next(() => true);
    expect(refused.error).toMatchObject({ code: 'RATE_LIMITED', details: { retry_after_s: expect.any(Number) } });
    s.send({ op: 'subscribe', channels: ['fills'] });
    expect((await s.next(() => true)).error.code).toBe('RATE_LIMITED');
    expect(await s.call(2, 'accounts.list')).toMatchObject({ id: 2, error: { code: 'RATE_LIMITED' } });
    s.close();
  });

  it('charges the auth message: a key out of tokens cannot open more sessions', async () => {
    const r = await start({ rateLimit: { perSecond: 0.001, burst: 1 } });
    const s = await TestSocket.open(r.url);
    s.send({ op: 'auth', key: r.te.keys.read });
    expect((await s.next(() => true)).op).toBe('authenticated');
    s.send({ op: 'ping' });
    expect((await s.next(() => true)).error.code).toBe('RATE_LIMITED');
    const t = await TestSocket.open(r.url);
    t.send({ op: 'auth', key: r.te.keys.read });
    const closed = await t.closed;
    expect(closed.code).toBe(WS_CLOSE.TOO_MANY);
    expect(closed.reason).toMatch(/rate limit/);
    s.close();
  });

  it('allows a connection only a few messages before it authenticates', async () => {
    const r = await start({ ws: { maxMessagesBeforeAuth: 3 } });
    const s = await TestSocket.open(r.url);
    for (let i = 0; i < 3; i++) {
      s.send({ op: 'ping' });
      expect(await s.next(() => true)).toEqual({ op: 'pong' });
    }
    s.send({ op: 'ping' });
    const closed = await s.closed;
    expect(closed.code).toBe(WS_CLOSE.TOO_MANY);
    expect(closed.reason).toMatch(/before \{"op": "auth"\}/);
  });
});

describe('large answers', () => {
  it('sends one message larger than the buffer bound to a client that reads', async () => {
    const r = await start({ ws: { maxBufferedBytes: 1024 } });
    const s = await TestSocket.open(r.url, bearer(r.te.keys.read));
    s.send({ op: 'subscribe', channels: ['orders'] });
    await s.next((m) => m.op === 'subscribed');
    r.push({ kind: 'orders', channel: 'orders', data: { filler: 'x'.repeat(64 * 1024) } } as unknown as EngineEvent);
    const event = await s.next((m) => m.channel === 'orders');
    expect(event.data.filler).toHaveLength(64 * 1024);
    s.close();
  });
});
