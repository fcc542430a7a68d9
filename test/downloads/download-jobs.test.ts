import { describe, expect, it } from 'vitest';
import { TernError } from '../../src-common/contract/errors.js';
import type { DownloadJob } from '../../src-common/contract/schemas.js';
import { DownloadJobs } from '../../src-main/downloads/download-jobs.js';
import { type HistorySource, candlesOf } from '../../src-main/engine/data/candle-query.js';
import { dec } from '../../src-main/engine/model/decimal.js';
import { ManualClock, SequentialIds } from '../../src-main/engine/ports/clock.js';
import type { Bar } from '../../src-main/engine/ports/market-data.js';
import { FakeFeed } from '../helpers/fake-feed.js';

const MIN = 60_000;
const bar = (ts: number, close = '100'): Bar => ({ ts, open: dec(close), high: dec(close), low: dec(close), close: dec(close), volume: dec(1) });

/** a feed with a history the test releases page by page */
class HistoryFeed extends FakeFeed implements HistorySource {
  cached = new Map<number, Bar>();
  pages: Array<{ release: (fail?: Error) => void }> = [];
  async fetchHistory(req: Parameters<HistorySource['fetchHistory']>[0]) {
    const expected = Math.ceil(((req.until ?? 0) - req.since) / MIN);
    const progress = (done: boolean) => ({ cached: this.cached.size, expected, done });
    req.onProgress?.(progress(false));
    while (this.cached.size < expected) {
      await new Promise<void>((resolve, reject) => this.pages.push({ release: (fail) => (fail ? reject(fail) : resolve()) }));
      if (req.signal?.aborted) throw new Error('aborted');
      for (let i = 0; i < 10 && this.cached.size < expected; i++) this.cached.set(req.since + this.cached.size * MIN, bar(req.since + this.cached.size * MIN));
      req.onProgress?.(progress(false));
    }
    return progress(true);
  }
  cachedCandles(_symbol: string, _tf: string, from: number, to: number): Bar[] {
    return [...this.cached.values()].filter((b) => b.ts >= from && b.ts < to).sort((a, b) => a.ts - b.ts);
  }
}

function harness(feed: FakeFeed = new HistoryFeed([])) {
  const clock = new ManualClock(100 * MIN);
  const events: DownloadJob[] = [];
  const jobs = new DownloadJobs({ clock, ids: new SequentialIds('t'), publish: (j) => events.push(j), feed: () => feed });
  return { clock, events, jobs, feed: feed as HistoryFeed };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const params = { account: 'bn', symbol: 'BTC/USDT', timeframe: '1m' as const, since: 0, until: 25 * MIN };

describe('DownloadJobs', () => {
  it('runs a download as a job with monotonic progress; the same window while it runs is the same job', async () => {
    const { jobs, events, feed } = harness();
    const job = jobs.start(params);
    expect(job).toMatchObject({ status: 'running', fetched: 0, total_estimate: 25, progress: 0, since: new Date(0).toISOString() });
    expect(jobs.start(params).id).toBe(job.id);
    await settle();
    while (jobs.list()[0]!.status === 'running') {
      feed.pages.shift()?.release();
      await settle();
    }
    expect(jobs.list()).toEqual([expect.objectContaining({ id: job.id, status: 'done', fetched: 25, progress: 1 })]);
    const progress = events.map((e) => e.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(events.map((e) => e.fetched)).toEqual(expect.arrayContaining([10, 20, 25]));
  });

  it('a failed job keeps its error and resumes as the same job, without going back', async () => {
    const { jobs, feed } = harness();
    const job = jobs.start(params);
    await settle();
    feed.pages.shift()!.release();
    await settle();
    feed.pages.shift()!.release(new TernError('VENUE_UNAVAILABLE', 'fetchOHLCV: the exchange is not available'));
    await settle();
    expect(jobs.list()[0]).toMatchObject({ id: job.id, status: 'failed', fetched: 10, error: 'fetchOHLCV: the exchange is not available' });
    const again = jobs.start(params);
    expect(again).toMatchObject({ id: job.id, status: 'running', fetched: 10 });
    expect(again.error).toBeUndefined();
  });

  it('stop cancels running downloads', async () => {
    const { jobs, feed } = harness();
    jobs.start(params);
    await settle();
    jobs.stop();
    feed.pages.shift()!.release();
    await settle();
    expect(jobs.list()[0]).toMatchObject({ status: 'canceled', error: expect.stringMatching(/download again to resume/) });
    expect(() => jobs.start(params)).toThrow(/stopping/);
  });

  it('refuses an account without an exchange history, and a window in the future', () => {
    expect(() => harness(new FakeFeed([])).jobs.start(params)).toThrow(expect.objectContaining({ code: 'CONFLICT', details: { field: 'account' } }));
    const { jobs } = harness();
    expect(() => jobs.start({ ...params, since: 200 * MIN, until: undefined })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', details: { field: 'since' } }));
  });
});

describe('candlesOf (market.candles)', () => {
  it('without since: the newest candles of the feed, as before', () => {
    const feed = new HistoryFeed([]);
    for (let i = 0; i < 5; i++) feed.pushBar('BTC/USDT', bar(1000 * MIN + i * MIN));
    feed.cached.set(0, bar(0));
    expect(candlesOf(feed, { symbol: 'BTC/USDT', timeframe: '1m', limit: 3 }).map((b) => b.ts)).toEqual([1002, 1003, 1004].map((m) => m * MIN));
  });

  it('with since: the downloaded candles before the feed has any, then the feed’s', () => {
    const feed = new HistoryFeed([]);
    for (let i = 0; i < 3; i++) feed.cached.set(i * MIN, bar(i * MIN, '90'));
    feed.cached.set(3 * MIN, bar(3 * MIN, '91'));
    for (let i = 3; i < 6; i++) feed.pushBar('BTC/USDT', bar(i * MIN, '95'));
    const out = candlesOf(feed, { symbol: 'BTC/USDT', timeframe: '1m', limit: 5, since: MIN });
    expect(out.map((b) => [b.ts / MIN, b.close.toFixed()])).toEqual([
      [1, '90'],
      [2, '90'],
      [3, '95'], // the feed's own candle wins where it has one
      [4, '95'],
      [5, '95'],
    ]);
    expect(candlesOf(feed, { symbol: 'BTC/USDT', timeframe: '1m', limit: 5, since: MIN, until: 3 * MIN }).map((b) => b.ts / MIN)).toEqual([1, 2]);
    expect(candlesOf(new FakeFeed([]), { symbol: 'BTC/USDT', timeframe: '1m', limit: 5, since: MIN })).toEqual([]);
  });
});
