/**
 * Per-bot keys over REST (issue 14): two bots, each with its own key made by
 * POST /api/v1/keys. One key's risk limit, rate limit, accounts and halt
 * apply to it and not to the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiServer, type ApiServer } from '../../src-main/api/server.js';
import type { TestEngine } from '../helpers/api-harness.js';
import { realEngineFactory } from '../helpers/real-engine-factory.js';

let te: TestEngine;
let server: ApiServer;
let url: string;

beforeAll(async () => {
  te = await realEngineFactory();
  server = createApiServer({ engine: te.engine, version: 'test', logger: false, port: 0, rateLimit: { perSecond: 1000, burst: 1000 } });
  url = (await server.listen()).url;
});

afterAll(async () => {
  await server?.close();
  await te?.close();
});

async function api(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

async function bot(params: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const res = await api('POST', '/api/v1/keys', te.keys.admin, { name: 'bot', scopes: ['trade'], ...params });
  expect(res.status).toBe(201);
  return res.json;
}

const BUY = { account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: '40000', quantity: '0.01' };

describe('POST /api/v1/keys with rate_limit, accounts and risk_limits', () => {
  it("applies one key's own risk limit and rate limit to it and not to the other key", async () => {
    const limited = await bot({ rate_limit: { per_second: 1, burst: 3 }, risk_limits: { max_order_notional: '100' } });
    const free = await bot();
    // its own limit: 400 USDT is beyond its 100, refused naming the key scope; the other key places it
    const refused = await api('POST', '/api/v1/orders', limited.key, BUY);
    expect(refused.status).toBe(422);
    expect(refused.json.error).toMatchObject({ code: 'RISK_REJECTED', details: { rule: 'max_order_notional' } });
    expect(refused.json.error.message).toContain(`key ${limited.id}`);
    const placed = await api('POST', '/api/v1/orders', free.key, BUY);
    expect(placed.status).toBe(201);
    expect(placed.json.key_id).toBe(free.id);
    // its own rate: 3 requests at once, then 429 with Retry-After; the other key goes on
    const small = { ...BUY, quantity: '0.002' };
    expect((await api('POST', '/api/v1/orders', limited.key, small)).status).toBe(201);
    const third = await api('GET', '/api/v1/orders?limit=1', limited.key);
    expect(third.status).toBe(200);
    const over = await api('GET', '/api/v1/orders?limit=1', limited.key);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(over.json.error).toMatchObject({ code: 'RATE_LIMITED', details: { rule: 'rate_limit' } });
    for (let i = 0; i < 5; i++) expect((await api('GET', '/api/v1/orders?limit=1', free.key)).status).toBe(200);

    const keys = (await api('GET', '/api/v1/keys', te.keys.admin)).json as any[];
    const shown = keys.find((k) => k.id === limited.id);
    expect(shown).toMatchObject({ rate_limit: { per_second: 1, burst: 3 }, accounts: null, risk_limits: { max_order_notional: '100' }, halted: null, usage: { orders_today: 1, open_orders: 1, open_notional: '80' } });
    expect(keys.find((k) => k.id === free.id)).toMatchObject({ rate_limit: null, risk_limits: {} });
    const byKey = (await api('GET', `/api/v1/orders?key_id=${free.id}`, te.keys.admin)).json as any[];
    expect(byKey.map((o) => o.id)).toEqual([placed.json.id]);
  });

  it('refuses a rate above what the machine sustains and an unknown account, naming the field', async () => {
    const fast = await api('POST', '/api/v1/keys', te.keys.admin, { name: 'x', scopes: ['trade'], rate_limit: { per_second: 1_000_000, burst: 10 } });
    expect(fast.status).toBe(400);
    expect(fast.json.error.details.field).toBe('rate_limit.per_second');
    const unknown = await api('POST', '/api/v1/keys', te.keys.admin, { name: 'x', scopes: ['trade'], accounts: ['nowhere'] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.details.field).toBe('accounts');
  });

  it('refuses an order on an account outside the key\'s accounts, naming the rule', async () => {
    await api('POST', '/api/v1/accounts', te.keys.admin, { id: 'paper-b', exchange: 'paper', mode: 'paper' });
    const onlyB = await bot({ accounts: ['paper-b'] });
    const refused = await api('POST', '/api/v1/orders', onlyB.key, BUY);
    expect(refused.status).toBe(422);
    expect(refused.json.error.details).toMatchObject({ rule: 'key_accounts', field: 'account' });
    expect((await api('POST', '/api/v1/orders', onlyB.key, { ...BUY, account: 'paper-b' })).status).toBe(201);
  });

  it("POST /api/v1/keys/{id}/halt cancels that key's working orders and refuses its new ones; the other key's are untouched", async () => {
    const a = await bot();
    const b = await bot();
    const mine = (await api('POST', '/api/v1/orders', a.key, BUY)).json;
    const theirs = (await api('POST', '/api/v1/orders', b.key, BUY)).json;
    const halted = await api('POST', `/api/v1/keys/${a.id}/halt`, te.keys.admin, { reason: 'runaway' });
    expect(halted.status).toBe(200);
    expect(halted.json.canceled).toEqual([mine.id]);
    expect((await api('GET', `/api/v1/orders/${mine.id}`, te.keys.admin)).json.status).toBe('canceled');
    expect((await api('GET', `/api/v1/orders/${theirs.id}`, te.keys.admin)).json.status).toBe('open');
    const refused = await api('POST', '/api/v1/orders', a.key, BUY);
    expect(refused.status).toBe(422);
    expect(refused.json.error.details.rule).toBe('key_halted');
    expect((await api('POST', '/api/v1/orders', b.key, BUY)).status).toBe(201);
    expect((await api('GET', '/api/v1/risk', te.keys.admin)).json.state).toBe('ACTIVE');
    expect((await api('POST', `/api/v1/keys/${a.id}/resume`, te.keys.admin)).json.halted).toBeNull();
    expect((await api('POST', '/api/v1/orders', a.key, BUY)).status).toBe(201);
  });

  it("applies a key's own limit to its WebSocket calls too, and its orders carry its key_id", async () => {
    const limited = await bot({ risk_limits: { max_order_notional: '100' } });
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/ws`, { headers: { authorization: `Bearer ${limited.key}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const replies = new Map<number, (m: any) => void>();
    ws.on('message', (m) => {
      const msg = JSON.parse(String(m));
      replies.get(msg.id)?.(msg);
    });
    const call = (id: number, method: string, params: unknown) =>
      new Promise<any>((resolve) => {
        replies.set(id, resolve);
        ws.send(JSON.stringify({ op: 'call', id, method, params }));
      });
    try {
      expect((await call(1, 'orders.create', BUY)).error).toMatchObject({ code: 'RISK_REJECTED', details: { rule: 'max_order_notional' } });
      const ok = await call(2, 'orders.create', { ...BUY, quantity: '0.002' });
      expect(ok.result.key_id).toBe(limited.id);
    } finally {
      ws.close();
    }
  });
});
