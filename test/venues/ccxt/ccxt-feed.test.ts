import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../../../src-main/engine/ports/clock.js';
import type { MarketEvent } from '../../../src-main/engine/ports/market-data.js';
import { MarketCache } from '../../../src-main/store/market-cache.js';
import { CcxtFeed, type SymbolStatus } from '../../../src-main/venues/ccxt/ccxt-feed.js';
import { createExchange } from '../../../src-main/venues/ccxt/exchange-factory.js';
import type { HistoryProgress } from '../../../src-main/venues/ccxt/history.js';
import { startExchangeSim, type ExchangeSim } from '../../../tools/exchange-sim/index.js';
import { startSimTern, until } from './sim-harness.js';

let sim: ExchangeSim;
let cache: MarketCache;
const feeds: CcxtFeed[] = [];

function feed(opts: { staleAfterMs?: number; baseUrl?: string; timeoutMs?: number; clock?: Clock } = {}): CcxtFeed {
  const exchange = createExchange({ exchange: 'binance', baseUrl: opts.baseUrl ?? sim.url, timeoutMs: opts.timeoutMs ?? 1000, rateLimitMs: 5 });
  const f = new CcxtFeed({ exchange, source: 'binance@sim', clock: opts.clock ?? systemClock, cache, ownsExchange: true, staleAfterMs: opts.staleAfterMs ?? 10_000 });
  feeds.push(f);
  return f;
}

beforeAll(async () => {
  sim = await startExchangeSim({ historyMinutes: 3000 });
  sim.control.setPrice('BTC/USDT', '60000');
  cache = MarketCache.open('');
});

afterEach(async () => {
  sim.control.clearFaults();
  for (const f of feeds.splice(0)) await f.stop();
});

afterAll(async () => {
  cache.close();
  await sim.close();
});

describe('CcxtFeed: public market data from an exchange through ccxt', () => {
  it("loads the exchange's spot instruments with their filters and caches them; an unreachable exchange opens from the cache", async () => {
    const specs = await feed().loadMarkets();
    const btc = specs.find((s) => s.symbol === 'BTC/USDT')!;
    expect(btc.priceIncrement.toFixed()).toBe('0.01');
    expect(btc.sizeIncrement.toFixed()).toBe('0.00001');
    expect(btc.minNotional.toFixed()).toBe('5');
    expect(cache.loadInstruments('binance@sim')!.specs.map((s) => s.symbol)).toEqual(specs.map((s) => s.symbol).sort());
    const offline = feed({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 300 });
    expect((await offline.loadMarkets()).map((s) => s.symbol).sort()).toEqual(specs.map((s) => s.symbol).sort());
  });

  it('the first question about a symbol starts watching it: book, last trade and 1m bars arrive over the websockets', async () => {
    const f = feed();
    await f.loadMarkets();
    await f.start();
    const events: MarketEvent[] = [];
    f.subscribe((e) => events.push(e));
    expect(f.book('BTC/USDT')).toBeUndefined(); // not yet: this starts the watch
    await until(() => f.bars('BTC/USDT', 10).length > 0 && f.lastPrice('BTC/USDT') !== undefined, 'seeded bars and last price');
    await until(() => sim.control.wsSubscriptions().includes('btcusdt@trade'), 'subscribed');
    sim.control.setPrice('BTC/USDT', '60100');
    await until(() => f.book('BTC/USDT') !== undefined && events.some((e) => e.type === 'trade'), 'book and trade');
    const book = f.book('BTC/USDT')!;
    expect(book.bids[0]![0].lt(book.asks[0]![0])).toBe(true);
    expect(f.lastPrice('BTC/USDT')!.gte(60100)).toBe(true);
    expect(f.status()).toEqual([expect.objectContaining({ symbol: 'BTC/USDT', stale: false, transport: 'websocket' })]);
  });

  it('after the market connections drop it says it is reconnecting, watches again (ccxt resubscribes) and data flows on', async () => {
    const f = feed();
    await f.loadMarkets();
    await f.start();
    const trades: MarketEvent[] = [];
    const changes: SymbolStatus[] = [];
    f.subscribe((e) => e.type === 'trade' && trades.push(e));
    f.onStatus((s) => changes.push(s));
    f.watch('ETH/USDT');
    await until(() => sim.control.wsSubscriptions().includes('ethusdt@trade'), 'subscribed');
    expect(sim.control.dropWebSockets('market')).toBeGreaterThan(0);
    await until(() => sim.control.wsSubscriptions().includes('ethusdt@trade'), 'resubscribed', 8000);
    await new Promise((r) => setTimeout(r, 50));
    sim.control.setPrice('ETH/USDT', '3100');
    await until(() => trades.length > 0, 'a trade after the reconnect', 5000);
    expect(changes.some((c) => c.symbol === 'ETH/USDT' && c.reconnecting)).toBe(true);
    expect(f.status().find((s) => s.symbol === 'ETH/USDT')!.reconnecting).toBe(false);
  });

  it('a watched symbol without updates turns stale, says so, and is fresh again on the next update', async () => {
    const f = feed({ staleAfterMs: 300 });
    await f.loadMarkets();
    await f.start();
    const changes: SymbolStatus[] = [];
    f.onStatus((s) => changes.push(s));
    f.watch('ETH/BTC');
    await until(() => sim.control.wsSubscriptions().includes('ethbtc@trade'), 'subscribed');
    sim.control.tick('ETH/BTC');
    await until(() => changes.some((c) => c.stale), 'stale', 3000);
    sim.control.tick('ETH/BTC');
    await until(() => changes.at(-1)!.stale === false, 'fresh again', 3000);
    expect(f.status()[0]!.stale).toBe(false);
  });

  it('turns stale after its silence even when the wall clock is set a day back meanwhile', async () => {
    let offset = 0;
    const f = feed({ staleAfterMs: 600, clock: { now: () => Date.now() + offset, monotonic: () => performance.now() } });
    await f.loadMarkets();
    await f.start();
    const changes: SymbolStatus[] = [];
    f.onStatus((s) => changes.push(s));
    f.watch('ETH/BTC');
    await until(() => sim.control.wsSubscriptions().includes('ethbtc@trade'), 'subscribed');
    sim.control.tick('ETH/BTC');
    // the tick's messages have all arrived (no update for a while, not yet stale)
    let last: number | null = null;
    let quietSince = Date.now();
    await until(() => {
      const now = f.status()[0]!.lastUpdate;
      if (now !== last) [last, quietSince] = [now, Date.now()];
      return last !== null && Date.now() - quietSince > 250;
    }, 'the updates to settle');
    const seen = changes.length;
    // the last update is now a day in the future of the wall clock
    offset = -86_400_000;
    await until(() => changes.slice(seen).some((c) => c.stale), 'stale', 3000);
  });

  it('downloads candle history page by page into the cache, with progress, and resumes where it stopped', async () => {
    const f = feed();
    const now = sim.control.now();
    const since = Math.floor(now / 60_000) * 60_000 - 2500 * 60_000;
    const until_ = since + 2400 * 60_000;
    sim.control.addFault({ kind: 'status', status: 503, endpoint: 'GET /api/v3/klines', times: 1 });
    sim.control.resetRequests();
    // the first attempt fails after its first page... (the 503 hits the first request, so it fails at once)
    await expect(f.downloadHistory({ symbol: 'ETH/USDT', timeframe: '1m', since, until: until_, pageSize: 1000 })).rejects.toThrow(/not available/);
    const progress: HistoryProgress[] = [];
    const bars = await f.downloadHistory({ symbol: 'ETH/USDT', timeframe: '1m', since, until: until_, pageSize: 1000, onProgress: (p) => progress.push(p) });
    expect(bars).toHaveLength(2400);
    expect(bars[1]!.ts - bars[0]!.ts).toBe(60_000);
    expect(progress.at(-1)).toMatchObject({ done: true, cached: 2400, expected: 2400 });
    expect(progress.filter((p) => !p.done).map((p) => p.cached)).toEqual([0, 1000, 2000, 2400]);
    // a longer window later fetches only what is missing
    sim.control.resetRequests();
    const more = await f.downloadHistory({ symbol: 'ETH/USDT', timeframe: '1m', since, until: until_ + 60 * 60_000, pageSize: 1000 });
    expect(more).toHaveLength(2460);
    expect(sim.control.requests('GET /api/v3/klines')).toHaveLength(1);
    expect(sim.control.requests('GET /api/v3/klines')[0]!.params['startTime']).toBe(String(until_));
  });
});

describe('a paper account mirroring a real exchange', () => {
  it("market.trades: asking starts watching the symbol; its public trades are the exchange's prints, not the paper fills", async () => {
    const h = await startSimTern({ account: false });
    try {
      h.sim.control.setPrice('ETH/USDT', '3000');
      await h.call('accounts.create', { id: 'mirror-t', exchange: 'binance', mode: 'paper', base_url: h.sim.url, starting_balances: { USDT: '10000' } });
      expect(await h.call('market.trades', { account: 'mirror-t', symbol: 'ETH/USDT' })).toEqual([]); // starts watching
      await until(() => h.sim.control.wsSubscriptions().includes('ethusdt@trade'), 'subscribed');
      h.sim.control.setPrice('ETH/USDT', '3010');
      await until(async () => (await h.call('market.trades', { account: 'mirror-t', symbol: 'ETH/USDT' })).length > 0, "the exchange's prints", 5000);
      const prints = await h.call('market.trades', { account: 'mirror-t', symbol: 'ETH/USDT' });
      expect(prints[0]).toMatchObject({ id: 1, account: 'mirror-t', symbol: 'ETH/USDT' });
      await until(async () => (await h.call('market.ticker', { account: 'mirror-t', symbol: 'ETH/USDT' })).ask !== null, 'a live ask', 5000);
      const o = await h.call('orders.create', { account: 'mirror-t', symbol: 'ETH/USDT', side: 'buy', type: 'market', quantity: '0.3' });
      expect(o.status, o.reject_reason ?? '').toBe('filled');
      // the fill stayed local: the (quiet) exchange printed nothing more, and Tern added no print of its own
      await new Promise((r) => setTimeout(r, 100));
      expect(await h.call('market.trades', { account: 'mirror-t', symbol: 'ETH/USDT' })).toEqual(prints);
    } finally {
      await h.close();
    }
  });

  it('quotes the exchange live and fills locally: nothing reaches the exchange', async () => {
    const h = await startSimTern({ account: false });
    try {
      h.sim.control.setPrice('ETH/USDT', '3000');
      await h.call('accounts.create', { id: 'mirror', exchange: 'binance', mode: 'paper', base_url: h.sim.url, starting_balances: { USDT: '10000' } });
      expect((await h.call('instruments.list', { account: 'mirror' })).map((i) => i.symbol)).toContain('ETH/USDT');
      await h.call('market.ticker', { account: 'mirror', symbol: 'ETH/USDT' }); // starts watching
      await until(async () => (await h.call('market.ticker', { account: 'mirror', symbol: 'ETH/USDT' })).ask !== null, 'a live ask', 5000);
      const o = await h.call('orders.create', { account: 'mirror', symbol: 'ETH/USDT', side: 'buy', type: 'market', quantity: '0.5' });
      expect(o.status, o.reject_reason ?? '').toBe('filled');
      expect(Number(o.average_price)).toBeGreaterThan(3000);
      expect(h.sim.control.requestCount('POST /api/v3/order')).toBe(0);
      expect((await h.call('positions.list', { account: 'mirror' }))[0]).toMatchObject({ symbol: 'ETH/USDT', quantity: '0.5' });
      // no keys for a paper account, and reconciliation has nothing to compare
      await expect(h.call('reconcile.run', { account: 'mirror' })).rejects.toThrow(/nothing to reconcile/);
    } finally {
      await h.close();
    }
  });
});
