/**
 * Tern speaks Binance over WebSockets (issue 14): the real ccxt.pro `binance`
 * class, its hosts pointed at Tern's /binance, watches its orders and balance
 * (the WebSocket API's user-data subscription) and Tern's own market data
 * (ticker, order book, trades, candles); a bot without ccxt uses listen keys
 * (`/api/v3/userDataStream`) and `/ws/<listenKey>`, which expire after 60
 * minutes without a keepalive (an injected clock: nothing waits an hour).
 */
import ccxt from 'ccxt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EngineApi } from '../../../src-common/contract/engine-api.js';
import type { EngineEvent } from '../../../src-common/contract/events.js';
import { createApiServer, type ApiServer } from '../../../src-main/api/server.js';
import type { TestEngine } from '../../helpers/api-harness.js';
import type { FakeFeed } from '../../helpers/fake-feed.js';
import { realEngineWithFeed } from '../../helpers/real-engine-factory.js';

type Pro = InstanceType<typeof ccxt.pro.binance>;

/** every Binance URL of the class (REST and WebSocket), its host replaced by Tern's /binance */
function pointAt(value: unknown, http: string): unknown {
  const ws = http.replace(/^http/, 'ws');
  if (typeof value === 'string') return value.replace(/^https:\/\/[a-z0-9.-]*binance\.com(:\d+)?/, http).replace(/^wss:\/\/[a-z0-9.-]*binance\.(com|vision)(:\d+)?/, ws);
  if (Array.isArray(value)) return value.map((v) => pointAt(v, http));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pointAt(v, http)]));
  return value;
}

async function proFor(base: string, key: string): Promise<Pro> {
  const ex = new ccxt.pro.binance({ apiKey: key, secret: key, enableRateLimit: false, options: { fetchMarkets: { types: ['spot'] }, fetchMargins: false, fetchCurrencies: false } });
  ex.urls['api'] = pointAt(ex.urls['api'], base) as typeof ex.urls.api;
  // ccxt.pro refuses plain ws:// until its agent is loaded
  await ex.loadHttpProxyAgent();
  await ex.loadMarkets();
  return ex;
}

const admin = { actor: 'test' };
let te: TestEngine & { feed: FakeFeed };
let server: ApiServer;
let url: string;
/** the streams' clock runs ahead of the machine's by `ahead` (listen key expiry without waiting an hour) */
let ahead = 0;
const clock = (): number => Date.now() + ahead;
let pro: Pro;

beforeAll(async () => {
  te = await realEngineWithFeed();
  server = createApiServer({
    engine: te.engine,
    version: 'test',
    logger: false,
    port: 0,
    rateLimit: { perSecond: 1000, burst: 1000 },
    binanceStreams: { now: clock, sweepMs: 10, tickerMs: 0 },
  });
  url = (await server.listen()).url;
  pro = await proFor(`${url}/binance`, te.keys.trade);
});

afterAll(async () => {
  await pro?.close();
  await server?.close();
  await te?.close();
});

/** a watch's answer, or an error naming what did not come */
function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 10_000);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * Calls `watch` until `done` says what it returned is enough (each watch returns
 * what came since the last); `act` runs once the first watch is waiting, `nudge`
 * every 30 ms while watching (a market that keeps moving).
 */
async function watchUntil<T>(watch: () => Promise<T>, done: (seen: T[]) => boolean, nudge?: () => void, act?: () => Promise<unknown>): Promise<T[]> {
  const seen: T[] = [];
  const timer = nudge ? setInterval(nudge, 30) : undefined;
  try {
    let pending = watch();
    await act?.();
    for (;;) {
      seen.push(await within(pending, `a watch to see enough; seen: ${JSON.stringify(seen).slice(0, 300)}`));
      if (done(seen)) return seen;
      pending = watch();
    }
  } finally {
    clearInterval(timer);
  }
}

/** a raw client: every JSON message it received, and its close */
function connect(path: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; messages: any[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}${path}`, { headers });
    const messages: any[] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    ws.on('open', () => resolve({ ws, messages, closed }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function listenKey(key = te.keys.trade, method = 'POST', listen?: string): Promise<{ status: number; json: any }> {
  const query = listen === undefined ? '' : `?listenKey=${listen}`;
  const res = await fetch(`${url}/binance/api/v3/userDataStream${query}`, { method, headers: { 'x-mbx-apikey': key } });
  return { status: res.status, json: await res.json() };
}

describe('ccxt.pro binance: user data through the WebSocket API', () => {
  it('watchOrders sees a limit order open then filled, and another canceled, with the client ids it placed them with', async () => {
    await pro.ensureUserDataStreamWsSubscribeSignature('spot');
    let placed: { id?: string } = {};
    const opened = await watchUntil(
      () => pro.watchOrders('BTC/USDT'),
      (seen) => seen.flat().some((o) => o.id === placed.id && o.status === 'open'),
      undefined,
      async () => (placed = await pro.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 44990, { clientOrderId: 'ws-fill-1' })),
    );
    expect(opened.flat().find((o) => o.id === placed.id)).toMatchObject({ clientOrderId: 'ws-fill-1', side: 'buy', price: 44990, amount: 0.01, filled: 0 });
    const filled = await watchUntil(
      () => pro.watchOrders('BTC/USDT'),
      (seen) => seen.flat().some((o) => o.id === placed.id && o.status === 'closed'),
      undefined,
      // the market comes down through the order's price: the paper venue fills it
      async () => te.feed.pushBook('BTC/USDT', [['44979.99', '100']], [['44980.01', '100']]),
    );
    const done = filled.flat().find((o) => o.id === placed.id && o.status === 'closed')!;
    expect(done).toMatchObject({ clientOrderId: 'ws-fill-1', filled: 0.01, remaining: 0 });
    const tern = await te.engine.call('orders.get', { id: 'ws-fill-1' }, admin);
    expect(done.average).toBe(Number(tern.average_price));
    const fills = (await te.engine.call('fills.list', { account: 'paper', symbol: 'BTC/USDT', limit: 10 }, admin)).filter((f) => f.order_id === tern.id);
    // the fee as Tern charged it, in its asset
    expect([done.fee?.cost, done.fee?.currency]).toEqual([Number(fills[0]!.fee), fills[0]!.fee_asset]);
    // the same TRADE report is watchMyTrades' trade: Tern's fill id, price and amount
    const mine = (pro.myTrades ?? []).filter((t) => t.order === placed.id);
    expect(mine.map((t) => [t.id, t.price, t.amount, t.side])).toEqual([[fills[0]!.id, Number(fills[0]!.price), 0.01, 'buy']]);

    let other: { id?: string } = {};
    const canceled = await watchUntil(
      () => pro.watchOrders('BTC/USDT'),
      (seen) => seen.flat().some((o) => o.id === other.id && o.status === 'canceled'),
      undefined,
      async () => {
        other = await pro.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000, { clientOrderId: 'ws-cancel-1' });
        await pro.cancelOrder(String(other.id), 'BTC/USDT');
      },
    );
    expect(canceled.flat().find((o) => o.id === other.id && o.status === 'canceled')).toMatchObject({ clientOrderId: 'ws-cancel-1' });
    te.feed.pushBook('BTC/USDT', [['44999.99', '100']], [['45000.01', '100']]);
  });

  it('watchBalance follows outboundAccountPosition', async () => {
    await pro.ensureUserDataStreamWsSubscribeSignature('spot');
    const [b] = await watchUntil(() => pro.watchBalance(), () => true, undefined, () => pro.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000, { clientOrderId: 'ws-balance-1' }));
    const usdt = (await te.engine.call('balances.list', { account: 'paper' }, admin)).find((x) => x.asset === 'USDT')!;
    // what the order locked, as Tern's own balance says
    expect([b!['USDT']?.free, b!['USDT']?.used]).toEqual([Number(usdt.free), Number(usdt.locked)]);
    await pro.cancelOrder('ws-balance-1', 'BTC/USDT', { clientOrderId: 'ws-balance-1' });
  });

  it('a wrong signature is refused with -1022; an unknown key with -2015', async () => {
    const ws = await connect('/binance/ws-api/v3');
    ws.ws.send(JSON.stringify({ id: 'a', method: 'userDataStream.subscribe.signature', params: { apiKey: te.keys.trade, timestamp: clock(), signature: 'ab'.repeat(32) } }));
    ws.ws.send(JSON.stringify({ id: 'b', method: 'userDataStream.subscribe.signature', params: { apiKey: 'no-such-key', timestamp: clock(), signature: 'ab'.repeat(32) } }));
    await until(() => ws.messages.length === 2, 'two answers');
    expect(ws.messages.find((m) => m.id === 'a')).toMatchObject({ status: 400, error: { code: -1022 } });
    expect(ws.messages.find((m) => m.id === 'b')).toMatchObject({ status: 401, error: { code: -2015 } });
    ws.ws.close();
  });
});

describe("ccxt.pro binance: Tern's market data as Binance's market streams", () => {
  it('watchTicker: the miniTicker stream ccxt.pro asks by default, and @ticker with the touch', async () => {
    const nudge = () => {
      te.feed.pushTrade('BTC/USDT', '45010', '0.1', 'buy');
      te.feed.pushBook('BTC/USDT', [['44999.99', '100']], [['45000.01', '100']]);
    };
    const mini = await watchUntil(() => pro.watchTicker('BTC/USDT'), (seen) => seen.some((x) => x.last === 45010), nudge);
    expect(mini.at(-1)).toMatchObject({ symbol: 'BTC/USDT', last: 45010 });
    const full = await watchUntil(() => pro.watchTicker('BTC/USDT', { name: 'ticker' }), (seen) => seen.some((x) => x.bid === 44999.99), nudge);
    expect(full.at(-1)).toMatchObject({ symbol: 'BTC/USDT', bid: 44999.99, ask: 45000.01, last: 45010 });
  });

  it('watchOrderBook: the REST snapshot, then the depth updates of each book change', async () => {
    te.feed.pushBook('ETH/USDT', [['2999.99', '1000']], [['3000.01', '1000']]);
    const first = await pro.watchOrderBook('ETH/USDT');
    expect(first.bids[0]).toEqual([2999.99, 1000]);
    te.feed.pushBook('ETH/USDT', [['2999.5', '7'], ['2999', '3']], [['3000.5', '4']]);
    const books = await watchUntil(
      () => pro.watchOrderBook('ETH/USDT'),
      (seen) => seen.some((b) => b.bids[0]?.[0] === 2999.5),
    );
    const book = books.at(-1)!;
    // the old levels went with the change (quantity 0 in the update)
    expect(book.bids.slice(0, 2)).toEqual([[2999.5, 7], [2999, 3]]);
    expect(book.asks[0]).toEqual([3000.5, 4]);
  });

  it('watchTrades', async () => {
    const trades = await watchUntil(
      () => pro.watchTrades('BTC/USDT'),
      (seen) => seen.flat().length > 0,
      () => te.feed.pushTrade('BTC/USDT', '45000.5', '0.25', 'sell'),
    );
    expect(trades.flat()[0]).toMatchObject({ symbol: 'BTC/USDT', price: 45000.5, amount: 0.25, side: 'sell' });
  });

  it('watchOHLCV: final 1m bars as kline_1m', async () => {
    let ts = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
    const candles = await watchUntil(
      () => pro.watchOHLCV('BTC/USDT', '1m'),
      (seen) => seen.flat().length > 0,
      () => te.feed.pushBar('BTC/USDT', { ts: (ts += 60_000), open: '45000', high: '45100', low: '44900', close: '45050', volume: '2.5' }),
    );
    expect(candles.flat()[0]?.slice(1)).toEqual([45000, 45100, 44900, 45050, 2.5]);
  });

  it('the combined /stream?streams= form and SUBSCRIBE / UNSUBSCRIBE with their {result: null, id} reply', async () => {
    const c = await connect('/binance/stream?streams=btcusdt@trade');
    te.feed.pushTrade('BTC/USDT', '45001', '0.5', 'buy');
    await until(() => c.messages.length > 0, 'a trade');
    expect(c.messages[0]).toMatchObject({ stream: 'btcusdt@trade', data: { e: 'trade', s: 'BTCUSDT', p: '45001.00000000', q: '0.50000000', m: false } });
    c.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['ethusdt@bookTicker', 'ethusdt@depth5@100ms'], id: 7 }));
    c.ws.send(JSON.stringify({ method: 'UNSUBSCRIBE', params: ['btcusdt@trade'], id: 8 }));
    c.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['nonsense'], id: 9 }));
    await until(() => c.messages.some((m) => m.id === 9), 'the replies');
    expect(c.messages.filter((m) => m.id !== undefined)).toEqual([
      { result: null, id: 7 },
      { result: null, id: 8 },
      { error: { code: 2, msg: "Invalid request: unknown stream 'nonsense'" }, id: 9 },
    ]);
    c.messages.length = 0;
    te.feed.pushTrade('BTC/USDT', '45002', '0.5', 'buy');
    te.feed.pushBook('ETH/USDT', [['2998', '1']], [['3001', '2']]);
    await until(() => c.messages.length >= 2, 'book events');
    expect(c.messages.map((m) => m.stream).sort()).toEqual(['ethusdt@bookTicker', 'ethusdt@depth5@100ms']);
    expect(c.messages.find((m) => m.stream === 'ethusdt@bookTicker').data).toMatchObject({ s: 'ETHUSDT', b: '2998.00000000', B: '1.00000000', a: '3001.00000000', A: '2.00000000' });
    c.ws.close();
  });

  it("Tern's Host and Origin rules apply to the upgrade", async () => {
    await expect(connect('/binance/ws/btcusdt@trade', { origin: 'https://evil.example' })).rejects.toThrow(/upgrade refused: 403/);
    await expect(connect('/binance/ws/btcusdt@trade', { host: 'evil.example' })).rejects.toThrow(/upgrade refused: 4\d\d/);
  });
});

describe('listen keys and /ws/<listenKey>', () => {
  it("sends the key's account's executionReports exactly as Binance (client ids, statuses, cumulative quantities, fees)", async () => {
    const { json } = await listenKey();
    expect(json.listenKey).toMatch(/^[A-Za-z0-9]{60}$/);
    expect((await listenKey()).json.listenKey).toBe(json.listenKey);
    const s = await connect(`/binance/ws/${json.listenKey}`);
    const bot = await proFor(`${url}/binance`, te.keys.trade);
    te.feed.pushBook('BTC/USDT', [['44999.99', '100']], [['45000.01', '100']]);
    await bot.createOrder('BTC/USDT', 'market', 'buy', 0.02, undefined, { clientOrderId: 'lk-market-1' });
    await until(() => s.messages.some((m) => m.e === 'executionReport' && m.x === 'TRADE' && m.c === 'lk-market-1'), 'the fill');
    await until(() => s.messages.some((m) => m.e === 'outboundAccountPosition'), 'the balances');
    const reports = s.messages.filter((m) => m.e === 'executionReport' && m.c === 'lk-market-1');
    expect(reports.map((m) => [m.x, m.X])).toEqual([['NEW', 'NEW'], ['TRADE', 'FILLED']]);
    const tern = await te.engine.call('orders.get', { id: 'lk-market-1' }, admin);
    const [fill] = (await te.engine.call('fills.list', { account: 'paper', symbol: 'BTC/USDT', limit: 10 }, admin)).filter((f) => f.order_id === tern.id);
    expect(reports[1]).toMatchObject({
      s: 'BTCUSDT', S: 'BUY', o: 'MARKET', q: '0.02000000', i: tern.id, l: '0.02000000', z: '0.02000000', L: '45000.01000000',
      Z: '900.00020000', Y: '900.00020000', n: Number(fill!.fee).toFixed(8), N: fill!.fee_asset, t: fill!.id, m: false, w: false, C: '',
    });
    const position = s.messages.find((m) => m.e === 'outboundAccountPosition');
    expect(position.B.map((b: { a: string }) => b.a).sort()).toEqual(['BTC', 'USDT']);
    const placed = await bot.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000, { clientOrderId: 'lk-cancel-1' });
    await bot.cancelOrder(String(placed.id), 'BTC/USDT', { newClientOrderId: 'my-cancel-1' });
    await until(() => s.messages.some((m) => m.x === 'CANCELED' && m.C === 'lk-cancel-1'), 'the cancel');
    expect(s.messages.find((m) => m.x === 'CANCELED' && m.C === 'lk-cancel-1')).toMatchObject({ c: 'my-cancel-1', X: 'CANCELED', z: '0.00000000' });
    await bot.close();
    s.ws.close();
  });

  it('a keepalive extends the key 60 minutes; without one it expires: listenKeyExpired, the stream closes, the key is -1125', async () => {
    const { json } = await listenKey();
    const s = await connect(`/binance/ws/${json.listenKey}`);
    ahead += 59 * 60_000;
    expect(await listenKey(te.keys.trade, 'PUT', json.listenKey)).toEqual({ status: 200, json: {} });
    ahead += 59 * 60_000;
    await new Promise((r) => setTimeout(r, 50));
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
    ahead += 2 * 60_000;
    expect(await s.closed).toBe(1000);
    expect(s.messages.at(-1)).toEqual({ e: 'listenKeyExpired', E: expect.any(Number), listenKey: json.listenKey });
    expect(await listenKey(te.keys.trade, 'PUT', json.listenKey)).toEqual({ status: 400, json: { code: -1125, msg: 'This listenKey does not exist.' } });
    // a new one is a new key
    expect((await listenKey()).json.listenKey).not.toBe(json.listenKey);
  });

  it('a closed key ends its stream with listenKeyExpired; an unknown key, or another API key\'s, is -1125', async () => {
    const { json } = await listenKey();
    const s = await connect(`/binance/ws/${json.listenKey}`);
    expect(await listenKey(te.keys.read, 'PUT', json.listenKey)).toMatchObject({ status: 400, json: { code: -1125 } });
    expect(await listenKey(te.keys.trade, 'PUT', 'x'.repeat(60))).toMatchObject({ status: 400, json: { code: -1125 } });
    expect(await listenKey(te.keys.trade, 'DELETE', json.listenKey)).toEqual({ status: 200, json: {} });
    expect(await s.closed).toBe(1000);
    expect(s.messages).toEqual([{ e: 'listenKeyExpired', E: expect.any(Number), listenKey: json.listenKey }]);
    const unknown = await connect(`/binance/ws/${'a'.repeat(60)}`);
    await unknown.closed;
    expect(unknown.messages).toEqual([{ code: -1125, msg: 'This listenKey does not exist.' }]);
    expect((await listenKey('not-a-key')).json.code).toBe(-2015);
  });

  it("/binance/ACCOUNT/: the listen key is that account's, and its stream reports that account's orders only", async () => {
    await te.engine.call('accounts.create', { id: 'paper2', exchange: 'paper', mode: 'paper' }, admin);
    const res = await fetch(`${url}/binance/paper2/api/v3/userDataStream`, { method: 'POST', headers: { 'x-mbx-apikey': te.keys.trade } });
    const { listenKey: key } = (await res.json()) as { listenKey: string };
    expect(key).not.toBe((await listenKey()).json.listenKey);
    const s = await connect(`/binance/paper2/ws/${key}`);
    const main = await proFor(`${url}/binance`, te.keys.trade);
    const second = await proFor(`${url}/binance/paper2`, te.keys.trade);
    await main.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000, { clientOrderId: 'acct-paper-1' });
    await second.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000, { clientOrderId: 'acct-paper2-1' });
    await until(() => s.messages.some((m) => m.c === 'acct-paper2-1'), "paper2's order");
    expect(s.messages.filter((m) => m.e === 'executionReport').map((m) => m.c)).toEqual(['acct-paper2-1']);
    await main.cancelAllOrders('BTC/USDT');
    await second.cancelAllOrders('BTC/USDT');
    await main.close();
    await second.close();
    s.ws.close();
  });

  it('revoking the key ends its listen key streams', async () => {
    const k = await te.engine.call('keys.create', { name: 'bot-revoked', scopes: ['read'] }, admin);
    const { json } = await listenKey(k.key);
    const s = await connect(`/binance/ws/${json.listenKey}`);
    await te.engine.call('keys.delete', { id: k.id }, admin);
    expect(await s.closed).toBe(1000);
    expect(s.messages).toEqual([{ e: 'listenKeyExpired', E: expect.any(Number), listenKey: json.listenKey }]);
  });

  it("a halted key's stream still reports the cancels of its orders", async () => {
    const k = await te.engine.call('keys.create', { name: 'bot-halt', scopes: ['trade'] }, admin);
    const { json } = await listenKey(k.key);
    const s = await connect(`/binance/ws/${json.listenKey}`);
    const bot = await proFor(`${url}/binance`, k.key);
    await bot.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000, { clientOrderId: 'halt-1' });
    await te.engine.call('keys.halt', { id: k.id }, admin);
    await until(() => s.messages.some((m) => m.x === 'CANCELED' && m.C === 'halt-1'), 'the cancel');
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
    await bot.close();
    s.ws.close();
  });
});

describe('a client that stops reading', () => {
  it('is closed with 4008 (slow consumer) while the engine goes on and a reading client on the same stream gets every event', async () => {
    // the engine's events, plus large books of the test's own
    const listeners = new Set<(e: EngineEvent) => void>();
    const e = te.engine;
    const engine: EngineApi = {
      call: (m, p, c) => e.call(m, p, c),
      answer: (m, p, c) => e.answer(m, p, c),
      authenticate: (k, o) => e.authenticate(k, o),
      keyPrincipal: (id) => e.keyPrincipal(id),
      onKeyRevoked: (l) => e.onKeyRevoked(l),
      stats: () => e.stats(),
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const small = createApiServer({ engine, version: 'test', logger, port: 0, ws: { maxBufferedBytes: 256 * 1024, closeGraceMs: 60_000 } });
    const base = (await small.listen()).url.replace('http', 'ws');
    const open = (path: string) =>
      new Promise<{ ws: WebSocket; got: number; closed: Promise<number> }>((resolve, reject) => {
        const ws = new WebSocket(`${base}${path}`);
        const c = { ws, got: 0, closed: new Promise<number>((r) => ws.on('close', (code) => r(code))) };
        ws.on('message', () => void (c.got += 1));
        ws.on('open', () => resolve(c));
        ws.on('error', reject);
      });
    try {
      const stalled = await open('/binance/ws/btcusdt@depth');
      const reader = await open('/binance/ws/btcusdt@depth');
      const raw = (stalled.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      raw.pause();
      // 200 levels a side, every quantity changed each time: ~16 KB a diff, until the server gives up on the stalled client
      const levels = (n: number, from: number, q: number) => Array.from({ length: n }, (_, i) => [String(from + i), String(q)] as [string, string]);
      const dropped = () => lines.some((l) => l.includes('slow consumer'));
      let pushes = 0;
      for (; !dropped() && pushes < 8192; pushes++) {
        const q = (pushes % 2) + 1;
        const book = { account: 'paper', symbol: 'BTC/USDT', bids: levels(200, 1000, q), asks: levels(200, 50_000, q), ts: new Date().toISOString() };
        for (const l of listeners) l({ kind: 'book', channel: 'book:paper:BTC/USDT', data: book } as EngineEvent);
        if (pushes % 8 === 0) await new Promise((r) => setImmediate(r));
      }
      expect(dropped()).toBe(true);
      await until(() => reader.got === pushes, 'the reader to get every diff');
      raw.resume();
      expect(await stalled.closed).toBe(4008);
      expect(reader.ws.readyState).toBe(WebSocket.OPEN);
      reader.ws.close();
    } finally {
      await small.close();
    }
  });
});
