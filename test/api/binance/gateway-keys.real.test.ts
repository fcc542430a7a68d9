/**
 * Per-bot keys through the Binance gateway (issue 14): two bots on the real
 * ccxt.binance class, each with its own Tern key. One key's own risk limit
 * is refused as InvalidOrder naming the rule, its own rate limit with -1003,
 * 429 and Retry-After; the other key trades on.
 */
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../../src-main/api/server.js';
import type { TestEngine } from '../../helpers/api-harness.js';
import { realEngineFactory } from '../../helpers/real-engine-factory.js';
import { binanceFor } from '../../helpers/ccxt-binance.js';

const admin = { actor: 'test' };
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

describe('per-bot keys through the Binance gateway', () => {
  it("a key's own risk limit is InvalidOrder naming the rule; the other key's same order goes through with its key_id", async () => {
    const limited = await te.engine.call('keys.create', { name: 'bot-a', scopes: ['trade'], risk_limits: { max_order_notional: '100' } }, admin);
    const free = await te.engine.call('keys.create', { name: 'bot-b', scopes: ['trade'] }, admin);
    const a = binanceFor(`${url}/binance`, limited.key);
    const b = binanceFor(`${url}/binance`, free.key);
    await a.loadMarkets();
    await b.loadMarkets();
    const err = await a.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.InvalidOrder);
    expect(String((err as Error).message)).toContain('"code":-2010');
    expect(String((err as Error).message)).toContain(`max_order_notional (key ${limited.id})`);
    const o = await b.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000);
    expect((await te.engine.call('orders.get', { id: String(o.id) }, admin)).key_id).toBe(free.id);
  });

  it("a halted key's orders are refused as InvalidOrder naming the key halt", async () => {
    const k = await te.engine.call('keys.create', { name: 'bot-c', scopes: ['trade'] }, admin);
    const bot = binanceFor(`${url}/binance`, k.key);
    await bot.loadMarkets();
    await te.engine.call('keys.halt', { id: k.id, reason: 'runaway' }, admin);
    const err = await bot.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.InvalidOrder);
    expect(String((err as Error).message)).toContain('key_halted');
  });

  it("a key's own rate limit is refused with -1003, 429 and Retry-After (ccxt: DDoSProtection, the RateLimitExceeded family); the other key is not throttled", async () => {
    const slow = await te.engine.call('keys.create', { name: 'bot-slow', scopes: ['read'], rate_limit: { per_second: 0.5, burst: 2 } }, admin);
    const other = await te.engine.call('keys.create', { name: 'bot-fast', scopes: ['read'] }, admin);
    const ts = () => `timestamp=${Date.now()}`;
    const { createHmac } = await import('node:crypto');
    const raw = async (key: string) => {
      const q = ts();
      return fetch(`${url}/binance/api/v3/account?${q}&signature=${createHmac('sha256', key).update(q).digest('hex')}`, { headers: { 'x-mbx-apikey': key } });
    };
    expect((await raw(slow.key)).status).toBe(200);
    expect((await raw(slow.key)).status).toBe(200);
    const over = await raw(slow.key);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await over.json()).code).toBe(-1003);
    const bot = binanceFor(`${url}/binance`, slow.key);
    // ccxt.binance raises DDoSProtection for every 429 before it reads the code, as against Binance itself
    // (RateLimitExceeded is its subclass, raised for -1003 without a 429); the body still says -1003
    const err = await bot.fetchBalance().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.DDoSProtection);
    expect(String((err as Error).message)).toContain('-1003');
    for (let i = 0; i < 4; i++) expect((await raw(other.key)).status).toBe(200);
  });
});
