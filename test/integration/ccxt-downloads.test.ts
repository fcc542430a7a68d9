/**
 * Candle history through the protocol: market.download pages fetchOHLCV from
 * the exchange (the simulator) into the SQLite cache as a job with progress
 * events, resumes after a failure with only what is missing, and
 * market.candles answers from the cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DownloadJob } from '../../src-common/contract/schemas.js';
import { str, dec } from '../../src-main/engine/model/decimal.js';
import { MarketCache } from '../../src-main/store/market-cache.js';
import { startSimTern, until, type SimTern } from '../venues/ccxt/sim-harness.js';

const MIN = 60_000;

describe('history downloads through the protocol', () => {
  let h: SimTern;
  const events: DownloadJob[] = [];
  let since: number;
  let end: number;

  beforeAll(async () => {
    h = await startSimTern({ sim: { historyMinutes: 4000 } });
    h.rt.api.subscribe((e) => {
      if (e.kind === 'downloads') events.push(e.data as DownloadJob);
    });
    since = Math.floor(h.sim.control.now() / MIN) * MIN - 3900 * MIN;
    end = since + 3500 * MIN;
  });
  afterAll(async () => {
    await h?.close();
  });

  const job = async (id: string) => (await h.call('market.downloads', {})).find((j) => j.id === id)!;
  // the download's pages (the feed's own seeding of watched symbols asks for the newest candles, without startTime)
  const klinesStarts = () => h.sim.control.requests('GET /api/v3/klines').flatMap((r) => (r.params['startTime'] ? [Number(r.params['startTime'])] : []));

  it('downloads page by page; a 5xx on page 3 fails the job, and downloading again resumes it fetching only the missing pages', async () => {
    h.sim.control.resetRequests();
    // the third page fails (only the download's: the feed's own seeding of watched symbols asks for klines too)
    h.sim.control.addFault({ kind: 'status', status: 503, endpoint: 'GET /api/v3/klines', params: { symbol: 'ETHUSDT', startTime: String(since + 2000 * MIN) }, times: 1 });
    const params = { account: 'bn', symbol: 'ETH/USDT', timeframe: '1m', since: new Date(since).toISOString(), until: end } as const;
    const started = await h.call('market.download', params);
    expect(started).toMatchObject({ account: 'bn', symbol: 'ETH/USDT', timeframe: '1m', status: 'running', total_estimate: 3500, since: new Date(since).toISOString(), until: new Date(end).toISOString() });
    await until(async () => (await job(started.id)).status !== 'running', 'the first attempt to end');
    const failed = await job(started.id);
    expect(failed).toMatchObject({ status: 'failed', fetched: 2000, total_estimate: 3500 });
    expect(failed.error).toMatch(/not available.*download again to resume/);
    expect(klinesStarts()).toEqual([since, since + 1000 * MIN, since + 2000 * MIN]);

    h.sim.control.resetRequests();
    const resumed = await h.call('market.download', params);
    expect(resumed).toMatchObject({ id: started.id, status: 'running', fetched: 2000 });
    expect(resumed.error).toBeUndefined();
    await until(async () => (await job(started.id)).status !== 'running', 'the resumed download to end');
    expect(await job(started.id)).toMatchObject({ status: 'done', fetched: 3500, total_estimate: 3500, progress: 1 });
    expect(klinesStarts()).toEqual([since + 2000 * MIN, since + 3000 * MIN]);

    // the progress events of the job, across the failure and the resume, never go back
    const mine = events.filter((e) => e.id === started.id);
    expect(mine.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < mine.length; i++) {
      expect(mine[i]!.fetched).toBeGreaterThanOrEqual(mine[i - 1]!.fetched);
      expect(mine[i]!.progress).toBeGreaterThanOrEqual(mine[i - 1]!.progress);
    }
    expect(mine.map((e) => e.fetched)).toEqual(expect.arrayContaining([1000, 2000, 3000, 3500]));
    expect([...new Set(mine.map((e) => e.status))]).toEqual(['running', 'failed', 'done']);
    expect(mine.at(-1)).toMatchObject({ status: 'done', progress: 1 });
  });

  it("the cached candles are the exchange's klines, and market.candles answers from them", async () => {
    const sim: Array<[number, string, string, string, string, string]> = [];
    for (let start = since; start < end; start += 1000 * MIN) {
      const res = await fetch(`${h.sim.url}/api/v3/klines?symbol=ETHUSDT&interval=1m&startTime=${start}&limit=1000`);
      for (const k of (await res.json()) as unknown[][]) {
        if ((k[0] as number) < end) sim.push([k[0] as number, ...(k.slice(1, 6).map((x) => str(dec(x as string))) as [string, string, string, string, string])]);
      }
    }
    expect(sim).toHaveLength(3500);

    const cache = MarketCache.open(h.rt.store.file);
    try {
      const source = `binance@${h.sim.url}`;
      const rows = cache.candles(source, 'ETH/USDT', '1m', since, end).map((b) => [b.ts, str(b.open), str(b.high), str(b.low), str(b.close), str(b.volume)]);
      expect(rows).toEqual(sim);
    } finally {
      cache.close();
    }

    const candles = await h.call('market.candles', { account: 'bn', symbol: 'ETH/USDT', timeframe: '1m', since, until: end, limit: 5000 });
    expect(candles.map((c) => [c[0], ...c.slice(1).map((x) => str(dec(x as string)))])).toEqual(sim);
    // a coarser timeframe rolls the 1m candles up
    const hourStart = Math.ceil(since / (60 * MIN)) * 60 * MIN;
    const hours = await h.call('market.candles', { account: 'bn', symbol: 'ETH/USDT', timeframe: '1h', since: hourStart, limit: 3 });
    const first = sim.filter((k) => k[0] >= hourStart && k[0] < hourStart + 60 * MIN);
    expect(hours[0]).toEqual([hourStart, first[0]![1], expect.any(String), expect.any(String), first.at(-1)![4], expect.any(String)]);
    expect(Number(hours[0]![2])).toBe(Math.max(...first.map((k) => Number(k[2]))));
  });

  it('refuses a download it cannot make, saying why', async () => {
    await expect(h.call('market.download', { account: 'paper', symbol: 'BTC/USDT', timeframe: '1m', since: 0 })).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'account' } });
    await expect(h.call('market.download', { account: 'bn', symbol: 'DOGE/USDT', timeframe: '1m', since: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h.call('market.download', { account: 'bn', symbol: 'ETH/USDT', timeframe: '1m', since: 'yesterday' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'since' } });
    await expect(h.call('market.download', { account: 'bn', symbol: 'ETH/USDT', timeframe: '1m', since: Date.now() + 3_600_000 })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'since' } });
    await expect(h.call('market.download', { account: 'bn', symbol: 'ETH/USDT', timeframe: '1m', since: 2000, until: 1000 })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'until' } });
  });
});
