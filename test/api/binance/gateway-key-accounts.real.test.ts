/**
 * A key limited to some accounts (`accounts: [...]`, per-bot keys, issue 14)
 * reaches only those through the Binance gateway: REST under
 * `/binance/OTHER/`, a listen key for OTHER and the WebSocket API's
 * user-data subscription on OTHER are refused alike with Binance's -2015,
 * while its own account works on every path (and on `/binance/` when that
 * is its account). Public market data stays public.
 */
import { createHmac } from 'node:crypto';
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiServer, type ApiServer } from '../../../src-main/api/server.js';
import type { TestEngine } from '../../helpers/api-harness.js';
import { binanceFor } from '../../helpers/ccxt-binance.js';
import { realEngineFactory } from '../../helpers/real-engine-factory.js';

const admin = { actor: 'test' };
const REFUSED = { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' };
let te: TestEngine;
let server: ApiServer;
let url: string;
/** a key that may trade `paper-b` only */
let onlyB: string;

beforeAll(async () => {
  te = await realEngineFactory();
  server = createApiServer({ engine: te.engine, version: 'test', logger: false, port: 0, rateLimit: { perSecond: 1000, burst: 1000 } });
  url = (await server.listen()).url;
  await te.engine.call('accounts.create', { id: 'paper-b', exchange: 'paper', mode: 'paper' }, admin);
  onlyB = (await te.engine.call('keys.create', { name: 'bot-b', scopes: ['trade'], accounts: ['paper-b'] }, admin)).key;
});

afterAll(async () => {
  await server?.close();
  await te?.close();
});

async function signed(method: string, path: string, key: string, query = ''): Promise<{ status: number; json: any }> {
  const q = `${query}${query ? '&' : ''}timestamp=${Date.now()}`;
  const res = await fetch(`${url}${path}?${q}&signature=${createHmac('sha256', key).update(q).digest('hex')}`, { method, headers: { 'x-mbx-apikey': key } });
  return { status: res.status, json: await res.json() };
}

async function userDataStream(prefix: string, key: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${prefix}/api/v3/userDataStream`, { method: 'POST', headers: { 'x-mbx-apikey': key } });
  return { status: res.status, json: await res.json() };
}

/** the WebSocket API's answer to a signed userDataStream.subscribe.signature on `prefix` */
async function subscribe(prefix: string, key: string): Promise<any> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}${prefix}/ws-api/v3`);
  await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
  const answer = new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
  const params: Record<string, unknown> = { apiKey: key, timestamp: Date.now() };
  params['signature'] = createHmac('sha256', key).update(`apiKey=${key}&timestamp=${String(params['timestamp'])}`).digest('hex');
  ws.send(JSON.stringify({ id: 's', method: 'userDataStream.subscribe.signature', params }));
  try {
    return await answer;
  } finally {
    ws.close();
  }
}

describe("a key's accounts on the Binance gateway", () => {
  it('REST: an account the key may not trade is -2015 on every keyed endpoint (reads too); its own account answers', async () => {
    for (const [method, path, query] of [
      ['GET', '/binance/api/v3/account', ''],
      ['GET', '/binance/paper/api/v3/account', ''],
      ['GET', '/binance/api/v3/openOrders', ''],
      ['GET', '/binance/api/v3/myTrades', 'symbol=BTCUSDT'],
      ['GET', '/binance/api/v3/allOrders', 'symbol=BTCUSDT'],
    ] as const) {
      expect(await signed(method, path, onlyB, query), `${method} ${path}`).toEqual({ status: 401, json: REFUSED });
    }
    expect((await signed('GET', '/binance/paper-b/api/v3/account', onlyB)).status).toBe(200);
    // an unlimited key reads either
    expect((await signed('GET', '/binance/paper/api/v3/account', te.keys.trade)).status).toBe(200);
  });

  it('the real ccxt class: AuthenticationError on the other account, trading on its own', async () => {
    const other = binanceFor(`${url}/binance`, onlyB);
    const mine = binanceFor(`${url}/binance/paper-b`, onlyB);
    await mine.loadMarkets();
    other.setMarkets(mine.markets);
    // a first call refused (ccxt reads -2015 after a key once worked as a temporary ban, as against Binance)
    await expect(other.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    const placed = await mine.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 40000);
    expect((await te.engine.call('orders.get', { id: String(placed.id) }, admin)).account).toBe('paper-b');
    await mine.cancelOrder(String(placed.id), 'BTC/USDT');
  });

  it('a listen key for an account the key may not trade is -2015; for its own, a listen key', async () => {
    expect(await userDataStream('/binance', onlyB)).toEqual({ status: 401, json: REFUSED });
    expect(await userDataStream('/binance/paper', onlyB)).toEqual({ status: 401, json: REFUSED });
    const own = await userDataStream('/binance/paper-b', onlyB);
    expect(own.status).toBe(200);
    expect(own.json.listenKey).toMatch(/^[A-Za-z0-9]{60}$/);
  });

  it('the WebSocket API: userDataStream.subscribe.signature on another account is -2015, on its own a subscription', async () => {
    expect(await subscribe('/binance', onlyB)).toEqual({ id: 's', status: 401, error: REFUSED });
    expect(await subscribe('/binance/paper', onlyB)).toEqual({ id: 's', status: 401, error: REFUSED });
    expect(await subscribe('/binance/paper-b', onlyB)).toEqual({ id: 's', status: 200, result: { subscriptionId: 0 } });
  });

  it('public market data stays public, with the key or without', async () => {
    const res = await fetch(`${url}/binance/paper/api/v3/ticker/price?symbol=BTCUSDT`, { headers: { 'x-mbx-apikey': onlyB } });
    expect(res.status).toBe(200);
  });
});
