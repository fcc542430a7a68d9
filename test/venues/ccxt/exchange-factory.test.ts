/**
 * What createExchange fixes in ccxt's own promises (the real classes, against
 * the loopback simulator): a failed market load is not kept, and a websocket
 * client's Futures rejected with no one awaiting them are not unhandled.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createExchange, exchangeReady } from '../../../src-main/venues/ccxt/exchange-factory.js';
import { startExchangeSim, type ExchangeSim } from '../../../tools/exchange-sim/index.js';

let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startExchangeSim({ historyMinutes: 10 });
});
afterAll(async () => {
  await sim?.close();
});

it('a failed loadMarkets is forgotten: the next call loads the markets afresh', async () => {
  const ex = createExchange({ exchange: 'binance', baseUrl: sim.url, timeoutMs: 2000, rateLimitMs: 5 });
  await exchangeReady(ex);
  sim.control.addFault({ kind: 'status', status: 503, endpoint: 'GET /api/v3/exchangeInfo', times: 1 });
  await expect(ex.loadMarkets()).rejects.toThrow(/503/);
  // ccxt alone answers every later call with the first failure, the exchange back or not
  const markets = await ex.loadMarkets();
  expect(Object.keys(markets)).toContain('ETH/USDT');
  expect((await ex.fetchTicker('ETH/USDT')).symbol).toBe('ETH/USDT');
  await ex.close();
});

it("a websocket client's Futures rejected with no one awaiting them are handled; an awaiter still gets the rejection", async () => {
  const unhandled: unknown[] = [];
  const spy = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', spy);
  try {
    const ex = createExchange({ exchange: 'binance', baseUrl: sim.url, timeoutMs: 2000, rateLimitMs: 5 });
    await exchangeReady(ex);
    type Client = { future(hash: string): Promise<unknown>; reject(err: unknown, hash?: string): void };
    const client = (ex as unknown as { client(url: string): Client }).client(`${sim.wsUrl}/ws-api/v3`);
    client.future('parked'); // as ccxt.pro's user-data subscription does
    const awaited = client.future('awaited');
    client.reject(new Error('the socket failed')); // every Future of the client
    await expect(awaited).rejects.toThrow('the socket failed');
    await new Promise((r) => setTimeout(r, 20));
    expect(unhandled).toEqual([]);
    await ex.close();
  } finally {
    process.off('unhandledRejection', spy);
  }
});
