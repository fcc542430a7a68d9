/**
 * A key revoked while its WebSocket is open loses its power at once: the
 * socket is closed the moment the key is revoked, and every message re-checks
 * the key even if that push were missed (expiry, a listener that never fired).
 * Against the real engine, whose key ring does the revoking.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../../src-main/api/server.js';
import { WS_CLOSE } from '../../src-main/api/ws-hub.js';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import type { TestEngine } from '../helpers/api-harness.js';
import { realEngineFactory } from '../helpers/real-engine-factory.js';
import { TestSocket } from '../helpers/ws-client.js';

const BUY_LIMIT_LOW = { account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '0.02', price: '1000.00' } as const;

interface Running {
  te: TestEngine;
  server: ApiServer;
  url: string;
}
const running: Running[] = [];

async function start(options: Partial<ApiServerOptions> = {}, wrap: (e: EngineApi) => EngineApi = (e) => e): Promise<Running> {
  const te = await realEngineFactory();
  const server = createApiServer({ engine: wrap(te.engine), host: '127.0.0.1', port: 0, version: '1', logger: false, ...options });
  const { port } = await server.listen();
  const r = { te, server, url: `ws://127.0.0.1:${port}/api/v1/ws` };
  running.push(r);
  return r;
}

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.server.close();
    await r.te.close();
  }
});

/** the engine, except that it never tells anyone a key was revoked (as with a key that merely expires) */
function silentRevocations(engine: EngineApi): EngineApi {
  return {
    call: (m, p, c) => engine.call(m, p, c),
    answer: (m, p, c) => engine.answer(m, p, c),
    subscribe: (l) => engine.subscribe(l),
    authenticate: (k) => engine.authenticate(k),
    keyPrincipal: (id) => engine.keyPrincipal(id),
    onKeyRevoked: () => () => {},
    stats: () => engine.stats(),
  };
}

async function newKey(owner: TestSocket, scopes: string[]): Promise<{ id: string; key: string }> {
  const created = await owner.call(`create-${scopes.join()}`, 'keys.create', { name: 'doomed', scopes });
  expect(created.result).toBeDefined();
  return created.result;
}

describe('revoking a key with open WebSockets', () => {
  it('closes its sockets at once with 4401 saying it was revoked; other keys’ sockets stay', async () => {
    const r = await start({ ws: { recheckMs: 3_600_000 } });
    const owner = await TestSocket.open(r.url, { authorization: `Bearer ${r.te.keys.admin}` });
    const doomed = await newKey(owner, ['admin']);
    const viaHeader = await TestSocket.open(r.url, { authorization: `Bearer ${doomed.key}` });
    const viaMessage = await TestSocket.open(r.url);
    viaMessage.send({ op: 'auth', key: doomed.key });
    await viaMessage.next((m) => m.op === 'authenticated');
    expect((await owner.call('revoke', 'keys.delete', { id: doomed.id })).result.id).toBe(doomed.id);
    for (const s of [viaHeader, viaMessage]) {
      const closed = await s.closed;
      expect(closed.code).toBe(WS_CLOSE.UNAUTHORIZED);
      expect(closed.reason).toMatch(new RegExp(`API key ${doomed.id} was revoked`));
    }
    expect((await owner.call('still', 'health')).result.status).toBe('ok');
    owner.close();
  });

  it('re-checks the key on every message: a revoked key places no order and mints no key, even when no revocation was pushed', async () => {
    const r = await start({ ws: { recheckMs: 3_600_000 } }, silentRevocations);
    const owner = await TestSocket.open(r.url, { authorization: `Bearer ${r.te.keys.admin}` });
    const doomed = await newKey(owner, ['admin']);
    const s = await TestSocket.open(r.url, { authorization: `Bearer ${doomed.key}` });
    expect((await s.call('before', 'orders.create', BUY_LIMIT_LOW)).result.status).toBeDefined();
    await owner.call('revoke', 'keys.delete', { id: doomed.id });
    const ordersBefore = (await owner.call('orders-before', 'orders.list', {})).result.length;
    const keysBefore = (await owner.call('keys-before', 'keys.list')).result.length;
    s.send({ op: 'call', id: 'order-after', method: 'orders.create', params: BUY_LIMIT_LOW });
    s.send({ op: 'call', id: 'key-after', method: 'keys.create', params: { name: 'escape', scopes: ['admin'] } });
    const closed = await s.closed;
    expect(closed.code).toBe(WS_CLOSE.UNAUTHORIZED);
    expect(closed.reason).toMatch(/revoked or has expired/);
    expect(s.received.filter((m) => m.id === 'order-after' || m.id === 'key-after')).toEqual([]);
    expect((await owner.call('orders-after', 'orders.list', {})).result.length).toBe(ordersBefore);
    expect((await owner.call('keys-after', 'keys.list')).result.length).toBe(keysBefore);
    owner.close();
  });

  it('closes an idle socket whose key stopped being live even when no revocation was pushed (expiry)', async () => {
    const r = await start({ ws: { recheckMs: 20 } }, silentRevocations);
    const owner = await TestSocket.open(r.url, { authorization: `Bearer ${r.te.keys.admin}` });
    const doomed = await newKey(owner, ['read']);
    const idle = await TestSocket.open(r.url, { authorization: `Bearer ${doomed.key}` });
    await owner.call('revoke', 'keys.delete', { id: doomed.id });
    const closed = await idle.closed;
    expect(closed.code).toBe(WS_CLOSE.UNAUTHORIZED);
    expect(closed.reason).toMatch(/revoked or has expired/);
    owner.close();
  });
});
