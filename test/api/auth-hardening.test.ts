import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AuthFailures } from '../../src-main/api/auth-failures.js';
import { duplicateKey } from '../../src-main/api/json-duplicates.js';
import { createApiServer, WEB_SESSION_TTL_S, type ApiServer, type ApiServerOptions } from '../../src-main/api/server.js';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import { RestClient, fakeEngineFactory, type TestEngine } from '../helpers/api-harness.js';
import { TestSocket } from '../helpers/ws-client.js';

const open: Array<{ server: ApiServer; te: TestEngine }> = [];
afterEach(async () => {
  for (const { server, te } of open.splice(0)) {
    await server.close();
    await te.close();
  }
});

let webRoot: string | undefined;
afterAll(() => {
  if (webRoot) rmSync(webRoot, { recursive: true, force: true });
});
function aWebRoot(): string {
  if (webRoot) return webRoot;
  webRoot = mkdtempSync(join(tmpdir(), 'tern-webroot-'));
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Tern</title>');
  return webRoot;
}

async function harness(options: Partial<ApiServerOptions> = {}, wrap?: (e: EngineApi) => EngineApi) {
  const te = await fakeEngineFactory();
  const server = createApiServer({ engine: wrap ? wrap(te.engine) : te.engine, version: '9.9.9', logger: false, ...options });
  await server.app.ready();
  open.push({ server, te });
  return { te, server, api: new RestClient(server.app) };
}

/** a request from another loopback source address */
function from(server: ApiServer, remoteAddress: string, key?: string) {
  return server.app.inject({ method: 'GET', url: '/api/v1/accounts', remoteAddress, headers: { host: '127.0.0.1:7878', ...(key ? { authorization: `Bearer ${key}` } : {}) } });
}

describe('failed authentication is throttled per client address', () => {
  it('answers 429 with Retry-After once an address spent its failures, while a valid key still works', async () => {
    const { te, server, api } = await harness({ authFailureLimit: { perSecond: 1, burst: 3 } });
    for (let i = 0; i < 3; i++) expect((await api.get('/api/v1/accounts', { key: `tern_wrong_${i}` })).status).toBe(401);
    const refused = await api.get('/api/v1/accounts', { key: 'tern_wrong_again' });
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ code: 'RATE_LIMITED', details: { rule: 'auth_failures' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // no key at all counts the same
    expect((await api.get('/api/v1/accounts')).status).toBe(429);
    // the trader's own key from the same address is not locked out
    expect((await api.get('/api/v1/accounts', { key: te.keys.read })).status).toBe(200);
    // another address has its own budget
    expect((await from(server, '127.0.0.2', 'tern_wrong')).statusCode).toBe(401);
  });

  it('gives a throttled caller only the cheap key lookup (no slow hash check)', async () => {
    const asked: Array<boolean | undefined> = [];
    const { api } = await harness({ authFailureLimit: { perSecond: 1, burst: 1 } }, (e) =>
      // the engine as it is, except that authenticate records what it was asked
      new Proxy(e, {
        get(target, prop) {
          if (prop === 'authenticate')
            return (key: string, options?: { slowHash?: boolean }) => {
              asked.push(options?.slowHash);
              return target.authenticate(key, options);
            };
          const value = Reflect.get(target, prop) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    );
    await api.get('/api/v1/accounts', { key: 'tern_wrong_1' });
    await api.get('/api/v1/accounts', { key: 'tern_wrong_2' });
    expect(asked).toEqual([undefined, false]);
  });

  it('throttles wrong sign-in tokens, before the body is read', async () => {
    const { api } = await harness({ authFailureLimit: { perSecond: 1, burst: 2 }, web: { root: aWebRoot() } });
    const wrong = () => api.post('/api/v1/session/exchange', { token: 'x'.repeat(43) });
    expect((await wrong()).status).toBe(401);
    expect((await wrong()).status).toBe(401);
    const refused = await wrong();
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    // even a body that does not parse gets the 429: nothing of the request is looked at
    expect((await api.post('/api/v1/session/exchange', '{not json')).status).toBe(429);
  });

  it('counts failed WebSocket auth messages too: past the budget the socket closes with 4429, and a valid key still gets in', async () => {
    const { te, server } = await harness({ authFailureLimit: { perSecond: 1, burst: 2 }, port: 0 });
    const { port } = await server.listen();
    const url = `ws://127.0.0.1:${port}/api/v1/ws`;
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const ws = await TestSocket.open(url);
      ws.send({ op: 'auth', key: `tern_wrong_${i}` });
      codes.push((await ws.closed).code);
    }
    expect(codes).toEqual([4401, 4401, 4429]);
    // a REST call without a key from the same address is refused the same way
    expect((await new RestClient(server.app, `127.0.0.1:${port}`).get('/api/v1/accounts')).status).toBe(429);
    const good = await TestSocket.open(url);
    good.send({ op: 'auth', key: te.keys.read });
    expect(await good.next((m) => m.op === 'authenticated')).toMatchObject({ op: 'authenticated' });
    good.ws.close();
  });

  it('AuthFailures keeps a bounded number of addresses and refills on a monotonic clock', () => {
    let t = 0;
    const failures = new AuthFailures({ perSecond: 1, burst: 2 }, () => t);
    expect(failures.fail('127.0.0.1')).toBe(0);
    expect(failures.fail('127.0.0.1')).toBe(0);
    expect(failures.fail('127.0.0.1')).toBe(1);
    expect(failures.retryAfter('127.0.0.1')).toBe(1);
    expect(failures.retryAfter('127.0.0.9')).toBe(0);
    t += 1000;
    expect(failures.retryAfter('127.0.0.1')).toBe(0);
    for (let i = 0; i < 3000; i++) failures.fail(`127.0.${i >> 8}.${i & 255}`);
    expect(failures.size).toBeLessThanOrEqual(1025);
  });
});

describe('web sign-in mints a session key, not a permanent one', () => {
  it('the key expires after the documented session length', async () => {
    const { te, server } = await harness({ web: { root: aWebRoot() }, port: 0 });
    const { port } = await server.listen();
    const web = new RestClient(server.app, `127.0.0.1:${port}`);
    const token = new URL(server.createSignInLink().url).hash.replace('#signin=', '');
    const res = await web.post('/api/v1/session/exchange', { token });
    expect(res.status).toBe(201);
    expect(WEB_SESSION_TTL_S).toBe(12 * 3600);
    const ttl = Date.parse(res.json.expires_at) - Date.parse(res.json.created_at);
    expect(ttl).toBe(WEB_SESSION_TTL_S * 1000);
    expect(te.engine.authenticate(res.json.key)).toMatchObject({ id: res.json.id });
  });
});

describe('JSON answers', () => {
  it('carry Cache-Control: no-store and X-Content-Type-Options: nosniff, errors included', async () => {
    const { te, api } = await harness();
    const answers = [
      await api.get('/health'),
      await api.get('/api/v1/accounts', { key: te.keys.read }),
      await api.get('/api/v1/accounts'),
      await api.get('/api/v1/openapi.json'),
      await api.get('/api/v1/nope'),
      await api.post('/api/v1/orders', '{bad', { key: te.keys.trade }),
      await api.get('/api/v1/accounts', { headers: { host: 'evil.example:7878' } }),
    ];
    for (const res of answers) {
      expect(res.headers['content-type'], res.body).toMatch(/json/);
      expect(res.headers['cache-control'], res.body).toBe('no-store');
      expect(res.headers['x-content-type-options'], res.body).toBe('nosniff');
    }
  });
});

describe('duplicate keys in a JSON body', () => {
  it('are refused with 400 naming the key, not "last one wins"', async () => {
    const { te, api } = await harness();
    const res = await api.post('/api/v1/orders', '{"account":"paper","symbol":"BTC/USDT","side":"buy","type":"market","quantity":"0.01","quantity":"100"}', { key: te.keys.trade });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'quantity' } });
    expect(res.json.error.message).toContain('"quantity"');
    // nothing was placed
    expect((await api.get('/api/v1/orders?status=all', { key: te.keys.read })).json).toEqual([]);
  });

  it('are found inside nested objects and through escapes, while equal keys in different objects are fine', async () => {
    const { te, api } = await harness();
    const nested = await api.request('PUT', '/api/v1/risk/limits', { key: te.keys.admin, body: '{"limits":{"max_open_orders":"5","max_open_order\\u0073":"500"}}' });
    expect(nested.status).toBe(400);
    expect(nested.json.error.details).toEqual({ field: 'max_open_orders' });
    // the body size limit still holds
    const big = await api.post('/api/v1/orders', JSON.stringify({ account: 'paper', pad: 'x'.repeat(70 * 1024) }), { key: te.keys.trade });
    expect(big.status).toBe(413);
  });

  it('are refused in WebSocket messages too, answering the call by its id', async () => {
    const { te, server } = await harness({ port: 0 });
    const { port } = await server.listen();
    const ws = await TestSocket.open(`ws://127.0.0.1:${port}/api/v1/ws`, { authorization: `Bearer ${te.keys.trade}` });
    ws.send('{"op":"call","id":7,"method":"orders.create","params":{"account":"paper","symbol":"BTC/USDT","side":"buy","type":"market","quantity":"0.01","quantity":"100"}}');
    expect(await ws.next((m) => m.id === 7)).toMatchObject({ id: 7, error: { code: 'BAD_REQUEST', details: { field: 'quantity' } } });
    ws.ws.close();
    expect(await te.engine.call('orders.list', { status: 'all' }, { actor: 't' })).toEqual([]);
  });

  it('duplicateKey tracks objects and arrays', () => {
    expect(duplicateKey('{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}')).toBeNull();
    expect(duplicateKey('{"a":1,"b":[1,"a",{"x":1}],"a":2}')).toBe('a');
    expect(duplicateKey('[{"x":1,"y":{"z":1,"z":2}}]')).toBe('z');
    expect(duplicateKey('{"k\\"q":1,"k\\u0022q":2}')).toBe('k"q');
    expect(duplicateKey('{"a":"{\\"a\\":1}","b":"a"}')).toBeNull();
    expect(duplicateKey('"{}"')).toBeNull();
    expect(duplicateKey('{}')).toBeNull();
  });
});
