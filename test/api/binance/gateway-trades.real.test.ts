/**
 * Binance's public trades on Tern's gateway (issue 14): `trades`,
 * `aggTrades` (what ccxt's binance fetchTrades asks by default) and
 * `historicalTrades` (a key in X-MBX-APIKEY, unsigned) answer with the
 * prints of the account's market data — the feed's, never the trader's own
 * fills — numbered per symbol with the ids the `@trade` stream carries.
 * The real ccxt.binance class reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiServer, type ApiServer } from '../../../src-main/api/server.js';
import type { TestEngine } from '../../helpers/api-harness.js';
import { binanceFor, type Binance } from '../../helpers/ccxt-binance.js';
import type { FakeFeed } from '../../helpers/fake-feed.js';
import { realEngineWithFeed } from '../../helpers/real-engine-factory.js';

let te: TestEngine & { feed: FakeFeed };
let server: ApiServer;
let url: string;
let bot: Binance;
const T0 = Date.parse('2026-03-01T12:00:00.000Z');

beforeAll(async () => {
  te = await realEngineWithFeed();
  server = createApiServer({ engine: te.engine, version: 'test', logger: false, port: 0, rateLimit: { perSecond: 1000, burst: 1000 } });
  url = (await server.listen()).url;
  bot = binanceFor(`${url}/binance`, te.keys.trade);
  await bot.loadMarkets();
  // five prints of the feed, a second apart: sells at 45000 and 45000.5, buys above
  te.feed.pushTrade('BTC/USDT', '45000', '0.1', 'sell', T0);
  te.feed.pushTrade('BTC/USDT', '45001', '0.2', 'buy', T0 + 1000);
  te.feed.pushTrade('BTC/USDT', '45000.5', '0.3', 'sell', T0 + 2000);
  te.feed.pushTrade('BTC/USDT', '45002', '0.4', 'buy', T0 + 3000);
  te.feed.pushTrade('BTC/USDT', '45003', '0.5', 'buy', T0 + 4000);
});

afterAll(async () => {
  await server?.close();
  await te?.close();
});

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${path}`, { headers });
  return { status: res.status, json: await res.json() };
}

describe("Binance's public trades from Tern's market data", () => {
  it('ccxt fetchTrades (aggTrades): the prints with their ids, prices, amounts, times and aggressor sides', async () => {
    expect(bot.options['fetchTradesMethod'] ?? 'publicGetAggTrades').toBe('publicGetAggTrades');
    const trades = await bot.fetchTrades('BTC/USDT');
    expect(trades.map((t) => [t.id, t.price, t.amount, t.timestamp, t.side])).toEqual([
      ['1', 45000, 0.1, T0, 'sell'],
      ['2', 45001, 0.2, T0 + 1000, 'buy'],
      ['3', 45000.5, 0.3, T0 + 2000, 'sell'],
      ['4', 45002, 0.4, T0 + 3000, 'buy'],
      ['5', 45003, 0.5, T0 + 4000, 'buy'],
    ]);
    // since: ccxt sends startTime and endTime (an hour on); limit
    expect((await bot.fetchTrades('BTC/USDT', T0 + 2000, 2)).map((t) => t.id)).toEqual(['3', '4']);
    expect((await bot.fetchTrades('BTC/USDT', undefined, 2)).map((t) => t.id)).toEqual(['4', '5']);
  });

  it("raw aggTrades: Binance's aggregate shape, fromId and an inclusive endTime", async () => {
    const agg = await get(`/binance/api/v3/aggTrades?symbol=BTCUSDT&fromId=2&limit=1`);
    expect(agg).toEqual({ status: 200, json: [{ a: 2, p: '45001.00000000', q: '0.20000000', f: 2, l: 2, T: T0 + 1000, m: false, M: true }] });
    const window = await get(`/binance/api/v3/aggTrades?symbol=BTCUSDT&startTime=${T0 + 1000}&endTime=${T0 + 3000}`);
    expect(window.json.map((t: any) => t.a)).toEqual([2, 3, 4]);
  });

  it('raw trades (newest `limit`, default 500, max 1000) and the same through ccxt with fetchTradesMethod publicGetTrades', async () => {
    const raw = await get('/binance/api/v3/trades?symbol=BTCUSDT&limit=2');
    expect(raw).toEqual({
      status: 200,
      json: [
        { id: 4, price: '45002.00000000', qty: '0.40000000', quoteQty: '18000.80000000', time: T0 + 3000, isBuyerMaker: false, isBestMatch: true },
        { id: 5, price: '45003.00000000', qty: '0.50000000', quoteQty: '22501.50000000', time: T0 + 4000, isBuyerMaker: false, isBestMatch: true },
      ],
    });
    expect((await get('/binance/api/v3/trades?symbol=BTCUSDT')).json).toHaveLength(5);
    expect((await get('/binance/api/v3/trades?symbol=BTCUSDT&limit=1001')).json.code).toBe(-1130);
    const viaTrades = await bot.fetchTrades('BTC/USDT', undefined, undefined, { fetchTradesMethod: 'publicGetTrades' });
    expect(viaTrades.map((t) => [t.id, t.side, t.cost])).toEqual([
      ['1', 'sell', 4500],
      ['2', 'buy', 9000.2],
      ['3', 'sell', 13500.15],
      ['4', 'buy', 18000.8],
      ['5', 'buy', 22501.5],
    ]);
  });

  it('historicalTrades needs a key (X-MBX-APIKEY, unsigned) and reads from fromId; ccxt sends its key', async () => {
    expect(await get('/binance/api/v3/historicalTrades?symbol=BTCUSDT')).toEqual({ status: 401, json: { code: -2014, msg: 'API-key format invalid.' } });
    const from3 = await get('/binance/api/v3/historicalTrades?symbol=BTCUSDT&fromId=3&limit=2', { 'x-mbx-apikey': te.keys.read });
    expect(from3.status).toBe(200);
    expect(from3.json.map((t: any) => [t.id, t.price])).toEqual([
      [3, '45000.50000000'],
      [4, '45002.00000000'],
    ]);
    const viaHistorical = await bot.fetchTrades('BTC/USDT', undefined, 3, { fetchTradesMethod: 'publicGetHistoricalTrades' });
    expect(viaHistorical.map((t) => t.id)).toEqual(['3', '4', '5']);
  });

  it('unsupported or malformed parameters are named (-1104, -1100); an unknown symbol is -1121', async () => {
    expect((await get('/binance/api/v3/trades?symbol=BTCUSDT&fromId=1')).json).toEqual({ code: -1104, msg: "Not all sent parameters were read; parameter 'fromId' is not supported." });
    expect((await get('/binance/api/v3/aggTrades?symbol=BTCUSDT&startTime=soon')).json.code).toBe(-1100);
    expect((await get('/binance/api/v3/aggTrades?symbol=BTCUSDT&startTime=soon')).json.msg).toContain("'startTime'");
    expect((await get('/binance/api/v3/aggTrades')).json).toMatchObject({ code: -1102, msg: expect.stringContaining("'symbol'") });
    expect((await get('/binance/api/v3/trades?symbol=DOGEUSDT')).json.code).toBe(-1121);
  });

  it("a paper fill is the trader's, not the market's: myTrades shows it, trades does not", async () => {
    const before = (await get('/binance/api/v3/trades?symbol=BTCUSDT')).json;
    const order = await bot.createOrder('BTC/USDT', 'market', 'buy', 0.01);
    expect(order.status).toBe('closed');
    expect((await bot.fetchMyTrades('BTC/USDT')).some((t) => t.order === order.id)).toBe(true);
    expect((await get('/binance/api/v3/trades?symbol=BTCUSDT')).json).toEqual(before);
  });

  it("the @trade stream's ids are the ones REST answers with", async () => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/binance/ws/btcusdt@trade`);
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
    const event = new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    te.feed.pushTrade('BTC/USDT', '45004', '0.6', 'buy', T0 + 5000);
    const streamed = await event;
    ws.close();
    const last = (await get('/binance/api/v3/trades?symbol=BTCUSDT&limit=1')).json[0];
    expect([streamed.t, streamed.p, streamed.T]).toEqual([last.id, last.price, last.time]);
    expect(last.id).toBe(6);
    // Tern's own route: the same print, the same id
    const tern = await te.engine.call('market.trades', { account: 'paper', symbol: 'BTC/USDT', limit: 1 }, { actor: 'test' });
    expect(tern).toEqual([{ id: 6, account: 'paper', symbol: 'BTC/USDT', price: '45004', quantity: '0.6', side: 'buy', ts: new Date(T0 + 5000).toISOString() }]);
  });

  it('another account numbers its own prints; ccxt on /binance/ACCOUNT reads them', async () => {
    await te.engine.call('accounts.create', { id: 'paper-t', exchange: 'paper', mode: 'paper' }, { actor: 'test' });
    te.feed.pushTrade('BTC/USDT', '45010', '1', 'sell', T0 + 6000);
    const other = binanceFor(`${url}/binance/paper-t`, te.keys.trade);
    other.setMarkets(bot.markets);
    expect((await other.fetchTrades('BTC/USDT')).map((t) => [t.id, t.price])).toEqual([['1', 45010]]);
  });
});
