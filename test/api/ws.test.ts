import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../../src-main/api/server.js';
import { WS_CLOSE } from '../../src-main/api/ws-hub.js';
import { METHODS } from '../../src-common/contract/methods.js';
import { fakeEngineFactory, isErrorBody, type EngineFactory, type TestEngine } from '../helpers/api-harness.js';
import { realEngineFactory } from '../helpers/real-engine-factory.js';
import { TestSocket, upgradeStatus } from '../helpers/ws-client.js';

/** The engine under test: the fake one here; `*.real.test.ts` runs this same file against the real engine. */
const makeEngine: EngineFactory = process.env.TERN_API_TEST_ENGINE === 'real' ? realEngineFactory : fakeEngineFactory;

const BUY_MARKET = { account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.01' } as const;
const BUY_LIMIT_LOW = { account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '0.02', price: '1000.00' } as const;

interface Running {
  te: TestEngine;
  server: ApiServer;
  url: string;
  port: number;
}

const running: Running[] = [];

async function start(options: Partial<ApiServerOptions> = {}): Promise<Running> {
  const te = await makeEngine();
  const server = createApiServer({ engine: te.engine, host: '127.0.0.1', port: 0, version: '1', logger: false, ...options });
  const { port } = await server.listen();
  const r = { te, server, port, url: `ws://127.0.0.1:${port}/api/v1/ws` };
  running.push(r);
  return r;
}

afterAll(async () => {
  for (const r of running.splice(0)) {
    await r.server.close();
    await r.te.close();
  }
});

describe('WebSocket /api/v1/ws', () => {
  let r: Running;
  beforeAll(async () => {
    r = await start({ ws: { authTimeoutMs: 300 } });
  });

  it('authenticates with the Authorization header at upgrade', async () => {
    const s = await TestSocket.open(r.url, { authorization: `Bearer ${r.te.keys.read}` });
    s.send({ op: 'subscribe', channels: ['orders'] });
    expect(await s.next((m) => m.op === 'subscribed')).toEqual({ op: 'subscribed', channels: ['orders'] });
    s.close();
  });

  it('authenticates with a first {"op": "auth"} message', async () => {
    const s = await TestSocket.open(r.url);
    s.send({ op: 'auth', key: r.te.keys.trade });
    const ack = await s.next((m) => m.op === 'authenticated');
    expect(ack.scopes).toEqual(['trade']);
    expect((await s.call(1, 'accounts.list')).result).toEqual(expect.any(Array));
    s.close();
  });

  it('closes with 4401 on a bad key message, and after the time limit without auth', async () => {
    const bad = await TestSocket.open(r.url);
    bad.send({ op: 'auth', key: 'wrong' });
    expect((await bad.closed).code).toBe(WS_CLOSE.UNAUTHORIZED);
    const silent = await TestSocket.open(r.url);
    expect((await silent.closed).code).toBe(WS_CLOSE.UNAUTHORIZED);
  });

  it('refuses calls and subscriptions before auth, keeping the connection', async () => {
    const s = await TestSocket.open(r.url);
    const refused = await s.call(3, 'accounts.list');
    expect(refused.error.code).toBe('UNAUTHORIZED');
    s.send({ op: 'auth', key: r.te.keys.read });
    await s.next((m) => m.op === 'authenticated');
    expect((await s.call(4, 'accounts.list')).result).toBeDefined();
    s.close();
  });

  it('refuses an upgrade with a bad Authorization header (401), a foreign Host or Origin (403)', async () => {
    expect(await upgradeStatus(r.url, { authorization: 'Bearer nope' })).toBe(401);
    expect(await upgradeStatus(r.url, { host: `evil.example:${r.port}` })).toBe(403);
    expect(await upgradeStatus(r.url, { origin: 'https://evil.example' })).toBe(403);
    const own = await TestSocket.open(r.url, { origin: `http://127.0.0.1:${r.port}`, authorization: `Bearer ${r.te.keys.read}` });
    own.close();
  });

  it('sends events of subscribed channels only, with seq strictly increasing per connection', async () => {
    const s = await TestSocket.open(r.url, { authorization: `Bearer ${r.te.keys.trade}` });
    s.send({ op: 'subscribe', channels: ['orders'] });
    await s.next((m) => m.op === 'subscribed');
    for (let i = 0; i < 3; i++) expect((await s.call(`o${i}`, 'orders.create', BUY_MARKET)).result).toBeDefined();
    // each market order emits at least its creation and its fill as order events
    await s.next((m) => m.channel === 'orders' && m.data.status === 'filled' && s.received.filter((x) => x.channel === 'orders').length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const events = s.received.filter((m) => 'seq' in m);
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const e of events) {
      expect(e.channel).toBe('orders');
      expect(Object.keys(e).sort()).toEqual(['channel', 'data', 'seq']);
      METHODS['orders.get'].result.parse(e.data);
    }
    const seqs = events.map((e) => e.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
    s.close();
  });

  it('stops sending a channel after unsubscribe', async () => {
    const s = await TestSocket.open(r.url, { authorization: `Bearer ${r.te.keys.trade}` });
    s.send({ op: 'subscribe', channels: ['orders', 'fills'] });
    await s.next((m) => m.op === 'subscribed');
    s.send({ op: 'unsubscribe', channels: ['orders'] });
    expect(await s.next((m) => m.op === 'unsubscribed')).toEqual({ op: 'unsubscribed', channels: ['fills'] });
    await s.call('u1', 'orders.create', BUY_LIMIT_LOW);
    await s.call('u2', 'orders.list', { limit: 1 });
    expect(s.received.filter((m) => m.channel === 'orders')).toEqual([]);
    s.close();
  });

  it('answers a call with its id: result, or error with the same codes as REST', async () => {
    const s = await TestSocket.open(r.url, { authorization: `Bearer ${r.te.keys.trade}` });
    const ok = await s.call(7, 'orders.create', BUY_LIMIT_LOW);
    expect(Object.keys(ok).sort()).toEqual(['id', 'result']);
    METHODS['orders.create'].result.parse(ok.result);
    const bad = await s.call(8, 'orders.create', { ...BUY_LIMIT_LOW, quantity: 5 });
    expect(bad.error).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'quantity' } });
    expect((await s.call(9, 'orders.get', { id: 'no-such-order' })).error.code).toBe('NOT_FOUND');
    expect((await s.call(10, 'no.such.method')).error.code).toBe('NOT_FOUND');
    expect((await s.call('k', 'keys.list')).error).toMatchObject({ code: 'FORBIDDEN', details: { required_scope: 'admin' } });
    expect((await s.call(11, 'health')).result.status).toBe('ok');
    s.close();
  });

  it('answers a bad message with a BAD_REQUEST error and stays open', async () => {
    const s = await TestSocket.open(r.url, { authorization: `Bearer ${r.te.keys.read}` });
    s.send('not json');
    expect(isErrorBody(await s.next(() => true))).toBe(true);
    for (const msg of [{ op: 'dance' }, { op: 'subscribe', channels: ['nope'] }, { op: 'subscribe', channels: [] }, { op: 'ping', extra: 1 }, [1, 2], null, 42]) {
      s.send(msg);
      const reply = await s.next(() => true);
      expect(reply.error.code, JSON.stringify(msg)).toBe('BAD_REQUEST');
    }
    s.send({ op: 'call', id: 12, method: 'orders.list', params: {}, junk: true });
    expect(await s.next(() => true)).toMatchObject({ id: 12, error: { code: 'BAD_REQUEST' } });
    s.send({ op: 'ping' });
    expect(await s.next(() => true)).toEqual({ op: 'pong' });
    s.close();
  });
});

describe('WebSocket calls share the REST rate limit', () => {
  it('refuses calls over the key’s limit with RATE_LIMITED', async () => {
    const r = await start({ rateLimit: { perSecond: 0.001, burst: 3 } });
    const s = await TestSocket.open(r.url, { authorization: `Bearer ${r.te.keys.read}` }); // the upgrade takes one token
    expect((await s.call(1, 'accounts.list')).result).toBeDefined();
    expect((await s.call(2, 'accounts.list')).result).toBeDefined();
    const refused = await s.call(3, 'accounts.list');
    expect(refused.error.code).toBe('RATE_LIMITED');
    expect(refused.error.details.retry_after_s).toBeGreaterThanOrEqual(1);
    s.close();
  });
});

describe('closing the server', () => {
  it('closes its WebSocket connections with 1001, even when a peer stopped reading', async () => {
    const te = await makeEngine();
    const server = createApiServer({ engine: te.engine, host: '127.0.0.1', port: 0, version: '1', logger: false });
    const { port } = await server.listen();
    const url = `ws://127.0.0.1:${port}/api/v1/ws`;
    const polite = await TestSocket.open(url, { authorization: `Bearer ${te.keys.read}` });
    const stalled = await TestSocket.open(url, { authorization: `Bearer ${te.keys.read}` });
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await server.close();
    expect((await polite.closed).code).toBe(1001);
    stalled.ws.terminate();
    await te.close();
  });
});
